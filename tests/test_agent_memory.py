"""Conversation memory: last N exchanges + running summary within a token budget; prompt limits."""

from __future__ import annotations

import pytest

from frontline.agent.memory import exchanges, transcript_summary, window
from frontline.call.protocols import CallContext, Message
from frontline.profile import Profile, ProfileError, estimate_tokens, load_profile


def history(n):
    h = []
    for i in range(n):
        h += [Message("caller", f"question number {i} about invoices"), Message("agent", f"answer number {i}.")]
    return h


def test_keeps_last_n_exchanges_and_summarises_the_rest():
    w = window(history(20), system_prompt="sys", current="now", max_exchanges=12, token_budget=100_000)
    assert len(exchanges(w.recent)) == 12
    assert w.recent[0].text == "question number 8 about invoices"
    assert "question number 7" in w.summary and "question number 0" in w.summary
    assert "question number 8" not in w.summary


def test_token_budget_trims_oldest_first():
    w = window(history(12), system_prompt="s" * 400, current="now", max_exchanges=12, token_budget=200)
    assert w.tokens <= 200
    assert 0 < len(exchanges(w.recent)) < 12
    assert w.recent[-1].text == "answer number 11."  # newest kept


def test_short_history_is_untouched():
    w = window(history(2), system_prompt="sys", current="now", max_exchanges=12, token_budget=3000)
    assert w.summary == "" and len(w.recent) == 4


def test_transcript_summary_is_bounded_and_newest_last():
    ctx = CallContext("c", None, "p", history=history(100))
    s = transcript_summary(ctx, "latest words")
    assert len(s) <= 800 and s.endswith("latest words")


def test_system_prompt_over_its_limit_is_rejected_at_load(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("memory:\n  max_system_prompt_tokens: 64\nsystem_prompt: " + "word " * 300 + "\n")
    with pytest.raises(ProfileError, match="max_system_prompt_tokens"):
        load_profile(f)
    assert estimate_tokens("word " * 300) > 64
    Profile(system_prompt="short")  # fine
