"""Speech-transcript query normalisation and the eval-file loader."""

from __future__ import annotations

import json

import pytest

from frontline.evals.dataset import EvalFileError, load_eval
from frontline.knowledge.query import build_query, choose_joins, fix_asr, normalize, split_word_candidates


@pytest.mark.parametrize("said, want", [
    ("how do i turn on to factor", "two-factor"),
    ("i lost my two fa codes", "two-factor"),
    ("where can i download my in voice", "invoice"),
    ("can i get all my in voices", "invoices"),
    ("set up sass oh for my team", "sso"),
    ("does s s o work with okta", "sso"),
    ("i forgot my pass word", "password"),
    ("change my e mail address", "email"),
    ("the why fi keeps dropping", "wi-fi"),
    ("my wifi password", "wi-fi"),
    ("i deleted the e sim", "esim"),
    ("check my voice mail", "voicemail"),
    ("the broad band is down", "broadband"),
])
def test_asr_fixes(said, want):
    assert want in fix_asr(said).split()


def test_asr_fixes_leave_ordinary_words_alone():
    assert fix_asr("it's so slow today") == "it's so slow today"
    assert fix_asr("i want to factor this in") != "i want to factor this in"  # documented trade-off
    assert "sso" not in fix_asr("what's so special")


def test_fillers_and_politeness_are_stripped():
    q = build_query("um so yeah hi I was wondering if you could tell me how do I change my credit card please")
    assert "um" not in q.text.split() and "wondering" not in q.text and "please" not in q.text
    assert "credit card" in q.text
    assert set(q.terms) >= {"change", "credit", "card"}
    assert not set(q.terms) & {"um", "yeah", "wondering", "please", "hi"}
    assert q.tsquery == " | ".join(q.terms)


def test_spelling_variants_and_telecom_words_reach_the_lexical_arm():
    q = build_query("how much is it to call india over the why fi")
    assert {"wi-fi", "wifi"} <= set(q.terms)  # help centers write Wi-Fi or WiFi; absent variants drop out
    assert q.text.count("wifi") == 0 and "wi-fi" in q.text  # the dense arm sees one form
    assert "call" in q.terms  # a content word for a phone company, not filler
    assert "esim" in build_query("move my e sim").terms


@pytest.mark.parametrize("said, words", [
    ("my card keeps getting rejected when i check out", {"declined"}),
    ("how many days do i have to send something back", {"return"}),
    ("i think somebody hacked my account", {"unauthorized", "suspicious", "compromised"}),
    ("the glasses came all smashed", {"damaged"}),
    ("hey where's my package right now", {"track"}),
    ("the app keeps spinning", {"slow", "loading"}),
    ("there's a charge i don't recognize", {"unrecognized", "unauthorized"}),
    ("can i split the cost into four payments", {"installments", "financing"}),
])
def test_everyday_phrasings_add_the_help_centers_words(said, words):
    q = build_query(said)
    assert words <= set(q.expansions)
    assert not set(q.expansions) & set(q.terms)  # only words the caller did not say
    assert all(w in q.text for w in words)  # the dense arm reads them after the question
    off = build_query(said, colloquial=False)
    assert off.expansions == () and off.terms == q.terms and off.text == normalize(said)


@pytest.mark.parametrize("said", [
    "i want to split it into groups so people can browse",  # not a payment plan
    "single sign on broke for the whole team",  # software breaks; parcels arrive damaged
    "attachment too large error",
    "deleted by accident can i bring it back",  # restoring, not returning
    "how do i change my password",
    "i've been on hold for forty minutes",  # the caller's wait, not a card hold
    "my card is frozen, how do i unfreeze it",  # not a crash
    "where is the security code on my card",  # the card's CVV, not a login code
])
def test_ordinary_questions_get_no_expansion(said):
    assert build_query(said).expansions == ()


def test_split_word_candidates_are_runs_of_plain_words():
    c = split_word_candidates("so when do i get my de posit back, on line")
    assert c[("de", "posit")] == "deposit" and c[("on", "line")] == "online"
    assert ("back", "on") not in c  # the comma breaks the run
    assert not any("m" in run for run in split_word_candidates("i'm on the default plan"))  # "i'm" is one word
    assert ("re", "con", "nect") in split_word_candidates("re con nect my power")
    assert ("a", "b") not in split_word_candidates("a b")  # under five letters


def test_joins_follow_the_help_centers_vocabulary():
    ndoc = {"deposit": 12, "online": 30, "line": 10, "away": 2, "way": 30, "below": 15, "low": 10,
            "form": 40, "brightwater": 120, "bit": 1, "connect": 8, "reconnect": 6}.get
    stop = {"de", "a", "on", "for", "me", "be", "re"}.__contains__

    def joins(text):
        return choose_joins(split_word_candidates(text), lambda w: ndoc(w, 0), stop, max_ndoc=100)

    assert joins("my de posit back") == {("de", "posit"): "deposit"}
    assert joins("pay on line") == {("on", "line"): "online"}  # 30 >= 2 x 10
    assert joins("is there a way") == {}  # "way" is the commoner word
    assert joins("the fee will be low") == {}  # 15 < 2 x 10
    assert joins("what it means for me") == {}  # stop words only ("forme" stems like "form")
    assert joins("is bright water down") == {}  # the company's name is in nearly every chunk
    assert joins("re con nect my power")[("re", "con", "nect")] == "reconnect"
    q = build_query("when do i get my de posit back", joins={("de", "posit"): "deposit"})
    assert "deposit" in q.text.split() and "deposit" in q.terms and "posit" not in q.terms


def test_only_fillers_falls_back_to_the_raw_text():
    assert normalize("um hello") != ""
    assert build_query("   ").terms == ()


def test_load_eval(tmp_path):
    p = tmp_path / "e.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "category": "billing", "text": "change card", "expect": {"article": "BILL_x"}, "new": 1},
        {"id": "b", "category": "handoff", "text": "agent", "expect": {"handoff": "asked_for_human"}},
        {"id": "c", "category": "refuse", "text": "legal advice", "expect": {"refuse": True}, "language": "ES"},
    ]) + "\n\n")
    rows = load_eval(p)
    assert [r.expect.kind for r in rows] == ["article", "handoff", "refuse"]
    assert rows[0].expect.article == "BILL_x" and rows[0].extra == {"new": 1}
    assert rows[2].language == "es"


@pytest.mark.parametrize("line, msg", [
    ('{"id": "a", "text": "x"}', "expect"),
    ('{"id": "a", "text": "x", "expect": {}}', "exactly one"),
    ('{"id": "a", "text": "", "expect": {"refuse": true}}', "text"),
    ('{"id": "a", "text": "x", "expect": {"article": "A", "refuse": true}}', "exactly one"),
    ("not json", "not valid JSON"),
])
def test_load_eval_rejects_bad_rows(tmp_path, line, msg):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"id": "ok", "text": "fine", "expect": {"refuse": true}}\n' + line + "\n")
    with pytest.raises(EvalFileError, match=msg) as e:
        load_eval(p)
    assert "bad.jsonl:2" in str(e.value)
