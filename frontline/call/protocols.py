"""The small interfaces the call core is built from.

A call session (call/session.py) owns one call. It talks to:
  * a Transport (Twilio Media Streams, the browser softphone, a test harness): inbound audio in,
    agent audio out, flush on barge-in, playback acknowledgements, transfer and hang-up;
  * speech engines: VAD, STT, TTS (speech/*), shared by every call in the process;
  * a decision Agent (agent/*) that turns a caller turn into a stream of AgentEvents.

Implementations are plain classes that satisfy these Protocols structurally; nothing subclasses them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

# ---------------------------------------------------------------------------------------------
# Speech engines. Audio inside the core is mono float32 in [-1, 1] at the engine's sample rate.
# All three are *synchronous* and thread-safe: the core calls them from a bounded executor so
# inference never runs on the event loop.
# ---------------------------------------------------------------------------------------------


@runtime_checkable
class VADStream(Protocol):
    """Per-call VAD state. `window` samples at `sample_rate` in, speech probability out."""

    sample_rate: int
    window: int

    def probability(self, samples: np.ndarray) -> float: ...

    def reset(self) -> None: ...


@runtime_checkable
class VAD(Protocol):
    """A shared VAD model that hands out per-call streams (the model loads once per process)."""

    name: str

    def stream(self, sample_rate: int) -> VADStream: ...


@dataclass
class Transcript:
    text: str
    language: str | None = None
    language_probability: float | None = None
    duration_s: float = 0.0


@runtime_checkable
class STT(Protocol):
    name: str
    sample_rate: int  # the rate transcribe() expects

    def transcribe(self, audio: np.ndarray) -> Transcript: ...


@runtime_checkable
class TTS(Protocol):
    name: str
    sample_rate: int

    def synthesize(self, text: str) -> Iterator[np.ndarray]:
        """Audio chunks for `text`, the first as soon as it is ready."""
        ...


# ---------------------------------------------------------------------------------------------
# Decisions. The agent turns one caller turn into a stream of events; the session speaks,
# transfers or hangs up. If the caller barges in, the session cancels the stream: the agent
# must then drop pending tool results and run no write side effect for that response.
# ---------------------------------------------------------------------------------------------


@dataclass
class Say:
    """Text to speak. May be a fragment (LLM tokens); the session splits it into clauses."""

    text: str
    kind: str = "answer"  # "ack" | "answer" | "filler" | "clarify" | "refusal" | "smalltalk" | "handoff"


@dataclass
class Handoff:
    """The runtime gate decided a handoff fires: transfer the live call to a human."""

    reason: str  # low_confidence | out_of_scope | caller_request | must_refuse_category | multilingual_handoff
    confidence: float | None = None
    transcript_summary: str = ""
    retrieved_chunk_ids: list[str] = field(default_factory=list)
    language: str = "en"


@dataclass
class EndCall:
    reason: str = "completed"


@dataclass
class Note:
    """Trace data for the current turn (retrieved chunk ids, confidence, tool calls, cost...)."""

    data: dict[str, Any]


AgentEvent = Say | Handoff | EndCall | Note


@dataclass
class CallerTurn:
    """One caller turn handed to the agent."""

    call_id: str
    response_id: str  # every tool call the agent makes belongs to this response
    text: str
    dtmf: str | None = None  # a DTMF digit instead of (or besides) speech
    language: str | None = None
    language_probability: float | None = None
    # consecutive turns of clear speech the STT could not make out (text is then ""); the agent
    # hands such a caller to a person instead of asking them to repeat for ever
    not_heard: int = 0


@dataclass
class Message:
    role: str  # "caller" | "agent"
    text: str
    interrupted: bool = False


@dataclass
class CallContext:
    """What the agent may know about the call so far. `history` holds only what was actually heard."""

    call_id: str
    call_sid: str | None
    profile_name: str
    history: list[Message] = field(default_factory=list)
    retrieved_chunk_ids: list[str] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)  # agent-private scratch (clarify counts...)


@runtime_checkable
class Agent(Protocol):
    name: str

    def respond(self, turn: CallerTurn, ctx: CallContext) -> AsyncIterator[AgentEvent]: ...


# ---------------------------------------------------------------------------------------------
# Transport: how audio reaches the caller. Outbound audio is PCM16 at `out_sample_rate`.
# ---------------------------------------------------------------------------------------------


@runtime_checkable
class Transport(Protocol):
    out_sample_rate: int

    async def play(self, segment_id: str, pcm: np.ndarray) -> None:
        """Queue agent audio (int16) belonging to `segment_id`; returns when it is handed to the wire."""
        ...

    async def clear(self) -> None:
        """Flush everything queued or buffered at the far end (Twilio `clear`)."""
        ...

    def heard_samples(self, segment_id: str) -> int:
        """Samples of `segment_id` the caller is known to have heard (from playback acknowledgements)."""
        ...

    async def wait_played(self, timeout: float) -> bool:
        """Wait until everything sent has been acknowledged as played."""
        ...

    def pause_output(self) -> None:
        """Hold outbound audio (caller speech suspected); queued audio is kept for resume_output()."""
        ...

    def resume_output(self) -> None: ...

    async def transfer(self, handoff: Handoff, twiml_hint: str | None = None) -> None: ...

    async def hangup(self) -> None: ...
