"""The HTTP/WebSocket server (FastAPI + uvicorn).

Routes here: health, metrics, call records, and the Twilio media stream. Telephony webhooks and
the browser softphone register their own routes (telephony/*).
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, WebSocket
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

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


async def start_call(rt: Runtime, start: StreamStart, transport: TwilioMediaTransport) -> CallSession:
    rec = CallRecord(call_sid=start.call_sid, stream_sid=start.stream_sid, transport="twilio", profile=rt.profile.name)
    rec.meta["custom_parameters"] = dict(start.custom_parameters)

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
