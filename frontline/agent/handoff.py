"""The runtime handoff gate: the one place that decides whether a transfer to a human fires.

Why a gate separate from whoever asks for the handoff (the default policy or an LLM): the model
may *request* a handoff for any reason, but only the rules here turn that request into a live
transfer, so behaviour is the same on both decision paths and auditable. The rules:

  * caller_request, must_refuse_category, out_of_scope, multilingual_handoff  → always fire;
  * low_confidence → fires only when the stated confidence is below the profile's
    `handoff_confidence_threshold` (default 0.7); a "low confidence" handoff claimed at or above
    the threshold does not fire, and the agent goes on (answers);
  * anything else (unknown reason, missing confidence) → does not fire.

Every decision, fired or not, is logged and stored in `handoff_gate_decisions`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from typing import Any

log = logging.getLogger("frontline.agent.handoff")

HANDOFF_REASONS = ("low_confidence", "out_of_scope", "caller_request", "must_refuse_category", "multilingual_handoff")
ALWAYS_FIRE = frozenset({"caller_request", "must_refuse_category", "out_of_scope", "multilingual_handoff"})


@dataclass(frozen=True)
class GateDecision:
    fire: bool
    reason: str
    confidence: float | None
    threshold: float
    why: str


def decide(reason: str, confidence: float | None, threshold: float) -> GateDecision:
    """The gate rule itself: pure, so it can be tested as a table."""
    if reason in ALWAYS_FIRE:
        return GateDecision(True, reason, confidence, threshold, f"{reason} always hands off")
    if reason == "low_confidence":
        if confidence is None:
            return GateDecision(False, reason, None, threshold, "low_confidence without a confidence value")
        if confidence < threshold:
            return GateDecision(True, reason, confidence, threshold,
                                f"confidence {confidence:.2f} < threshold {threshold:.2f}")
        return GateDecision(False, reason, confidence, threshold,
                            f"confidence {confidence:.2f} >= threshold {threshold:.2f}: keep answering")
    return GateDecision(False, reason, confidence, threshold, f"unknown handoff reason {reason!r}")


class HandoffGate:
    """Applies `decide` with the profile's threshold, logs it and stores it (when a db is given)."""

    def __init__(self, threshold: float = 0.7, db: Any = None) -> None:
        self.threshold = threshold
        self.db = db

    async def evaluate(
        self, reason: str, confidence: float | None, *, call_id: str, response_id: str
    ) -> GateDecision:
        d = decide(reason, confidence, self.threshold)
        row = {"call_id": call_id, "response_id": response_id, **asdict(d)}
        log.info("handoff_gate %s", json.dumps(row, default=str), extra={"handoff_gate": row})
        if self.db is not None:
            try:
                async with self.db.pool.connection() as conn:
                    await conn.execute(
                        "INSERT INTO handoff_gate_decisions (call_id, response_id, reason, confidence,"
                        " threshold, fired, why) VALUES (%s,%s,%s,%s,%s,%s,%s)",
                        (call_id, response_id, d.reason, d.confidence, d.threshold, d.fire, d.why),
                    )
            except Exception:  # storing the audit row must never block a transfer
                log.exception("could not store the handoff gate decision")
        return d
