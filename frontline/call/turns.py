"""End-of-turn detection from per-window VAD probabilities (a pure state machine, easy to test).

Input: one speech probability per VAD window (32 ms at 16 kHz). Output: events the session acts on:

  SPEECH_START  caller speech confirmed (≥ min_speech_ms voiced; one noise blip can't trigger it)
  PAUSE         first silent window after speech → start *speculative* transcription now
  RESUME        caller spoke again before the turn ended → discard the speculative result
  TURN_END      silence reached end_of_turn_silence_ms → the turn is over

Hysteresis as in Silero's reference iterator: a window is voiced at p ≥ threshold, silent at
p < negative threshold; in between it continues the current state. `voiced_ms` counts voiced
time in the current speech run (barge-in uses it: ≥ barge_in_ms while the agent talks).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class TurnEvent(str, Enum):
    SPEECH_START = "speech_start"
    PAUSE = "pause"
    RESUME = "resume"
    TURN_END = "turn_end"


@dataclass
class TurnDetector:
    window_ms: float = 32.0
    threshold: float = 0.5
    negative_threshold: float = 0.35
    min_speech_ms: float = 96.0
    end_silence_ms: float = 300.0
    max_turn_ms: float = 30000.0

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.in_speech = False
        self.voiced_ms = 0.0  # voiced time in the current run (or candidate run)
        self.silence_ms = 0.0
        self.turn_ms = 0.0
        self._gap_windows = 0  # consecutive silent windows while still a candidate
        self.windows_since_start = 0  # windows since the (candidate) onset, for pre-roll bookkeeping

    def push(self, p: float) -> list[TurnEvent]:
        w = self.window_ms
        events: list[TurnEvent] = []
        voiced, silent = p >= self.threshold, p < self.negative_threshold
        if not self.in_speech:
            if voiced:
                self.voiced_ms += w
                self.windows_since_start += 1
                self._gap_windows = 0
                if self.voiced_ms >= self.min_speech_ms:
                    self.in_speech, self.silence_ms, self.turn_ms = True, 0.0, self.windows_since_start * w
                    events.append(TurnEvent.SPEECH_START)
            elif self.voiced_ms > 0:
                self.windows_since_start += 1
                self._gap_windows += 1 if silent else 0
                if self._gap_windows >= 2:  # a blip, not speech
                    self.voiced_ms, self.windows_since_start, self._gap_windows = 0.0, 0, 0
            return events

        self.turn_ms += w
        if voiced or not silent:
            if self.silence_ms > 0:
                events.append(TurnEvent.RESUME)
            self.silence_ms = 0.0
            if voiced:
                self.voiced_ms += w
        else:
            self.silence_ms += w
            if self.silence_ms == w:
                events.append(TurnEvent.PAUSE)
            if self.silence_ms >= self.end_silence_ms:
                events.append(TurnEvent.TURN_END)
                self.reset()
                return events
        if self.turn_ms >= self.max_turn_ms:
            if not self.silence_ms:
                events.append(TurnEvent.PAUSE)
            events.append(TurnEvent.TURN_END)
            self.reset()
        return events
