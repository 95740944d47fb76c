"""STT on real recorded human speech (Debian asterisk-core-sounds-en) through the phone line."""

from __future__ import annotations

import pytest

from frontline.evals.asr import AsrUnavailable, corpus_items, read_index


def _have() -> bool:
    try:
        corpus_items(1)
        return True
    except AsrUnavailable:
        return False


def test_index_parsing(tmp_path):
    f = tmp_path / "core-sounds-en.txt"
    f.write_text("; header\n\nbeep: [this is a simple beep tone]\nagent-pass: Please enter your password [pause] "
                 "followed by the pound key.\n", encoding="utf-8")
    idx = read_index(f)
    assert "beep" not in idx  # a sound description only
    assert idx["agent-pass"].split() == "Please enter your password followed by the pound key.".split()


@pytest.mark.skipif(not _have(), reason="SKIPPED LOUDLY: asterisk core sounds not installed (make eval-deps); "
                                        "the real-human-speech ASR eval did not run")
def test_stt_on_real_human_speech():
    from frontline.evals.asr import run_asr

    rep = run_asr(limit=12)
    assert rep["n"] == 12 and rep["words"] > 30
    assert rep["wer"] < 0.25, [(i["reference"], i["heard"]) for i in rep["items"] if i["wer"] > 0]
    # the same items every time (evenly spaced over the sorted index)
    assert [i["file"] for i in rep["items"]] == [p.name for p, _ in corpus_items(12)]
