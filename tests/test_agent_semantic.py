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


@pytest.mark.parametrize("arm", ["prototypes", "model"])
def test_fraud_asked_how_gets_the_article_unless_it_is_happening_now(arm):
    """As in the lexical arm: "what should I do if someone got into my account" is a how-to; with
    in-progress words ("right now", "this minute") it is fraud in progress whatever the framing;
    a legal threat is an action however it is asked."""
    def match(kind):
        if arm == "prototypes":
            return semantic.SemanticMatch("must_refuse", kind, 0.9, "x", 0.1)
        return semantic.SemanticMatch("neutral", "neutral", 0.0, "x", 0.0, model={"must_refuse": 0.95},
                                      model_kind={"must_refuse": kind})

    assert match("fraud_in_progress").decide(0.2, inquiry=True) is None
    assert match("fraud_in_progress").decide(0.2, inquiry=True, happening_now=True)[1] == "fraud_in_progress"
    assert match("fraud_in_progress").decide(0.2, inquiry=False)[1] == "fraud_in_progress"
    assert match("legal_threat").decide(0.2, inquiry=True)[1] == "legal_threat"
    assert match("billing_dispute").decide(0.2, inquiry=True, happening_now=True) is None
    assert intents.happening_now(intents.normalize("twenty orders with stolen cards are coming in this minute"))
    assert not intents.happening_now(intents.normalize("what should I do if I think someone got into my account"))


@pytest.mark.parametrize(("text", "now"), [
    ("someone is logged into my account right now", True),
    ("my balance keeps dropping and I didn't make these payments", True),
    ("a guy has my code and is moving money as we speak", True),
    ("why is my card being charged right now, over and over", True),
    # a time word alone does not make a question about service status fraud (evals/dev)
    ("is there an outage right now", False), ("is the app down at the moment, it keeps loading", False),
    ("what should I do if I think someone got into my account", False),
])
def test_only_fraud_cues_with_time_words_let_a_fraud_guess_through_a_question(text, now):
    assert intents.fraud_happening_now(intents.normalize(text)) is now


def test_a_question_the_model_alone_reads_as_a_request_for_a_person_needs_a_near_sure_model():
    unsure = semantic.SemanticMatch("neutral", "neutral", 0.0, "x", 0.0, model={"caller_request": 0.7})
    sure = semantic.SemanticMatch("neutral", "neutral", 0.0, "x", 0.0, model={"caller_request": 0.9})
    assert unsure.decide(0.3, inquiry=True) is None
    assert unsure.decide(0.3, inquiry=False) == ("caller_request", "caller_request", "model")
    assert sure.decide(0.3, inquiry=True) == ("caller_request", "caller_request", "model")


def test_a_question_is_not_refused_on_its_nearest_adversarial_phrase_when_the_model_is_sure_it_is_ordinary():
    near = dict(family="adversarial", kind="promise_refund", score=0.6, nearest="guarantee my money back", neutral=0.45)
    ordinary = semantic.SemanticMatch(**near, model={"neutral": 0.93})
    unsure = semantic.SemanticMatch(**near, model={"neutral": 0.6})
    assert ordinary.decide(0.3, inquiry=True) is None
    assert ordinary.decide(0.3, inquiry=False) == ("adversarial", "promise_refund", "prototypes")
    assert unsure.decide(0.3, inquiry=True) == ("adversarial", "promise_refund", "prototypes")
