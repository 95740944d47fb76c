"""The built-in tools: look up an article, hand off to a human, schedule a callback.

Both decision paths (the default policy and the LLM) act only through these, so the allowlist,
the audit trail and the handoff gate apply equally to both.

  * lookup_article (read)     searches the help center and returns the hits, a calibrated
                              confidence and the spoken opening of the best article;
  * handoff_to_human (read)   asks the runtime gate for a transfer. It is declared "read" because
                              it changes nothing by itself: the gate decides, and a fired handoff
                              becomes a `Handoff` event that the call session carries out;
  * schedule_callback (write) stores a callback request in Postgres. Off in the default profile.
                              It commits only if the owning response is still live, so a caller
                              who barges in never gets a callback they did not hear confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from frontline.agent import confidence as conf
from frontline.agent.answer import spoken_answer
from frontline.agent.handoff import HANDOFF_REASONS, HandoffGate
from frontline.agent.registry import REGISTRY, ToolContext, ToolOutput, ToolRegistry
from frontline.knowledge.types import Hit, Retriever
from frontline.profile import Profile

CHUNK_ID_PATTERN = r"^kb_[0-9a-f]{12}$"


@dataclass
class AgentDeps:
    """What the built-in tools need; one per built agent."""

    profile: Profile
    retriever: Retriever | None
    gate: HandoffGate
    db: Any = None
    k: int = 5
    weights: dict[str, float] | None = None  # calibration override (tests, refits)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Lookup:
    """lookup_article's native result for the in-process policy."""

    query: str
    hits: list[Hit]
    confidence: conf.Confidence
    answer: str


LOOKUP_ARTICLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "minLength": 1, "maxLength": 500,
                  "description": "The caller's question, rephrased as a help-center search."},
    },
    "required": ["query"],
    "additionalProperties": False,
}

HANDOFF_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "reason": {"type": "string", "enum": list(HANDOFF_REASONS)},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1,
                       "description": "How sure you are you could answer correctly yourself (0-1)."},
        "call_state": {
            "type": "object",
            "properties": {
                "call_sid": {"type": ["string", "null"]},
                "language": {"type": "string", "maxLength": 16},
                "transcript_summary": {"type": "string", "maxLength": 800},
                "retrieved_chunk_ids": {"type": "array", "maxItems": 12,
                                        "items": {"type": "string", "pattern": CHUNK_ID_PATTERN}},
            },
            "required": ["call_sid", "language", "transcript_summary", "retrieved_chunk_ids"],
            "additionalProperties": False,
        },
    },
    "required": ["reason", "confidence", "call_state"],
    "additionalProperties": False,
}

SCHEDULE_CALLBACK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "phone": {"type": "string", "pattern": r"^\+?[0-9][0-9 ()-]{6,19}$",
                  "description": "Number to call back, E.164 preferred."},
        "window": {"type": "string", "minLength": 1, "maxLength": 120,
                   "description": "When the caller wants the callback, e.g. 'tomorrow 9-11am'."},
        "reason": {"type": "string", "maxLength": 500},
    },
    "required": ["phone", "window", "reason"],
    "additionalProperties": False,
}


async def lookup_article(ctx: ToolContext, args: dict[str, Any]) -> ToolOutput:
    """Search the help center for the caller's question; returns hits, confidence and a spoken answer."""
    deps: AgentDeps = ctx.deps
    if deps.retriever is None:
        raise RuntimeError("no retriever configured")
    query = args["query"]
    hits = await deps.retriever.search(query, k=deps.k, namespace=deps.profile.namespace)
    c = conf.score(hits, deps.weights)  # a few floats: cheap enough for the loop
    answer = ""
    if hits:
        opening = await article_opening(deps, hits[0].article_id)
        answer = spoken_answer(opening or hits[0].text, hits[0].title)
    result = {
        "confidence": round(c.probability, 4),
        "answer": answer,
        "hits": [{"article_id": h.article_id, "title": h.title, "chunk_id": h.chunk_id,
                  "score": round(h.score, 5), "text": h.text[:700]} for h in hits],
    }
    return ToolOutput(result=result, native=Lookup(query, list(hits), c, answer))


async def article_opening(deps: AgentDeps, article_id: str) -> str | None:
    """The article's first chunk (its spoken opening), cached; None without a database.

    Retrieval returns each article's *best-matching* chunk, which may be a deep section; the spoken
    answer is the opening the article was written to start with."""
    if deps.db is None:
        return None
    cache: dict[tuple[str, str], str | None] = deps.extra.setdefault("openings", {})
    key = (deps.profile.namespace, article_id)
    if key not in cache:
        try:
            async with deps.db.pool.connection() as conn:
                row = await (await conn.execute(
                    "SELECT text FROM kb_chunks WHERE namespace = %s AND article_id = %s ORDER BY ordinal LIMIT 1",
                    key)).fetchone()
            cache[key] = row[0] if row else None
        except Exception:  # noqa: BLE001 - fall back to the hit's own text
            return None
    return cache[key]


async def handoff_to_human(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    """Ask for a transfer to a human; the runtime gate decides whether it fires."""
    deps: AgentDeps = ctx.deps
    d = await deps.gate.evaluate(args["reason"], args.get("confidence"),
                                 call_id=ctx.call_id, response_id=ctx.response_id)
    return {"fired": d.fire, "reason": d.reason, "why": d.why, "threshold": d.threshold}


async def schedule_callback(ctx: ToolContext, args: dict[str, Any]) -> ToolOutput:
    """Book a callback from a human agent at the caller's number and preferred time window."""
    deps: AgentDeps = ctx.deps
    if deps.db is None:
        raise RuntimeError("schedule_callback needs the database")
    if not ctx.live():
        return ToolOutput(result={"scheduled": False, "why": "response interrupted"})
    async with deps.db.pool.connection() as conn:
        async with conn.transaction():
            cur = await conn.execute(
                "INSERT INTO callbacks (call_id, response_id, phone, window_text, reason)"
                " VALUES (%s,%s,%s,%s,%s) RETURNING id",
                (ctx.call_id, ctx.response_id, args["phone"], args["window"], args.get("reason", "")),
            )
            row = await cur.fetchone()
            if not ctx.live():  # interrupted while writing: leaving by exception rolls it back
                raise _Rollback()
    return ToolOutput(result={"scheduled": True, "callback_id": row[0], "window": args["window"]},
                      changed={"callbacks": {"inserted": row[0]}})


class _Rollback(Exception):
    """Raised inside the transaction to undo a write whose response was interrupted."""


async def _schedule_callback_guarded(ctx: ToolContext, args: dict[str, Any]) -> ToolOutput:
    try:
        return await schedule_callback(ctx, args)
    except _Rollback:
        return ToolOutput(result={"scheduled": False, "why": "response interrupted; rolled back"})


def register_builtins(registry: ToolRegistry) -> ToolRegistry:
    registry.tool(LOOKUP_ARTICLE_SCHEMA, kind="read", name="lookup_article")(lookup_article)
    registry.tool(HANDOFF_SCHEMA, kind="read", name="handoff_to_human")(handoff_to_human)
    registry.tool(SCHEDULE_CALLBACK_SCHEMA, kind="write", name="schedule_callback",
                  description=schedule_callback.__doc__)(_schedule_callback_guarded)
    return registry


register_builtins(REGISTRY)
