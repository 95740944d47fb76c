"""The conversation record of one call: what was said, heard, decided, and how long each stage took."""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class TurnRecord:
    index: int
    role: str  # "caller" | "agent"
    text: str  # caller: what STT heard; agent: what the caller actually heard
    full_text: str = ""  # agent: everything the agent meant to say (model output)
    interrupted: bool = False
    started_at: datetime = field(default_factory=now_utc)
    response_id: str | None = None
    dtmf: str | None = None
    latency_ms: dict[str, float] = field(default_factory=dict)
    handoff: dict[str, Any] | None = None
    retrieved_chunk_ids: list[str] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    trace: dict[str, Any] = field(default_factory=dict)
    cost_usd: float = 0.0
    audio_ulaw: bytes | None = None  # caller turns: the turn's audio, 8 kHz μ-law

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["started_at"] = self.started_at.isoformat()
        d.pop("audio_ulaw", None)
        d["audio_bytes"] = len(self.audio_ulaw or b"")
        return d


@dataclass
class CallRecord:
    call_id: str = field(default_factory=lambda: "call_" + uuid.uuid4().hex[:16])
    call_sid: str | None = None
    stream_sid: str | None = None
    transport: str = "twilio"
    profile: str = "default"
    started_at: datetime = field(default_factory=now_utc)
    ended_at: datetime | None = None
    end_reason: str | None = None
    turns: list[TurnRecord] = field(default_factory=list)
    handoff: dict[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    _t0: float = field(default_factory=time.monotonic, repr=False)

    def add_turn(self, role: str, text: str, **kw) -> TurnRecord:
        t = TurnRecord(index=len(self.turns), role=role, text=text, **kw)
        self.turns.append(t)
        return t

    @property
    def cost_usd(self) -> float:
        return sum(t.cost_usd for t in self.turns)

    def to_json(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "call_sid": self.call_sid,
            "stream_sid": self.stream_sid,
            "transport": self.transport,
            "profile": self.profile,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "end_reason": self.end_reason,
            "handoff": self.handoff,
            "cost_usd": self.cost_usd,
            "meta": self.meta,
            "turns": [t.to_json() for t in self.turns],
        }
