"""Eval rows: one JSON object per line, shared by every evaluation (retrieval, decisions, calls).

    {"id": "dev-001", "category": "billing", "text": "um how do i change my card",
     "expect": {"article": "BILL_update_payment_method"}}          # or {"handoff": "billing_dispute"}
                                                                    # or {"refuse": true}
    optional: "audio" (path to a recording of the question), "language" (BCP-47, default "en")

Unknown fields are kept in `extra` and otherwise ignored, so eval files can grow without breaking
older readers. Bad lines raise `EvalFileError` naming the file, line and reason — a typo in an eval
file must fail loudly, not silently shrink the denominator.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


class EvalFileError(ValueError):
    """An eval file that cannot be read; the message names the file, the line and the reason."""


@dataclass(frozen=True)
class Expect:
    article: str | None = None
    handoff: str | None = None
    refuse: bool = False

    @property
    def kind(self) -> str:
        return "article" if self.article else "handoff" if self.handoff else "refuse"


@dataclass(frozen=True)
class EvalRow:
    id: str
    category: str
    text: str
    expect: Expect
    audio: str | None = None
    language: str = "en"
    extra: dict = field(default_factory=dict, compare=False, hash=False)


_KNOWN = {"id", "category", "text", "expect", "audio", "language"}


def parse_row(obj: object, where: str) -> EvalRow:
    if not isinstance(obj, dict):
        raise EvalFileError(f"{where}: expected a JSON object")
    for key in ("id", "text"):
        if not isinstance(obj.get(key), (str, int)) or not str(obj.get(key)).strip():
            raise EvalFileError(f"{where}: missing or empty {key!r}")
    exp = obj.get("expect")
    if not isinstance(exp, dict):
        raise EvalFileError(f"{where}: 'expect' must be an object with 'article', 'handoff' or 'refuse'")
    article, handoff, refuse = exp.get("article"), exp.get("handoff"), exp.get("refuse", False)
    given = [k for k in ("article", "handoff", "refuse") if exp.get(k) not in (None, False)]
    if len(given) != 1:
        raise EvalFileError(f"{where}: 'expect' needs exactly one of article / handoff / refuse, got {exp!r}")
    if article is not None and (not isinstance(article, str) or not article.strip()):
        raise EvalFileError(f"{where}: expect.article must be an article id")
    if handoff is not None and not isinstance(handoff, (str, bool)):
        raise EvalFileError(f"{where}: expect.handoff must be a reason (text)")
    if not isinstance(refuse, bool):
        raise EvalFileError(f"{where}: expect.refuse must be true or false")
    audio = obj.get("audio")
    if audio is not None and not isinstance(audio, str):
        raise EvalFileError(f"{where}: 'audio' must be a path")
    language = obj.get("language") or "en"
    if not isinstance(language, str):
        raise EvalFileError(f"{where}: 'language' must be text")
    return EvalRow(
        id=str(obj["id"]).strip(), category=str(obj.get("category") or "uncategorized"),
        text=str(obj["text"]),
        expect=Expect(article=article.strip() if isinstance(article, str) else None,
                      handoff=(str(handoff) if handoff not in (None, False) else None), refuse=refuse),
        audio=audio, language=language.lower(), extra={k: v for k, v in obj.items() if k not in _KNOWN},
    )


def load_eval(path: str | Path) -> list[EvalRow]:
    """All rows of a JSONL eval file (blank lines and lines starting with // are skipped)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise EvalFileError(f"{p}: no such eval file") from e
    except (OSError, UnicodeDecodeError) as e:
        raise EvalFileError(f"{p}: unreadable ({e})") from e
    rows: list[EvalRow] = []
    ids: set[str] = set()
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("//"):
            continue
        where = f"{p}:{n}"
        try:
            obj = json.loads(s)
        except json.JSONDecodeError as e:
            raise EvalFileError(f"{where}: not valid JSON ({e.msg})") from e
        row = parse_row(obj, where)
        if row.id in ids:
            raise EvalFileError(f"{where}: duplicate row id {row.id!r}")
        ids.add(row.id)
        rows.append(row)
    return rows
