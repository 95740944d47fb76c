"""The browser softphone: `GET /` (a small page, no build step) and `WS /phone`.

Wire format of WS /phone (documented in docs/telephony.md):

  browser → server
    binary frames   microphone audio: PCM16, 16 kHz, mono, little-endian (any length; the page
                    sends 1024-sample blocks, 64 ms)
    text (JSON)     {"type":"mark","name":N}                    frame N has finished playing
                    {"type":"position","segment":S,"samples":K} K samples of segment S played so far
                    {"type":"dtmf","digit":"0"}                 keypad
                    {"type":"hangup"}
  server → browser
    text (JSON)     {"type":"ready","call_id":…,"in_rate":16000,"out_rate":16000,"frame_ms":20}
                    {"type":"audio","mark":N,"segment":S,"offset":O,"samples":K}, then one binary frame:
                      K samples of agent audio, PCM16 16 kHz mono LE, starting at sample O of segment S
                    {"type":"clear"}                            barge-in: stop and drop everything queued
                    {"type":"turn","index":i,"role":…,"text":…,"interrupted":…,"latency_ms":{…}}
                    {"type":"transfer","target":…,"kind":…}     a handoff fired
                    {"type":"ended","reason":…}

Agent audio is paced like on Twilio (20 ms frames, a small lead, one unique generation-numbered
mark per frame: call/playback.py). The page echoes each mark when the frame has played by the
AudioContext clock and reports the position inside the frame that is playing, so the heard text
kept on a barge-in is accurate to the reporting interval (20 ms).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path

import numpy as np
from fastapi import APIRouter, WebSocket
from fastapi.responses import FileResponse, HTMLResponse
from starlette.websockets import WebSocketState

from frontline.call.playback import PacedTransport
from frontline.call.protocols import Handoff
from frontline.call.record import CallRecord
from frontline.call.session import CallSession
from frontline.telephony.handoffs import HandoffRecord
from frontline.telephony.transfer import transfer_twiml

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
RATE = 16000
MAX_FRAME_BYTES = 64 * 1024
MAX_CONSECUTIVE_BAD = 50


class SoftphoneTransport(PacedTransport):
    """The call core's Transport for one browser softphone (same contract as TwilioMediaTransport)."""

    out_sample_rate = RATE

    def __init__(
        self,
        send_text: Callable[[str], Awaitable[None]],
        send_bytes: Callable[[bytes], Awaitable[None]],
        *,
        transfer: Callable[[Handoff], Awaitable[None]] | None = None,
        hangup: Callable[[], Awaitable[None]] | None = None,
        lead_ms: int = 120,
    ):
        self._send_text, self._send_bytes = send_text, send_bytes
        # (segment, offset, samples) for each frame queued in `playback`, in the same order
        self._frames: deque[tuple[str, int, int]] = deque()
        self._queued: dict[str, int] = {}
        self._init_playback(sample_rate=RATE, lead_ms=lead_ms, transfer=transfer, hangup=hangup)

    async def _send_frame(self, frame: np.ndarray, mark: str) -> None:
        seg, offset, n = self._frames.popleft() if self._frames else ("", 0, len(frame))
        await self._send_text(json.dumps({"type": "audio", "mark": mark, "segment": seg, "offset": offset,
                                          "samples": n}))
        await self._send_bytes(np.asarray(frame[:n], dtype="<i2").tobytes())

    async def _send_clear(self) -> None:
        await self._send_text(json.dumps({"type": "clear"}))

    async def play(self, segment_id: str, pcm: np.ndarray) -> None:
        pos = self._queued.get(segment_id, 0)
        step = self.playback.frame
        for i in range(0, len(pcm), step):
            self._frames.append((segment_id, pos + i, min(step, len(pcm) - i)))
        self._queued[segment_id] = pos + len(pcm)
        await super().play(segment_id, pcm)

    async def clear(self) -> None:
        self._frames.clear()
        await super().clear()


def _turn_msg(t) -> dict:
    return {"type": "turn", "index": t.index, "role": t.role, "text": t.text, "interrupted": t.interrupted,
            "dtmf": t.dtmf, "latency_ms": dict(t.latency_ms),
            "handoff": (t.handoff or {}).get("reason") if t.handoff else None}


async def _push_transcript(session: CallSession, send_text, every_s: float = 0.1) -> None:
    """Send each turn when it appears and whenever it changes (the core has no callback for it)."""
    sent: dict[int, str] = {}
    try:
        while True:
            for t in list(session.record.turns):
                if t.role == "agent" and not t.text and not t.interrupted:
                    continue  # not settled yet
                m = _turn_msg(t)
                key = json.dumps(m, sort_keys=True, default=str)
                if sent.get(t.index) != key:
                    sent[t.index] = key
                    await send_text(key)
            if session.closed:
                return
            await asyncio.sleep(every_s)
    except asyncio.CancelledError:
        pass


