"""Audio-mode eval: each row spoken by a caller voice, through the phone line and the REAL call path.

Per row: render the text (voice rotation, frontline.evals.voices) or read the row's `audio` WAV →
phone line (8 kHz μ-law, 300–3400 Hz, noise at the row's `snr_db` or --snr-db, seeded per row) →
a simulated Twilio caller (frontline.sim.caller) over loopback WebSocket → ONE in-process server
(build_runtime + create_app: VAD, end of turn, faster-whisper STT, the decision layer, TTS, paced
playback with marks) → the server's stored call record. The record's agent turns become an
`Outcome` and are scored by frontline.agent.evaluate.score, exactly like text mode.

One row per call. Multi-row calls would carry the policy's conversation state (an offer or a
clarifying question made last turn, the low-confidence counter) from one row into the next, and a
handoff ends the call, so rows would stop being independent and audio mode would stop being
comparable with text mode. The greeting is amortized instead by shortening it for evals: the
profile's opening is replaced by one short line (EVAL_GREETING, ~1.5 s).

`workers` calls run concurrently against the one server (they share its models and executor,
as real concurrent callers do). Audio is rendered for all rows before the first call, so
rendering never competes with the calls for CPU, and every random choice is seeded by the row id.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


from frontline.agent.evaluate import Outcome, _pct, apply_decision_note, score
from frontline.evals.dataset import EvalRow
from frontline.evals.voices import DEFAULT_VOICES, Rendering, choose_voice, render_caller, row_seed
from frontline.evals.wer import WordErrors, corpus_wer, word_errors

log = logging.getLogger(__name__)
EVAL_GREETING = "Acme Cloud support, how can I help?"
REFUSAL_MARK = "i can't help with that"


@dataclass
class AudioRow:
    """What happened to one row on the phone, beside its Outcome."""

    row_id: str
    voice: str
    noise: str | None
    snr_db: float | None
    heard: str = ""
    errors: WordErrors = field(default_factory=lambda: WordErrors(0, 0))
    turn_gap_ms: float | None = None
    caller_turns: int = 0
    call_id: str | None = None


def render_row(row: EvalRow, index: int, voices: Sequence[str], snr_db: float | None) -> Rendering:
    seed = row_seed(row.id)
    snr = row.extra.get("snr_db", snr_db)
    snr = float(snr) if snr is not None else None
    if row.audio:
        from frontline.audio.phone_line import phone_line
        from frontline.audio.wav import read_wav

        audio, rate = read_wav(row.audio)
        return Rendering("wav:" + row.audio, None if snr is None else "babble", snr,
                         phone_line(audio, rate, snr_db=snr, seed=seed))
    voice = choose_voice(index, row.extra.get("voice"), tuple(voices))
    return render_caller(row.text, voice, seed=seed, snr_db=snr, noise=row.extra.get("noise"))


def outcome_from_record(row: EvalRow, record: dict[str, Any]) -> tuple[Outcome, AudioRow]:
    """Read the server's call record as the eval's Outcome (what the caller got) + the audio facts."""
    turns = record.get("turns", [])
    first_caller = next((t["index"] for t in turns if t["role"] == "caller"), None)
    o = Outcome(row.id)
    a = AudioRow(row.id, "", None, None, call_id=record.get("call_id"))
    if first_caller is None:
        o.error = "the server heard no caller turn"
        return o, a
    callers = [t for t in turns if t["role"] == "caller"]
    a.caller_turns = len(callers)
    a.heard = " ".join(t["text"] for t in callers if t.get("text")).strip()
    gaps = []
    for t in turns:
        if t["role"] != "agent" or t["index"] < first_caller:
            continue
        tr = t.get("trace") or {}
        apply_decision_note(o, tr)
        if tr.get("intent") == "adversarial" or REFUSAL_MARK in (t.get("full_text") or "").lower():
            o.refused = True
        if t.get("handoff") and o.handoff_reason is None:
            o.handoff_reason = t["handoff"]["reason"]
        if t.get("full_text"):
            o.said.append(t["full_text"])
        gap = (t.get("latency_ms") or {}).get("turn_gap")
        if gap is not None:
            gaps.append(float(gap))
    if gaps:
        # the reply to the end of the caller's question (if STT split it, the last reply)
        a.turn_gap_ms = gaps[-1]
        o.latency_ms = gaps[-1]
    o.ended = record.get("end_reason") not in (None, "caller_hangup")
    return o, a


async def run_audio_rows(
    rows: Sequence[EvalRow],
    *,
    voices: Sequence[str] = DEFAULT_VOICES,
    snr_db: float | None = None,
    workers: int = 2,
    runtime: Any = None,
    on_rendered: Callable[[int, int], None] | None = None,
    on_done: Callable[[int, int], None] | None = None,
    reply_timeout_s: float = 30.0,
    start_index: Sequence[int] | None = None,
) -> tuple[list[Outcome], list[AudioRow]]:
    """Run rows through the real call path. `runtime`: an existing Runtime (tests), else one is built.
    `start_index`: each row's position in its eval file (the voice rotation), when `rows` is a subset."""
    from frontline.server.app import create_app
    from frontline.server.local import serve_in_process
    from frontline.server.runtime import build_runtime
    from frontline.sim.call import place_call
    from frontline.sim.caller import CallerLine

    renders: list[Rendering] = []
    for i, row in enumerate(rows):
        renders.append(await asyncio.to_thread(render_row, row, start_index[i] if start_index else i, voices, snr_db))
        if on_rendered:
            on_rendered(i + 1, len(rows))

    owned = runtime is None
    rt = runtime or await build_runtime()
    saved_profile = rt.profile
    rt.profile = rt.profile.model_copy(update={"greeting": EVAL_GREETING, "disclosure": "", "fast_path": ""})
    outcomes: list[Outcome | None] = [None] * len(rows)
    facts: list[AudioRow | None] = [None] * len(rows)
    sem = asyncio.Semaphore(max(1, workers))
    done = 0

    async def one(i: int, row: EvalRow, base: str) -> None:
        nonlocal done
        r = renders[i]
        async with sem:
            t0 = time.perf_counter()
            try:
                rep = await place_call(base, [CallerLine(text=row.text, audio=r.audio)], pause_ms=300,
                                       reply_timeout_s=reply_timeout_s)
                o, a = outcome_from_record(row, rep.record)
            except Exception as e:  # one failed call fails its row, not the run
                log.warning("row %s: call failed: %s", row.id, e)
                o, a = Outcome(row.id, error=f"{type(e).__name__}: {e}"), AudioRow(row.id, "", None, None)
            o.total_ms = (time.perf_counter() - t0) * 1000
        a.voice, a.noise, a.snr_db = r.voice, r.noise, r.snr_db
        a.errors = word_errors(row.text, a.heard)
        outcomes[i], facts[i] = o, a
        done += 1
        if on_done:
            on_done(done, len(rows))

    try:
        async with serve_in_process(create_app(rt)) as base:
            await asyncio.gather(*(one(i, row, base) for i, row in enumerate(rows)))
    finally:
        rt.profile = saved_profile
        if owned:
            await rt.close()
    return [o for o in outcomes if o is not None], [a for a in facts if a is not None]


