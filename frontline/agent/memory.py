"""What the agent remembers of the call: the last N exchanges verbatim plus a running summary.

Why bounded: calls can run long, prompts cost latency and money, and a model given an hour of
chatter answers worse, not better. So a prompt holds the system prompt, a short running summary of
everything older, and the last `profile.memory.max_exchanges` exchanges (one exchange = a caller
message and the agent messages that followed it), trimmed oldest-first until the whole prompt fits
`profile.memory.prompt_token_budget`. Only what the caller actually heard is in `ctx.history`
(the session records interrupted agent messages as cut), so memory never contains unheard text.

The summary is extractive (no model call): the caller's earlier requests, newest kept when it
overflows. It also becomes the `transcript_summary` (<= 800 characters) passed on a handoff.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontline.call.protocols import CallContext, Message
from frontline.profile import estimate_tokens

SUMMARY_MAX_CHARS = 600
TRANSCRIPT_SUMMARY_MAX = 800


def exchanges(history: list[Message]) -> list[list[Message]]:
    """Group history into exchanges, each starting at a caller message."""
    out: list[list[Message]] = []
    for m in history:
        if m.role == "caller" or not out:
            out.append([m])
        else:
            out[-1].append(m)
    return out


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: max(0, n - 1)].rstrip() + "…"


def running_summary(older: list[list[Message]], max_chars: int = SUMMARY_MAX_CHARS) -> str:
    """One line per older exchange ("Caller asked: … / Agent: …"), newest kept if it overflows."""
    lines: list[str] = []
    for ex in older:
        caller = " ".join(m.text for m in ex if m.role == "caller").strip()
        agent = " ".join(m.text for m in ex if m.role != "caller").strip()
        line = f"Caller: {_clip(caller, 120)}"
        if agent:
            line += f" / Agent: {_clip(agent, 100)}"
        lines.append(line)
    out: list[str] = []
    total = 0
    for line in reversed(lines):
        if total + len(line) + 1 > max_chars:
            break
        out.append(line)
        total += len(line) + 1
    return "\n".join(reversed(out))


@dataclass
class PromptWindow:
    summary: str
    recent: list[Message]
    tokens: int


def window(history: list[Message], *, system_prompt: str, current: str, max_exchanges: int,
           token_budget: int) -> PromptWindow:
    """The history slice a prompt may carry: last `max_exchanges` exchanges within `token_budget`."""
    ex = exchanges(history)
    older, recent = ex[:-max_exchanges] if len(ex) > max_exchanges else [], ex[-max_exchanges:]
    # the summary may use at most a quarter of what the system prompt and current turn leave over
    avail = token_budget - estimate_tokens(system_prompt) - estimate_tokens(current)
    summary_chars = max(0, min(SUMMARY_MAX_CHARS, avail))  # ~avail/4 tokens at ~4 characters a token
    summary = running_summary(older, summary_chars)

    def cost(parts: list[list[Message]], summ: str) -> int:
        return (estimate_tokens(system_prompt) + estimate_tokens(summ) + estimate_tokens(current)
                + sum(estimate_tokens(m.text) + 4 for e in parts for m in e))

    while recent and cost(recent, summary) > token_budget:
        older.append(recent.pop(0))  # the oldest verbatim exchange moves into the summary
        summary = running_summary(older, summary_chars)
    while summary and cost(recent, summary) > token_budget:
        summary = summary.split("\n", 1)[1] if "\n" in summary else ""
    return PromptWindow(summary, [m for e in recent for m in e], cost(recent, summary))


def transcript_summary(ctx: CallContext, current: str = "", max_chars: int = TRANSCRIPT_SUMMARY_MAX) -> str:
    """What a human picking up the transfer should read first: the caller's words, newest last."""
    said = [m.text.strip() for m in ctx.history if m.role == "caller" and m.text.strip()]
    if current.strip():
        said.append(current.strip())
    text = " | ".join(said)
    if len(text) > max_chars:
        text = "…" + text[-(max_chars - 1):]
    return text
