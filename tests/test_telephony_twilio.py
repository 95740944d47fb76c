"""Twilio webhooks: /twilio/voice TwiML, X-Twilio-Signature validation, per-call stream tokens,
/twilio/status callbacks. No speech models needed: the runtime here has none (a call that got past
the token check would need them; that path is covered in test_telephony_call.py)."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
import xml.etree.ElementTree as ET

import httpx
import pytest
import websockets
from twilio.request_validator import RequestValidator

from frontline.profile import Profile
from frontline.server.app import create_app
from frontline.server.local import serve_in_process
from frontline.server.runtime import Runtime
from frontline.storage.calls import CallStore
from frontline.telephony.twilio import CallTokens, get_telephony

TOKEN = "0123456789abcdef0123456789abcdef"
SID = "AC" + "a" * 32
PUBLIC = "https://voice.example.com"


def light_runtime(settings, db, **over) -> Runtime:
    s = settings.model_copy(update=over)
    return Runtime(settings=s, profile=Profile(name="acme-support"), models=None, agent=None, db=db,
                   store=CallStore(db, s.data_dir / "spool"))


def client_for(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def voice_params(call_sid: str) -> dict:
    return {"AccountSid": SID, "CallSid": call_sid, "From": "+14155550100", "To": "+14155550199",
            "CallStatus": "ringing", "Direction": "inbound", "ApiVersion": "2010-04-01"}


async def test_voice_returns_connect_stream_twiml_when_signed(settings, db):
    app = create_app(light_runtime(settings, db, twilio_auth_token=TOKEN, public_url=PUBLIC))
    call_sid = "CA" + uuid.uuid4().hex
    params = voice_params(call_sid)
    sig = RequestValidator(TOKEN).compute_signature(PUBLIC + "/twilio/voice", params)
    async with client_for(app) as c:
        r = await c.post("/twilio/voice", data=params, headers={"X-Twilio-Signature": sig})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(r.text)
    assert root.tag == "Response"
    (connect,) = list(root)
    assert connect.tag == "Connect"
    (stream,) = list(connect)
    assert stream.tag == "Stream"
    assert stream.get("url") == "wss://voice.example.com/twilio/media"
    assert stream.get("statusCallback") == PUBLIC + "/twilio/status"
    params_out = {p.get("name"): p.get("value") for p in stream.findall("Parameter")}
    assert params_out["profile"] == "acme-support"
    assert len(params_out["token"]) >= 24
    # the token is live, bound to this call, and single use
    tokens = get_telephony(app).tokens
    assert tokens.consume(params_out["token"], "CA-other") == "stream token was issued for another call"
    assert tokens.consume(params_out["token"], call_sid) is not None  # the failed try above spent it
    # a second webhook for the same call gets a different token
    async with client_for(app) as c:
        r2 = await c.post("/twilio/voice", data=params, headers={"X-Twilio-Signature": sig})
    tok2 = {p.get("name"): p.get("value") for p in ET.fromstring(r2.text).iter("Parameter")}["token"]
    assert tok2 != params_out["token"]
    assert tokens.consume(tok2, call_sid) is None
    assert tokens.consume(tok2, call_sid) == "unknown, expired or already used stream token"


@pytest.mark.parametrize("header", [None, "bad-signature", "signed-for-another-url", "tampered-body"])
async def test_voice_rejects_bad_or_missing_signature(settings, db, caplog, header):
    app = create_app(light_runtime(settings, db, twilio_auth_token=TOKEN, public_url=PUBLIC))
    params = voice_params("CA" + uuid.uuid4().hex)
    headers = {}
    if header == "bad-signature":
        headers["X-Twilio-Signature"] = "L/OH5YylLD5NRKLltdqwSvS0BnU="
    elif header == "signed-for-another-url":
        headers["X-Twilio-Signature"] = RequestValidator(TOKEN).compute_signature(
            "https://evil.example.com/twilio/voice", params)
    elif header == "tampered-body":
        headers["X-Twilio-Signature"] = RequestValidator(TOKEN).compute_signature(PUBLIC + "/twilio/voice", params)
        params = {**params, "From": "+19995550000"}
    caplog.set_level(logging.WARNING, logger="frontline.telephony.twilio")
    async with client_for(app) as c:
        r = await c.post("/twilio/voice", data=params, headers=headers)
    assert r.status_code == 403
    assert "Connect" not in r.text
    assert len(get_telephony(app).tokens) == 0  # no token issued
    msgs = [m for m in caplog.messages if "rejected /twilio/voice" in m]
    assert msgs and ("missing" if header is None else "bad") in msgs[0]


async def test_validation_off_without_auth_token_is_announced(settings, db, caplog):
    rt = light_runtime(settings, db, twilio_auth_token=None, public_url=None)
    app = create_app(rt)
    caplog.set_level(logging.WARNING, logger="frontline.telephony.twilio")
    async with app.router.lifespan_context(app):
        assert any("signature validation is OFF" in m for m in caplog.messages), caplog.messages
        async with client_for(app) as c:
            r = await c.post("/twilio/voice", data=voice_params("CA1"))  # no signature at all
    assert r.status_code == 200
    stream = next(ET.fromstring(r.text).iter("Stream"))
    assert stream.get("url") == "wss://testserver/twilio/media"  # no public URL: the Host header


def test_call_tokens_expire():
    t = CallTokens(ttl_s=0.05)
    tok = t.issue("CA1")
    import time

    time.sleep(0.08)
    assert t.consume(tok, "CA1") == "unknown, expired or already used stream token"
    assert t.consume(None, "CA1") == "missing stream token"
    tok = t.issue(None)  # issued without a CallSid: any call may use it once
    assert t.consume(tok, "CA9") is None


async def test_media_stream_refuses_unissued_token_over_loopback(settings, db, caplog):
    """Validation on: a stream whose start carries no/unknown token is closed 1008 before any session."""
    rt = light_runtime(settings, db, twilio_auth_token=TOKEN, public_url=PUBLIC)
    app = create_app(rt)
    caplog.set_level(logging.WARNING)
    async with serve_in_process(app) as base:
        url = base.replace("http", "ws") + "/twilio/media"
        for params in ({}, {"token": "forged"}):
            async with websockets.connect(url) as ws:
                sid = "MZ" + uuid.uuid4().hex
                await ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
                await ws.send(json.dumps({"event": "start", "streamSid": sid, "start": {
                    "streamSid": sid, "callSid": "CA" + uuid.uuid4().hex, "accountSid": SID,
                    "customParameters": params,
                    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}}))
                with pytest.raises(websockets.ConnectionClosed) as exc:
                    await asyncio.wait_for(ws.recv(), 5)
            assert exc.value.rcvd.code == 1008
            assert "token" in exc.value.rcvd.reason
    assert rt.active == {}
    assert any("refused" in m for m in caplog.messages)


async def test_status_callbacks_recorded(settings, db):
    app = create_app(light_runtime(settings, db, twilio_auth_token=TOKEN, public_url=PUBLIC))
    v = RequestValidator(TOKEN)
    call_sid = "CA" + uuid.uuid4().hex
    call_cb = {"AccountSid": SID, "CallSid": call_sid, "CallStatus": "completed", "CallDuration": "42",
               "Timestamp": "Tue, 01 Jul 2025 10:00:00 +0000", "SequenceNumber": "3"}
    stream_cb = {"AccountSid": SID, "CallSid": call_sid, "StreamSid": "MZ" + "b" * 32, "StreamName": "MZ" + "b" * 32,
                 "StreamEvent": "stream-error", "StreamError": "31920 handshake error",
                 "Timestamp": "2025-07-01T10:00:00Z"}
    async with client_for(app) as c:
        for p in (call_cb, stream_cb):
            r = await c.post("/twilio/status", data=p,
                             headers={"X-Twilio-Signature": v.compute_signature(PUBLIC + "/twilio/status", p)})
            assert r.status_code == 204
        forged = {**call_cb, "CallStatus": "busy"}
        r = await c.post("/twilio/status", data=forged, headers={"X-Twilio-Signature": "nope"})
        assert r.status_code == 403
    async with db.pool.connection() as conn:
        rows = await (await conn.execute(
            "SELECT call_status, stream_event, stream_error, params FROM twilio_status_events"
            " WHERE call_sid = %s ORDER BY id", (call_sid,))).fetchall()
    assert [(r[0], r[1]) for r in rows] == [("completed", None), (None, "stream-error")]
    assert rows[1][2] == "31920 handshake error"
    assert rows[0][3]["CallDuration"] == "42"
