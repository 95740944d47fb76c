"""Warm transfer: the exact Twilio REST request (against a loopback stand-in for api.twilio.com),
the TwiML it carries, the handoff record in Postgres, and the webhook with retries + backoff."""

from __future__ import annotations

import base64
import time
import uuid
from types import SimpleNamespace
from urllib.parse import parse_qs

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from frontline.call.protocols import Handoff
from frontline.call.record import CallRecord
from frontline.profile import Profile, Transfer
from frontline.server.local import free_port, serve_in_process
from frontline.server.runtime import Runtime
from frontline.storage.calls import CallStore
from frontline.telephony.handoffs import HandoffStore, WebhookPolicy
from frontline.telephony.media_stream import StreamStart
from frontline.telephony.transfer import TransferError, TwilioCalls, transfer_twiml
from frontline.telephony.twilio import Telephony

SID = "AC" + "c" * 32
TOKEN = "fedcba9876543210fedcba9876543210"


def stand_in(script: list[int] | None = None):
    """A tiny HTTP server: records every request; answers with the scripted status codes in turn."""
    app = FastAPI()
    app.state.requests = []
    codes = list(script or [])

    @app.api_route("/{path:path}", methods=["GET", "POST"])
    async def any_path(path: str, request: Request):
        body = await request.body()
        app.state.requests.append(SimpleNamespace(method=request.method, path=request.url.path, body=body,
                                                  headers=dict(request.headers), at=time.monotonic()))
        code = codes.pop(0) if codes else 200
        if path.startswith("2010-04-01/"):
            if code != 200:
                return JSONResponse({"code": 20003, "message": "nope", "status": code}, status_code=code)
            sid = path.rsplit("/", 1)[-1].removesuffix(".json")
            return JSONResponse({"sid": sid, "account_sid": SID, "status": "in-progress"})
        return JSONResponse({"ok": code == 200}, status_code=code)

    return app


def test_transfer_twiml_dial_and_enqueue():
    t = transfer_twiml(Transfer(agent_number="+14155550123", caller_id="+14155550100"))
    assert (t.kind, t.target) == ("dial", "+14155550123")
    assert t.twiml == '<Response><Dial callerId="+14155550100" timeout="30">+14155550123</Dial></Response>'
    t = transfer_twiml(Transfer(agent_number=None, queue="billing"))
    assert (t.kind, t.target, t.twiml) == ("enqueue", "billing", "<Response><Enqueue>billing</Enqueue></Response>")
    assert transfer_twiml(Transfer(agent_number=None, queue=None)).kind == "none"


async def test_redirect_sends_the_exact_rest_request(settings):
    api = stand_in()
    async with serve_in_process(api) as base:
        calls = TwilioCalls(settings.model_copy(update={
            "twilio_account_sid": SID, "twilio_auth_token": TOKEN, "twilio_api_base": base}))
        twiml = transfer_twiml(Transfer(agent_number="+14155550123")).twiml
        await calls.redirect("CA" + "1" * 32, twiml)
        (req,) = api.state.requests
        assert req.method == "POST"
        assert req.path == f"/2010-04-01/Accounts/{SID}/Calls/{'CA' + '1' * 32}.json"
        assert parse_qs(req.body.decode()) == {"Twiml": [twiml]}
        assert req.headers["authorization"] == "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        assert req.headers["content-type"].startswith("application/x-www-form-urlencoded")
        # a Twilio error surfaces as TransferError
        api.state.requests.clear()
        bad = stand_in([404])
    async with serve_in_process(bad) as base2:
        calls2 = TwilioCalls(settings.model_copy(update={
            "twilio_account_sid": SID, "twilio_auth_token": TOKEN, "twilio_api_base": base2}))
        with pytest.raises(TransferError, match="failed"):
            await calls2.redirect("CA" + "2" * 32, twiml)
    unset = TwilioCalls(settings.model_copy(update={"twilio_account_sid": None, "twilio_auth_token": None}))
    with pytest.raises(TransferError, match="not set"):
        await unset.redirect("CA1", twiml)


def telephony_for(settings, db, api_base: str | None, webhook: str | None, transfer: Transfer) -> Telephony:
    s = settings.model_copy(update={"twilio_account_sid": SID, "twilio_auth_token": TOKEN,
                                    "twilio_api_base": api_base, "handoff_webhook_url": webhook})
    rt = Runtime(settings=s, profile=Profile(transfer=transfer), models=None, agent=None, db=db,
                 store=CallStore(db, s.data_dir / "spool"))
    tel = Telephony(rt)
    tel.handoffs.policy = WebhookPolicy(attempts=4, base_delay_s=0.05, max_delay_s=1.0, timeout_s=2.0)
    return tel


