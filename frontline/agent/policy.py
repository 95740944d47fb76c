"""The default decision policy: offline, deterministic, no LLM.

Why a rule policy as the default: a self-hosted contact center must work with no model endpoint,
behave the same on every run (testable, auditable), and fail safe — when in doubt it asks once,
then hands off. The order of checks is the order of what matters most:

  1. the caller asks for a person (any wording, or DTMF 0)                   → handoff caller_request
  2. the caller speaks a language the profile does not support             → multilingual_handoff,
     announced in English and Spanish
  3. an answer to an offer we made last turn ("Want me to connect you?")   → handoff / carry on
  4. a must-refuse category the caller wants *acted on* (not explained)    → handoff must_refuse_category
  5. adversarial input (injection, other customers' data, secrets, promised refunds) → refuse, offer a person
  6. small talk (greeting, thanks, repeat, slower, robot?, capabilities, goodbye)
  7. otherwise search the help center (lookup_article) and, at the same time in a worker thread,
     compare the turn with the intent prototypes (semantic.py): a clear caller request, must-refuse
     request or adversarial turn that the wording rules above missed is handled as in 1/4/5 (the
     best help-center match is part of that decision, so tier-1 questions keep their article);
     otherwise use the calibrated confidence:
       confident → short spoken answer from the best article (+ "Sure." first when it is long)
       nothing relevant → say so and offer a person (yes → out_of_scope handoff)
       unsure → one clarifying question; unsure again → low_confidence handoff

Every side effect goes through the tool runner (allowlist, audit, filler when slow, interruption)
and every handoff through the runtime gate (handoff.py), exactly as on the LLM path.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from frontline.agent import intents, semantic
from frontline.agent.answer import LONG_ANSWER_WORDS, spoken_answer, word_count
from frontline.agent.language import detect_language
from frontline.agent.memory import transcript_summary
from frontline.agent.registry import ToolResult, ToolRunner
from frontline.agent.tools import AgentDeps, Lookup
from frontline.call.protocols import AgentEvent, CallContext, CallerTurn, EndCall, Handoff, Note, Say
from frontline.profile import Profile

log = logging.getLogger("frontline.agent.policy")

MULTILINGUAL_LINES = (
    "I'm sorry, I can only help in English on this line. Let me connect you with a colleague.",
    "Lo siento, en esta línea solo puedo ayudar en inglés. Le comunico con un compañero.",
)
STATE_KEY = "policy"


@dataclass
class _Turn:
    """Per-response bookkeeping the helper methods share."""

    turn: CallerTurn
    ctx: CallContext
    state: dict[str, Any]


class DefaultPolicy:
    """The offline decision Agent. One instance serves every call of a process (state is in ctx)."""

    name = "default-policy"

    def __init__(self, profile: Profile, runner: ToolRunner, deps: AgentDeps, *, use_semantic: bool = True,
                 embedder: Any = None) -> None:
        self.profile = profile
        self.runner = runner
        self.deps = deps
        self.use_semantic = use_semantic
        self.embedder = embedder  # None: the process-wide knowledge embedder

    # -- Agent protocol ----------------------------------------------------------------------
    def cancel(self, response_id: str) -> None:
        """The caller barged in on `response_id`: drop its pending tool results, run no writes."""
        self.runner.cancel(response_id)

    async def respond(self, turn: CallerTurn, ctx: CallContext) -> AsyncIterator[AgentEvent]:
        state = ctx.state.setdefault(STATE_KEY, {"low_confidence_turns": 0, "offer": None, "clarify": None})
        t = _Turn(turn, ctx, state)
        async for ev in self._respond(t):
            if self.runner.is_cancelled(turn.response_id):
                return
            yield ev

    # -- the decision ------------------------------------------------------------------------
    async def _respond(self, t: _Turn) -> AsyncIterator[AgentEvent]:
        text = (t.turn.text or "").strip()
        norm = intents.normalize(text)
        p = self.profile

        # 1. a person, by DTMF 0 or by words. Asked for to settle a must-refuse matter ("make us an
        # offer or put me through to your legal team"), the handoff carries that category instead:
        # the person it reaches is the one who handles it, and the reason says why
        dtmf_zero = (t.turn.dtmf or "").strip() == "0"
        forms = intents.rule_forms(norm) if norm else ()
        asks_person = any(intents.asks_for_human(f) for f in forms)
        if asks_person and not dtmf_zero:
            m = _first(intents.must_refuse(f, p.must_refuse) for f in forms)
            if m is not None:
                t.state["offer"] = None
                yield Note({"intent": "must_refuse", "category": m.category, "why": m.why, "asked_for_person": True})
                async for ev in self._must_refuse(t, text):
                    yield ev
                return
        if dtmf_zero or asks_person:
            t.state["offer"] = None
            yield Note({"intent": "caller_request", "dtmf": t.turn.dtmf})
            async for ev in self._handoff(t, "caller_request", 1.0, text):
                yield ev
            return
        # clear speech the STT could not make out, again: a person will hear them better
        if t.turn.not_heard:
            t.state["offer"] = None
            yield Note({"intent": "not_heard", "turns": t.turn.not_heard})
            yield Say(p.not_heard_handoff, kind="handoff")
            async for ev in self._handoff(t, "low_confidence", 0.0, text):
                yield ev
            return
        if not norm:
            yield Say("Sorry, I didn't catch that. Could you say it again?", kind="clarify")
            return

        # 2. language
        if len(norm.split()) >= 2:
            guess = await asyncio.to_thread(detect_language, text)
            if guess.language not in p.languages:
                yield Note({"intent": "unsupported_language", "language": guess.language, "why": guess.why})
                for line in MULTILINGUAL_LINES:
                    yield Say(line, kind="handoff")
                async for ev in self._handoff(t, "multilingual_handoff", guess.confidence, text,
                                              language=guess.language):
                    yield ev
                return

        # 3. the answer to an offer or a clarifying question we made last turn
        offer, t.state["offer"] = t.state.get("offer"), None
        clarify, t.state["clarify"] = t.state.get("clarify"), None
        if offer and intents.AFFIRMATIVE.match(norm) and len(norm.split()) <= 6:
            async for ev in self._handoff(t, offer["reason"], offer.get("confidence"), text):
                yield ev
            return
        if offer and intents.NEGATIVE.match(norm) and len(norm.split()) <= 4:
            yield Say("Okay. Is there anything else I can help you with?", kind="smalltalk")
            return
        if clarify and intents.AFFIRMATIVE.match(norm) and len(norm.split()) <= 6:
            async for ev in self._answer(t, clarify["answer"], clarify["article_id"], clarify["chunk_ids"],
                                         clarify["confidence"], confirmed=True):
                yield ev
            return

        # 4. must-refuse categories
        m = _first(intents.must_refuse(f, p.must_refuse) for f in forms)
        if m is not None:
            yield Note({"intent": "must_refuse", "category": m.category, "why": m.why})
            async for ev in self._must_refuse(t, text):
                yield ev
            return

        # 5. adversarial input: refuse plainly, never comply, offer a person
        adv = _first(intents.adversarial(f) for f in forms)
        if adv is not None:
            yield Note({"intent": "adversarial", "kind": adv})
            for ev in self._refuse(t):
                yield ev
            return

        # 6. small talk
        st = intents.smalltalk(norm)
        if st is not None:
            yield Note({"intent": "smalltalk", "kind": st})
            async for ev in self._smalltalk(t, st):
                yield ev
            return

        # 7. the help center
        # the help-center search gets the plain form (its own normaliser fixes ASR words for retrieval);
        # the intent arms get the rules' form, ASR repairs included
        query = intents.knowledge_query(text)
        async for ev in self._knowledge(t, query, text, forms[-1] if forms else query):
            yield ev

    # -- pieces ------------------------------------------------------------------------------
    async def _must_refuse(self, t: _Turn, text: str) -> AsyncIterator[AgentEvent]:
        yield Say("That's something a member of our team needs to handle.", kind="handoff")
        async for ev in self._handoff(t, "must_refuse_category", 1.0, text):
            yield ev

    def _refuse(self, t: _Turn) -> list[AgentEvent]:
        """Adversarial input: refuse plainly, never comply, offer a person."""
        t.state["offer"] = {"reason": "caller_request", "confidence": None}
        return [Say("I'm sorry, I can't help with that. I can connect you with a member of our team "
                    "if you'd like.", kind="refusal")]

    async def _semantic_intent(self, t: _Turn, sem: semantic.SemanticMatch, decided: tuple[str, str, str],
                               kb_score: float, text: str) -> AsyncIterator[AgentEvent]:
        """Act on an intent found by the embedding arms exactly as on the lexical one."""
        family, kind, arm = decided
        yield Note({**sem.trace(kb_score), "intent": family, "kind": kind, "arm": arm})
        if family == "caller_request":
            t.state["offer"] = None
            async for ev in self._handoff(t, "caller_request", 1.0, text):
                yield ev
        elif family == "must_refuse":
            async for ev in self._must_refuse(t, text):
                yield ev
        elif family == "adversarial":
            for ev in self._refuse(t):
                yield ev
        else:
            async for ev in self._smalltalk(t, kind):
                yield ev

    async def _smalltalk(self, t: _Turn, kind: str) -> AsyncIterator[AgentEvent]:
        p = self.profile
        last = next((m.text for m in reversed(t.ctx.history) if m.role == "agent" and m.text.strip()), None)
        if kind == "goodbye":
            yield Say(f"Thanks for calling {p.company}. Goodbye!", kind="smalltalk")
            yield EndCall("completed")
        elif kind == "thanks":
            yield Say("You're welcome! Is there anything else I can help with?", kind="smalltalk")
        elif kind == "repeat":
            yield Say(last or "I haven't said anything yet. How can I help you today?", kind="smalltalk")
        elif kind == "slower":
            yield Note({"speech_rate": "slower"})
            yield Say("Of course, I'll slow down." + (f" {last}" if last else ""), kind="smalltalk")
        elif kind == "robot":
            yield Say(f"Yes, I'm an AI assistant for {p.company}. I can answer questions from our help center, "
                      "and you can say 'agent' at any time to reach a person.", kind="smalltalk")
        elif kind == "capabilities":
            yield Say(f"I can answer questions about your {p.company} account, billing, plans and users, "
                      "and I can connect you with a person whenever you like. What do you need help with?",
                      kind="smalltalk")
        else:
            yield Say("Hi! How can I help you today?", kind="smalltalk")

    async def _tool(self, t: _Turn, name: str, args: dict[str, Any], why: str) -> AsyncIterator[Say | ToolResult]:
        async for item in self.runner.stream(name, args, why=why, call_id=t.turn.call_id,
                                             response_id=t.turn.response_id, call_sid=t.ctx.call_sid):
            yield item

    async def _knowledge(self, t: _Turn, query: str, text: str = "", intent_text: str = "") -> AsyncIterator[AgentEvent]:
        intent_text = intent_text or query
        # the intent prototypes are compared in a worker thread while the help center is searched
        sem_task = (asyncio.ensure_future(semantic.classify_async(intent_text, self.profile.must_refuse, self.embedder))
                    if self.use_semantic else None)
        res: ToolResult | None = None
        async for item in self._tool(t, "lookup_article", {"query": query[:500]}, "caller asked a question"):
            if isinstance(item, ToolResult):
                res = item
            else:
                yield item
        sem = await sem_task if sem_task is not None else None
        if res is None or res.status == "discarded":
            return
        kb_score = 0.0
        if res.ok and isinstance(res.native, Lookup):
            kb_score = float(res.native.confidence.features.get("top_dense", 0.0))
        decided = (sem.decide(kb_score, inquiry=intents.is_inquiry(intent_text),
                              happening_now=intents.fraud_happening_now(intent_text)) if sem is not None else None)
        if decided is not None:
            async for ev in self._semantic_intent(t, sem, decided, kb_score, text or query):
                yield ev
            return
        if not res.ok or not isinstance(res.native, Lookup):
            yield Note({"intent": "knowledge", "error": res.error, "status": res.status})
            yield Say("I'm sorry, I can't look that up right now. Would you like me to connect you with a person?",
                      kind="clarify")
            t.state["offer"] = {"reason": "low_confidence", "confidence": 0.0}
            return
        lk: Lookup = res.native
        p_ok = lk.confidence.probability
        chunk_ids = [h.chunk_id for h in lk.hits]
        top = lk.hits[0] if lk.hits else None
        yield Note({"intent": "knowledge", "confidence": round(p_ok, 4), "features": lk.confidence.features,
                    "retrieved_chunk_ids": chunk_ids, "retrieved_article_ids": [h.article_id for h in lk.hits],
                    "top_article_id": top.article_id if top else None})
        for cid in chunk_ids:
            if cid not in t.ctx.retrieved_chunk_ids:
                t.ctx.retrieved_chunk_ids.append(cid)

        qnorm = intents.normalize(query)
        foreign = intents.foreign_products(qnorm, article=(top.title + "\n" + top.text) if top is not None else "")
        advice = not foreign and intents.general_advice(qnorm)
        if foreign or advice or intents.elsewhere(qnorm):
            # "reset my password in asana", "my landline is with another company": someone else's product;
            # "is a client lunch deductible": what the law asks of the caller, not how our product works
            if advice:
                yield Note({"decision": "out_of_scope", "general_advice": True})
                line = "I'm sorry, I can't give tax or legal advice; I can only help with how {} works."
            else:
                yield Note({"decision": "out_of_scope", "foreign_products": foreign or ["another company"]})
                about = foreign[0].title() if foreign else "services from another company"
                line = "I'm sorry, I can only help with {} products, and I don't have information about " + about + "."
            yield Say((line + " Would you like me to connect you with a member of our team?").format(self.profile.company),
                      kind="clarify")
            t.state["offer"] = {"reason": "out_of_scope", "confidence": p_ok}
            return
        if top is not None and p_ok >= self.profile.handoff_confidence_threshold:
            async for ev in self._answer(t, lk.answer, top.article_id, [top.chunk_id], p_ok):
                yield ev
            return
        if top is None or lk.confidence.out_of_scope:
            yield Note({"decision": "out_of_scope"})
            yield Say("I'm sorry, that's not something I have information about. Would you like me to connect "
                      "you with a member of our team?", kind="clarify")
            t.state["offer"] = {"reason": "out_of_scope", "confidence": p_ok}
            return
        t.state["low_confidence_turns"] = t.state.get("low_confidence_turns", 0) + 1
        if t.state["low_confidence_turns"] >= 2:
            async for ev in self._handoff(t, "low_confidence", p_ok, query):
                yield ev
            return
        yield Note({"decision": "clarify", "candidate_article_id": top.article_id})
        yield Say(f"Just to make sure I get this right: is your question about {_topic(top.title)}?",
                  kind="clarify")
        t.state["clarify"] = {"answer": spoken_answer(top.text, top.title), "article_id": top.article_id,
                              "chunk_ids": [top.chunk_id], "confidence": p_ok}

    async def _answer(self, t: _Turn, answer: str, article_id: str, chunk_ids: list[str], confidence: float,
                      confirmed: bool = False) -> AsyncIterator[AgentEvent]:
        t.state["low_confidence_turns"] = 0
        if not answer:
            answer = "I found an article about that, but I can't read it out right now."
        if word_count(answer) > LONG_ANSWER_WORDS:
            yield Say("Sure." if not confirmed else "Okay.", kind="ack")
        yield Note({"answered_from": article_id, "chunk_ids": chunk_ids, "confidence": round(confidence, 4),
                    "confirmed": confirmed})
        yield Say(answer, kind="answer")

    async def _handoff(self, t: _Turn, reason: str, confidence: float | None, text: str,
                       language: str = "en") -> AsyncIterator[AgentEvent]:
        """Ask the gate through the handoff_to_human tool; yield the Handoff only if it fires."""
        summary = transcript_summary(t.ctx, text)
        chunk_ids = [c for c in t.ctx.retrieved_chunk_ids if re.fullmatch(r"kb_[0-9a-f]{12}", c)][-12:]
        conf = 0.0 if confidence is None else max(0.0, min(1.0, float(confidence)))
        args = {"reason": reason, "confidence": conf,
                "call_state": {"call_sid": t.ctx.call_sid, "language": language,
                               "transcript_summary": summary, "retrieved_chunk_ids": chunk_ids}}
        res: ToolResult | None = None
        async for item in self._tool(t, "handoff_to_human", args, f"policy: {reason}"):
            if isinstance(item, ToolResult):
                res = item
            else:
                yield item
        if res is None or res.status == "discarded":
            return
        if res.ok and res.result and res.result.get("fired"):
            yield Handoff(reason=reason, confidence=conf, transcript_summary=summary,
                          retrieved_chunk_ids=chunk_ids, language=language)
            return
        # the gate (or the allowlist) said no: keep helping instead
        yield Note({"handoff_not_fired": reason, "status": res.status, "why": (res.result or {}).get("why", res.error)})
        yield Say("I can't transfer you right now, but I'm happy to keep helping. What would you like to know?",
                  kind="clarify")


def _topic(title: str) -> str:
    """'How refunds work' → 'how refunds work' (for 'is your question about …?')."""
    return title[:1].lower() + title[1:] if title and not title[:2].isupper() else title


def _first(matches: Any) -> Any:
    """The first match that is not None (the rules tried on each of intents.rule_forms in turn)."""
    return next((m for m in matches if m is not None), None)