def audio_report(rows: Sequence[EvalRow], outcomes: Sequence[Outcome], facts: Sequence[AudioRow]) -> dict[str, Any]:
    """Text mode's report plus {"wer", "turn_gap_ms": {"p50", "p95"}} and per-voice WER.

    WER is over rows whose language is English (the STT model is English-only; Spanish callers are
    there to be handed off, not transcribed)."""
    rep = score(rows, outcomes)
    lang = {r.id: r.language for r in rows}
    en = [a for a in facts if lang.get(a.row_id, "en").startswith("en")]
    rep["wer"] = corpus_wer(a.errors for a in en)
    gaps = [a.turn_gap_ms for a in facts if a.turn_gap_ms is not None]
    rep["turn_gap_ms"] = {"p50": _pct(gaps, 0.5), "p95": _pct(gaps, 0.95)}
    by_voice: dict[str, list[AudioRow]] = {}
    for a in en:
        by_voice.setdefault(a.voice.split(":")[0], []).append(a)
    rep["wer_by_voice"] = {v: corpus_wer(x.errors for x in xs) for v, xs in sorted(by_voice.items())}
    rep["errors"] = sum(1 for o in outcomes if o.error)
    rep["mode"] = "audio"
    return rep


def audio_row_json(a: AudioRow) -> dict[str, Any]:
    return {"id": a.row_id, "voice": a.voice, "noise": a.noise, "snr_db": a.snr_db, "heard": a.heard,
            "word_errors": a.errors.errors, "words": a.errors.words, "turn_gap_ms": a.turn_gap_ms,
            "caller_turns": a.caller_turns, "call_id": a.call_id}


