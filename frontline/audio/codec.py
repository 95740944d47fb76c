"""Sample formats at the transport edge: G.711 μ-law, PCM16, float32, and resampling.

μ-law uses the standard library's G.711 codec (`audioop`; `audioop-lts` on Python ≥ 3.13);
resampling uses libsoxr (`soxr`). Nothing here is hand-rolled DSP.
"""

from __future__ import annotations

import warnings

import numpy as np
import soxr

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop  # noqa: E402  (stdlib through 3.12; provided by audioop-lts afterwards)

MULAW_RATE = 8000


def ulaw_to_pcm16(data: bytes) -> np.ndarray:
    """G.711 μ-law bytes → int16 samples (one byte per sample)."""
    return np.frombuffer(audioop.ulaw2lin(data, 2), dtype="<i2")


def pcm16_to_ulaw(pcm: np.ndarray) -> bytes:
    """int16 samples → G.711 μ-law bytes."""
    return audioop.lin2ulaw(np.ascontiguousarray(pcm, dtype="<i2").tobytes(), 2)


def float_to_pcm16(x: np.ndarray) -> np.ndarray:
    return (np.clip(x, -1.0, 1.0) * 32767.0).astype(np.int16)


def pcm16_to_float(x: np.ndarray) -> np.ndarray:
    return x.astype(np.float32) / 32768.0


def resample(x: np.ndarray, src: int, dst: int) -> np.ndarray:
    """Resample a mono float32 or int16 signal (same dtype out)."""
    if src == dst or len(x) == 0:
        return x
    return soxr.resample(x, src, dst, quality="HQ")


class StreamResampler:
    """Chunk-by-chunk resampling for live audio (keeps filter state between frames)."""

    def __init__(self, src: int, dst: int, dtype: str = "float32"):
        self.src, self.dst = src, dst
        self._rs = None if src == dst else soxr.ResampleStream(src, dst, 1, dtype=dtype, quality="HQ")

    def __call__(self, x: np.ndarray, last: bool = False) -> np.ndarray:
        if self._rs is None:
            return x
        return self._rs.resample_chunk(x, last=last)