async def handle_phone(ws: WebSocket, rt, tel) -> CallRecord | None:
    """Run one softphone call. The websocket must already be accepted."""
    lock = asyncio.Lock()

    async def send_text(text: str) -> None:
        async with lock:
            if ws.client_state == WebSocketState.CONNECTED:
                await ws.send_text(text)

    async def send_bytes(data: bytes) -> None:
        async with lock:
            if ws.client_state == WebSocketState.CONNECTED:
                await ws.send_bytes(data)

    if rt.at_capacity:
        await ws.close(code=1013, reason="at capacity, try again later")
        return None

    holder: dict = {}

    async def transfer(handoff: Handoff) -> None:
        session: CallSession = holder["session"]
        rec = HandoffRecord.from_handoff(handoff, call_id=session.record.call_id, call_sid=None, transport="browser",
                                         call_started_at=session.record.started_at)
        target = transfer_twiml(rt.profile.transfer)
        rec.target_kind, rec.target = target.kind, target.target
        rec.transfer_error = "browser softphone call: no phone line to redirect"
        session.record.meta["handoff_id"] = rec.handoff_id
        await tel.handoffs.handle(rec, None)
        await send_text(json.dumps({"type": "transfer", "target": target.target, "kind": target.kind,
                                    "reason": handoff.reason}))

    transport = SoftphoneTransport(send_text, send_bytes, transfer=transfer)
    rec = CallRecord(transport="browser", profile=rt.profile.name)

    async def on_end(r: CallRecord) -> None:
        await rt.on_call_end(r)

    session = CallSession(models=rt.models, agent=rt.agent, transport=transport, profile=rt.profile, in_rate=RATE,
                          record=rec, on_end=on_end)
    holder["session"] = session
    rt.active[rec.call_id] = session
    await send_text(json.dumps({"type": "ready", "call_id": rec.call_id, "in_rate": RATE, "out_rate": RATE,
                                "frame_ms": transport.playback.frame_ms}))
    await session.start()
    pusher = asyncio.create_task(_push_transcript(session, send_text))

    async def watch_end() -> None:
        await session.wait_closed()
        await asyncio.sleep(0.2)  # let the pusher send the last turns
        await send_text(json.dumps({"type": "ended", "reason": session.record.end_reason}))
        with contextlib.suppress(Exception):
            await ws.close(code=1000, reason=session.record.end_reason or "ended")

    watcher = asyncio.create_task(watch_end())
    reason, bad = "disconnected", 0
    try:
        while not session.closed:
            msg = await ws.receive()
            if msg["type"] == "websocket.disconnect":
                break
            data, text = msg.get("bytes"), msg.get("text")
            size = len(data) if data is not None else len(text or "")
            if size > MAX_FRAME_BYTES:
                reason = "frame_too_large"
                await ws.close(code=1009, reason=f"frame of {size} bytes exceeds {MAX_FRAME_BYTES}")
                break
            if data is not None:
                if len(data) % 2:
                    data = data[:-1]
                await session.feed(np.frombuffer(data, dtype="<i2").astype(np.int16))
                bad = 0
                continue
            try:
                m = json.loads(text or "")
                kind = m.get("type") if isinstance(m, dict) else None
            except ValueError:
                kind = None
            if kind == "mark" and isinstance(m.get("name"), str):
                transport.playback.on_mark(m["name"])
            elif kind == "position" and isinstance(m.get("segment"), str) and isinstance(m.get("samples"), int):
                transport.playback.on_position(m["segment"], m["samples"])
            elif kind == "dtmf" and isinstance(m.get("digit"), str) and m["digit"]:
                await session.dtmf(m["digit"][:1])
            elif kind == "hangup":
                reason = "caller_hangup"
                break
            elif kind == "hello":
                pass
            else:
                bad += 1
                log.warning("softphone %s: ignored message %r", rec.call_id, (text or "")[:80])
                if bad >= MAX_CONSECUTIVE_BAD:
                    reason = "too_many_bad_frames"
                    await ws.close(code=1008, reason=f"{bad} consecutive bad messages")
                    break
                continue
            bad = 0
    except Exception as e:  # WebSocketDisconnect and friends
        if type(e).__name__ != "WebSocketDisconnect":
            log.exception("softphone %s: handler error", rec.call_id)
            reason = "error"
    finally:
        transport.close()
        await session.close(reason)
        pusher.cancel()
        await asyncio.wait([watcher], timeout=2)
        watcher.cancel()
        if ws.client_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await ws.close()
    return rec


def softphone_router(get_rt, get_tel) -> APIRouter:
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse)
    async def page():
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @router.get("/softphone.js")
    async def script():
        return FileResponse(STATIC / "softphone.js", media_type="text/javascript")

    @router.websocket("/phone")
    async def phone(ws: WebSocket):
        await ws.accept()
        await handle_phone(ws, get_rt(ws.app), get_tel(ws.app))

    return router
