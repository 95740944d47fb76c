"""`frontline eval hear`: eval rows as the phone-line STT hears them
(real TTS voices, the real phone line, the bundled Whisper)."""

from __future__ import annotations

import json

from frontline.evals.dataset import EvalRow, Expect, load_eval
from frontline.evals.heard import hear_rows, write_heard
from frontline.evals.wer import word_errors

ROWS = [
    EvalRow("h1", "must_refuse", "I want a refund for last month", Expect(handoff="must_refuse_category")),
    EvalRow("h2", "deflection", "how do I change my password", Expect(article="ACCT_reset_password"),
            extra={"suite": "x"}),
]


def test_heard_rows_are_an_eval_file_with_the_transcript_as_text(tmp_path):
    out = tmp_path / "heard.jsonl"
    assert write_heard(ROWS, out, voices=("hibari-us",)) == 2
    rows = load_eval(out)  # the output is a valid eval file
    assert [r.id for r in rows] == ["h1", "h2"]
    assert rows[0].expect == ROWS[0].expect and rows[1].expect.article == "ACCT_reset_password"
    raw = [json.loads(line) for line in out.read_text().splitlines()]
    assert raw[0]["spoken"] == ROWS[0].text and raw[0]["voice"] == "hibari-us" and raw[1]["suite"] == "x"
    # a clear synthetic voice on a clean line is transcribed nearly verbatim
    for r, orig in zip(rows, ROWS):
        assert word_errors(orig.text, r.text).wer <= 0.34, (orig.text, r.text)


def test_all_voices_gives_one_uniquely_named_row_per_voice():
    got = list(hear_rows(ROWS[:1], voices=("hibari-us", "piper-joe"), all_voices=True))
    assert [g["id"] for g in got] == ["h1@hibari-us", "h1@piper-joe"]
    assert {g["voice"] for g in got} == {"hibari-us", "piper-joe"}



def test_a_rows_own_snr_is_used_as_in_audio_mode():
    row = EvalRow("h3", "deflection", "how do I change my password", Expect(article="ACCT_reset_password"),
                  extra={"snr_db": 10})
    got = list(hear_rows([row], voices=("hibari-us",)))[0]
    assert got["snr_db"] == 10.0 and got["noise"] in ("babble", "street", "office")
    assert "noise" not in list(hear_rows(ROWS[:1], voices=("hibari-us",)))[0]
