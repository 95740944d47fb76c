"""The process-wide speech stack: models load once and are shared by every call.

Inference runs in bounded thread pools, one per stage, so a long transcription can never queue
behind (or in front of) the small VAD windows and TTS clauses of other calls:
  * vad  — 1 thread (a 32 ms window costs ~0.3 ms)
  * stt  — `stt_workers` threads (CTranslate2 releases the GIL; each uses `stt_threads` cores)
  * tts  — 2 threads
The event loop only awaits futures.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from frontline.speech.stt import WhisperSTT
from frontline.speech.tts import VOICES, load_tts
from frontline.speech.vad import SileroVAD

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class SpeechModels:
    vad: SileroVAD
    stt: WhisperSTT
    default_voice: str
    load_times_s: dict[str, float] = field(default_factory=dict)
    _tts: dict[str, Any] = field(default_factory=dict)
    _tts_lock: threading.Lock = field(default_factory=threading.Lock)
    stt_workers: int = 1

    def __post_init__(self) -> None:
        self.vad_pool = ThreadPoolExecutor(1, thread_name_prefix="vad")
        self.stt_pool = ThreadPoolExecutor(self.stt_workers, thread_name_prefix="stt")
        self.tts_pool = ThreadPoolExecutor(2, thread_name_prefix="tts")

    def tts(self, voice: str | None = None):
        """The TTS engine for `voice`, loaded on first use and then shared."""
        v = voice or self.default_voice
        eng = self._tts.get(v)
        if eng is None:
            with self._tts_lock:
                eng = self._tts.get(v)
                if eng is None:
                    t = time.perf_counter()
                    eng = load_tts(v)
                    self.load_times_s[f"tts:{v}"] = time.perf_counter() - t
                    self._tts[v] = eng
        return eng

    async def run(self, pool: ThreadPoolExecutor, fn: Callable[..., T], *args) -> T:
        return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)

    async def transcribe(self, audio: np.ndarray):
        return await self.run(self.stt_pool, self.stt.transcribe, audio)

    def shutdown(self) -> None:
        for p in (self.vad_pool, self.stt_pool, self.tts_pool):
            p.shutdown(wait=False, cancel_futures=True)


def load_speech_models(
    voice: str = "hibari-us", *, stt_threads: int = 2, stt_workers: int = 1, stt_mode: str = "fast"
) -> SpeechModels:
    if voice not in VOICES:
        raise ValueError(f"unknown voice {voice!r}; choose from {', '.join(VOICES)}")
    times: dict[str, float] = {}
    t = time.perf_counter()
    vad = SileroVAD()
    times["vad"] = time.perf_counter() - t
    t = time.perf_counter()
    stt = WhisperSTT(threads=stt_threads, workers=stt_workers, mode=stt_mode)
    stt.transcribe(np.zeros(16000, np.float32))  # warm up CTranslate2 (first call allocates)
    times["stt"] = time.perf_counter() - t
    models = SpeechModels(vad=vad, stt=stt, default_voice=voice, load_times_s=times, stt_workers=stt_workers)
    models.tts(voice)
    log.info("speech models loaded: %s", {k: round(v, 2) for k, v in models.load_times_s.items()})
    return models


_shared: SpeechModels | None = None
_shared_lock = threading.Lock()


def shared_models(voice: str = "hibari-us", **kw) -> SpeechModels:
    """One SpeechModels per process (servers, CLI, tests)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = load_speech_models(voice, **kw)
        return _shared
