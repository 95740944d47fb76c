"""Tool registry and runner: allowlist, schemas, audit rows, slow-tool filler, interrupted writes."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from pydantic import BaseModel

from frontline.agent.handoff import HandoffGate
from frontline.agent.registry import REGISTRY, ToolRunner, schema_errors
from frontline.agent.tools import HANDOFF_SCHEMA, AgentDeps
from frontline.call.protocols import Say
from frontline.profile import Profile


def _runner(registry, allow, db=None, filler_ms=700):
    deps = AgentDeps(profile=Profile(), retriever=None, gate=HandoffGate(0.7, db=db), db=db)
    return ToolRunner(registry, allow, deps=deps, db=db, filler_ms=filler_ms)


async def _rows(db, call_id):
    async with db.pool.connection() as conn:
        return await (await conn.execute(
            "SELECT tool, kind, status, why, arguments, changed, duration_ms FROM tool_calls"
            " WHERE call_id = %s ORDER BY id", (call_id,))).fetchall()


def test_builtin_tools_declare_kind():
    assert REGISTRY.get("lookup_article").kind == "read"
    assert REGISTRY.get("handoff_to_human").kind == "read"
    assert REGISTRY.get("schedule_callback").kind == "write"
    # the default profile enables no write tool
    from frontline.profile import load_profile

    assert all(REGISTRY.get(t).kind == "read" for t in load_profile().tools)


@pytest.mark.parametrize(
    ("args", "ok"),
    [
        ({"reason": "low_confidence", "confidence": 0.3, "call_state": {
            "call_sid": "CA1", "language": "en", "transcript_summary": "x", "retrieved_chunk_ids": ["kb_0123456789ab"]}}, True),
        ({"reason": "whim", "confidence": 0.3, "call_state": {
            "call_sid": None, "language": "en", "transcript_summary": "", "retrieved_chunk_ids": []}}, False),
        ({"reason": "caller_request", "confidence": 1.5, "call_state": {
            "call_sid": None, "language": "en", "transcript_summary": "", "retrieved_chunk_ids": []}}, False),
        ({"reason": "caller_request", "confidence": 1, "call_state": {
            "call_sid": None, "language": "en", "transcript_summary": "x" * 801, "retrieved_chunk_ids": []}}, False),
        ({"reason": "caller_request", "confidence": 1, "call_state": {
            "call_sid": None, "language": "en", "transcript_summary": "", "retrieved_chunk_ids": ["kb_XYZ"]}}, False),
        ({"reason": "caller_request", "confidence": 1, "call_state": {
            "call_sid": None, "language": "en", "transcript_summary": "",
            "retrieved_chunk_ids": ["kb_0123456789ab"] * 13}}, False),
        ({"reason": "caller_request", "confidence": 1}, False),
    ],
)
def test_handoff_schema(args, ok):
    assert (schema_errors(HANDOFF_SCHEMA, args) == []) is ok


async def test_allowlist_is_enforced_and_logged(db):
    reg = REGISTRY.copy()
    ran = []

    @reg.tool({"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}, kind="write",
              name="wipe_everything", description="A tool the profile does not allow.")
    async def wipe(ctx, args):
        ran.append(args)
        return {"wiped": True}

    runner = _runner(reg, ["lookup_article", "handoff_to_human"], db=db)
    call_id = f"allow-{uuid.uuid4().hex[:8]}"
    res = await runner.call("wipe_everything", {"n": 1}, why="model asked", call_id=call_id, response_id="r1")
    assert res.status == "denied" and not ran
    res2 = await runner.call("no_such_tool", {}, why="model asked", call_id=call_id, response_id="r1")
    assert res2.status == "denied"
    await runner.flush()
    rows = await _rows(db, call_id)
    assert [(r[0], r[1], r[2]) for r in rows] == [("wipe_everything", "write", "denied"),
                                                   ("no_such_tool", "unknown", "denied")]
    assert rows[0][3] == "model asked" and rows[0][4] == {"n": 1}
    # allowed, it runs
    runner2 = _runner(reg, ["wipe_everything"])
    assert (await runner2.call("wipe_everything", {"n": 2}, why="t", call_id="x", response_id="r")).ok
    assert ran == [{"n": 2}]


async def test_pydantic_tool_validates_arguments():
    reg = REGISTRY.copy()

    class OrderArgs(BaseModel):
        order_id: str
        include_items: bool = False

    @reg.tool(OrderArgs, kind="read")
    async def order_status(ctx, args: OrderArgs):
        """Status of one order."""
        return {"order": args.order_id, "items": args.include_items}

    spec = reg.get("order_status")
    assert spec.description == "Status of one order." and spec.parameters["type"] == "object"
    assert spec.openai_tool()["function"]["name"] == "order_status"
    runner = _runner(reg, ["order_status"])
    ok = await runner.call("order_status", {"order_id": "A1"}, why="t", call_id="c", response_id="r")
    assert ok.ok and ok.result == {"order": "A1", "items": False}
    bad = await runner.call("order_status", {"include_items": True}, why="t", call_id="c", response_id="r")
    assert bad.status == "invalid" and "order_id" in bad.error


async def test_slow_tool_yields_one_filler_then_the_result():
    reg = REGISTRY.copy()

    @reg.tool({"type": "object", "properties": {"s": {"type": "number"}}}, kind="read", name="slow")
    async def slow(ctx, args):
        await asyncio.sleep(args["s"])
        return {"done": True}

    runner = _runner(reg, ["slow"], filler_ms=100)
    fast = [i async for i in runner.stream("slow", {"s": 0.01}, why="t", call_id="c", response_id="r1")]
    assert len(fast) == 1 and fast[0].ok  # no filler under the limit
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    stamps = []
    async for item in runner.stream("slow", {"s": 0.4}, why="t", call_id="c", response_id="r2"):
        stamps.append((loop.time() - t0, item))
    assert isinstance(stamps[0][1], Say) and stamps[0][1].kind == "filler"
    assert 0.09 <= stamps[0][0] < 0.3  # the filler comes at ~filler_ms, not when the tool returns
    assert len(stamps) == 2 and stamps[1][1].ok and stamps[1][0] >= 0.39


async def test_interrupted_response_discards_results_and_runs_no_write(db):
    """schedule_callback in flight when the caller barges in: no callback row, result discarded."""
    reg = REGISTRY.copy()
    started = asyncio.Event()
    from frontline.agent import tools as builtin

    @reg.tool(builtin.SCHEDULE_CALLBACK_SCHEMA, kind="write", name="slow_callback")
    async def slow_callback(ctx, args):
        started.set()
        await asyncio.sleep(0.3)  # e.g. a slow CRM before the write
        return await builtin._schedule_callback_guarded(ctx, args)

    runner = _runner(reg, ["schedule_callback", "slow_callback"], db=db)
    call_id = f"cb-{uuid.uuid4().hex[:8]}"
    args = {"phone": "+15551234567", "window": "tomorrow 9-11am", "reason": "billing question"}

    # 1. a live response: the write happens
    ok = await runner.call("schedule_callback", args, why="caller asked", call_id=call_id, response_id="live")
    assert ok.ok and ok.changed and ok.result["scheduled"]

    # 2. interrupted mid-call by agent.cancel(response_id)
    task = asyncio.create_task(runner.call("slow_callback", args, why="caller asked", call_id=call_id,
                                           response_id="barged"))
    await started.wait()
    runner.cancel("barged")
    with pytest.raises(asyncio.CancelledError):
        await task

    # 3. interrupted before the call starts: it never runs
    late = await runner.call("schedule_callback", args, why="caller asked", call_id=call_id, response_id="barged")
    assert late.status == "discarded"

    # 4. the generator is closed while the tool is pending (session cancels the stream)
    started.clear()
    gen = runner.stream("slow_callback", args, why="caller asked", call_id=call_id, response_id="closed")
    nxt = asyncio.ensure_future(gen.__anext__())
    await started.wait()
    nxt.cancel()
    with pytest.raises(asyncio.CancelledError):
        await nxt
    await gen.aclose()

    await runner.flush()
    async with db.pool.connection() as conn:
        cbs = await (await conn.execute("SELECT response_id FROM callbacks WHERE call_id = %s", (call_id,))).fetchall()
    assert [r[0] for r in cbs] == ["live"]
    statuses = [(r[0], r[2]) for r in await _rows(db, call_id)]
    # audit rows are written in the background, so their insertion order is not the call order
    assert [st for st in statuses if st[1] == "ok"] == [("schedule_callback", "ok")]
    assert ("slow_callback", "discarded") in statuses and ("schedule_callback", "discarded") in statuses
    assert all(r[5] is None for r in await _rows(db, call_id) if r[2] == "discarded")
