"""Caller audio for spoken evals: a rotation of local voices, then the phone line.

Voices: `hibari-us`, `hibari-gb`, `piper-joe` (the project's TTS engines, frontline.sim.call) and
`espeak` — espeak-ng (Debian package `espeak-ng`, `make eval-deps`) in accented / robotic variants
as the stress voice. Each espeak rendering picks a variant and a speaking rate from the row's seed.

Every random choice is seeded: a row's seed is crc32 of its id, so the same row gets the same
voice variant, the same noise kind and the same noise samples on every run and in any slice, and
the same audio: hibari is seeded, espeak-ng is deterministic, and `piper-joe` renders with its VITS
sampling noise off (`exact=True`). Piper samples that noise inside its ONNX graph, where no seed
reaches; with it on, 23 of the frozen eval's 52 piper rows were transcribed differently across two
renders (hibari and espeak: 0 of 201), enough to move the spoken gate by a row or two run to run.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
import zlib
from dataclasses import dataclass

import numpy as np

from frontline.audio.codec import pcm16_to_float
from frontline.audio.phone_line import phone_line

TTS_VOICES = ("hibari-us", "hibari-gb", "piper-joe")
DEFAULT_VOICES = (*TTS_VOICES, "espeak")
# accented / robotic espeak-ng variants: (voice, words per minute)
ESPEAK_VARIANTS = (
    ("en-us+m3", 165),
    ("en-gb-scotland", 150),
    ("en+f2", 175),
    ("en-029", 150),
    ("en-gb-x-gbcwmd+m1", 160),
    ("en-us+f3", 140),
)
NOISES = ("babble", "street", "office")


class VoiceUnavailable(RuntimeError):
    """A caller voice that cannot be rendered here (e.g. espeak-ng not installed)."""


def row_seed(row_id: str) -> int:
    return zlib.crc32(row_id.encode("utf-8"))


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def espeak_render(text: str, variant: str, wpm: int) -> tuple[np.ndarray, int]:
    """float32 audio and its rate from espeak-ng (its WAV on stdout has a streaming header)."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise VoiceUnavailable("espeak-ng is not installed: `make eval-deps` (apt-get install espeak-ng)")
    out = subprocess.run([exe, "-v", variant, "-s", str(wpm), "--stdout", text],
                         capture_output=True, check=True, timeout=30).stdout
    with wave.open(io.BytesIO(out)) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), np.int16)
    return pcm16_to_float(pcm), rate


@dataclass(frozen=True)
class Rendering:
    voice: str  # e.g. "hibari-gb" or "espeak:en-gb-scotland@150"
    noise: str | None
    snr_db: float | None
    audio: np.ndarray  # int16, 8 kHz, after the phone line


def choose_voice(row_index: int, row_voice: str | None, voices: tuple[str, ...]) -> str:
    """The row's own voice when it names one, else the rotation by position in the eval file."""
    if row_voice:
        return row_voice
    return voices[row_index % len(voices)]


def render_caller(text: str, voice: str, *, seed: int, snr_db: float | None = None,
                  noise: str | None = None) -> Rendering:
    """`text` spoken by `voice`, through the phone line (8 kHz μ-law, 300–3400 Hz, noise at snr_db)."""
    if voice == "espeak" or voice.startswith("espeak:"):
        if voice == "espeak":
            variant, wpm = ESPEAK_VARIANTS[seed % len(ESPEAK_VARIANTS)]
        else:
            spec = voice.split(":", 1)[1]
            variant, _, w = spec.partition("@")
            wpm = int(w or 160)
        audio, rate = espeak_render(text, variant, wpm)
        name = f"espeak:{variant}@{wpm}"
    elif voice in TTS_VOICES:
        from frontline.sim.call import caller_voice

        tts = caller_voice(voice)
        audio, rate, name = np.concatenate(list(tts.synthesize(text, exact=True))), tts.sample_rate, voice
    else:
        raise VoiceUnavailable(f"unknown caller voice {voice!r}; choose from {', '.join(DEFAULT_VOICES)}")
    kind = (noise or NOISES[(seed // 7) % len(NOISES)]) if snr_db is not None else None
    # a short lead-in of silence, as on a real line, so VAD sees the onset
    audio = np.concatenate([np.zeros(int(0.2 * rate), np.float32), audio.astype(np.float32)])
    pcm = phone_line(audio, rate, snr_db=snr_db, noise=kind or "babble", seed=seed)
    return Rendering(voice=name, noise=kind, snr_db=snr_db, audio=pcm)
