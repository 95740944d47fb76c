"""The runtime handoff gate: the rule table, and that every decision is stored."""

from __future__ import annotations

import uuid

import pytest

from frontline.agent.handoff import HandoffGate, decide


@pytest.mark.parametrize(
    ("reason", "confidence", "threshold", "fires"),
    [
        ("low_confidence", 0.2, 0.7, True),
        ("low_confidence", 0.69, 0.7, True),
        ("low_confidence", 0.7, 0.7, False),  # at the threshold: keep answering
        ("low_confidence", 0.95, 0.7, False),
        ("low_confidence", None, 0.7, False),  # no number, no low-confidence transfer
        ("low_confidence", 0.5, 0.4, False),  # the profile's threshold is what counts
        ("caller_request", 0.99, 0.7, True),
        ("must_refuse_category", 1.0, 0.7, True),
        ("out_of_scope", 0.9, 0.7, True),
        ("multilingual_handoff", None, 0.7, True),
        ("bored", 0.1, 0.7, False),  # unknown reason never fires
        ("", 0.0, 0.7, False),
    ],
)
def test_gate_rule(reason, confidence, threshold, fires):
    d = decide(reason, confidence, threshold)
    assert d.fire is fires
    assert d.threshold == threshold
    assert d.why


async def test_gate_decisions_are_stored(db):
    gate = HandoffGate(0.7, db=db)
    call_id = f"gate-{uuid.uuid4().hex[:8]}"
    fired = await gate.evaluate("low_confidence", 0.4, call_id=call_id, response_id="r1")
    held = await gate.evaluate("low_confidence", 0.9, call_id=call_id, response_id="r2")
    assert fired.fire and not held.fire
    async with db.pool.connection() as conn:
        rows = await (await conn.execute(
            "SELECT response_id, reason, confidence, threshold, fired FROM handoff_gate_decisions"
            " WHERE call_id = %s ORDER BY id", (call_id,))).fetchall()
    assert [(r[0], r[4]) for r in rows] == [("r1", True), ("r2", False)]
    assert rows[0][2] == pytest.approx(0.4) and rows[0][3] == pytest.approx(0.7)
