"""Bad input on WS /twilio/media, over a real loopback websocket against the real server and the
real call core: each case is logged and ignored, or the stream is closed with a clear reason —
never a crash, never a stuck session, never a lost call record (the stored record is checked).
Also: hang-up mid-utterance (`stop`) and a dropped socket leave a complete record."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from types import SimpleNamespace

import pytest
import websockets

from frontline.audio.codec import pcm16_to_ulaw
from frontline.server.app import create_app
from frontline.server.local import serve_in_process
from frontline.server.runtime import build_runtime

import numpy as np

SILENCE = base64.b64encode(pcm16_to_ulaw(np.zeros(160, np.int16))).decode()


@pytest.fixture(scope="module")
async def rt(settings):
    runtime = await build_runtime(settings)
    yield runtime
    await runtime.close()


@pytest.fixture(scope="module")
async def server(rt):
    async with serve_in_process(create_app(rt)) as base:
        yield base.replace("http://", "ws://") + "/twilio/media"


class Stream:
    """A hand-driven Twilio stream: we choose exactly what goes on the wire."""

    def __init__(self, ws, echo_marks: bool = False):
        self.ws = ws
        self.echo_marks = echo_marks
        self.call_sid = "CA" + uuid.uuid4().hex
        self.sid = "MZ" + uuid.uuid4().hex
        self.received: list[dict] = []
        self.closed: websockets.ConnectionClosed | None = None
        self._task = asyncio.create_task(self._recv())

    async def _recv(self):
        try:
            async for raw in self.ws:
                m = json.loads(raw)
                self.received.append(m)
                if self.echo_marks and m.get("event") == "mark":  # "played" as soon as it arrives (paced)
                    await self.send(m)
        except websockets.ConnectionClosed as e:
            self.closed = e
        else:  # a normal close (1000/1001) ends iteration without an exception
            self.closed = SimpleNamespace(rcvd=self.ws.protocol.close_rcvd)

    async def send(self, obj) -> None:
        await self.ws.send(obj if isinstance(obj, (str, bytes)) else json.dumps(obj))

    async def start(self, sid: str | None = None, call_sid: str | None = None) -> None:
        sid = sid or self.sid
        await self.send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        await self.send({"event": "start", "sequenceNumber": "1", "streamSid": sid, "start": {
            "accountSid": "AC" + "0" * 32, "streamSid": sid, "callSid": call_sid or self.call_sid,
            "tracks": ["inbound"], "customParameters": {},
            "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}})

    async def silence(self, n: int) -> None:
        for i in range(n):
            await self.send({"event": "media", "streamSid": self.sid,
                             "media": {"track": "inbound", "chunk": str(i + 1), "timestamp": str(i * 20),
                                       "payload": SILENCE}})
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        await self.send({"event": "stop", "streamSid": self.sid,
                         "stop": {"accountSid": "AC" + "0" * 32, "callSid": self.call_sid}})

    def media_count(self) -> int:
        return sum(1 for m in self.received if m.get("event") == "media")

    async def wait_closed(self, timeout: float = 10) -> websockets.ConnectionClosed | None:
        await asyncio.wait_for(self._task, timeout)
        return self.closed


async def stored(rt, call_sid: str, timeout: float = 20) -> tuple[dict, dict]:
    """The stored call (CallStore.load) and its meta, once the server has ended and saved it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rec = rt.find_call(call_sid)
        if rec is not None and rec.ended_at is not None and rec.meta.get("stored"):
            assert rec.meta["stored"] == "db", rec.meta["stored"]
            call = await rt.store.load(rec.call_id)
            async with rt.db.pool.connection() as conn:
                (meta,) = await (await conn.execute("SELECT meta FROM calls WHERE call_id = %s",
                                                    (rec.call_id,))).fetchone()
            assert call is not None
            return call, meta
        await asyncio.sleep(0.05)
    raise AssertionError(f"call {call_sid} was never stored")


async def assert_alive(s: Stream) -> None:
    """The session still runs: greeting audio keeps flowing after the bad frames."""
    before = s.media_count()
    await s.silence(15)
    assert s.closed is None
    assert s.media_count() > before, "no agent audio after the bad frames: the session is stuck"


BAD = {
    "malformed_json": (["{not json", '{"event": "media", ', "[1, 2, 3]", '"just a string"'], "malformed JSON"),
    "unknown_event": ([{"event": "transcription", "streamSid": "X"}, {"event": None}, {"foo": 1}], "unknown event"),
    "invalid_base64": ("invalid_base64", "invalid base64"),
    "wrong_stream_sid": ("wrong_stream_sid", "unknown streamSid"),
    "binary_frame": ([b"\x00\x01\x02" * 100], "binary frame"),
}


