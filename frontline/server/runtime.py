"""Everything one server process shares across calls: settings, profile, database, models, agent.

Built once at start-up (FastAPI lifespan, `frontline call`, benchmarks, tests). Calls are admitted
up to `settings.max_calls`; finished call records are kept in a small bounded cache (for
`GET /calls/{id}`) and persisted through CallStore.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from frontline.call.protocols import Agent
from frontline.call.record import CallRecord
from frontline.call.session import CallSession
from frontline.profile import Profile, load_profile
from frontline.settings import Settings, get_settings
from frontline.speech.models import SpeechModels, shared_models
from frontline.storage.calls import CallStore
from frontline.storage.db import Database, open_database

log = logging.getLogger(__name__)
RECENT_CALLS = 256


@dataclass
class Runtime:
    settings: Settings
    profile: Profile
    models: SpeechModels
    agent: Agent
    db: Database | None
    store: CallStore
    kb: object | None = None
    active: dict[str, CallSession] = field(default_factory=dict)
    recent: OrderedDict[str, CallRecord] = field(default_factory=OrderedDict)
    started_at: float = field(default_factory=time.monotonic)

    def remember(self, rec: CallRecord) -> None:
        """Keep a finished call for GET /calls (bounded); its audio lives in the database only."""
        for t in rec.turns:
            t.audio_ulaw = None
        self.recent[rec.call_id] = rec
        self.recent.move_to_end(rec.call_id)
        while len(self.recent) > RECENT_CALLS:
            self.recent.popitem(last=False)

    def find_call(self, key: str) -> CallRecord | None:
        for s in self.active.values():
            if key in (s.record.call_id, s.record.call_sid):
                return s.record
        for rec in reversed(self.recent.values()):
            if key in (rec.call_id, rec.call_sid):
                return rec
        return None

    @property
    def at_capacity(self) -> bool:
        return len(self.active) >= self.settings.max_calls

    async def on_call_end(self, rec: CallRecord) -> None:
        self.active.pop(rec.call_id, None)
        where = await self.store.save(rec)
        rec.meta["stored"] = where
        self.remember(rec)

    async def close(self) -> None:
        for s in list(self.active.values()):
            await s.close("server_shutdown")
        if self.db is not None:
            await self.db.close()


async def build_runtime(
    settings: Settings | None = None,
    profile: Profile | None = None,
    *,
    ingest_sample: bool = True,
) -> Runtime:
    from frontline.agent.factory import build_agent
    from frontline.knowledge.ingest import ensure_sample_ingested
    from frontline.knowledge.retrieval import KnowledgeBase

    s = settings or get_settings()
    prof = profile or load_profile(s.profile)
    models_task = asyncio.to_thread(shared_models, prof.voice, stt_threads=s.stt_threads)
    db = await open_database(s)
    if ingest_sample:
        await ensure_sample_ingested(db, prof.namespace)
    models = await models_task
    kb = KnowledgeBase(db, namespace=prof.namespace)
    await kb.search("warm up the embedding model", k=1)  # loads the embedder now, not on the first caller
    agent = build_agent(prof, retriever=kb, db=db, settings=s)
    store = CallStore(db, s.data_dir / "spool")
    return Runtime(settings=s, profile=prof, models=models, agent=agent, db=db, store=store, kb=kb)
