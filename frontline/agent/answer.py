"""Turning a help-center chunk into a short spoken answer.

Why not read the chunk: callers hear, they don't skim. Every article opens with a 2-3 sentence
answer written to be spoken, so the spoken answer is that opening (or, for a deeper chunk, its
first sentences), cleaned of markdown and trimmed at a sentence boundary to about 40 words.
Nothing is paraphrased, so the answer says only what the help center says.
"""

from __future__ import annotations

import re

MAX_WORDS = 40
LONG_ANSWER_WORDS = 18  # answers longer than this get a short acknowledgement first

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(])")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_MARK = re.compile(r"(\*\*|__|`|\*|~~)")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M)
_HEADING = re.compile(r"^\s*#{1,6}\s+.*$", re.M)


def strip_title(text: str, title: str | None = None) -> str:
    """Drop the "Title — Heading" line chunks start with (it is for retrieval, not for speech)."""
    parts = text.split("\n\n", 1)
    if len(parts) == 2 and (title is None or parts[0].startswith(title) or " — " in parts[0]
                            or len(parts[0]) < 120 and not parts[0].rstrip().endswith((".", "?", "!"))):
        return parts[1]
    return text


def clean_markdown(text: str) -> str:
    text = _HEADING.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_MARK.sub("", text)
    text = _LIST_MARK.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def spoken_answer(text: str, title: str | None = None, max_words: int = MAX_WORDS) -> str:
    """The opening of `text` as speech: first paragraph, whole sentences, at most ~max_words words.

    The first sentence is always kept (an answer cut mid-sentence is worse than a long one); it is
    only shortened at a clause boundary if it alone runs past twice the budget."""
    body = strip_title(text, title).strip()
    first_para = next((p for p in re.split(r"\n\s*\n", body) if p.strip() and not p.lstrip().startswith("#")), body)
    sents = sentences(clean_markdown(first_para))
    if not sents:
        return ""
    out: list[str] = []
    words = 0
    for s in sents:
        n = len(s.split())
        if out and words + n > max_words:
            break
        out.append(s)
        words += n
    answer = " ".join(out)
    if words > 2 * max_words:  # one run-on sentence: cut at the last clause boundary within budget
        cut = " ".join(answer.split()[: 2 * max_words])
        m = re.search(r"^(.*[,;:])\s", cut)
        answer = (m.group(1)[:-1] if m else cut).rstrip(",;: ") + "."
    return answer


def word_count(text: str) -> int:
    return len(text.split())