@pytest.mark.parametrize("case", list(BAD))
async def test_bad_frames_are_logged_and_ignored(rt, server, caplog, case):
    frames, why = BAD[case]
    async with websockets.connect(server) as ws:
        s = Stream(ws)
        await s.start()
        await s.silence(5)
        if frames == "invalid_base64":
            frames = [{"event": "media", "streamSid": s.sid, "media": {"track": "inbound", "payload": p}}
                      for p in ("!!!not base64!!!", "abc", None, 12345)]
        elif frames == "wrong_stream_sid":
            frames = [{"event": ev, "streamSid": "MZ" + "f" * 32, "media": {"payload": SILENCE}, "mark": {"name": "1:1"},
                       "dtmf": {"digit": "0"}} for ev in ("media", "mark", "dtmf", "stop")]
        for f in frames:
            await s.send(f)
        await assert_alive(s)
        await s.stop()
        closed = await s.wait_closed()
    assert closed is not None and closed.rcvd is not None and closed.rcvd.code == 1000
    call, meta = await stored(rt, s.call_sid)
    assert call["end_reason"] == "caller_hangup"
    ignored = meta["stream_stats"]["ignored"]
    hits = {k: v for k, v in ignored.items() if why in k}
    assert sum(hits.values()) == len(frames), ignored
    assert any(why in m for m in caplog.messages)
    # the wrong-stream `stop` did not end the call: only our own stop did
    assert call["turns"][0]["role"] == "agent"


async def test_media_before_start_and_second_start_are_ignored(rt, server):
    async with websockets.connect(server) as ws:
        s = Stream(ws)
        for ev in ("media", "mark", "dtmf", "stop"):
            await s.send({"event": ev, "streamSid": s.sid, "media": {"payload": SILENCE}, "mark": {"name": "x"},
                          "dtmf": {"digit": "1"}})
        await s.start()
        await s.silence(3)
        other_sid, other_call = "MZ" + uuid.uuid4().hex, "CA" + uuid.uuid4().hex
        await s.start(sid=other_sid, call_sid=other_call)  # a second start on the same socket
        await assert_alive(s)
        await s.stop()
        await s.wait_closed()
    call, meta = await stored(rt, s.call_sid)
    assert call["call_sid"] == s.call_sid and rt.find_call(other_call) is None
    ignored = meta["stream_stats"]["ignored"]
    assert sum(v for k, v in ignored.items() if "before start" in k) == 4, ignored
    assert ignored.get("second start on one stream") == 1


async def test_oversized_frame_closes_with_clear_reason(rt, server):
    async with websockets.connect(server, max_size=2**22) as ws:
        s = Stream(ws)
        await s.start()
        await s.silence(3)
        big = json.dumps({"event": "media", "streamSid": s.sid,
                          "media": {"payload": base64.b64encode(b"\xff" * 60_000).decode()}})
        assert len(big) > 64 * 1024
        await s.send(big)
        closed = await s.wait_closed()
    assert closed.rcvd.code == 1009 and "exceeds 65536" in closed.rcvd.reason
    call, _ = await stored(rt, s.call_sid)
    assert call["end_reason"] == "frame_too_large" and call["ended_at"] is not None


async def test_too_many_bad_frames_close_the_stream(rt, server):
    async with websockets.connect(server) as ws:
        s = Stream(ws)
        await s.start()
        for _ in range(60):
            await s.send("garbage")
        closed = await s.wait_closed()
    assert closed.rcvd.code == 1008 and "consecutive bad frames" in closed.rcvd.reason
    call, meta = await stored(rt, s.call_sid)
    assert call["end_reason"] == "too_many_bad_frames"
    assert meta["stream_stats"]["bad"] == 50


async def test_mark_flood_is_absorbed(rt, server):
    """20 000 marks nobody asked for (unknown and stale names): ignored, no growth, no stall."""
    async with websockets.connect(server) as ws:
        s = Stream(ws)
        await s.start()
        await s.silence(3)
        t = time.monotonic()
        for i in range(20_000):
            await s.send({"event": "mark", "streamSid": s.sid, "mark": {"name": f"{i % 3}:{i}" if i % 2 else f"x{i}"}})
        await assert_alive(s)
        flood_s = time.monotonic() - t
        await s.stop()
        await s.wait_closed()
    assert flood_s < 30
    call, _ = await stored(rt, s.call_sid)
    assert call["end_reason"] == "caller_hangup"


async def test_hangup_mid_utterance_keeps_a_complete_record(rt, server):
    async with websockets.connect(server) as ws:
        s = Stream(ws, echo_marks=True)
        await s.start()
        t = time.monotonic()
        while s.media_count() < 60 and time.monotonic() - t < 20:  # ~1.2 s into the greeting
            await s.silence(1)
        await s.stop()
        closed = await s.wait_closed()
    assert closed.rcvd.code == 1000
    call, _ = await stored(rt, s.call_sid)
    assert call["end_reason"] == "caller_hangup" and call["ended_at"] is not None
    (greeting,) = [t for t in call["turns"] if t["role"] == "agent"]
    assert greeting["interrupted"] is True
    assert greeting["full_text"].startswith("Thanks for calling")
    assert 0 < len(greeting["text"]) < len(greeting["full_text"]) and greeting["full_text"].startswith(greeting["text"])


async def test_socket_drop_keeps_a_complete_record(rt, server):
    ws = await websockets.connect(server)
    s = Stream(ws)
    await s.start()
    await s.silence(20)
    ws.transport.abort()  # no close frame, no stop: the TCP connection just dies
    call, _ = await stored(rt, s.call_sid)
    assert call["end_reason"] == "disconnected" and call["ended_at"] is not None
    assert call["turns"] and call["turns"][0]["role"] == "agent"
    assert s.call_sid not in {x.record.call_sid for x in rt.active.values()}
