"""`frontline call`: a whole phone call from the terminal, and the report it prints.

Caller lines are synthesized with a local voice (or read from WAVs), passed through a phone line
(8 kHz μ-law, 300–3400 Hz), streamed in real time over the Twilio protocol on loopback, and the
server's own call record supplies what STT heard, the agent's replies, handoffs and latencies.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

from frontline.audio.codec import float_to_pcm16, resample
from frontline.audio.phone_line import phone_line
from frontline.audio.wav import read_wav, write_wav
from frontline.sim.caller import CallerLine, SimCallResult, run_call
from frontline.speech.tts import load_tts

_voices: dict[str, object] = {}


def caller_voice(name: str):
    """The TTS engine for a caller voice; reuses the process's shared engine when one is loaded
    (an in-process server and its simulated callers need not hold two copies of a model)."""
    from frontline.speech import models

    if models._shared is not None:
        return models._shared.tts(name)
    if name not in _voices:
        _voices[name] = load_tts(name)
    return _voices[name]


def render_line(text: str, voice: str = "hibari-us", *, phone: bool = True, snr_db: float | None = None,
                seed: int = 0) -> np.ndarray:
    """Caller speech for `text` as int16 8 kHz audio."""
    tts = caller_voice(voice)
    audio = np.concatenate(list(tts.synthesize(text)))
    return audio_to_line(audio, tts.sample_rate, phone=phone, snr_db=snr_db, seed=seed)


def audio_to_line(audio: np.ndarray, rate: int, *, phone: bool = True, snr_db: float | None = None,
                  seed: int = 0) -> np.ndarray:
    if phone:
        return phone_line(audio, rate, snr_db=snr_db, seed=seed)
    return float_to_pcm16(resample(audio.astype(np.float32), rate, 8000))


def load_wav_line(path: str | Path, *, phone: bool = True) -> np.ndarray:
    audio, rate = read_wav(path)
    return audio_to_line(audio, rate, phone=phone)


@dataclass
class CallReport:
    call_id: str
    turns: list[dict]
    agent_audio: str | None
    record: dict
    sim: SimCallResult

    def to_json(self) -> dict:
        return {"call_id": self.call_id, "turns": self.turns, "agent_audio": self.agent_audio}


async def fetch_record(base_url: str, call_sid: str, timeout_s: float = 15.0) -> dict:
    """The server's call record, once the call has ended and been stored."""
    async with httpx.AsyncClient(base_url=base_url, timeout=5) as client:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            r = await client.get(f"/calls/{call_sid}")
            if r.status_code == 200 and r.json().get("ended_at"):
                return r.json()
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"call {call_sid} has no complete record after {timeout_s}s (HTTP {r.status_code})")
            await asyncio.sleep(0.1)


def build_turns(record: dict, lines: list[CallerLine]) -> list[dict]:
    """Pair each caller turn with the agent turn that answered it."""
    turns, caller_turns = [], [t for t in record["turns"] if t["role"] == "caller"]
    by_index = {t["index"]: t for t in record["turns"]}
    for i, ct in enumerate(caller_turns):
        reply = by_index.get(ct["index"] + 1)
        reply = reply if reply and reply["role"] == "agent" else None
        lat = (reply or {}).get("latency_ms", {})
        h = (reply or {}).get("handoff")
        turns.append({
            "caller_text": lines[i].text if i < len(lines) else "",
            "heard": ct["text"] if not ct.get("dtmf") else f"[DTMF {ct['dtmf']}]",
            "agent_text": (reply or {}).get("text", ""),
            "handoff": {"reason": h["reason"], "confidence": h.get("confidence")} if h else None,
            "interrupted": bool((reply or {}).get("interrupted")),
            "latency_ms": {k: float(lat.get(k, 0.0)) for k in ("turn_gap", "stt", "decide", "tts_first")},
        })
    return turns


async def place_call(base_url: str, lines: list[CallerLine], *, out_dir: Path | None = None, pause_ms: int = 600,
                     reply_timeout_s: float = 20.0) -> CallReport:
    ws_url = base_url.replace("http://", "ws://").replace("https://", "wss://") + "/twilio/media"
    sim = await run_call(ws_url, lines, pause_ms=pause_ms, reply_timeout_s=reply_timeout_s)
    record = await fetch_record(base_url, sim.call_sid)
    agent_audio = None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        agent_audio = str(write_wav(out_dir / "agent.wav", sim.agent_pcm(), 8000))
        write_wav(out_dir / "call.wav", sim.stereo_pcm(), 8000)
    return CallReport(call_id=record["call_id"], turns=build_turns(record, lines), agent_audio=agent_audio,
                      record=record, sim=sim)
