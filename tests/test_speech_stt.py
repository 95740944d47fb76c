"""STT smoke test on real models: synthesized questions through a phone line, WER ≤ 10%."""

from __future__ import annotations

import jiwer
import numpy as np

from frontline.audio.codec import pcm16_to_float, resample
from frontline.sim.call import render_line
from frontline.speech.models import shared_models

SENTENCES = [
    "How do I download a copy of my last invoice?",
    "I need to change the email address on my account.",
    "Why was my card declined when I tried to upgrade?",
    "Where can I find my API key?",
    "Is there an outage right now? Nothing is loading.",
    "How many people can I invite on the team plan?",
    "Can I speak to a person please?",
    "What are your support hours?",
]


def _norm(s: str) -> str:
    return jiwer.RemovePunctuation()(s.lower()).replace("-", " ").strip()


def test_stt_wer_on_phone_line_speech_is_under_ten_percent():
    models = shared_models()
    refs, hyps = [], []
    for voice in ("hibari-us", "piper-joe"):
        for s in SENTENCES:
            audio = pcm16_to_float(render_line(s, voice))
            hyps.append(models.stt.transcribe(resample(audio, 8000, 16000).astype(np.float32)).text)
            refs.append(s)
    wer = jiwer.wer([_norm(r) for r in refs], [_norm(h) for h in hyps])
    assert wer <= 0.10, f"WER {wer:.3f}: {list(zip(refs, hyps))}"


def test_stt_returns_empty_for_silence_and_too_short_audio():
    stt = shared_models().stt
    assert stt.transcribe(np.zeros(800, np.float32)).text == ""
    assert stt.transcribe(np.zeros(16000, np.float32)).text.strip() in ("", ".")
