"""A simulated phone caller that speaks the Twilio Media Streams protocol, as Twilio would.

It connects to `/twilio/media`, sends `connected` and `start`, then streams caller audio in real
time (20 ms μ-law frames, silence between lines, like a live call). For the agent's audio it behaves
like Twilio's media buffer: queued `media` plays out at real time, a `mark` is echoed when the
audio before it has played, and `clear` drops the buffer and echoes every pending mark at once.

Each caller line is spoken after the agent finishes its previous reply, or `barge_in_at_ms` into
the reply. The result holds a timeline (caller left, agent right) for call.wav, and per-line facts
the client can observe: when the caller's voice ended, when agent audio first arrived, when agent
audio stopped after a barge-in.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from dataclasses import dataclass, field

import numpy as np
import websockets

from frontline.audio.codec import pcm16_to_ulaw, ulaw_to_pcm16

FRAME = 160  # 20 ms at 8 kHz
FRAME_S = 0.02
SILENCE_ULAW = pcm16_to_ulaw(np.zeros(FRAME, np.int16))


@dataclass
class CallerLine:
    text: str  # what the caller says (for the report; may be "" for a WAV)
    audio: np.ndarray  # int16 at 8 kHz, as it leaves the phone line
    barge_in_at_ms: int | None = None  # start this line that long into the agent's reply
    dtmf: str | None = None  # press this key instead of speaking


@dataclass
class LineResult:
    text: str
    sent_at: float = 0.0  # monotonic: first frame of the line
    voice_end_at: float = 0.0  # monotonic: last frame of the line
    first_agent_audio_at: float | None = None  # first agent media received after voice_end
    barged_in: bool = False
    agent_audio_stopped_at: float | None = None  # last agent media received after we started speaking over it
    clear_received_at: float | None = None


@dataclass
class SimCallResult:
    call_sid: str
    stream_sid: str
    lines: list[LineResult] = field(default_factory=list)
    caller_track: list[bytes] = field(default_factory=list)  # one μ-law frame per 20 ms tick
    agent_track: list[bytes] = field(default_factory=list)  # what "played" on each tick
    clears: int = 0
    marks_echoed: int = 0
    closed_by_server: bool = False
    close_reason: str | None = None
    media_times: list[float] = field(default_factory=list)

    def agent_pcm(self) -> np.ndarray:
        return ulaw_to_pcm16(b"".join(self.agent_track)) if self.agent_track else np.zeros(0, np.int16)

    def stereo_pcm(self) -> np.ndarray:
        n = max(len(self.caller_track), len(self.agent_track))
        left = ulaw_to_pcm16(b"".join(self.caller_track + [SILENCE_ULAW] * (n - len(self.caller_track))))
        right = ulaw_to_pcm16(b"".join(self.agent_track + [SILENCE_ULAW] * (n - len(self.agent_track))))
        return np.stack([left, right], axis=1)


class _TwilioBuffer:
    """Twilio's side of the outbound stream: a play-out buffer with marks."""

    def __init__(self) -> None:
        self.audio = bytearray()
        self.items: list[tuple[int, str]] = []  # (byte position in `audio` at which the mark fires, name)
        self.pos = 0
        self.last_media_at: float | None = None

    def add_media(self, payload: bytes) -> None:
        self.audio += payload
        self.last_media_at = time.monotonic()

    def add_mark(self, name: str) -> None:
        self.items.append((len(self.audio), name))

    def tick(self) -> tuple[bytes, list[str]]:
        """Play 20 ms; return what played and the marks whose audio has now finished."""
        chunk = bytes(self.audio[self.pos : self.pos + FRAME])
        self.pos += len(chunk)
        fired = [n for p, n in self.items if p <= self.pos]
        self.items = [(p, n) for p, n in self.items if p > self.pos]
        if self.pos > 64_000:  # keep memory flat on long calls
            del self.audio[: self.pos]
            self.items = [(p - self.pos, n) for p, n in self.items]
            self.pos = 0
        return chunk, fired

    def clear(self) -> list[str]:
        del self.audio[self.pos :]
        fired = [n for _, n in self.items]
        self.items = []
        return fired

    @property
    def buffered(self) -> int:
        return len(self.audio) - self.pos


