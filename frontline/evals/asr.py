"""ASR robustness on real recorded human speech: Debian's asterisk-core-sounds-en.

The package holds professionally recorded telephone prompts (one human voice, "Allison") as 8 kHz
WAVs under /usr/share/asterisk/sounds/en/, with their transcripts in the index file
core-sounds-en.txt (`name: transcript` lines; shipped gzipped in /usr/share/doc by Debian's
asterisk-core-sounds-en package). Each recording goes through the same phone line as the spoken
eval (300–3400 Hz, 8 kHz μ-law, optional noise) and then the server's STT (the shared
faster-whisper model, same settings as a call), and is scored with the normalized WER of
frontline.evals.wer. Prompts whose transcript is only a sound description ("[beep]") are skipped;
bracketed descriptions inside a transcript are dropped from the reference.

Install: `make eval-deps` (apt-get install asterisk-core-sounds-en-wav asterisk-core-sounds-en).
"""

from __future__ import annotations

import gzip
import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from frontline.evals.wer import WordErrors, corpus_wer, normalize, word_errors

SOUNDS_DIRS = (Path("/usr/share/asterisk/sounds/en"), Path("/usr/share/asterisk/sounds/en_US_f_Allison"))
INDEX_FILES = (Path("/usr/share/asterisk/sounds/en/core-sounds-en.txt"),
               Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz"),
               Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt"))
_BRACKETS = re.compile(r"\[[^\]]*\]")


class AsrUnavailable(RuntimeError):
    """The recordings or their transcripts are not installed."""


def find_corpus() -> tuple[Path, Path]:
    sounds = next((d for d in SOUNDS_DIRS if d.is_dir() and any(d.glob("*.wav"))), None)
    index = next((f for f in INDEX_FILES if f.is_file()), None)
    if sounds is None or index is None:
        raise AsrUnavailable("Debian's asterisk core sounds are not installed (need the WAVs and the "
                             "core-sounds-en.txt index): `make eval-deps`, i.e. apt-get install "
                             "asterisk-core-sounds-en-wav asterisk-core-sounds-en")
    return sounds, index


def read_index(index: Path) -> dict[str, str]:
    raw = gzip.decompress(index.read_bytes()) if index.suffix == ".gz" else index.read_bytes()
    out: dict[str, str] = {}
    for line in raw.decode("utf-8", "replace").splitlines():
        if not line.strip() or line.startswith(";") or ":" not in line:
            continue
        name, _, text = line.partition(":")
        text = _BRACKETS.sub(" ", text).strip()
        if name.strip() and len(normalize(text).split()) >= 1:
            out[name.strip()] = text
    return out


def corpus_items(limit: int | None = None) -> list[tuple[Path, str]]:
    """(wav, transcript) pairs, sorted by name; `limit` takes evenly spaced items (deterministic)."""
    sounds, index = find_corpus()
    items = [(sounds / f"{name}.wav", text) for name, text in sorted(read_index(index).items())
             if (sounds / f"{name}.wav").is_file()]
    if limit and limit < len(items):
        step = len(items) / limit
        items = [items[int(i * step)] for i in range(limit)]
    return items


def run_asr(limit: int | None = None, snr_db: float | None = None,
            progress: Callable[[int, int], None] | None = None) -> dict:
    from frontline.audio.codec import pcm16_to_float, resample
    from frontline.audio.phone_line import phone_line
    from frontline.audio.wav import read_wav
    from frontline.evals.voices import row_seed
    from frontline.speech.models import shared_models

    items = corpus_items(limit)
    if not items:
        raise AsrUnavailable("no recordings with transcripts found")
    stt = shared_models().stt
    results, errs, stt_ms = [], [], []
    for i, (wav, ref) in enumerate(items, 1):
        audio, rate = read_wav(wav)
        line = phone_line(audio, rate, snr_db=snr_db, seed=row_seed(wav.name))
        x16 = resample(pcm16_to_float(line), 8000, stt.sample_rate).astype(np.float32)
        t = time.perf_counter()
        heard = stt.transcribe(x16).text
        stt_ms.append((time.perf_counter() - t) * 1000)
        we: WordErrors = word_errors(ref, heard)
        errs.append(we)
        results.append({"file": wav.name, "reference": ref, "heard": heard, "wer": round(we.wer, 4),
                        "words": we.words, "seconds": round(len(audio) / rate, 2)})
        if progress:
            progress(i, len(items))
    s = sorted(stt_ms)
    return {"source": "asterisk-core-sounds-en (Debian), human voice, 8 kHz", "n": len(items),
            "words": sum(e.words for e in errs), "wer": corpus_wer(errs), "snr_db": snr_db,
            "audio_s": round(sum(r["seconds"] for r in results), 1),
            "stt_ms": {"p50": round(s[len(s) // 2], 1), "p95": round(s[min(len(s) - 1, int(0.95 * len(s)))], 1)},
            "items": results}
