"""Outbound audio pacing and "what did the caller actually hear" accounting.

Agent audio is sent in 20 ms frames, paced in real time with a small lead (the far end buffers
`lead_ms` ahead), so a barge-in `clear` only has to discard that lead. Every frame carries a unique
mark; the far end echoes a mark when the audio before it has *played*. Heard position per segment
comes only from those echoes.

`clear` makes Twilio echo every outstanding mark at once, so an echo does not prove the audio was
heard. Each clear starts a new *generation*: marks carry their generation in the name, and echoes
from an older generation (or unknown names) are ignored. This is the failure the official Twilio
sample has with a single reused mark name (see shared/reference/PROTOCOLS.md §1.5).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable

import numpy as np

log = logging.getLogger(__name__)

SendFrame = Callable[[np.ndarray, str], Awaitable[None]]  # (int16 frame, mark name)
SendClear = Callable[[], Awaitable[None]]


class PacedPlayback:
    def __init__(
        self,
        send_frame: SendFrame,
        send_clear: SendClear,
        *,
        sample_rate: int = 8000,
        frame_ms: int = 20,
        lead_ms: int = 100,
        max_pending_marks: int = 10_000,
    ):
        self.sample_rate = sample_rate
        self.frame = sample_rate * frame_ms // 1000
        self.frame_ms = frame_ms
        self.lead_ms = lead_ms
        self._send_frame, self._send_clear = send_frame, send_clear
        self._queue: deque[tuple[str, np.ndarray, int]] = deque()  # (segment, frame, end sample in segment)
        self._seg_sent: dict[str, int] = {}
        self._heard: dict[str, int] = {}
        self._pending: dict[str, tuple[str, int]] = {}  # mark name -> (segment, end sample)
        self._gen = 0
        self._seq = itertools.count(1)
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task | None = None
        self._closed = False
        self._paused = False
        self.max_pending_marks = max_pending_marks
        self.first_send_at: dict[str, float] = {}  # segment -> monotonic time its first frame hit the wire
        self.stale_marks = 0
        self.unknown_marks = 0

    # -- producer side ------------------------------------------------------------------------
    def enqueue(self, segment_id: str, pcm: np.ndarray) -> None:
        pcm = np.asarray(pcm, dtype=np.int16)
        pos = self._seg_sent.get(segment_id, 0)
        for i in range(0, len(pcm), self.frame):
            f = pcm[i : i + self.frame]
            end = pos + i + len(f)  # samples of this segment played once this frame has played
            if len(f) < self.frame:
                f = np.concatenate([f, np.zeros(self.frame - len(f), np.int16)])
            self._queue.append((segment_id, f, end))
        self._seg_sent[segment_id] = pos + len(pcm)
        self._heard.setdefault(segment_id, 0)
        self._idle.clear()
        self._wake.set()
        if self._task is None:
            self._task = asyncio.create_task(self._pace(), name="playback-pacer")

    @property
    def queued_ms(self) -> float:
        return len(self._queue) * self.frame_ms

    @property
    def playing(self) -> bool:
        return bool(self._queue or self._pending)

    def heard_samples(self, segment_id: str) -> int:
        return self._heard.get(segment_id, 0)

    def sent_samples(self, segment_id: str) -> int:
        return self._seg_sent.get(segment_id, 0)

    async def wait_played(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
            return True
        except asyncio.TimeoutError:
            return False

    async def clear(self) -> None:
        """Drop queued audio, tell the far end to flush, and ignore every mark sent so far."""
        self._queue.clear()
        self._pending.clear()
        self._gen += 1
        self._paused = False
        self._idle.set()
        await self._send_clear()

    def close(self) -> None:
        self._closed = True
        self._queue.clear()
        self._pending.clear()
        self._idle.set()
        if self._task:
            self._task.cancel()

    def pause(self) -> None:
        """Stop sending (the caller may be starting to talk); queued audio is kept."""
        self._paused = True

    def resume(self) -> None:
        if self._paused:
            self._paused = False
            self._wake.set()

    # -- far-end acknowledgements -------------------------------------------------------------
    def on_mark(self, name: str) -> None:
        entry = self._pending.pop(name, None)
        if entry is None:
            gen = name.split(":", 1)[0]
            if gen.isdigit() and int(gen) < self._gen:
                self.stale_marks += 1
            else:
                self.unknown_marks += 1
            return
        seg, end = entry
        if end > self._heard.get(seg, 0):
            self._heard[seg] = end
        # marks are echoed in order: anything sent before this one has played too
        for older in [k for k, (s, e) in self._pending.items() if self._mark_seq(k) < self._mark_seq(name)]:
            s, e = self._pending.pop(older)
            self._heard[s] = max(self._heard.get(s, 0), e)
        if not self._pending and not self._queue:
            self._idle.set()

    def on_position(self, segment_id: str, heard_samples: int) -> None:
        """For transports that report playback position directly (the browser softphone)."""
        if segment_id in self._seg_sent:
            self._heard[segment_id] = max(self._heard.get(segment_id, 0), min(heard_samples, self._seg_sent[segment_id]))

    @staticmethod
    def _mark_seq(name: str) -> int:
        try:
            return int(name.rsplit(":", 1)[1])
        except (IndexError, ValueError):
            return -1

    # -- pacer ---------------------------------------------------------------------------------
    async def _pace(self) -> None:
        start: float | None = None
        sent_ms = 0.0
        try:
            while not self._closed:
                if self._paused:
                    start = None  # the clock restarts when sending resumes
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                if not self._queue:
                    start = None
                    self._wake.clear()
                    if not self._pending:
                        self._idle.set()
                    await self._wake.wait()
                    continue
                now = time.monotonic()
                if start is None:
                    start, sent_ms = now, 0.0
                ahead = sent_ms - (now - start) * 1000.0
                if ahead > self.lead_ms:
                    await asyncio.sleep((ahead - self.lead_ms) / 1000.0)
                    continue
                if ahead < -self.frame_ms * 5:  # we fell behind (starved): restart the clock
                    start, sent_ms = now, 0.0
                seg, frame, end = self._queue.popleft()
                name = f"{self._gen}:{next(self._seq)}"
                if len(self._pending) < self.max_pending_marks:
                    self._pending[name] = (seg, end)
                self.first_send_at.setdefault(seg, time.monotonic())
                await self._send_frame(frame, name)
                sent_ms += self.frame_ms
        except asyncio.CancelledError:
            pass
        except Exception:  # the socket went away: stop pacing, the session notices the close
            log.warning("playback pacer stopped", exc_info=True)
            self._closed = True
            self._idle.set()


class PacedTransport:
    """The Transport methods every paced transport shares (Twilio media stream, browser softphone).

    A subclass sends one frame (`_send_frame(frame, mark)`) and a flush (`_send_clear()`) in its own
    wire format and calls `_init_playback(...)` from its constructor; pacing, marks, heard-audio
    accounting, backpressure, output hold and the transfer/hang-up hooks live here once.
    """

    out_sample_rate: int
    max_queued_ms = 1500  # backpressure: TTS runs ahead of the wire by at most this much

    def _init_playback(self, *, sample_rate: int, lead_ms: int, transfer=None, hangup=None) -> None:
        self._transfer, self._hangup = transfer, hangup
        self.playback = PacedPlayback(self._send_frame, self._send_clear, sample_rate=sample_rate, lead_ms=lead_ms)

    async def _send_frame(self, frame: np.ndarray, mark: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    async def _send_clear(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    async def play(self, segment_id: str, pcm: np.ndarray) -> None:
        self.playback.enqueue(segment_id, pcm)
        while self.playback.queued_ms > self.max_queued_ms:
            await asyncio.sleep(0.02)

    async def clear(self) -> None:
        await self.playback.clear()

    def pause_output(self) -> None:
        self.playback.pause()

    def resume_output(self) -> None:
        self.playback.resume()

    def heard_samples(self, segment_id: str) -> int:
        return self.playback.heard_samples(segment_id)

    @property
    def playing(self) -> bool:
        return self.playback.playing

    async def wait_played(self, timeout: float) -> bool:
        return await self.playback.wait_played(timeout)

    async def transfer(self, handoff, twiml_hint: str | None = None) -> None:
        if self._transfer is None:
            log.warning("%s: handoff %s but no transfer is configured", type(self).__name__, handoff.reason)
            return
        await self._transfer(handoff)

    async def hangup(self) -> None:
        if self._hangup is not None:
            await self._hangup()

    def close(self) -> None:
        self.playback.close()