async def run_call(
    url: str,
    lines: list[CallerLine],
    *,
    pause_ms: int = 600,
    reply_timeout_s: float = 20.0,
    custom_parameters: dict | None = None,
    hangup_at_end: bool = True,
    tail_s: float = 0.5,
) -> SimCallResult:
    call_sid = "CA" + uuid.uuid4().hex
    stream_sid = "MZ" + uuid.uuid4().hex
    res = SimCallResult(call_sid=call_sid, stream_sid=stream_sid)
    buf = _TwilioBuffer()
    state = {"agent_audio_since": None, "current": None}

    async with websockets.connect(url, max_size=2**20) as ws:
        send_lock = asyncio.Lock()

        async def send(obj: dict) -> None:
            async with send_lock:
                await ws.send(json.dumps(obj))

        await send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        await send({
            "event": "start", "sequenceNumber": "1", "streamSid": stream_sid,
            "start": {
                "accountSid": "AC" + "0" * 32, "streamSid": stream_sid, "callSid": call_sid,
                "tracks": ["inbound"], "customParameters": custom_parameters or {},
                "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
            },
        })
        seq = 2
        chunk_no = 0
        t0 = time.monotonic()

        async def receiver() -> None:
            try:
                async for raw in ws:
                    m = json.loads(raw)
                    ev = m.get("event")
                    if ev == "media":
                        buf.add_media(base64.b64decode(m["media"]["payload"]))
                        res.media_times.append(time.monotonic())
                        cur: LineResult | None = state["current"]
                        now = time.monotonic()
                        if cur is not None and cur.voice_end_at and cur.first_agent_audio_at is None:
                            cur.first_agent_audio_at = now
                        if cur is not None and cur.barged_in:
                            cur.agent_audio_stopped_at = now
                    elif ev == "mark":
                        buf.add_mark(m["mark"]["name"])
                    elif ev == "clear":
                        res.clears += 1
                        cur = state["current"]
                        if cur is not None and cur.clear_received_at is None:
                            cur.clear_received_at = time.monotonic()
                        for name in buf.clear():
                            await send({"event": "mark", "streamSid": stream_sid, "mark": {"name": name}})
                            res.marks_echoed += 1
            except websockets.ConnectionClosed as e:
                res.closed_by_server = True
                res.close_reason = e.reason if hasattr(e, "reason") else str(e)

        recv_task = asyncio.create_task(receiver())
        queue: list[bytes] = []  # caller frames waiting to be sent on upcoming ticks

        async def tick_loop(stop: asyncio.Event) -> None:
            """The 20 ms clock: send one caller frame, play one agent frame, echo finished marks."""
            nonlocal seq, chunk_no
            tick = 0
            while not stop.is_set() and not res.closed_by_server:
                target = t0 + tick * FRAME_S
                delay = target - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                frame = queue.pop(0) if queue else SILENCE_ULAW
                chunk_no += 1
                seq += 1
                try:
                    await send({
                        "event": "media", "sequenceNumber": str(seq), "streamSid": stream_sid,
                        "media": {"track": "inbound", "chunk": str(chunk_no), "timestamp": str(tick * 20),
                                  "payload": base64.b64encode(frame).decode()},
                    })
                    played, fired = buf.tick()
                    for name in fired:
                        await send({"event": "mark", "streamSid": stream_sid, "mark": {"name": name}})
                        res.marks_echoed += 1
                except websockets.ConnectionClosed:
                    res.closed_by_server = True
                    return
                res.caller_track.append(frame)
                res.agent_track.append(played + SILENCE_ULAW[: FRAME - len(played)])
                tick += 1

        stop = asyncio.Event()
        clock = asyncio.create_task(tick_loop(stop))

        async def agent_quiet(min_quiet_s: float = 0.7, need_audio_after: float | None = None) -> None:
            """Wait until the agent has replied (audio after `need_audio_after`) and gone quiet."""
            deadline = time.monotonic() + reply_timeout_s
            while time.monotonic() < deadline and not res.closed_by_server:
                last = buf.last_media_at
                got_reply = last is not None and (need_audio_after is None or last > need_audio_after)
                if got_reply and buf.buffered == 0 and time.monotonic() - last >= min_quiet_s:
                    return
                await asyncio.sleep(0.05)

        await agent_quiet()  # the greeting
        prev_end: float | None = None
        for line in lines:
            if res.closed_by_server:
                break
            if line.barge_in_at_ms is not None and prev_end is not None:
                # wait for the reply to start, then talk over it
                deadline = time.monotonic() + reply_timeout_s
                while time.monotonic() < deadline and not (buf.last_media_at and buf.last_media_at > prev_end):
                    await asyncio.sleep(0.01)
                await asyncio.sleep(line.barge_in_at_ms / 1000)
                if state["current"] is not None:
                    state["current"].barged_in = True
            elif prev_end is not None:
                await agent_quiet(need_audio_after=prev_end)
                await asyncio.sleep(pause_ms / 1000)
            lr = LineResult(text=line.text)
            res.lines.append(lr)
            if line.dtmf:
                lr.sent_at = lr.voice_end_at = time.monotonic()
                await send({"event": "dtmf", "streamSid": stream_sid, "sequenceNumber": str(seq + 1),
                            "dtmf": {"track": "inbound_track", "digit": line.dtmf}})
            else:
                ulaw = pcm16_to_ulaw(line.audio)
                frames = [ulaw[i : i + FRAME].ljust(FRAME, SILENCE_ULAW[:1]) for i in range(0, len(ulaw), FRAME)]
                lr.sent_at = time.monotonic()
                queue.extend(frames)
                while queue and not res.closed_by_server:
                    await asyncio.sleep(0.01)
                lr.voice_end_at = time.monotonic()
            prev_end = lr.voice_end_at
            state["current"] = lr
        if lines and not res.closed_by_server:
            await agent_quiet(need_audio_after=prev_end)
        tail_end = time.monotonic() + tail_s
        while time.monotonic() < tail_end and not res.closed_by_server:
            await asyncio.sleep(0.05)
        stop.set()
        await clock
        if hangup_at_end and not res.closed_by_server:
            try:
                await send({"event": "stop", "sequenceNumber": str(seq + 1), "streamSid": stream_sid,
                            "stop": {"accountSid": "AC" + "0" * 32, "callSid": call_sid}})
            except websockets.ConnectionClosed:
                pass
        try:
            await asyncio.wait_for(recv_task, 5)
        except asyncio.TimeoutError:
            recv_task.cancel()
    return res
