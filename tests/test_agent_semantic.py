"""The embedding-similarity intent arm: paraphrases no lexical rule lists, and no hijacking of questions."""

from __future__ import annotations

import threading

import pytest

from frontline.agent import intents, semantic
from frontline.agent.factory import build_agent
from frontline.call.protocols import CallContext, CallerTurn, Handoff, Note, Say
from frontline.profile import load_profile

from tests.test_agent_policy import ScriptedRetriever


@pytest.fixture(scope="module")
def clf():
    c = semantic.get_classifier(load_profile().must_refuse)
    assert c is not None
    return c


def test_prototypes_are_embedded_once(clf):
    assert semantic.get_classifier(load_profile().must_refuse) is clf
    assert clf.matrix.shape == (len(clf.phrases), clf.embedder.dim)


@pytest.mark.parametrize(("text", "family"), [
    ("I'd prefer a human touch on this one", "caller_request"),
    ("can I have a word with one of your staff members", "caller_request"),
    ("I really need to chat with a living breathing person", "caller_request"),
    ("my attorney will handle this from here", "must_refuse"),
    ("this invoice is bogus and I refuse to pay it", "must_refuse"),
])
def test_paraphrases_fire(clf, text, family):
    assert not intents.asks_for_human(intents.normalize(text)) or family == "caller_request"
    m = clf.classify(text)
    assert m.family == family, m
    assert m.fires(0.3, inquiry=intents.is_inquiry(intents.normalize(text))), m


@pytest.mark.parametrize("text", [
    "how do refunds work", "how do I reset my password", "what happens to my data if I close my account",
    "how do I invite a teammate", "where do I download last month's invoice",
])
def test_how_questions_do_not_fire(clf, text):
    m = clf.classify(text)
    assert not m.fires(0.55, inquiry=intents.is_inquiry(intents.normalize(text))), m


async def test_policy_uses_the_semantic_arm_off_the_loop(monkeypatch):
    agent = build_agent(load_profile(), retriever=ScriptedRetriever())
    threads = []
    real = semantic.SemanticIntents.classify

    def spy(self, text):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(self, text)

    monkeypatch.setattr(semantic.SemanticIntents, "classify", spy)
    text = "I'd prefer a human touch on this one"
    assert not intents.asks_for_human(intents.normalize(text))  # only the semantic arm knows this one
    ctx = CallContext("call-sem", "CA1", "test")
    events = [e async for e in agent.respond(CallerTurn(ctx.call_id, "r-sem", text), ctx)]
    h = next(e for e in events if isinstance(e, Handoff))
    assert h.reason == "caller_request"
    assert any(isinstance(e, Note) and e.data.get("arm") in ("prototypes", "model") for e in events)
    assert threads == [False]  # embedded in a worker thread, never on the event loop

    events = [e async for e in agent.respond(CallerTurn(ctx.call_id, "r-sem2", "how do I reset my password"), ctx)]
    assert not any(isinstance(e, Handoff) for e in events)
    assert any(isinstance(e, Say) and e.kind == "answer" for e in events)
