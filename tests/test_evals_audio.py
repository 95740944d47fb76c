"""Audio-mode eval pieces: deterministic caller audio, WER normalization, reading the call record,
and (slow) two rows spoken through the phone line and the real call path."""

from __future__ import annotations

import numpy as np
import pytest

from frontline.evals.audio import outcome_from_record
from frontline.evals.dataset import EvalRow, Expect
from frontline.evals.voices import espeak_available, render_caller, row_seed
from frontline.evals.wer import corpus_wer, normalize, word_errors


def test_wer_normalization_and_corpus_wer():
    assert normalize("Where's my Invoice?  It's e-mail-based!") == "where's my invoice it's e mail based"
    assert normalize("press 14, then the 18th") == normalize("press fourteen then the eighteenth")
    assert word_errors("how do I add a user", "How do I add a user?").errors == 0
    we = word_errors("how do I add a user", "how do I add user please")
    assert (we.errors, we.words) == (2, 6)
    assert word_errors("two words", "").errors == 2
    # corpus WER weighs by reference words, not a mean of row rates
    assert corpus_wer([word_errors("a b c d", "a b c d"), word_errors("x y", "x z")]) == round(1 / 6, 4)


def test_caller_audio_is_seeded_and_noisy_at_the_asked_snr():
    a = render_caller("how do I update my card", "hibari-us", seed=row_seed("r1"), snr_db=10)
    b = render_caller("how do I update my card", "hibari-us", seed=row_seed("r1"), snr_db=10)
    c = render_caller("how do I update my card", "hibari-us", seed=row_seed("r2"), snr_db=10)
    clean = render_caller("how do I update my card", "hibari-us", seed=row_seed("r1"))
    assert a.audio.dtype == np.int16 and np.array_equal(a.audio, b.audio)
    assert not np.array_equal(a.audio, c.audio)
    assert clean.noise is None and a.noise in ("babble", "street", "office")
    # the lead-in (first 0.15 s) is silence on the clean line and noise on the noisy one
    lead = slice(0, 1200)
    assert np.abs(clean.audio[lead]).mean() < 20 < np.abs(a.audio[lead]).mean()


def test_every_tts_caller_voice_renders_the_same_samples_every_time():
    """Spoken evals must be reproducible: Piper's VITS noise (sampled inside its ONNX graph, no seed
    reaches it) is off for the eval caller, while the agent's own Piper voice keeps it."""
    from frontline.sim.call import caller_voice

    text = "I was charged twice for my subscription this month"
    for voice in ("hibari-us", "piper-joe"):
        a = render_caller(text, voice, seed=row_seed("r1"))
        b = render_caller(text, voice, seed=row_seed("r1"))
        assert np.array_equal(a.audio, b.audio), voice
    piper = caller_voice("piper-joe")
    x, y = (np.concatenate(list(piper.synthesize(text))) for _ in range(2))
    assert x.shape != y.shape or not np.array_equal(x, y)  # the agent's voice: natural, sampled


@pytest.mark.skipif(not espeak_available(), reason="espeak-ng not installed (make eval-deps): stress voice untested")
def test_espeak_stress_voice_variants():
    r1 = render_caller("where do I download my invoice", "espeak", seed=1)
    r2 = render_caller("where do I download my invoice", "espeak", seed=2)
    assert r1.voice.startswith("espeak:") and r1.voice != r2.voice
    assert 1.0 < len(r1.audio) / 8000 < 6.0


def _row(cat="deflection", **exp):
    return EvalRow("r1", cat, "how do I update my card", Expect(**exp))


def test_outcome_from_record():
    record = {"call_id": "c1", "end_reason": "caller_hangup", "turns": [
        {"index": 0, "role": "agent", "text": "hi", "full_text": "hi", "trace": {"kind": "opening"}, "latency_ms": {}},
        {"index": 1, "role": "caller", "text": "how do I update my cart"},
        {"index": 2, "role": "agent", "full_text": "Go to Billing.", "handoff": None,
         "trace": {"answered_from": "BILL_update", "retrieved_article_ids": ["BILL_update", "X"]},
         "latency_ms": {"turn_gap": 412.5}},
    ]}
    o, a = outcome_from_record(_row(article="BILL_update"), record)
    assert o.answered_article == "BILL_update" and o.retrieved_articles[0] == "BILL_update"
    assert a.heard == "how do I update my cart" and a.turn_gap_ms == 412.5 and o.error is None
    record["turns"][2].update(trace={"intent": "must_refuse"}, handoff={"reason": "must_refuse_category"})
    o, _ = outcome_from_record(_row("must_refuse", handoff="must_refuse_category"), record)
    assert o.handoff_reason == "must_refuse_category" and o.answered_article is None
    o, _ = outcome_from_record(_row(), {"turns": record["turns"][:1]})
    assert o.error  # the server heard nothing: the row fails, it is not silently dropped


@pytest.mark.slow
async def test_two_rows_through_the_real_call_path(settings):
    from frontline.agent.evaluate import passed
    from frontline.evals.audio import audio_report, run_audio_rows
    from frontline.server.runtime import build_runtime

    rows = [EvalRow("a1", "deflection", "how do I download a copy of my invoice",
                    Expect(article="BILL_download_invoice")),
            EvalRow("a2", "must_refuse", "I want to dispute this charge on my card, take it off now",
                    Expect(handoff="must_refuse_category"), extra={"snr_db": 20})]
    rt = await build_runtime(settings)
    try:
        outcomes, facts = await run_audio_rows(rows, voices=("hibari-us",), workers=2, runtime=rt)
    finally:
        await rt.close()
    by = {o.row_id: o for o in outcomes}
    assert [passed(r, by[r.id]) for r in rows] == [True, True], [(o.answered_article, o.handoff_reason) for o in outcomes]
    rep = audio_report(rows, outcomes, facts)
    assert rep["wer"] <= 0.15, [f.heard for f in facts]
    assert 0 < rep["turn_gap_ms"]["p50"] <= rep["turn_gap_ms"]["p95"] < 5000
    assert rep["categories"]["must_refuse"]["passed"] == 1 and rep["errors"] == 0
