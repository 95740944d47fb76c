"""Persisting call records. A dead database never loses a call: the record (with its caller audio)
is spooled to disk as JSON (FRONTLINE_DATA_DIR/spool/<call_id>.json)."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

from psycopg.types.json import Jsonb

from frontline.call.record import CallRecord
from frontline.storage.db import Database

log = logging.getLogger(__name__)


class CallStore:
    def __init__(self, db: Database | None, spool_dir: Path):
        self.db = db
        self.spool_dir = spool_dir

    async def save(self, rec: CallRecord) -> str:
        """Upsert the call and all its turns in one transaction. Returns 'db' or the spool file path."""
        if self.db is not None:
            try:
                await self._save_db(rec)
                return "db"
            except Exception as e:
                log.error("could not store call %s in the database (%s); spooling to disk", rec.call_id, e)
        return str(self._spool(rec))

    async def _save_db(self, rec: CallRecord) -> None:
        assert self.db is not None
        async with self.db.pool.connection(timeout=5) as conn, conn.transaction():
            await conn.execute(
                """INSERT INTO calls (call_id, call_sid, stream_sid, transport, profile, started_at, ended_at,
                                      end_reason, handoff, cost_usd, meta)
                   VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)
                   ON CONFLICT (call_id) DO UPDATE SET call_sid=EXCLUDED.call_sid, stream_sid=EXCLUDED.stream_sid,
                     ended_at=EXCLUDED.ended_at, end_reason=EXCLUDED.end_reason, handoff=EXCLUDED.handoff,
                     cost_usd=EXCLUDED.cost_usd, meta=EXCLUDED.meta""",
                (rec.call_id, rec.call_sid, rec.stream_sid, rec.transport, rec.profile, rec.started_at,
                 rec.ended_at, rec.end_reason, Jsonb(rec.handoff) if rec.handoff else None, rec.cost_usd,
                 Jsonb(rec.meta)),
            )
            await conn.execute("DELETE FROM call_turns WHERE call_id = %s", (rec.call_id,))
            async with conn.cursor() as cur:
                await cur.executemany(
                    """INSERT INTO call_turns (call_id, idx, role, text, full_text, interrupted, started_at,
                         response_id, dtmf, latency_ms, handoff, retrieved_chunk_ids, tool_calls, trace, cost_usd,
                         audio_ulaw)
                       VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)""",
                    [
                        (rec.call_id, t.index, t.role, t.text, t.full_text, t.interrupted, t.started_at,
                         t.response_id, t.dtmf, Jsonb(t.latency_ms), Jsonb(t.handoff) if t.handoff else None,
                         t.retrieved_chunk_ids, Jsonb(t.tool_calls), Jsonb(t.trace), t.cost_usd, t.audio_ulaw)
                        for t in rec.turns
                    ],
                )

    def _spool(self, rec: CallRecord) -> Path:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        p = self.spool_dir / f"{rec.call_id}.json"
        tmp = p.with_suffix(".tmp")
        data = rec.to_json()
        for t, d in zip(rec.turns, data["turns"]):  # keep the caller audio too: nothing is lost
            if t.audio_ulaw:
                d["audio_ulaw_b64"] = base64.b64encode(t.audio_ulaw).decode("ascii")
        tmp.write_text(json.dumps(data, default=str), encoding="utf-8")
        tmp.replace(p)
        return p

    async def load(self, call_id: str) -> dict | None:
        """The stored call with its turns (as dicts), or None."""
        if self.db is None:
            return None
        async with self.db.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT call_id, call_sid, transport, profile, started_at, ended_at, end_reason, handoff, cost_usd"
                " FROM calls WHERE call_id = %s", (call_id,))
            row = await cur.fetchone()
            if row is None:
                return None
            cols = [d.name for d in cur.description]
            call = dict(zip(cols, row))
            cur = await conn.execute(
                "SELECT idx, role, text, full_text, interrupted, latency_ms, handoff, retrieved_chunk_ids,"
                " tool_calls, trace, octet_length(audio_ulaw) AS audio_bytes FROM call_turns"
                " WHERE call_id = %s ORDER BY idx", (call_id,))
            tcols = [d.name for d in cur.description]
            call["turns"] = [dict(zip(tcols, r)) for r in await cur.fetchall()]
            return call
