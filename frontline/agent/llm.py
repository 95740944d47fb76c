"""The LLM decision path (`decision: llm`): any OpenAI-compatible chat-completions endpoint.

Why it exists beside the rule policy: a deployment with a model endpoint (a hosted API, or vLLM /
llama.cpp / Ollama on its own hardware) gets free-form understanding and phrasing. Why it is
shaped like this: the model only *proposes*; it acts exclusively through the same registered
tools, the same allowlist, the same audit trail and the same runtime handoff gate as the default
policy. A model that claims "low confidence 0.9" does not transfer the call; a model that tries a
tool outside the profile's allowlist gets an error back and the attempt is logged.

Wire: `AsyncOpenAI(base_url=...)`, `stream=True`. Content deltas are yielded at once as `Say`
fragments (the call session splits them into clauses for TTS); `tool_calls` deltas are assembled
by index (id, function.name, then argument fragments) until finish_reason "tool_calls", the tools
run (with the slow-tool filler), results go back as `tool` messages, and the model continues, up
to `profile.llm.max_tool_rounds` rounds. Memory is bounded (memory.py): system prompt + running
summary + the last N exchanges within the prompt token budget.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from frontline.agent.memory import transcript_summary, window
from frontline.agent.registry import ToolResult, ToolRunner
from frontline.agent.tools import AgentDeps
from frontline.call.protocols import AgentEvent, CallContext, CallerTurn, Handoff, Note, Say
from frontline.profile import Profile
from frontline.settings import Settings, get_settings

log = logging.getLogger("frontline.agent.llm")

FALLBACK_LINE = "I'm sorry, I'm having trouble right now. Let me connect you with a member of our team."


class LLMAgent:
    name = "llm"

    def __init__(self, profile: Profile, runner: ToolRunner, deps: AgentDeps, *, settings: Settings | None = None,
                 client: Any = None) -> None:
        self.profile = profile
        self.runner = runner
        self.deps = deps
        s = settings or get_settings()
        if client is None:
            from openai import AsyncOpenAI

            client = AsyncOpenAI(base_url=profile.llm.base_url or s.openai_base_url,
                                 api_key=s.openai_api_key or "not-needed", timeout=profile.llm.timeout_s,
                                 max_retries=0)
        self.client = client

    def cancel(self, response_id: str) -> None:
        """The caller barged in on `response_id`: drop its pending tool results, run no writes."""
        self.runner.cancel(response_id)

    def system_prompt(self, summary: str) -> str:
        p = self.profile
        base = (p.system_prompt or f"You are {p.agent_name}, {p.persona} at {p.company}.")
        base = base.replace("{company}", p.company).replace("{agent_name}", p.agent_name)
        if summary:
            base += "\n\nEarlier in this call (summary):\n" + summary
        return base

    def messages(self, turn: CallerTurn, ctx: CallContext) -> list[dict[str, Any]]:
        m = self.profile.memory
        w = window(ctx.history, system_prompt=self.system_prompt(""), current=turn.text,
                   max_exchanges=m.max_exchanges, token_budget=m.prompt_token_budget)
        msgs: list[dict[str, Any]] = [{"role": "system", "content": self.system_prompt(w.summary)}]
        for msg in w.recent:
            role = "user" if msg.role == "caller" else "assistant"
            text = msg.text + (" [interrupted by the caller]" if msg.interrupted else "")
            msgs.append({"role": role, "content": text})
        msgs.append({"role": "user", "content": turn.text or f"[caller pressed {turn.dtmf}]"})
        return msgs

    async def respond(self, turn: CallerTurn, ctx: CallContext) -> AsyncIterator[AgentEvent]:
        async for ev in self._respond(turn, ctx):
            if self.runner.is_cancelled(turn.response_id):
                return
            yield ev

    async def _respond(self, turn: CallerTurn, ctx: CallContext) -> AsyncIterator[AgentEvent]:
        rid = turn.response_id
        if (turn.dtmf or "").strip() == "0":  # the fast path never waits for a model
            async for ev in self._tool_events(turn, ctx, "handoff_to_human", self._handoff_args(
                    ctx, "caller_request", 1.0, turn.text), "caller pressed 0"):
                yield ev
            return
        if turn.not_heard:  # clear speech the STT could not make out, again: no model can answer ""
            yield Say(self.profile.not_heard_handoff, kind="handoff")
            async for ev in self._tool_events(turn, ctx, "handoff_to_human", self._handoff_args(
                    ctx, "low_confidence", 0.0, turn.text), f"caller not heard {turn.not_heard} times in a row"):
                yield ev
            return
        msgs = self.messages(turn, ctx)
        tools = [s.openai_tool() for s in self.runner.allowed_specs()]
        cfg = self.profile.llm
        t0 = time.perf_counter()
        for round_no in range(cfg.max_tool_rounds + 1):
            kwargs: dict[str, Any] = {"model": cfg.model, "messages": msgs, "stream": True,
                                      "temperature": cfg.temperature, "max_tokens": cfg.max_tokens}
            if tools and round_no < cfg.max_tool_rounds:
                kwargs["tools"] = tools
            text: list[str] = []
            calls: dict[int, dict[str, str]] = {}
            try:
                stream = await self.client.chat.completions.create(**kwargs)
                try:
                    async for chunk in stream:
                        if self.runner.is_cancelled(rid):
                            return
                        if not chunk.choices:
                            continue
                        delta = chunk.choices[0].delta
                        if delta is not None and delta.content:
                            text.append(delta.content)
                            yield Say(delta.content, kind="answer")
                        for tc in (delta.tool_calls or []) if delta is not None else []:
                            slot = calls.setdefault(tc.index, {"id": "", "name": "", "arguments": ""})
                            if tc.id:
                                slot["id"] = tc.id
                            if tc.function is not None:
                                if tc.function.name:
                                    slot["name"] += tc.function.name
                                if tc.function.arguments:
                                    slot["arguments"] += tc.function.arguments
                finally:
                    close = getattr(stream, "close", None)
                    if close is not None:
                        try:
                            await close()
                        except Exception:  # noqa: BLE001 - closing a finished stream
                            pass
            except Exception as e:  # endpoint down, bad key, malformed stream: fail safe to a human
                log.warning("LLM call failed: %s", e)
                yield Note({"llm_error": f"{type(e).__name__}: {e}"[:300]})
                if not text:
                    yield Say(FALLBACK_LINE, kind="handoff")
                async for ev in self._tool_events(turn, ctx, "handoff_to_human", self._handoff_args(
                        ctx, "low_confidence", 0.0, turn.text), "the model endpoint failed"):
                    yield ev
                return
            yield Note({"llm_round": round_no, "tool_calls": [c["name"] for c in calls.values()],
                        "elapsed_ms": round((time.perf_counter() - t0) * 1000, 1)})
            if not calls:
                return
            ordered = [calls[i] for i in sorted(calls)]
            for i, c in enumerate(ordered):
                c["id"] = c["id"] or f"call_{round_no}_{i}"
            msgs.append({"role": "assistant", "content": "".join(text) or None,
                         "tool_calls": [{"id": c["id"], "type": "function",
                                         "function": {"name": c["name"], "arguments": c["arguments"] or "{}"}}
                                        for c in ordered]})
            for c in ordered:
                try:
                    args = json.loads(c["arguments"] or "{}")
                except json.JSONDecodeError as e:
                    args = {"_unparsed": c["arguments"][:500], "_error": str(e)}
                res: ToolResult | None = None
                async for item in self.runner.stream(c["name"], args, why=f"model requested it (round {round_no})",
                                                     call_id=turn.call_id, response_id=rid, call_sid=ctx.call_sid):
                    if isinstance(item, ToolResult):
                        res = item
                    else:
                        yield item
                if res is None or res.status == "discarded":
                    return
                for ev in self._after_tool(c["name"], args, res, ctx, turn):
                    yield ev
                    if isinstance(ev, Handoff):
                        return
                msgs.append({"role": "tool", "tool_call_id": c["id"], "content": res.for_model()})

    def _after_tool(self, name: str, args: Any, res: ToolResult, ctx: CallContext,
                    turn: CallerTurn) -> list[AgentEvent]:
        if name == "lookup_article" and res.ok and res.result:
            ids = [h["chunk_id"] for h in res.result.get("hits", [])]
            for cid in ids:
                if cid not in ctx.retrieved_chunk_ids:
                    ctx.retrieved_chunk_ids.append(cid)
            return [Note({"tool": name, "retrieved_chunk_ids": ids, "confidence": res.result.get("confidence")})]
        if name == "handoff_to_human" and res.ok and res.result and res.result.get("fired"):
            st = args.get("call_state") or {}
            return [Handoff(reason=args["reason"], confidence=args.get("confidence"),
                            transcript_summary=st.get("transcript_summary") or transcript_summary(ctx, turn.text),
                            retrieved_chunk_ids=list(st.get("retrieved_chunk_ids") or ctx.retrieved_chunk_ids[-12:]),
                            language=st.get("language") or "en")]
        return [Note({"tool": name, "status": res.status, "error": res.error})] if not res.ok else []

    def _handoff_args(self, ctx: CallContext, reason: str, confidence: float, text: str) -> dict[str, Any]:
        return {"reason": reason, "confidence": confidence,
                "call_state": {"call_sid": ctx.call_sid, "language": "en",
                               "transcript_summary": transcript_summary(ctx, text),
                               "retrieved_chunk_ids": ctx.retrieved_chunk_ids[-12:]}}

    async def _tool_events(self, turn: CallerTurn, ctx: CallContext, name: str, args: dict[str, Any],
                           why: str) -> AsyncIterator[AgentEvent]:
        res: ToolResult | None = None
        async for item in self.runner.stream(name, args, why=why, call_id=turn.call_id,
                                             response_id=turn.response_id, call_sid=ctx.call_sid):
            if isinstance(item, ToolResult):
                res = item
            else:
                yield item
        if res is not None and res.status != "discarded":
            for ev in self._after_tool(name, args, res, ctx, turn):
                yield ev
