"""A simulated telephone channel: 300–3400 Hz band, 8 kHz G.711 μ-law, optional noise at an SNR.

Used to make synthetic caller audio sound like it came over a phone (frontline call, evals, benchmarks).
Filtering uses scipy.signal (Butterworth band-pass); noise is generated deterministically from a seed.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

from frontline.audio.codec import MULAW_RATE, float_to_pcm16, pcm16_to_float, pcm16_to_ulaw, resample, ulaw_to_pcm16

_BAND = signal.butter(4, [300, 3400], btype="bandpass", fs=MULAW_RATE, output="sos")
NOISE_KINDS = ("white", "babble", "street", "office")


def make_noise(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Generated background noise (float32, unit-ish RMS). babble = summed modulated bands."""
    if kind == "white":
        x = rng.standard_normal(n)
    elif kind == "street":  # low-frequency rumble (brown-ish noise)
        x = np.cumsum(rng.standard_normal(n))
        x = signal.sosfilt(signal.butter(2, 20, btype="highpass", fs=MULAW_RATE, output="sos"), x)
    elif kind == "office":  # pink-ish hum + keyboard clicks
        x = signal.sosfilt(signal.butter(1, 800, fs=MULAW_RATE, output="sos"), rng.standard_normal(n))
        clicks = (rng.random(n) < 0.002) * rng.standard_normal(n) * 8
        x = x + clicks
    elif kind == "babble":  # several speech-band noise sources with syllabic (4 Hz) envelopes
        t = np.arange(n) / MULAW_RATE
        x = np.zeros(n)
        sos = signal.butter(2, [200, 2500], btype="bandpass", fs=MULAW_RATE, output="sos")
        for _ in range(6):
            env = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(2.5, 5.5) * t + rng.uniform(0, 6.28))
            x += signal.sosfilt(sos, rng.standard_normal(n)) * env
    else:
        raise ValueError(f"unknown noise kind {kind!r}; choose from {NOISE_KINDS}")
    x = x.astype(np.float32)
    rms = float(np.sqrt(np.mean(x**2))) or 1.0
    return x / rms


def phone_line(
    audio: np.ndarray,
    sample_rate: int,
    *,
    snr_db: float | None = None,
    noise: str = "babble",
    seed: int = 0,
) -> np.ndarray:
    """float32 audio at any rate → int16 8 kHz audio as it arrives from a phone call (band-limited, μ-law)."""
    x = resample(audio.astype(np.float32), sample_rate, MULAW_RATE)
    x = signal.sosfilt(_BAND, x).astype(np.float32)
    if snr_db is not None:
        rng = np.random.default_rng(seed)
        speech_rms = float(np.sqrt(np.mean(x**2))) or 1e-4
        x = x + make_noise(noise, len(x), rng) * speech_rms / (10 ** (snr_db / 20))
    peak = float(np.max(np.abs(x))) if len(x) else 0.0
    if peak > 0.99:
        x = x * (0.99 / peak)
    return ulaw_to_pcm16(pcm16_to_ulaw(float_to_pcm16(x)))


def to_float(pcm16: np.ndarray) -> np.ndarray:
    return pcm16_to_float(pcm16)
