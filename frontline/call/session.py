"""A call session owns one call: listening, turn-taking, the decision, speaking, barge-in, the record.

Data flow (all asyncio; inference in the shared bounded pools of speech/models.py):

  transport ──feed(pcm16 @ in_rate)──► inbox ──► _listen(): resample → 16 kHz windows → VAD
        ▲                                          │ TurnDetector events
        │                                          ├─ PAUSE      → speculative STT starts now
        │                                          ├─ RESUME     → speculative result discarded
        │                                          ├─ TURN_END   → transcript → _respond() task
        │                                          └─ voiced ≥ barge_in_ms while the agent talks → _barge_in()
        │
  play(segment, pcm16 @ out_rate) ◄── _speak(): clause → TTS → resample   ◄── Agent events (Say/Handoff/EndCall/Note)

What the caller heard is known only from the transport's playback acknowledgements (Twilio marks,
the softphone's position reports). On barge-in the session cancels the response (the agent drops
pending tool results), flushes the transport, and keeps in the conversation only the heard words.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import numpy as np

from frontline.audio.codec import StreamResampler, float_to_pcm16, pcm16_to_float, pcm16_to_ulaw, resample
from frontline.call.clauses import ClauseSplitter
from frontline.call.protocols import (
    Agent,
    CallContext,
    CallerTurn,
    EndCall,
    Handoff,
    Message,
    Note,
    Say,
    Transcript,
    Transport,
)
from frontline.call.record import CallRecord, TurnRecord
from frontline.call.turns import TurnDetector, TurnEvent
from frontline.profile import Profile
from frontline.speech.models import SpeechModels

log = logging.getLogger(__name__)

VAD_RATE = 16000
PRE_ROLL_MS = 200  # audio kept from before the detected onset (the VAD needs a few windows to be sure)


@dataclass
class _Segment:
    id: str
    text: str
    samples: int = 0


@dataclass
class _AgentUtterance:
    """One agent response being spoken: its clauses and how much of each was heard."""

    response_id: str
    segments: list[_Segment] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)  # every clause the agent produced
    record: TurnRecord | None = None
    interrupted: bool = False

    def heard_text(self, heard: Callable[[str], int]) -> str:
        words: list[str] = []
        for seg in self.segments:
            n = heard(seg.id)
            if n <= 0 or seg.samples == 0:
                break
            seg_words = seg.text.split()
            if n >= seg.samples:
                words += seg_words
                continue
            # partially heard clause: keep the words spoken before the cut (proportional to audio)
            words += seg_words[: int(len(seg_words) * n / seg.samples)]
            break
        return " ".join(words)


class CallSession:
    def __init__(
        self,
        *,
        models: SpeechModels,
        agent: Agent,
        transport: Transport,
        profile: Profile,
        in_rate: int = 8000,
        record: CallRecord | None = None,
        on_end: Callable[[CallRecord], Awaitable[None]] | None = None,
        voice: str | None = None,
    ):
        self.models, self.agent, self.transport, self.profile = models, agent, transport, profile
        self.record = record or CallRecord(profile=profile.name)
        self.voice = voice or profile.voice
        self.tts = models.tts(self.voice)
        self.in_rate = in_rate
        self._on_end = on_end
        tt = profile.turn_taking
        self.detector = TurnDetector(
            threshold=tt.vad_threshold,
            negative_threshold=tt.vad_negative_threshold,
            min_speech_ms=tt.min_speech_ms,
            end_silence_ms=tt.end_of_turn_silence_ms,
            max_turn_ms=tt.max_turn_s * 1000,
        )
        self._vad = models.vad.stream(VAD_RATE)
        self._resample_in = StreamResampler(in_rate, VAD_RATE)
        self._pending = np.zeros(0, np.float32)
        self._inbox: asyncio.Queue[tuple[np.ndarray, float] | None] = asyncio.Queue(maxsize=500)
        self._pre_roll: deque[np.ndarray] = deque(maxlen=max(1, PRE_ROLL_MS // 32))
        self._turn_audio: list[np.ndarray] = []
        self._turn_raw: list[np.ndarray] = []  # inbound audio at in_rate for the trace
        self._turn_voiced_ms = 0.0  # voiced time (p ≥ threshold) in the turn being captured
        self._not_heard = 0  # clear-speech turns in a row the STT returned empty
        self._last_voiced_at = 0.0
        self._spec: asyncio.Future | None = None
        self._spec_windows = 0
        self.ctx = CallContext(call_id=self.record.call_id, call_sid=self.record.call_sid, profile_name=profile.name)
        self._response: asyncio.Task | None = None
        self._utt: _AgentUtterance | None = None
        self._tasks: list[asyncio.Task] = []
        self._last_activity = time.monotonic()
        self._reprompted = False
        self._closed = asyncio.Event()
        self._ending = False
        self.turn_latencies: list[dict[str, float]] = []
        self._output_held = False

    # ------------------------------------------------------------------ lifecycle
    async def start(self, *, greet: bool = True) -> None:
        self._tasks.append(asyncio.create_task(self._listen(), name=f"listen-{self.record.call_id}"))
        self._tasks.append(asyncio.create_task(self._watch_silence(), name=f"silence-{self.record.call_id}"))
        if greet:
            self._start_response(self._speak_lines(self.profile.opening_lines(), kind="opening"))

    async def feed(self, pcm16: np.ndarray) -> None:
        """Inbound caller audio (int16 at in_rate). Never blocks on inference."""
        if self._closed.is_set():
            return
        try:
            self._inbox.put_nowait((pcm16, time.monotonic()))
        except asyncio.QueueFull:  # the listener is far behind; dropping is better than stalling the socket
            log.warning("call %s: inbound audio queue full, dropping a frame", self.record.call_id)

    async def dtmf(self, digit: str) -> None:
        if self._closed.is_set():
            return
        await self._interrupt_if_speaking()
        self._not_heard = 0
        turn = self.record.add_turn("caller", "", dtmf=digit)
        self.ctx.history.append(Message("caller", f"[pressed {digit}]"))
        self._last_activity = time.monotonic()
        self._start_response(self._respond(turn, Transcript(text=""), time.monotonic(), {}))

    async def wait_closed(self) -> None:
        await self._closed.wait()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    async def close(self, reason: str = "completed") -> CallRecord:
        """End the call (idempotent): stop tasks, settle the last agent turn, persist the record."""
        if self._closed.is_set():
            return self.record
        self._closed.set()
        current = asyncio.current_task()
        if self._response and self._response is not current and not self._response.done():
            self._response.cancel()
            with contextlib.suppress(BaseException):
                await self._response
        self._settle_utterance(interrupted=reason not in ("completed", "transferred", "no_input"))
        for t in self._tasks:
            if t is not current:
                t.cancel()
        with contextlib.suppress(asyncio.QueueFull):
            self._inbox.put_nowait(None)
        from frontline.call.record import now_utc

        self.record.ended_at = now_utc()
        self.record.end_reason = self.record.end_reason or reason
        if self._on_end:
            try:
                await self._on_end(self.record)
            except Exception:
                log.exception("call %s: storing the call record failed", self.record.call_id)
        return self.record

    # ------------------------------------------------------------------ listening
    async def _listen(self) -> None:
        win = self._vad.window
        try:
            while True:
                item = await self._inbox.get()
                if item is None:
                    return
                pcm, arrived = item
                if self.detector.in_speech or self.detector.voiced_ms:
                    self._turn_raw.append(pcm)
                x = self._resample_in(pcm16_to_float(pcm))
                self._pending = np.concatenate([self._pending, x]) if len(self._pending) else x
                while len(self._pending) >= win:
                    w, self._pending = self._pending[:win], self._pending[win:]
                    p = await self.models.run(self.models.vad_pool, self._vad.probability, w)
                    await self._on_window(w, p, arrived)
        except asyncio.CancelledError:
            return
        except Exception:
            log.exception("call %s: listener crashed; ending the call", self.record.call_id)
            asyncio.create_task(self.close("error"))

    async def _on_window(self, w: np.ndarray, p: float, arrived: float) -> None:
        d = self.detector
        was_candidate = d.voiced_ms > 0 or d.in_speech
        events = d.push(p)
        if p >= d.threshold:
            self._last_voiced_at = arrived
        if d.in_speech or d.voiced_ms > 0 or TurnEvent.TURN_END in events:
            if not was_candidate:
                self._turn_audio = list(self._pre_roll)
                self._turn_voiced_ms = 0.0
            self._turn_audio.append(w)
            if p >= d.threshold:
                self._turn_voiced_ms += d.window_ms
        else:
            self._pre_roll.append(w)
            self._turn_raw = []
            self._turn_voiced_ms = 0.0
        for ev in events:
            if ev is TurnEvent.SPEECH_START:
                self._last_activity = time.monotonic()
                self._reprompted = False
                if self._agent_active():
                    # Possible barge-in: hold the agent's audio now (~100 ms after onset) and decide at
                    # barge_in_ms of voiced speech; a noise blip resumes playback where it stopped.
                    self._output_held = True
                    self.transport.pause_output()
            elif ev is TurnEvent.PAUSE:
                self._start_speculative_stt()
                if self._output_held and d.voiced_ms < self.profile.turn_taking.barge_in_ms:
                    self._release_output()  # not a barge-in (a blip or a short backchannel)
            elif ev is TurnEvent.RESUME:
                self._drop_speculative()  # the caller kept talking: that transcript is stale
            elif ev is TurnEvent.TURN_END:
                self._end_of_turn()
        if d.in_speech and d.voiced_ms >= self.profile.turn_taking.barge_in_ms:
            if self._agent_active():
                await self._barge_in()
            elif self._output_held:
                self._release_output()
        elif self._output_held and not d.in_speech:
            self._release_output()  # the speech run ended without becoming a barge-in

    def _release_output(self) -> None:
        self._output_held = False
        self.transport.resume_output()

    def _drop_speculative(self) -> None:
        """Discard a stale speculative transcription. Cancelling it frees the STT pool when the job has
        not started yet (micro-pauses — "A. P. I." — would otherwise queue several stale runs ahead of
        the one that matters); a job already running finishes and is ignored."""
        if self._spec is not None:
            self._spec.cancel()
            self._spec = None

    def _start_speculative_stt(self) -> None:
        self._drop_speculative()
        audio = np.concatenate(self._turn_audio) if self._turn_audio else np.zeros(0, np.float32)
        self._spec_windows = len(self._turn_audio)
        self._spec = asyncio.ensure_future(self._timed_stt(audio))
        self._spec_started = time.monotonic()

    async def _timed_stt(self, audio: np.ndarray) -> tuple[Transcript, float]:
        t = time.monotonic()
        tr = await self.models.transcribe(audio)
        return tr, (time.monotonic() - t) * 1000

    def _end_of_turn(self) -> None:
        """Capture the turn now (synchronously), finish it in a task so VAD keeps running."""
        turn_end = time.monotonic()
        audio_windows, self._turn_audio = self._turn_audio, []
        voiced_ms, self._turn_voiced_ms = self._turn_voiced_ms, 0.0
        raw = np.concatenate(self._turn_raw) if self._turn_raw else np.zeros(0, np.int16)
        self._turn_raw = []
        self._last_activity = turn_end
        spec, self._spec = self._spec, None
        if spec is None:
            spec_started = time.monotonic()
            spec = asyncio.ensure_future(self._timed_stt(np.concatenate(audio_windows)))
            speculative = False
        else:
            spec_started, speculative = self._spec_started, True
        self._tasks = [t for t in self._tasks if not t.done()]
        self._tasks.append(
            asyncio.create_task(
                self._finish_turn(spec, spec_started, speculative, raw, turn_end, self._last_voiced_at, voiced_ms),
                name="end-of-turn",
            )
        )

    async def _finish_turn(self, spec, t_stt: float, speculative: bool, raw, turn_end: float, last_voiced: float,
                           voiced_ms: float = 0.0):
        try:
            transcript, stt_ms = await spec
        except Exception as e:
            log.error("call %s: STT failed: %s", self.record.call_id, e)
            transcript, stt_ms = Transcript(text=""), (time.monotonic() - t_stt) * 1000
            self.record.meta.setdefault("errors", []).append(f"stt: {e}")
        if not transcript.text.strip():
            # A cough or a noise blip is not a turn. But clear speech (the VAD was sure for a while)
            # that the STT returned empty — its no-speech head overruling the VAD, an accent it
            # cannot decode, a failed model — must not be met with silence and, 8 s later, "are
            # you still there?": ask the caller to say it again, as a person would.
            # The second time in a row the caller is not asked again: the agent hands them to a
            # person (through the agent and its gate, so the handoff is audited like any other).
            tt = self.profile.turn_taking
            if voiced_ms >= tt.not_heard_min_voiced_ms and not self._agent_active():
                self._not_heard += 1
                turn = self.record.add_turn("caller", "", audio_ulaw=pcm16_to_ulaw(raw) if len(raw) else None)
                turn.trace.update({"not_heard": self._not_heard, "voiced_ms": round(voiced_ms),
                                   "stt_ms": round(stt_ms, 1)})
                self._last_activity = time.monotonic()
                if tt.not_heard_handoff_after and self._not_heard >= tt.not_heard_handoff_after:
                    self._start_response(self._respond(turn, transcript, last_voiced, {"stt": stt_ms},
                                                       not_heard=self._not_heard))
                else:
                    self._start_response(self._speak_lines([self.profile.not_heard], kind="not_heard"))
            return
        self._not_heard = 0
        await self._interrupt_if_speaking()
        turn = self.record.add_turn(
            "caller",
            transcript.text.strip(),
            audio_ulaw=pcm16_to_ulaw(raw) if len(raw) else None,
        )
        turn.trace["stt_speculative"] = speculative
        self.ctx.history.append(Message("caller", turn.text))
        lat = {"stt": stt_ms, "turn_end_wait": (turn_end - last_voiced) * 1000}
        self._start_response(self._respond(turn, transcript, last_voiced, lat))

    # ------------------------------------------------------------------ responding
    def _start_response(self, coro) -> None:
        self._response = asyncio.create_task(coro, name=f"respond-{self.record.call_id}")

    def _agent_active(self) -> bool:
        busy = self._response is not None and not self._response.done()
        return busy or bool(getattr(self.transport, "playing", False))

    async def _respond(self, caller: TurnRecord, transcript: Transcript, last_voiced: float, lat: dict,
                       not_heard: int = 0) -> None:
        response_id = "resp_" + uuid.uuid4().hex[:12]
        utt = self._utt = _AgentUtterance(response_id=response_id)
        agent_turn = utt.record = self.record.add_turn("agent", "", response_id=response_id)
        t_decide = time.monotonic()
        turn = CallerTurn(
            call_id=self.record.call_id,
            response_id=response_id,
            text=caller.text,
            dtmf=caller.dtmf,
            language=transcript.language,
            language_probability=transcript.language_probability,
            not_heard=not_heard,
        )
        splitter = ClauseSplitter()
        handoff: Handoff | None = None
        end: EndCall | None = None
        spoke_handoff_line = False
        gen = self.agent.respond(turn, self.ctx)
        try:
            async for ev in gen:
                if isinstance(ev, Say):
                    lat.setdefault("decide", (time.monotonic() - t_decide) * 1000)
                    spoke_handoff_line |= ev.kind == "handoff"
                    for clause in splitter.feed(ev.text + (" " if not ev.text.endswith(" ") else "")):
                        await self._speak(utt, clause, lat, last_voiced)
                elif isinstance(ev, Handoff):
                    handoff = ev
                elif isinstance(ev, EndCall):
                    end = ev
                elif isinstance(ev, Note):
                    self._note(agent_turn, caller, ev.data)
            for clause in splitter.flush():
                await self._speak(utt, clause, lat, last_voiced)
            lat.setdefault("decide", (time.monotonic() - t_decide) * 1000)
            if handoff is not None:
                h = {
                    "reason": handoff.reason,
                    "confidence": handoff.confidence,
                    "transcript_summary": handoff.transcript_summary,
                    "retrieved_chunk_ids": handoff.retrieved_chunk_ids,
                    "language": handoff.language,
                }
                agent_turn.handoff = self.record.handoff = h
                if not spoke_handoff_line and self.profile.transfer.line:
                    await self._speak(utt, self.profile.transfer.line, lat, last_voiced)
        finally:
            with contextlib.suppress(Exception):
                await gen.aclose()
            agent_turn.latency_ms = {k: round(v, 1) for k, v in lat.items()}
            if lat.get("turn_gap") is not None:
                self.turn_latencies.append(agent_turn.latency_ms)
        self._settle_utterance(interrupted=False)
        await self.transport.wait_played(timeout=60)
        self._last_activity = time.monotonic()
        if handoff is not None:
            try:
                await self.transport.transfer(handoff)
            except Exception as e:
                log.error("call %s: transfer failed: %s", self.record.call_id, e)
                self.record.meta.setdefault("errors", []).append(f"transfer: {e}")
            await self.close("transferred")
        elif end is not None:
            await self.transport.hangup()
            await self.close(end.reason)

    async def _speak_lines(self, lines: list[str], kind: str) -> None:
        utt = self._utt = _AgentUtterance(response_id="resp_" + uuid.uuid4().hex[:12])
        utt.record = self.record.add_turn("agent", "", response_id=utt.response_id, trace={"kind": kind})
        lat: dict = {}
        splitter = ClauseSplitter()
        for clause in splitter.feed(" ".join(lines) + " ") + splitter.flush():
            await self._speak(utt, clause, lat, None)
        self._settle_utterance(interrupted=False)
        await self.transport.wait_played(timeout=60)
        self._last_activity = time.monotonic()

    async def _speak(self, utt: _AgentUtterance, clause: str, lat: dict, last_voiced: float | None) -> None:
        utt.planned.append(clause)
        seg = _Segment(id=f"{utt.response_id}-{len(utt.segments)}", text=clause)
        utt.segments.append(seg)
        t = time.monotonic()
        chunks = await self.models.run(self.models.tts_pool, lambda: list(self.tts.synthesize(clause)))
        lat.setdefault("tts_first", (time.monotonic() - t) * 1000)
        out_rate = self.transport.out_sample_rate
        for chunk in chunks:
            pcm = float_to_pcm16(resample(chunk, self.tts.sample_rate, out_rate))
            seg.samples += len(pcm)
            if last_voiced is not None and "turn_gap" not in lat:
                # the first agent audio byte is handed to the transport now (play() may then apply
                # backpressure on long clauses, which must not count as latency)
                lat["turn_gap"] = (time.monotonic() - last_voiced) * 1000
            await self.transport.play(seg.id, pcm)

    def _note(self, agent_turn: TurnRecord, caller: TurnRecord, data: dict) -> None:
        ids = data.get("retrieved_chunk_ids")
        if ids:
            agent_turn.retrieved_chunk_ids = list(ids)
            self.ctx.retrieved_chunk_ids = (self.ctx.retrieved_chunk_ids + list(ids))[-12:]
        if "tool_call" in data:
            agent_turn.tool_calls.append(data["tool_call"])
        if "cost_usd" in data:
            agent_turn.cost_usd += float(data["cost_usd"])
        agent_turn.trace.update({k: v for k, v in data.items() if k not in ("tool_call", "retrieved_chunk_ids")})

    def _settle_utterance(self, *, interrupted: bool) -> None:
        """Write the agent turn as the caller heard it, into the record and the conversation."""
        utt, self._utt = self._utt, None
        if utt is None or utt.record is None:
            return
        full = " ".join(utt.planned)
        heard = utt.heard_text(self.transport.heard_samples) if interrupted else full
        utt.record.full_text = full
        utt.record.text = heard
        utt.record.interrupted = interrupted
        if heard:
            self.ctx.history.append(Message("agent", heard, interrupted=interrupted))

    # ------------------------------------------------------------------ barge-in
    async def _interrupt_if_speaking(self) -> None:
        if self._agent_active():
            await self._barge_in()

    async def _barge_in(self) -> None:
        t = time.monotonic()
        # stop sending at once (synchronously: the response can't slip more audio out while it is being
        # cancelled), cancel the response, then flush the far end with one `clear`
        self.transport.pause_output()
        resp = self._response
        if resp is not None and not resp.done() and resp is not asyncio.current_task():
            resp.cancel()
            with contextlib.suppress(BaseException):
                await resp
        self._output_held = False
        await self.transport.clear()
        if self._utt is not None:
            self._utt.interrupted = True
            cancel = getattr(self.agent, "cancel", None)
            if cancel:
                with contextlib.suppress(Exception):
                    cancel(self._utt.response_id)
        self._settle_utterance(interrupted=True)
        self.record.meta.setdefault("barge_ins", []).append(round((time.monotonic() - t) * 1000, 1))
        log.info("call %s: barge-in, agent flushed", self.record.call_id)

    # ------------------------------------------------------------------ silence
    async def _watch_silence(self) -> None:
        tt = self.profile.turn_taking
        try:
            while not self._closed.is_set():
                await asyncio.sleep(0.2)
                if self._agent_active() or self.detector.in_speech:
                    self._last_activity = time.monotonic()
                    continue
                idle = time.monotonic() - self._last_activity
                if not self._reprompted and idle >= tt.reprompt_after_s:
                    self._reprompted = True
                    self._start_response(self._speak_lines([self.profile.reprompt], kind="reprompt"))
                elif self._reprompted and idle >= tt.hangup_after_reprompt_s:
                    await self._speak_lines([self.profile.goodbye], kind="goodbye")
                    await self.transport.hangup()
                    await self.close("no_input")
                    return
        except asyncio.CancelledError:
            return
