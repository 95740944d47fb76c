"""Whole phone calls through the real pipeline: Twilio protocol on loopback → VAD → STT → decision →
TTS → paced μ-law back, with the simulated caller acknowledging marks as Twilio does."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from frontline.server.app import create_app
from frontline.server.local import serve_in_process
from frontline.server.runtime import build_runtime
from frontline.sim.call import place_call, render_line
from frontline.sim.caller import CallerLine, run_call

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def runtime(settings, db):
    rt = await build_runtime(settings)
    # a short greeting keeps these real-time calls quick
    rt.profile = rt.profile.model_copy(update={"greeting": "Hi, this is Ava from Acme Cloud.", "disclosure": "", "fast_path": ""})
    yield rt
    await rt.close()


@pytest.fixture(scope="module")
async def server(runtime):
    async with serve_in_process(create_app(runtime)) as base:
        yield base


def line(text: str, **kw) -> CallerLine:
    return CallerLine(text=text, audio=render_line(text), **kw)


def onset_s(audio: np.ndarray, thresh: int = 600) -> float:
    """Seconds of leading near-silence in a caller line (its speech onset)."""
    idx = np.flatnonzero(np.abs(audio.astype(int)) > thresh)
    return float(idx[0]) / 8000 if len(idx) else 0.0


async def test_two_questions_answered_then_person_request_handed_off(server, runtime):
    rep = await place_call(
        server,
        [
            line("How do I download a copy of my invoice?"),
            line("How do I reset my password?"),
            line("Can I speak to a person please?"),
        ],
    )
    t1, t2, t3 = rep.turns
    assert "invoice" in t1["heard"].lower() and "password" in t2["heard"].lower()
    assert "invoice" in t1["agent_text"].lower() and t1["handoff"] is None
    assert "password" in t2["agent_text"].lower() and t2["handoff"] is None
    assert t3["handoff"] is not None and t3["handoff"]["reason"] == "caller_request"
    # grounded answers carry their chunk ids into the trace; every stage was timed
    agent_turns = [t for t in rep.record["turns"] if t["role"] == "agent" and t["index"] > 0]
    assert all(cid.startswith("kb_") for cid in agent_turns[0]["retrieved_chunk_ids"])
    assert agent_turns[0]["retrieved_chunk_ids"]
    for t in rep.turns:
        assert t["latency_ms"]["turn_gap"] > 0 and t["latency_ms"]["stt"] > 0
    assert rep.record["end_reason"] == "transferred"
    stored = await runtime.store.load(rep.call_id)
    assert stored is not None and stored["end_reason"] == "transferred"
    assert [t["role"] for t in stored["turns"]].count("caller") == 3
    assert stored["turns"][1]["audio_bytes"] > 8000  # the caller's audio is kept with the turn trace
    # the caller heard the agent: agent audio came back on the wire
    assert len(rep.sim.agent_pcm()) > 8000 * 3


async def test_barge_in_stops_audio_within_300ms_and_keeps_only_heard_words(server, runtime):
    question = line("Why was my card declined and what can I do about a failed payment?")
    interruption = line("Sorry, wait, I have a different question.", barge_in_at_ms=2000)
    ws = server.replace("http://", "ws://") + "/twilio/media"
    sim = await run_call(ws, [question, interruption])
    first, second = sim.lines
    assert first.barged_in and sim.clears >= 1
    onset = second.sent_at + onset_s(interruption.audio)
    assert first.agent_audio_stopped_at is not None
    stop_after_onset = first.agent_audio_stopped_at - onset
    assert stop_after_onset <= 0.30, f"agent audio kept flowing {stop_after_onset * 1000:.0f} ms after caller onset"
    from frontline.sim.call import fetch_record

    rec = await fetch_record(server, sim.call_sid)
    turns = rec["turns"]
    first_caller = next(t for t in turns if t["role"] == "caller")
    t = turns[first_caller["index"] + 1]  # the agent's answer to the first question
    summary = [(x["role"], x["text"][:50], x["interrupted"]) for x in turns]
    assert t["role"] == "agent" and t["interrupted"], f"the answer talked over must be marked interrupted: {summary}"
    assert t["full_text"].startswith(t["text"]) and len(t["text"]) < len(t["full_text"]), summary
    assert t["text"], f"about 2 s of the answer was played and acknowledged: {summary}"
    # the conversation after the barge-in continues with a new caller turn
    callers = [x for x in rec["turns"] if x["role"] == "caller"]
    assert "different question" in callers[-1]["text"].lower()


async def test_no_speech_reprompts_then_says_goodbye_and_persists(server, runtime):
    ws = server.replace("http://", "ws://") + "/twilio/media"
    original = runtime.profile
    runtime.profile = original.model_copy(
        update={"turn_taking": original.turn_taking.model_copy(update={"reprompt_after_s": 1.5, "hangup_after_reprompt_s": 1.5})}
    )
    try:
        sim = await run_call(ws, [], tail_s=30.0)  # ends as soon as the server hangs up
    finally:
        runtime.profile = original
    assert sim.closed_by_server
    from frontline.sim.call import fetch_record

    rec = await fetch_record(server, sim.call_sid)
    assert rec["end_reason"] == "no_input"
    kinds = [t["trace"].get("kind") for t in rec["turns"] if t["role"] == "agent"]
    assert kinds == ["opening", "reprompt", "goodbye"]
    texts = [t["text"] for t in rec["turns"]]
    assert runtime.profile.reprompt in texts and runtime.profile.goodbye in texts
    stored = await runtime.store.load(rec["call_id"])
    assert stored is not None and stored["end_reason"] == "no_input" and len(stored["turns"]) == 3


async def test_a_crashed_stt_model_loses_the_turn_not_the_call(server, runtime, monkeypatch):
    def crashed(audio):
        raise RuntimeError("CTranslate2 crashed")

    with monkeypatch.context() as m:
        m.setattr(runtime.models.stt, "transcribe", crashed)
        rep = await place_call(server, [line("How do I download a copy of my invoice?")])
    # the words are lost, but the caller is not met with silence: they are asked to say it again;
    # the error is on the record, and the call ended normally
    assert any("CTranslate2 crashed" in e for e in rep.record["meta"].get("errors", []))
    assert [t["agent_text"] for t in rep.turns] == [runtime.profile.not_heard]
    assert rep.record["end_reason"] == "caller_hangup"
    assert (await runtime.store.load(rep.call_id))["end_reason"] == "caller_hangup"
    # the process is fine: the next call is answered
    rep2 = await place_call(server, [line("How do I reset my password?")])
    assert "password" in rep2.turns[0]["agent_text"].lower()


async def test_clear_speech_the_stt_returns_empty_is_asked_again_not_ignored(server, runtime, monkeypatch):
    """Whisper's no-speech head sometimes overrules a VAD that was sure (measured: an espeak Scottish
    voice, 2.7 s of speech at VAD p ≈ 1.0, no_speech_prob 0.61). The caller must hear "say it again",
    not silence followed by "are you still there?"."""
    from frontline.call.protocols import Transcript

    with monkeypatch.context() as m:
        m.setattr(runtime.models.stt, "transcribe", lambda audio: Transcript(text=""))
        rep = await place_call(server, [line("Do you support SCIM user provisioning?")])
    callers = [t for t in rep.record["turns"] if t["role"] == "caller"]
    assert len(callers) == 1 and callers[0]["text"] == "" and callers[0]["trace"]["not_heard"]
    assert callers[0]["trace"]["voiced_ms"] >= runtime.profile.turn_taking.not_heard_min_voiced_ms
    agent = [t for t in rep.record["turns"] if t["role"] == "agent" and t["index"] > callers[0]["index"]]
    assert agent[0]["trace"]["kind"] == "not_heard" and agent[0]["text"] == runtime.profile.not_heard
    # a short sound (under the voiced minimum) is still not a turn
    with monkeypatch.context() as m:
        m.setattr(runtime.models.stt, "transcribe", lambda audio: Transcript(text=""))
        rep = await place_call(server, [line("Hi.")])
    assert [t for t in rep.record["turns"] if t["role"] == "caller"] == []


async def test_a_caller_not_heard_twice_in_a_row_is_transferred_to_a_person(server, runtime, monkeypatch):
    """Asking "say it again" for ever is not service: the second unheard turn in a row goes to a
    person, through the agent and its handoff gate (low_confidence, confidence 0)."""
    from frontline.call.protocols import Transcript

    with monkeypatch.context() as m:
        m.setattr(runtime.models.stt, "transcribe", lambda audio: Transcript(text=""))
        rep = await place_call(server, [line("Do you support SCIM user provisioning?"),
                                        line("I said, do you support SCIM provisioning?")])
    callers = [t for t in rep.record["turns"] if t["role"] == "caller"]
    assert [c["trace"]["not_heard"] for c in callers] == [1, 2]
    agent = [t["text"] for t in rep.record["turns"] if t["role"] == "agent" and t["index"] > callers[0]["index"]]
    assert agent == [runtime.profile.not_heard, runtime.profile.not_heard_handoff]
    assert rep.record["handoff"]["reason"] == "low_confidence" and rep.record["handoff"]["confidence"] == 0.0
    assert rep.record["end_reason"] == "transferred"
