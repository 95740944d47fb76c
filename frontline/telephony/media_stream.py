"""Twilio Media Streams (bidirectional, `<Connect><Stream>`) over a WebSocket.

Protocol (shared/reference/PROTOCOLS.md §1): Twilio sends JSON text frames `connected`, `start`,
`media`, `dtmf`, `mark`, `stop`; we send `media`, `mark`, `clear`. Audio is base64 G.711 μ-law,
8 kHz mono, no header. μ-law ↔ PCM16 happens here, at the edge; the call core sees PCM only.

Outbound audio is paced in 20 ms frames, each followed by a uniquely named mark; echoed marks
tell the call core what the caller has heard (call/playback.py).

Bad input never crashes the socket or loses the call record: malformed JSON, unknown events,
invalid base64, media before `start`, a wrong `streamSid`, a second `start`, unknown marks are
logged and ignored; an oversized frame (> 64 KiB) or too many consecutive bad frames closes the
stream with a clear reason. Every path out of the handler closes the session, which persists
the record.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import numpy as np
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from frontline.audio.codec import pcm16_to_ulaw, ulaw_to_pcm16
from frontline.call.playback import PacedTransport
from frontline.call.protocols import Handoff

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024
MAX_CONSECUTIVE_BAD = 50
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009


class TwilioMediaTransport(PacedTransport):
    """The call core's Transport for one Twilio media stream: μ-law media + a mark per 20 ms frame."""

    out_sample_rate = 8000

    def __init__(
        self,
        send_text: Callable[[str], Awaitable[None]],
        stream_sid: str,
        call_sid: str | None,
        *,
        transfer: Callable[[Handoff], Awaitable[None]] | None = None,
        hangup: Callable[[], Awaitable[None]] | None = None,
        lead_ms: int = 100,
    ):
        self._send_text = send_text
        self.stream_sid = stream_sid
        self.call_sid = call_sid
        self.sent_frames = 0
        self._init_playback(sample_rate=8000, lead_ms=lead_ms, transfer=transfer, hangup=hangup)

    async def _send_frame(self, frame: np.ndarray, mark: str) -> None:
        payload = base64.b64encode(pcm16_to_ulaw(frame)).decode("ascii")
        await self._send_text(json.dumps({"event": "media", "streamSid": self.stream_sid, "media": {"payload": payload}}))
        await self._send_text(json.dumps({"event": "mark", "streamSid": self.stream_sid, "mark": {"name": mark}}))
        self.sent_frames += 1

    async def _send_clear(self) -> None:
        await self._send_text(json.dumps({"event": "clear", "streamSid": self.stream_sid}))

    def on_mark(self, name: str) -> None:
        self.playback.on_mark(name)


@dataclass
class StreamStart:
    stream_sid: str
    call_sid: str | None
    account_sid: str | None
    custom_parameters: dict
    media_format: dict = field(default_factory=dict)


# A factory that turns a validated `start` into a running call session; returns (session, transport).
SessionFactory = Callable[[StreamStart, TwilioMediaTransport], Awaitable[object]]
StartAuthorizer = Callable[[StreamStart], Awaitable[str | None]]  # → None if OK, else a reason to refuse
# Call control, bound to the stream's `start` and the running session (telephony/twilio.py).
TransferHook = Callable[[StreamStart, object, Handoff], Awaitable[None]]
HangupHook = Callable[[StreamStart, object], Awaitable[None]]


@dataclass
class StreamStats:
    media: int = 0
    bad: int = 0
    ignored: dict = field(default_factory=dict)

    def ignore(self, why: str) -> None:
        self.ignored[why] = self.ignored.get(why, 0) + 1