def fake_call() -> tuple[StreamStart, SimpleNamespace, Handoff]:
    call_sid = "CA" + uuid.uuid4().hex
    start = StreamStart(stream_sid="MZ" + uuid.uuid4().hex, call_sid=call_sid, account_sid=SID, custom_parameters={})
    session = SimpleNamespace(record=CallRecord(call_sid=call_sid))
    h = Handoff(reason="caller_request", confidence=0.42, transcript_summary="Caller asked for a person about invoices.",
                retrieved_chunk_ids=["billing-invoices#0", "billing-invoices#1"], language="en")
    return start, session, h


async def test_handoff_redirects_records_and_delivers_webhook_after_retries(settings, db):
    api = stand_in()
    hook = stand_in([500, 503, 200])
    async with serve_in_process(api) as api_base, serve_in_process(hook) as hook_base:
        tel = telephony_for(settings, db, api_base, hook_base + "/crm/handoff",
                            Transfer(agent_number="+14155550123", caller_id="+14155550100"))
        start, session, h = fake_call()
        await tel.transfer(start, session, h)
        await tel.handoffs.drain()
        # the live call was redirected to <Dial> the agent number
        (req,) = api.state.requests
        assert req.path == f"/2010-04-01/Accounts/{SID}/Calls/{start.call_sid}.json"
        assert parse_qs(req.body.decode())["Twiml"] == [
            '<Response><Dial callerId="+14155550100" timeout="30">+14155550123</Dial></Response>']
        # the webhook got the same JSON three times: 500, 503, then 200; delays grow (backoff)
        assert [r.path for r in hook.state.requests] == ["/crm/handoff"] * 3
        import json

        bodies = [json.loads(r.body) for r in hook.state.requests]
        assert bodies[0] == bodies[2]
        b = bodies[0]
        assert b["reason"] == "caller_request" and b["confidence"] == 0.42
        assert b["call_sid"] == start.call_sid and b["call_id"] == session.record.call_id
        assert b["retrieved_chunk_ids"] == ["billing-invoices#0", "billing-invoices#1"]
        assert b["transcript_summary"].startswith("Caller asked")
        assert b["language"] == "en" and b["target"] == {"kind": "dial", "value": "+14155550123"}
        assert b["transfer_status"] == "redirected" and b["timestamps"]["handoff_at"]
        assert hook.state.requests[0].headers["idempotency-key"] == b["handoff_id"]
        gaps = [hook.state.requests[i + 1].at - hook.state.requests[i].at for i in range(2)]
        assert gaps[0] >= 0.05 and gaps[1] >= 0.1 and gaps[1] > gaps[0] * 1.5
    (row,) = await HandoffStore(db, settings.data_dir).load_for_call(session.record.call_id)
    assert row["call_sid"] == start.call_sid and row["reason"] == "caller_request"
    assert row["transfer_status"] == "redirected" and row["transferred_at"] is not None
    assert (row["webhook_status"], row["webhook_attempts"], row["webhook_last_error"]) == ("delivered", 3, None)
    assert row["retrieved_chunk_ids"] == ["billing-invoices#0", "billing-invoices#1"]
    assert session.record.meta["transfer"]["status"] == "redirected"


@pytest.mark.parametrize("failure", ["always_500", "unreachable", "rejected_400"])
async def test_failed_webhook_never_loses_the_record(settings, db, failure):
    api = stand_in()
    hook = stand_in([500] * 10 if failure == "always_500" else [400])
    async with serve_in_process(api) as api_base, serve_in_process(hook) as hook_base:
        url = f"http://127.0.0.1:{free_port()}/down" if failure == "unreachable" else hook_base + "/h"
        tel = telephony_for(settings, db, api_base, url, Transfer(agent_number=None, queue="support"))
        start, session, h = fake_call()
        await tel.transfer(start, session, h)
        await tel.handoffs.drain()
        assert parse_qs(api.state.requests[0].body.decode())["Twiml"] == ["<Response><Enqueue>support</Enqueue></Response>"]
    (row,) = await HandoffStore(db, settings.data_dir).load_for_call(session.record.call_id)
    assert row["reason"] == "caller_request" and row["transcript_summary"]
    assert row["transfer_status"] == "redirected" and row["target_kind"] == "enqueue"
    assert row["webhook_status"] == "failed"
    assert row["webhook_attempts"] == (1 if failure == "rejected_400" else 4)
    assert row["webhook_last_error"]


async def test_failed_rest_redirect_is_recorded(settings, db):
    api = stand_in([500, 500, 500, 500])
    async with serve_in_process(api) as api_base:
        tel = telephony_for(settings, db, api_base, None, Transfer(agent_number="+14155550123"))
        start, session, h = fake_call()
        with pytest.raises(RuntimeError):
            await tel.transfer(start, session, h)  # the session logs it and still closes "transferred"
    (row,) = await HandoffStore(db, settings.data_dir).load_for_call(session.record.call_id)
    assert row["transfer_status"] == "failed" and "failed" in row["transfer_error"]
    assert row["webhook_status"] == "none"
