"""The LLM decision path against a real HTTP server on loopback speaking the OpenAI streaming wire format.

The fake endpoint is a tiny Starlette app served by uvicorn inside the test. It answers
`POST /v1/chat/completions` with `text/event-stream`: `data: {chat.completion.chunk}` lines carrying
content deltas, then `tool_calls` deltas (index/id/type/function.name first, the JSON arguments in
fragments across later chunks), `finish_reason: "tool_calls"`, and `data: [DONE]`. Every request
body is recorded so the test can check what the agent sent back (the tool result message).
"""

from __future__ import annotations

import asyncio
import json

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from frontline.agent.factory import build_agent
from frontline.agent.llm import LLMAgent
from frontline.call.protocols import CallContext, CallerTurn, Handoff, Note, Say
from frontline.profile import load_profile
from frontline.settings import Settings

from tests.test_agent_policy import ScriptedRetriever


def _chunk(delta: dict, finish: str | None = None, cid: str = "chatcmpl-fake") -> str:
    body = {"id": cid, "object": "chat.completion.chunk", "created": 1700000000, "model": "fake-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(body)}\n\n"


def _tool_call_stream(text_parts: list[str], call_id: str, name: str, args: dict) -> list[str]:
    raw = json.dumps(args)
    cut = [0, 7, len(raw) // 2, len(raw) - 5, len(raw)]
    out = [_chunk({"role": "assistant", "content": ""})]
    out += [_chunk({"content": p}) for p in text_parts]
    out.append(_chunk({"tool_calls": [{"index": 0, "id": call_id, "type": "function",
                                       "function": {"name": name, "arguments": ""}}]}))
    out += [_chunk({"tool_calls": [{"index": 0, "function": {"arguments": raw[a:b]}}]})
            for a, b in zip(cut, cut[1:])]
    out.append(_chunk({}, finish="tool_calls"))
    out.append("data: [DONE]\n\n")
    return out


HANDOFF_ARGS = {"reason": "caller_request", "confidence": 0.95,
                "call_state": {"call_sid": "CA-llm", "language": "en",
                               "transcript_summary": "Caller asked about a password reset, then for a person.",
                               "retrieved_chunk_ids": ["kb_aaaaaaaaaaaa"]}}


class FakeEndpoint:
    """Scripted replies, one per request, in order; every request body is kept."""

    def __init__(self, replies: list[list[str]]) -> None:
        self.replies = list(replies)
        self.requests: list[dict] = []

    async def completions(self, request: Request) -> StreamingResponse:
        self.requests.append(await request.json())
        lines = self.replies.pop(0)

        async def gen():
            for line in lines:
                yield line.encode()
                await asyncio.sleep(0.005)  # real streaming: separate network writes

        return StreamingResponse(gen(), media_type="text/event-stream")

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/chat/completions", self.completions, methods=["POST"])])


@pytest.fixture
async def endpoint():
    fake = FakeEndpoint([
        _tool_call_stream(["Let me ", "look that up."], "call_lookup_1", "lookup_article",
                          {"query": "reset password"}),
        _tool_call_stream(["Connecting you ", "now."], "call_handoff_1", "handoff_to_human", HANDOFF_ARGS),
    ])
    server = uvicorn.Server(uvicorn.Config(fake.app(), host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started
    port = server.servers[0].sockets[0].getsockname()[1]
    yield fake, f"http://127.0.0.1:{port}/v1"
    server.should_exit = True
    await asyncio.wait_for(task, 10)


async def test_streamed_tool_calls_run_through_the_same_gate(endpoint):
    fake, url = endpoint
    base = load_profile()
    prof = base.model_copy(update={"decision": "llm",
                                   "llm": base.llm.model_copy(update={"base_url": url, "model": "fake-model"})})
    agent = build_agent(prof, retriever=ScriptedRetriever(), settings=Settings(openai_api_key="sk-test"))
    assert isinstance(agent, LLMAgent)
    ctx = CallContext("call-llm", "CA-llm", "test")
    turn = CallerTurn(ctx.call_id, "r-llm-1", "how do I reset my password? actually, just get me a person")
    events = [e async for e in agent.respond(turn, ctx)]

    # content deltas are spoken as they arrive, fragment by fragment
    says = [e.text for e in events if isinstance(e, Say) and e.kind == "answer"]
    assert says == ["Let me ", "look that up.", "Connecting you ", "now."]

    # round 1: the lookup ran; round 2: the request carried the assistant tool call and the tool result
    assert len(fake.requests) == 2
    first, second = fake.requests
    assert first["stream"] is True and first["model"] == "fake-model"
    assert {t["function"]["name"] for t in first["tools"]} == {"lookup_article", "handoff_to_human"}
    assistant = next(m for m in second["messages"] if m["role"] == "assistant" and m.get("tool_calls"))
    assert assistant["content"] == "Let me look that up."
    assert assistant["tool_calls"][0]["id"] == "call_lookup_1"
    assert assistant["tool_calls"][0]["function"]["name"] == "lookup_article"
    assert json.loads(assistant["tool_calls"][0]["function"]["arguments"]) == {"query": "reset password"}
    tool_msg = next(m for m in second["messages"] if m["role"] == "tool")
    assert tool_msg["tool_call_id"] == "call_lookup_1"
    assert "ACC_reset_password" in tool_msg["content"]
    assert any(isinstance(e, Note) and e.data.get("tool") == "lookup_article" for e in events)

    # the streamed handoff_to_human call (arguments assembled from fragments) went through the gate and fired
    handoffs = [e for e in events if isinstance(e, Handoff)]
    assert len(handoffs) == 1
    h = handoffs[0]
    assert h.reason == "caller_request" and h.confidence == 0.95
    assert h.retrieved_chunk_ids == ["kb_aaaaaaaaaaaa"]
    assert h.transcript_summary.startswith("Caller asked about a password reset")


async def test_gate_refuses_a_confident_low_confidence_claim(endpoint):
    """The model only proposes: low_confidence with confidence above the threshold does not transfer."""
    fake, url = endpoint
    args = {**HANDOFF_ARGS, "reason": "low_confidence", "confidence": 0.9}
    fake.replies = [_tool_call_stream([], "call_h", "handoff_to_human", args),
                    [_chunk({"content": "Happy to keep helping."}), _chunk({}, finish="stop"), "data: [DONE]\n\n"]]
    base = load_profile()
    prof = base.model_copy(update={"decision": "llm", "llm": base.llm.model_copy(update={"base_url": url})})
    agent = build_agent(prof, retriever=ScriptedRetriever(), settings=Settings(openai_api_key="sk-test"))
    ctx = CallContext("call-llm2", "CA-llm2", "test")
    events = [e async for e in agent.respond(CallerTurn(ctx.call_id, "r-llm-2", "hmm not sure"), ctx)]
    assert not any(isinstance(e, Handoff) for e in events)
    tool_msg = next(m for m in fake.requests[1]["messages"] if m["role"] == "tool")
    assert tool_msg["tool_call_id"] == "call_h" and "\"fired\": false" in tool_msg["content"]
    assert [e.text for e in events if isinstance(e, Say)] == ["Happy to keep helping."]


async def test_a_caller_not_heard_again_is_handed_off_without_asking_the_model(endpoint):
    """The session's second empty clear-speech turn in a row: no model can answer "", so the LLM
    path hands off (low_confidence 0, through the same gate) without a request to the endpoint."""
    fake, url = endpoint
    base = load_profile()
    prof = base.model_copy(update={"decision": "llm", "llm": base.llm.model_copy(update={"base_url": url})})
    agent = build_agent(prof, retriever=ScriptedRetriever(), settings=Settings(openai_api_key="sk-test"))
    ctx = CallContext("call-llm3", "CA-llm3", "test")
    events = [e async for e in agent.respond(CallerTurn(ctx.call_id, "r-llm-3", "", not_heard=2), ctx)]
    h = next(e for e in events if isinstance(e, Handoff))
    assert h.reason == "low_confidence" and h.confidence == 0.0
    assert [e.text for e in events if isinstance(e, Say)] == [prof.not_heard_handoff]
    assert fake.requests == []
