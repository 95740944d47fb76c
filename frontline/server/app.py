"""The HTTP/WebSocket server (FastAPI + uvicorn).

Routes here: health, metrics, call records, and the Twilio media stream. Telephony webhooks and
the browser softphone register their own routes (telephony/*).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

import numpy as np

from fastapi import FastAPI, HTTPException, WebSocket
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from frontline.audio.codec import float_to_pcm16, resample
from frontline.call.protocols import Handoff
from frontline.call.record import CallRecord
from frontline.call.session import CallSession
from frontline.server.runtime import Runtime, build_runtime
from frontline.telephony.media_stream import StreamStart, TwilioMediaTransport, handle_media_stream
from frontline.telephony.softphone import softphone_router
from frontline.telephony.twilio import announce_security, get_telephony, twilio_router

log = logging.getLogger(__name__)

CALLS_ACTIVE = Gauge("frontline_calls_active", "Calls in progress")
CALLS_TOTAL = Counter("frontline_calls_total", "Calls ended", ["end_reason"])
TURN_GAP = Histogram(
    "frontline_turn_gap_seconds", "Caller's last voiced sample to first agent audio sent",
    buckets=(0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.5, 2.0, 5.0),
)


def create_app(runtime: Runtime | None = None, **build_kw) -> FastAPI:
    """An app over an existing runtime (tests, `frontline call`) or one built at start-up (`serve`)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        owned = runtime is None
        app.state.runtime = runtime or await build_runtime(**build_kw)
        announce_security(app.state.runtime.settings)
        try:
            yield
        finally:
            if owned:
                await app.state.runtime.close()

    app = FastAPI(title="Frontline", lifespan=lifespan)
    if runtime is not None:
        app.state.runtime = runtime

    @app.get("/healthz")
    async def healthz():
        rt: Runtime = app.state.runtime
        return {"ok": True, "active_calls": len(rt.active), "profile": rt.profile.name}

    @app.get("/metrics")
    async def metrics():
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/calls/{key}")
    async def get_call(key: str):
        rt: Runtime = app.state.runtime
        rec = rt.find_call(key)
        if rec is not None:
            return JSONResponse(rec.to_json())
        stored = await rt.store.load(key)
        if stored is None:
            raise HTTPException(404, f"no call {key}")
        return JSONResponse(stored, headers={"x-source": "db"})

    @app.websocket("/twilio/media")
    async def twilio_media(ws: WebSocket):
        rt: Runtime = app.state.runtime
        tel = get_telephony(app)
        await ws.accept()
        await handle_media_stream(
            ws, lambda st, tr: start_call(rt, st, tr),
            authorize=tel.authorize, transfer=tel.transfer, hangup=tel.hangup,
        )

    app.include_router(twilio_router())
    app.include_router(softphone_router(lambda a: a.state.runtime, get_telephony))
    return app


OVERFLOW_LINE = "Sorry, all of our lines are busy right now. Please hold while I put you through to the team."
_overflow_pcm: dict[str, np.ndarray] = {}


class OverflowCall:
    """A call that arrives while the process is at capacity (settings.max_calls).

    Admission control: it never enters the speech pipeline (no VAD, STT, decisions or TTS work per
    frame — inbound audio is dropped), so the calls already in progress keep their latency. The
    caller hears one short apology (synthesized once per process, then cached) and is handed to
    the transfer target (the profile's queue) with handoff reason `at_capacity`; its record is
    stored with end_reason `at_capacity` like any other call.
    """

    def __init__(self, rt: Runtime, transport: TwilioMediaTransport, record: CallRecord, on_end):
        self.rt, self.transport, self.record, self._on_end = rt, transport, record, on_end
        self._closed = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"overflow-{self.record.call_id}")

    async def feed(self, pcm16: np.ndarray) -> None:  # not accepted into the pipeline
        return None

    async def dtmf(self, digit: str) -> None:
        return None

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    async def _apology(self) -> np.ndarray:
        voice = self.rt.profile.voice
        if voice not in _overflow_pcm:
            tts = self.rt.models.tts(voice)
            chunks = await self.rt.models.run(self.rt.models.tts_pool, lambda: list(tts.synthesize(OVERFLOW_LINE)))
            _overflow_pcm[voice] = float_to_pcm16(resample(np.concatenate(chunks), tts.sample_rate, 8000))
        return _overflow_pcm[voice]

    async def _run(self) -> None:
        try:
            self.record.add_turn("agent", OVERFLOW_LINE, full_text=OVERFLOW_LINE, trace={"kind": "overflow"})
            await self.transport.play(f"overflow-{self.record.call_id}", await self._apology())
            await self.transport.wait_played(timeout=15)
            h = Handoff(reason="at_capacity", transcript_summary="Call arrived while the agent was at capacity.")
            self.record.handoff = {"reason": h.reason, "confidence": None, "transcript_summary": h.transcript_summary,
                                   "retrieved_chunk_ids": [], "language": "en"}
            await self.transport.transfer(h)
        except Exception as e:
            log.error("overflow call %s: %s", self.record.call_id, e)
            self.record.meta.setdefault("errors", []).append(f"overflow: {e}")
        finally:
            await self.close("at_capacity")

    async def close(self, reason: str = "at_capacity") -> CallRecord:
        if self._closed.is_set():
            return self.record
        self._closed.set()
        if self._task is not None and self._task is not asyncio.current_task() and not self._task.done():
            self._task.cancel()
        from frontline.call.record import now_utc

        self.record.ended_at = now_utc()
        self.record.end_reason = self.record.end_reason or "at_capacity"
        await self._on_end(self.record)
        return self.record


async def start_call(rt: Runtime, start: StreamStart, transport: TwilioMediaTransport) -> CallSession | OverflowCall:
    rec = CallRecord(call_sid=start.call_sid, stream_sid=start.stream_sid, transport="twilio", profile=rt.profile.name)
    rec.meta["custom_parameters"] = dict(start.custom_parameters)
    if rt.at_capacity:
        log.warning("at capacity (%d calls): call %s gets the overflow apology and a transfer",
                    len(rt.active), start.call_sid)
        rec.meta["admission"] = {"active_calls": len(rt.active), "max_calls": rt.settings.max_calls}

        async def overflow_end(r: CallRecord) -> None:
            CALLS_TOTAL.labels(end_reason="at_capacity").inc()
            await rt.on_call_end(r)

        overflow = OverflowCall(rt, transport, rec, overflow_end)
        await overflow.start()
        return overflow

    async def on_end(r: CallRecord) -> None:
        CALLS_ACTIVE.dec()
        CALLS_TOTAL.labels(end_reason=r.end_reason or "unknown").inc()
        for t in r.turns:
            if t.role == "agent" and "turn_gap" in t.latency_ms:
                TURN_GAP.observe(t.latency_ms["turn_gap"] / 1000)
        await rt.on_call_end(r)

    session = CallSession(
        models=rt.models, agent=rt.agent, transport=transport, profile=rt.profile, in_rate=8000,
        record=rec, on_end=on_end,
    )
    rt.active[rec.call_id] = session
    CALLS_ACTIVE.inc()
    await session.start()
    return session
