"""Unit tests of the call core's pure parts: μ-law, resampling, phone line, clauses, turn detection, pacing."""

from __future__ import annotations

import asyncio
import time

import numpy as np
import pytest

from frontline.audio.codec import StreamResampler, pcm16_to_ulaw, resample, ulaw_to_pcm16
from frontline.audio.phone_line import phone_line
from frontline.call.clauses import ClauseSplitter, split_clauses
from frontline.call.playback import PacedPlayback
from frontline.call.turns import TurnDetector, TurnEvent


def test_mulaw_round_trip_is_close_and_one_byte_per_sample():
    t = np.arange(8000) / 8000
    pcm = (np.sin(2 * np.pi * 440 * t) * 12000).astype(np.int16)
    ulaw = pcm16_to_ulaw(pcm)
    assert len(ulaw) == len(pcm)
    back = ulaw_to_pcm16(ulaw)
    # G.711 is logarithmic: error relative to amplitude stays within a few percent
    err = np.abs(back.astype(int) - pcm.astype(int))
    assert err.max() < 0.04 * 12000
    assert np.corrcoef(back, pcm)[0, 1] > 0.999
    # μ-law silence is 0xFF and decodes to zero
    assert pcm16_to_ulaw(np.zeros(4, np.int16)) == b"\xff" * 4
    assert np.all(ulaw_to_pcm16(b"\xff" * 4) == 0)


def test_resampling_keeps_duration_and_tone():
    sr = 24000
    x = np.sin(2 * np.pi * 1000 * np.arange(sr) / sr).astype(np.float32)
    y = resample(x, sr, 8000)
    assert abs(len(y) - 8000) <= 2
    spec = np.abs(np.fft.rfft(y))
    assert abs(np.argmax(spec) * 8000 / len(y) - 1000) < 5


def test_stream_resampler_matches_length_over_frames():
    rs = StreamResampler(8000, 16000)
    out = [rs(np.zeros(160, np.float32)) for _ in range(50)]
    total = sum(len(o) for o in out) + len(rs(np.zeros(0, np.float32), last=True))
    assert abs(total - 16000) <= 64


def test_phone_line_band_limits_and_returns_8k_int16():
    sr = 16000
    t = np.arange(sr) / sr
    x = (0.3 * np.sin(2 * np.pi * 100 * t) + 0.3 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    y = phone_line(x, sr)
    assert y.dtype == np.int16 and abs(len(y) - 8000) <= 2
    spec = np.abs(np.fft.rfft(y.astype(np.float32)))
    f = np.fft.rfftfreq(len(y), 1 / 8000)
    assert spec[np.argmin(abs(f - 1000))] > 10 * spec[np.argmin(abs(f - 100))]
    noisy = phone_line(x, sr, snr_db=10, seed=3)
    assert not np.array_equal(noisy, y)
    assert np.array_equal(noisy, phone_line(x, sr, snr_db=10, seed=3))  # deterministic


def test_clause_splitter_streams_sentences_and_long_clauses():
    s = ClauseSplitter()
    assert s.feed("Sure. All your invoices are in Settings") == ["Sure."]
    assert s.feed(", then Billing, then Invoices. You can") == ["All your invoices are in Settings,", "then Billing, then Invoices."]
    assert s.flush() == ["You can"]
    assert split_clauses("Dr. Smith is here. Hi!") == ["Dr. Smith is here.", "Hi!"]
    assert split_clauses("Yes, sure.") == ["Yes, sure."]  # short lead-ins are not split off


def _push(det: TurnDetector, probs):
    events = []
    for p in probs:
        events += det.push(p)
    return events


def test_turn_detector_ends_turn_after_configured_silence():
    det = TurnDetector(end_silence_ms=320, min_speech_ms=96)
    ev = _push(det, [0.9] * 20)
    assert ev == [TurnEvent.SPEECH_START]
    ev = _push(det, [0.05] * 9)
    assert ev == [TurnEvent.PAUSE]  # 288 ms: not yet the end
    assert _push(det, [0.05]) == [TurnEvent.TURN_END]
    assert not det.in_speech


def test_turn_detector_resume_discards_pause_and_blips_do_not_start_speech():
    det = TurnDetector(end_silence_ms=300)
    _push(det, [0.9] * 10)
    assert _push(det, [0.1, 0.1]) == [TurnEvent.PAUSE]
    assert _push(det, [0.9]) == [TurnEvent.RESUME]
    det2 = TurnDetector(min_speech_ms=96)
    # a single 64 ms noise blip between silences never becomes speech
    assert _push(det2, [0.0, 0.9, 0.9, 0.0, 0.0, 0.0, 0.9, 0.0, 0.0]) == []
    assert det2.voiced_ms == 0


async def test_paced_playback_paces_frames_and_tracks_heard_audio_from_marks():
    sent: list[tuple[float, str]] = []
    clears: list[float] = []

    async def send_frame(frame, mark):
        assert len(frame) == 160
        sent.append((time.monotonic(), mark))

    async def send_clear():
        clears.append(time.monotonic())

    pb = PacedPlayback(send_frame, send_clear, sample_rate=8000, lead_ms=100)
    pb.enqueue("seg-a", np.ones(8000, np.int16))  # 1 s of audio = 50 frames
    await asyncio.sleep(0.5)
    # real-time pacing: ~0.5 s of audio + 100 ms lead sent, not all 50 frames at once
    assert 25 <= len(sent) <= 35
    elapsed = sent[-1][0] - sent[0][0]
    assert elapsed >= 0.3
    # the far end echoes the first 10 marks: 10 frames heard
    for _, name in sent[:10]:
        pb.on_mark(name)
    assert pb.heard_samples("seg-a") == 1600
    # barge-in: clear → later echoes of older marks are stale and do not count as heard
    await pb.clear()
    assert clears and not pb.playing
    for _, name in sent[10:]:
        pb.on_mark(name)
    assert pb.heard_samples("seg-a") == 1600
    assert pb.stale_marks == len(sent) - 10
    n = len(sent)
    await asyncio.sleep(0.1)
    assert len(sent) == n  # nothing more sent after clear
    pb.on_mark("bogus-name")
    assert pb.unknown_marks == 1
    pb.close()


async def test_marks_are_acknowledged_in_order():
    names = []

    async def send_frame(frame, mark):
        names.append(mark)

    async def send_clear():
        pass

    pb = PacedPlayback(send_frame, send_clear, lead_ms=200)
    pb.enqueue("s", np.ones(1600, np.int16))  # 10 frames
    assert await pb.wait_played(0.05) is False
    await asyncio.sleep(0.3)
    pb.on_mark(names[4])  # echo of the 5th mark implies the first four played
    assert pb.heard_samples("s") == 800
    for n in names[5:]:
        pb.on_mark(n)
    assert await pb.wait_played(1.0) is True
    assert pb.heard_samples("s") == 1600
    pb.close()


async def test_paused_playback_holds_frames_and_resumes_where_it_stopped():
    sent = []

    async def send_frame(frame, mark):
        sent.append(mark)

    async def send_clear():
        pass

    pb = PacedPlayback(send_frame, send_clear, lead_ms=60)
    pb.enqueue("s", np.ones(8000, np.int16))
    await asyncio.sleep(0.1)
    pb.pause()
    await asyncio.sleep(0.02)
    n = len(sent)
    await asyncio.sleep(0.2)
    assert len(sent) == n  # nothing leaves while paused
    pb.resume()
    await asyncio.sleep(0.1)
    assert len(sent) > n
    assert pb.playing
    pb.close()
