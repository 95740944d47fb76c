"""What the agent HEARS: an eval file re-written as the STT transcribes it on the phone line.

Each row is spoken by a caller voice (the audio eval's rotation, frontline.evals.voices), sent
through the phone line (8 kHz μ-law, band-limited, optional seeded noise) and transcribed by the
same bundled Whisper the call path uses. The output is an ordinary eval file whose `text` is the
transcript (the original goes to `spoken`, the voice to `voice`), so `frontline eval run` in text
mode scores the decision layer on ASR-mangled input in seconds instead of a 40-minute audio run.

It is a development tool for robustness work (which must-refuse phrasings survive the ASR?), run on
dev data only. Tried and dropped: training the intent model on STT transcripts of its own training
rows (830 of 1,728 changed by the STT, WER ≤ 0.5): on heard dev sets must-refuse +1 point,
adversarial −1/+2, caller requests −2.5 points, and text-mode caller requests / must-refuse fell
on dev and dev3 — the noisy rows blur the classes more than they teach the mis-hearings.

Rows are rendered exactly as audio mode renders them (frontline.evals.audio.render_row: the row's
own `audio` WAV, `voice`, `snr_db` and `noise` win over the rotation). It skips VAD and end-of-turn
segmentation, so it is not a substitute for `--mode audio`, which stays the release measure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from frontline.evals.audio import render_row
from frontline.evals.dataset import EvalRow
from frontline.evals.voices import DEFAULT_VOICES, Rendering


def row_json(row: EvalRow) -> dict[str, Any]:
    exp = ({"article": row.expect.article} if row.expect.article else
           {"handoff": row.expect.handoff} if row.expect.handoff else {"refuse": True})
    out: dict[str, Any] = {"id": row.id, "category": row.category, "text": row.text, "expect": exp}
    if row.language != "en":
        out["language"] = row.language
    out.update({k: v for k, v in row.extra.items() if k not in out})
    return out


def _stt(stt: Any) -> Any:
    if stt is None:
        from frontline.speech.models import shared_models

        stt = shared_models().stt
    return stt


def transcribe_line(stt: Any, r: Rendering) -> str:
    """What the STT makes of a rendering (8 kHz phone-line audio)."""
    from frontline.audio.codec import pcm16_to_float, resample

    x16 = resample(pcm16_to_float(r.audio), 8000, stt.sample_rate).astype(np.float32)
    return stt.transcribe(x16).text.strip()


def hear_rows(
    rows: Sequence[EvalRow],
    *,
    voices: Sequence[str] = DEFAULT_VOICES,
    all_voices: bool = False,
    snr_db: float | None = None,
    stt: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterable[dict[str, Any]]:
    """Yield one eval row per (row, voice): the rotation's voice for the row (by its position, as in
    audio mode), or every voice when `all_voices` (ids get `@voice` appended so they stay unique; a
    row that names its own voice or WAV keeps it, as in audio mode)."""
    stt = _stt(stt)
    jobs = [(row, i, tuple(voices)) for i, row in enumerate(rows)] if not all_voices else \
        [(row, 0, (v,)) for row in rows for v in voices]
    for n, (row, index, vs) in enumerate(jobs, 1):
        r = render_row(row, index, vs, snr_db)
        heard = transcribe_line(stt, r)
        out = row_json(row)
        out.update({"id": f"{row.id}@{vs[0]}" if all_voices else row.id, "text": heard or "(silence)",
                    "spoken": row.text, "voice": r.voice})
        if r.noise:
            out["noise"], out["snr_db"] = r.noise, r.snr_db
        if progress:
            progress(n, len(jobs))
        yield out


def write_heard(rows: Sequence[EvalRow], out: Path, **kw) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with out.open("w", encoding="utf-8") as f:
        for obj in hear_rows(rows, **kw):
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")
            n += 1
    return n

