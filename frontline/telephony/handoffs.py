"""Handoff records: what the person taking over needs to know, stored first, then delivered.

When a handoff fires (`CallSession` → `transport.transfer(handoff)`):
  1. the record (reason, confidence, transcript summary, retrieved chunk ids, language, call sid,
     timestamps) is INSERTed into `handoffs` — before anything that can fail;
  2. the live call is redirected (telephony/transfer.py) and `transfer_status` updated;
  3. the record is POSTed as JSON to FRONTLINE_HANDOFF_WEBHOOK_URL (optional) in the background
     with retries and exponential backoff; `webhook_status` / `webhook_attempts` /
     `webhook_last_error` say how it went. A failed webhook never loses the record.
If the database itself is down, the record is spooled to FRONTLINE_DATA_DIR/spool/handoffs/.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from psycopg.types.json import Jsonb

from frontline.call.protocols import Handoff
from frontline.call.record import now_utc
from frontline.storage.db import Database

log = logging.getLogger(__name__)

RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}


@dataclass
class WebhookPolicy:
    attempts: int = 5
    base_delay_s: float = 0.5  # delays: base, 2·base, 4·base … (+ up to 10 % jitter), capped
    max_delay_s: float = 30.0
    timeout_s: float = 5.0

    def delay(self, attempt: int) -> float:
        d = min(self.max_delay_s, self.base_delay_s * (2 ** (attempt - 1)))
        return d * (1 + random.random() * 0.1)


@dataclass
class HandoffRecord:
    call_id: str
    call_sid: str | None
    reason: str
    confidence: float | None
    transcript_summary: str
    retrieved_chunk_ids: list[str]
    language: str
    transport: str = "twilio"
    call_started_at: datetime | None = None
    created_at: datetime = field(default_factory=now_utc)
    id: int | None = None
    handoff_id: str = field(default_factory=lambda: "ho_" + uuid.uuid4().hex[:16])
    target_kind: str | None = None
    target: str | None = None
    transfer_status: str = "pending"
    transfer_error: str | None = None
    transferred_at: datetime | None = None

    @classmethod
    def from_handoff(cls, h: Handoff, *, call_id: str, call_sid: str | None, transport: str,
                     call_started_at: datetime | None) -> "HandoffRecord":
        return cls(call_id=call_id, call_sid=call_sid, reason=h.reason, confidence=h.confidence,
                   transcript_summary=h.transcript_summary or "", retrieved_chunk_ids=list(h.retrieved_chunk_ids or []),
                   language=h.language or "en", transport=transport, call_started_at=call_started_at)

    def payload(self) -> dict[str, Any]:
        """The webhook body (and the `payload` column)."""
        iso = lambda t: t.isoformat() if t else None  # noqa: E731
        return {
            "type": "frontline.handoff",
            "handoff_id": self.handoff_id,
            "call_id": self.call_id,
            "call_sid": self.call_sid,
            "transport": self.transport,
            "reason": self.reason,
            "confidence": self.confidence,
            "transcript_summary": self.transcript_summary,
            "retrieved_chunk_ids": self.retrieved_chunk_ids,
            "language": self.language,
            "target": {"kind": self.target_kind, "value": self.target},
            "transfer_status": self.transfer_status,
            "timestamps": {
                "call_started_at": iso(self.call_started_at),
                "handoff_at": iso(self.created_at),
                "transferred_at": iso(self.transferred_at),
            },
        }


class HandoffStore:
    def __init__(self, db: Database | None, spool_dir: Path):
        self.db = db
        self.spool_dir = spool_dir

    async def insert(self, rec: HandoffRecord) -> None:
        if self.db is not None:
            try:
                async with self.db.pool.connection(timeout=5) as conn:
                    cur = await conn.execute(
                        """INSERT INTO handoffs (created_at, call_id, call_sid, transport, reason, confidence,
                             transcript_summary, retrieved_chunk_ids, language, call_started_at, target_kind, target,
                             transfer_status, payload)
                           VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) RETURNING id""",
                        (rec.created_at, rec.call_id, rec.call_sid, rec.transport, rec.reason, rec.confidence,
                         rec.transcript_summary, rec.retrieved_chunk_ids, rec.language, rec.call_started_at,
                         rec.target_kind, rec.target, rec.transfer_status, Jsonb(rec.payload())),
                    )
                    rec.id = (await cur.fetchone())[0]
                return
            except Exception as e:
                log.error("handoff for call %s: database insert failed (%s); spooling", rec.call_id, e)
        self._spool(rec)

    async def update(self, rec: HandoffRecord, **cols: Any) -> None:
        if rec.id is None or self.db is None:
            self._spool(rec, extra=cols)
            return
        cols.setdefault("payload", rec.payload())
        sets = ", ".join(f"{k} = %s" for k in cols)
        vals = [Jsonb(v) if k == "payload" else v for k, v in cols.items()]
        try:
            async with self.db.pool.connection(timeout=5) as conn:
                await conn.execute(f"UPDATE handoffs SET {sets} WHERE id = %s", (*vals, rec.id))
        except Exception as e:
            log.error("handoff %s: status update failed (%s): %s", rec.id, e, cols)
            self._spool(rec, extra=cols)

    def _spool(self, rec: HandoffRecord, extra: dict | None = None) -> Path:
        d = self.spool_dir / "handoffs"
        d.mkdir(parents=True, exist_ok=True)
        p = d / f"{rec.handoff_id}.json"
        body = {**rec.payload(), **{k: (v.isoformat() if isinstance(v, datetime) else v)
                                    for k, v in (extra or {}).items() if k != "payload"}}
        p.write_text(json.dumps(body, default=str), encoding="utf-8")
        return p

    async def load_for_call(self, call_id: str) -> list[dict]:
        assert self.db is not None
        async with self.db.pool.connection() as conn:
            cur = await conn.execute("SELECT * FROM handoffs WHERE call_id = %s ORDER BY id", (call_id,))
            cols = [d.name for d in cur.description]
            return [dict(zip(cols, r)) for r in await cur.fetchall()]


Redirect = Callable[[HandoffRecord], Awaitable[None]]


class HandoffService:
    """Record → transfer → webhook, for every transport."""

    def __init__(self, store: HandoffStore, webhook_url: str | None, policy: WebhookPolicy | None = None):
        self.store = store
        self.webhook_url = webhook_url
        self.policy = policy or WebhookPolicy()
        self._tasks: set[asyncio.Task] = set()

    async def handle(self, rec: HandoffRecord, redirect: Redirect | None) -> HandoffRecord:
        await self.store.insert(rec)
        if redirect is None or rec.target_kind in (None, "none"):
            rec.transfer_status = "skipped"
            if rec.target_kind in (None, "none"):
                rec.transfer_error = "no transfer target configured (profile.transfer.agent_number / queue)"
            rec.transfer_error = rec.transfer_error or "no way to redirect this call"
        else:
            try:
                await redirect(rec)
                rec.transfer_status, rec.transferred_at = "redirected", now_utc()
            except Exception as e:
                rec.transfer_status, rec.transfer_error = "failed", str(e)
                log.error("handoff for call %s: transfer failed: %s", rec.call_id, e)
        await self.store.update(rec, transfer_status=rec.transfer_status, transfer_error=rec.transfer_error,
                                transferred_at=rec.transferred_at,
                                webhook_status="pending" if self.webhook_url else "none")
        if self.webhook_url:
            t = asyncio.create_task(self._deliver(rec), name=f"handoff-webhook-{rec.handoff_id}")
            self._tasks.add(t)
            t.add_done_callback(self._tasks.discard)
        if rec.transfer_status == "failed":
            raise RuntimeError(rec.transfer_error)
        return rec

    async def drain(self, timeout: float = 60) -> None:
        """Wait for pending webhook deliveries (tests, shutdown)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)

    async def _deliver(self, rec: HandoffRecord) -> None:
        pol = self.policy
        body = rec.payload()
        last_error = None
        async with httpx.AsyncClient(timeout=pol.timeout_s) as client:
            for attempt in range(1, pol.attempts + 1):
                retry = True
                try:
                    r = await client.post(self.webhook_url, json=body,
                                          headers={"Idempotency-Key": rec.handoff_id,
                                                   "User-Agent": "frontline-handoff/1"})
                    if 200 <= r.status_code < 300:
                        await self.store.update(rec, webhook_status="delivered", webhook_attempts=attempt,
                                                webhook_last_error=None, webhook_delivered_at=now_utc())
                        log.info("handoff %s delivered to the webhook (attempt %d)", rec.handoff_id, attempt)
                        return
                    last_error = f"HTTP {r.status_code}: {r.text[:200]}"
                    retry = r.status_code in RETRYABLE_STATUS
                except httpx.HTTPError as e:
                    last_error = f"{type(e).__name__}: {e}"
                log.warning("handoff %s: webhook attempt %d/%d failed: %s", rec.handoff_id, attempt, pol.attempts,
                            last_error)
                final = attempt == pol.attempts or not retry
                await self.store.update(rec, webhook_status="failed" if final else "pending",
                                        webhook_attempts=attempt, webhook_last_error=last_error)
                if final:
                    log.error("handoff %s: webhook gave up after %d attempt(s); the record is kept (id %s)",
                              rec.handoff_id, attempt, rec.id)
                    return
                await asyncio.sleep(pol.delay(attempt))