async def handle_media_stream(
    ws: WebSocket,
    make_session: SessionFactory,
    *,
    authorize: StartAuthorizer | None = None,
    transfer: TransferHook | None = None,
    hangup: HangupHook | None = None,
) -> StreamStats:
    """Run one Twilio media stream to completion. The websocket must already be accepted."""
    stats = StreamStats()
    session = None
    transport: TwilioMediaTransport | None = None
    stream_sid: str | None = None
    consecutive_bad = 0
    close_reason = "stream_closed"
    send_lock = asyncio.Lock()
    holder: dict = {}  # the session, for the call-control hooks bound at `start`

    async def send_text(text: str) -> None:
        async with send_lock:
            if ws.client_state == WebSocketState.CONNECTED:
                await ws.send_text(text)

    async def close_ws(code: int, reason: str) -> None:
        log.warning("media stream %s: closing (%s)", stream_sid, reason)
        if ws.client_state == WebSocketState.CONNECTED:
            try:
                await ws.close(code=code, reason=reason[:120])
            except Exception:  # already gone
                pass

    def bad(why: str) -> None:
        nonlocal consecutive_bad
        stats.bad += 1
        consecutive_bad += 1
        stats.ignore(why)
        log.warning("media stream %s: ignored frame: %s", stream_sid, why)

    try:
        while True:
            msg = await ws.receive()
            if msg["type"] == "websocket.disconnect":
                close_reason = "disconnected"
                break
            raw = msg.get("text")
            if raw is None:
                data = msg.get("bytes") or b""
                if len(data) > MAX_FRAME_BYTES:
                    close_reason = "frame_too_large"
                    await close_ws(CLOSE_TOO_BIG, f"frame of {len(data)} bytes exceeds {MAX_FRAME_BYTES}")
                    break
                bad("binary frame (Media Streams messages are JSON text)")
            elif len(raw) > MAX_FRAME_BYTES:
                close_reason = "frame_too_large"
                await close_ws(CLOSE_TOO_BIG, f"frame of {len(raw)} bytes exceeds {MAX_FRAME_BYTES}")
                break
            else:
                try:
                    m = json.loads(raw)
                    if not isinstance(m, dict):
                        raise ValueError("not a JSON object")
                except ValueError as e:
                    bad(f"malformed JSON: {e}")
                    m = None
                if m is not None:
                    ev = m.get("event")
                    if ev == "connected":
                        consecutive_bad = 0
                    elif ev == "start":
                        if session is not None:
                            bad("second start on one stream")
                        else:
                            st = m.get("start") or {}
                            sid = st.get("streamSid") or m.get("streamSid")
                            if not isinstance(sid, str) or not sid:
                                bad("start without streamSid")
                            else:
                                start = StreamStart(
                                    stream_sid=sid,
                                    call_sid=st.get("callSid"),
                                    account_sid=st.get("accountSid"),
                                    custom_parameters=st.get("customParameters") or {},
                                    media_format=st.get("mediaFormat") or {},
                                )
                                refusal = await authorize(start) if authorize else None
                                if refusal:
                                    close_reason = "unauthorized"
                                    await close_ws(CLOSE_POLICY, refusal)
                                    break
                                enc = (start.media_format or {}).get("encoding", "audio/x-mulaw")
                                if enc != "audio/x-mulaw":
                                    close_reason = "unsupported_media_format"
                                    await close_ws(CLOSE_POLICY, f"unsupported encoding {enc}")
                                    break
                                stream_sid = sid
                                transport = TwilioMediaTransport(
                                    send_text, sid, start.call_sid,
                                    transfer=_bind(transfer, start, holder), hangup=_bind(hangup, start, holder),
                                )
                                session = holder["session"] = await make_session(start, transport)
                                consecutive_bad = 0
                    elif ev in ("media", "mark", "dtmf", "stop"):
                        if session is None:
                            bad(f"{ev} before start")
                        elif m.get("streamSid") != stream_sid:
                            bad(f"{ev} for unknown streamSid {m.get('streamSid')!r}")
                        elif ev == "media":
                            payload = (m.get("media") or {}).get("payload")
                            track = (m.get("media") or {}).get("track", "inbound")
                            try:
                                if not isinstance(payload, str):
                                    raise binascii.Error("payload missing")
                                audio = base64.b64decode(payload, validate=True)
                            except (binascii.Error, ValueError) as e:
                                bad(f"invalid base64 media payload: {e}")
                            else:
                                if track != "inbound":
                                    stats.ignore("non-inbound track")
                                else:
                                    stats.media += 1
                                    consecutive_bad = 0
                                    await session.feed(ulaw_to_pcm16(audio))
                        elif ev == "mark":
                            name = (m.get("mark") or {}).get("name")
                            if isinstance(name, str):
                                transport.on_mark(name)
                                consecutive_bad = 0
                            else:
                                bad("mark without name")
                        elif ev == "dtmf":
                            digit = (m.get("dtmf") or {}).get("digit")
                            if isinstance(digit, str) and digit:
                                await session.dtmf(digit)
                            else:
                                bad("dtmf without digit")
                        elif ev == "stop":
                            close_reason = "caller_hangup"
                            break
                    else:
                        bad(f"unknown event {ev!r}")
            if consecutive_bad >= MAX_CONSECUTIVE_BAD:
                close_reason = "too_many_bad_frames"
                await close_ws(CLOSE_POLICY, f"{consecutive_bad} consecutive bad frames")
                break
            if session is not None and session.closed:
                close_reason = session.record.end_reason or "session_ended"
                break
    except WebSocketDisconnect:
        close_reason = "disconnected"
    except Exception:
        log.exception("media stream %s: handler error", stream_sid)
        close_reason = "error"
    finally:
        if transport is not None:
            transport.close()
        if session is not None:
            # before close(): close() persists the record
            session.record.meta["stream_stats"] = {"media": stats.media, "bad": stats.bad, "ignored": dict(stats.ignored)}
            await session.close(close_reason)
        if ws.client_state == WebSocketState.CONNECTED:
            try:
                await ws.close()
            except Exception:
                pass
    return stats


def _bind(hook, start: StreamStart, holder: dict):
    if hook is None:
        return None

    async def bound(*args):
        return await hook(start, holder.get("session"), *args)

    return bound
