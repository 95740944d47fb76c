"""WAV files (16-bit PCM) with the standard library's wave module."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from frontline.audio.codec import pcm16_to_float


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """→ (float32 mono samples, sample rate). Stereo is averaged to mono."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM WAV is supported (got {8 * w.getsampwidth()}-bit)")
        rate, ch = w.getframerate(), w.getnchannels()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    if ch > 1:
        data = data.reshape(-1, ch).mean(axis=1).astype(np.int16)
    return pcm16_to_float(data), rate


def write_wav(path: str | Path, pcm16: np.ndarray, sample_rate: int) -> Path:
    """Write int16 samples; a 2-D (n, 2) array is written as stereo."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    arr = np.ascontiguousarray(pcm16, dtype="<i2")
    with wave.open(str(p), "wb") as w:
        w.setnchannels(1 if arr.ndim == 1 else arr.shape[1])
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(arr.tobytes())
    return p
