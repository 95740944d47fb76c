"""Show it: full phone calls over /twilio/media on loopback, as Twilio would place them.

1. Signature-validated path end to end: signed POST /twilio/voice → TwiML with a per-call token →
   the stream presents it → a recorded (synthesized, phone-line) question → spoken answer audio →
   the caller barges in → `clear` arrives, agent audio stops, and the stored agent turn is the
   truncated prefix of what the agent meant to say, marked interrupted.
2. DTMF 0 → warm transfer: the transfer line is heard, then the live call is redirected through
   the Twilio REST API (loopback stand-in) and the handoff record is stored.
"""

from __future__ import annotations

import dataclasses
import time
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from urllib.parse import parse_qs

import httpx
import numpy as np
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from twilio.request_validator import RequestValidator

from frontline.profile import Transfer
from frontline.server.app import create_app
from frontline.server.local import serve_in_process
from frontline.server.runtime import build_runtime
from frontline.sim.call import render_line
from frontline.sim.caller import CallerLine, run_call
from frontline.telephony.handoffs import HandoffStore

TOKEN = "00112233445566778899aabbccddeeff"
SID = "AC" + "d" * 32


@pytest.fixture(scope="module")
async def rt(settings):
    runtime = await build_runtime(settings)
    yield runtime
    await runtime.close()


async def wait_stored(rt, call_sid: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rec = rt.find_call(call_sid)
        if rec is not None and rec.ended_at is not None and rec.meta.get("stored") == "db":
            return await rt.store.load(rec.call_id)
        await time_sleep(0.05)
    raise AssertionError(f"call {call_sid} not stored")


async def time_sleep(s: float) -> None:
    import asyncio

    await asyncio.sleep(s)


async def test_phone_call_answer_then_barge_in(rt):
    s = rt.settings.model_copy(update={"twilio_auth_token": TOKEN, "public_url": "https://agent.example.com"})
    # a short greeting, so the caller's question starts after it has played out
    prof = rt.profile.model_copy(update={"greeting": "Thanks for calling.", "disclosure": "", "fast_path": ""})
    app = create_app(dataclasses.replace(rt, settings=s, profile=prof))
    question = render_line("How do I download my invoice?")
    interruption = render_line("How do I reset my password?")
    async with serve_in_process(app) as base:
        # Twilio fetches the TwiML (signed), then opens the stream with the token it got
        params = {"AccountSid": SID, "From": "+14155550100", "To": "+14155550199", "CallStatus": "ringing"}
        sig = RequestValidator(TOKEN).compute_signature("https://agent.example.com/twilio/voice", params)
        async with httpx.AsyncClient(base_url=base) as c:
            r = await c.post("/twilio/voice", data=params, headers={"X-Twilio-Signature": sig})
        assert r.status_code == 200
        custom = {p.get("name"): p.get("value") for p in ET.fromstring(r.text).iter("Parameter")}
        sim = await run_call(base.replace("http://", "ws://") + "/twilio/media", [
            CallerLine("How do I download my invoice?", question),
            CallerLine("How do I reset my password?", interruption, barge_in_at_ms=2500),
        ], custom_parameters=custom)
    assert not sim.closed_by_server or sim.close_reason in ("", None), sim.close_reason
    q, b = sim.lines
    # spoken answer audio came back after the question
    assert q.first_agent_audio_at is not None and q.first_agent_audio_at > q.voice_end_at
    answer_pcm = np.concatenate([np.frombuffer(b"", np.int16)] + [sim.agent_pcm()])
    assert np.abs(answer_pcm.astype(np.int32)).max() > 1000
    # barge-in: Twilio got a `clear`, and no more agent audio arrived after it while the caller spoke
    assert q.barged_in and q.clear_received_at is not None and sim.clears >= 1
    assert q.clear_received_at - q.first_agent_audio_at > 1.0  # the answer was playing for a while
    # the flushed answer stops at once (a later reply to the interruption needs end-of-turn silence first)
    after = [t - q.clear_received_at for t in sim.media_times if t > q.clear_received_at + 0.05]
    assert not after or min(after) > 0.3, min(after)
    assert q.agent_audio_stopped_at is not None  # the caller did hear the answer while starting to talk
    assert sim.marks_echoed > 0
    # the interruption itself was answered afterwards
    assert b.first_agent_audio_at is not None

    call = await wait_stored(rt, sim.call_sid)
    turns = call["turns"]
    callers = [t for t in turns if t["role"] == "caller"]
    assert "invoice" in callers[0]["text"].lower()
    answer = turns[callers[0]["idx"] + 1]
    assert answer["role"] == "agent"
    assert "invoice" in answer["full_text"].lower()
    # the truncated transcript: what the caller heard, a strict prefix of what the agent meant to say
    dump = [(t["role"], t["text"], t["full_text"], t["interrupted"]) for t in turns]
    assert answer["interrupted"] is True, dump
    assert 0 < len(answer["text"]) < len(answer["full_text"]), dump
    assert answer["full_text"].startswith(answer["text"])
    assert "password" in callers[1]["text"].lower()
    # the media stream used (and spent) the token issued by the signed webhook
    assert len(app.state.telephony.tokens) == 0


async def test_dtmf_zero_warm_transfer_over_rest(rt):
    api = FastAPI()
    api.state.requests = []

    @api.post("/2010-04-01/Accounts/{acct}/Calls/{sid}.json")
    async def update(acct: str, sid: str, request: Request):
        api.state.requests.append(SimpleNamespace(path=request.url.path, body=await request.body()))
        return JSONResponse({"sid": sid.removesuffix(".json"), "account_sid": acct, "status": "in-progress"})

    prof = rt.profile.model_copy(update={"transfer": Transfer(agent_number="+14155550123")})
    async with serve_in_process(api) as api_base:
        s = rt.settings.model_copy(update={"twilio_account_sid": SID, "twilio_auth_token": None,
                                           "twilio_api_base": api_base})
        # validation off here (no token); REST credentials need the auth token though
        s = s.model_copy(update={"twilio_auth_token": None})
        app = create_app(dataclasses.replace(rt, settings=s, profile=prof))
        from frontline.telephony.twilio import get_telephony

        async with serve_in_process(app) as base:
            tel = get_telephony(app)
            tel.calls.auth_token = TOKEN  # REST credentials, while stream validation stays off
            sim = await run_call(base.replace("http://", "ws://") + "/twilio/media",
                                 [CallerLine("", np.zeros(0, np.int16), dtmf="0")])
            await tel.handoffs.drain()
    # the caller heard the transfer line, then the call was redirected to <Dial>
    assert sim.lines[0].first_agent_audio_at is not None
    (req,) = api.state.requests
    assert req.path == f"/2010-04-01/Accounts/{SID}/Calls/{sim.call_sid}.json"
    assert parse_qs(req.body.decode())["Twiml"] == ['<Response><Dial timeout="30">+14155550123</Dial></Response>']
    call = await wait_stored(rt, sim.call_sid)
    assert call["end_reason"] == "transferred"
    agent = [t for t in call["turns"] if t["role"] == "agent"][-1]
    assert agent["handoff"]["reason"] == "caller_request"
    assert prof.transfer.line.split(".")[0] in agent["full_text"]
    rec = rt.find_call(sim.call_sid)
    (row,) = await HandoffStore(rt.db, rt.settings.data_dir).load_for_call(rec.call_id)
    assert row["call_sid"] == sim.call_sid and row["transfer_status"] == "redirected"
    assert row["target_kind"] == "dial" and row["reason"] == "caller_request"
