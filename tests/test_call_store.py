"""Call records persist in Postgres; a dead database spools them to disk with nothing lost."""

from __future__ import annotations

import base64
import json

from psycopg_pool import AsyncConnectionPool

from frontline.call.record import CallRecord
from frontline.storage.calls import CallStore
from frontline.storage.db import Database


def _record() -> CallRecord:
    rec = CallRecord(call_sid="CAtest", transport="twilio", profile="p")
    rec.add_turn("agent", "Hello, how can I help?", full_text="Hello, how can I help?")
    rec.add_turn("caller", "where is my invoice", audio_ulaw=b"\x7f" * 1600)
    rec.add_turn("agent", "Invoices are in", full_text="Invoices are in Settings, Billing.", interrupted=True,
                 retrieved_chunk_ids=["kb_0123456789ab"], latency_ms={"turn_gap": 350.0})
    rec.end_reason = "caller_hangup"
    return rec


async def test_record_round_trips_through_postgres(db, tmp_path):
    store = CallStore(db, tmp_path / "spool")
    rec = _record()
    assert await store.save(rec) == "db"
    got = await store.load(rec.call_id)
    assert got["end_reason"] == "caller_hangup" and got["call_sid"] == "CAtest"
    assert [t["role"] for t in got["turns"]] == ["agent", "caller", "agent"]
    assert got["turns"][1]["audio_bytes"] == 1600
    assert got["turns"][2]["interrupted"] is True and got["turns"][2]["retrieved_chunk_ids"] == ["kb_0123456789ab"]
    assert got["turns"][2]["latency_ms"] == {"turn_gap": 350.0}
    # saving again (e.g. after more turns) replaces, never duplicates
    rec.add_turn("caller", "thanks")
    await store.save(rec)
    assert len((await store.load(rec.call_id))["turns"]) == 4
    assert not (tmp_path / "spool").exists()


async def test_dead_database_spools_the_record_with_its_audio(tmp_path):
    dead = Database(url="postgresql://nobody@127.0.0.1:1/none",
                    pool=AsyncConnectionPool("postgresql://nobody@127.0.0.1:1/none", open=False))
    store = CallStore(dead, tmp_path / "spool")
    rec = _record()
    where = await store.save(rec)
    assert where.endswith(f"{rec.call_id}.json")
    data = json.loads((tmp_path / "spool" / f"{rec.call_id}.json").read_text())
    assert data["call_id"] == rec.call_id and len(data["turns"]) == 3
    assert base64.b64decode(data["turns"][1]["audio_ulaw_b64"]) == b"\x7f" * 1600
    assert data["turns"][2]["text"] == "Invoices are in" and data["turns"][2]["full_text"].startswith("Invoices are in")
