"""Word error rate of what STT heard (jiwer), on normalized text.

Normalization: lower case, numbers in digits spelled out ("14" → fourteen, "18th" → eighteenth), punctuation dropped (apostrophes
inside words kept: "don't"), hyphens split words, whitespace collapsed. Corpus WER is the sum of
edits over the sum of reference words (not a mean of per-row rates), so long rows weigh more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import jiwer

_DROP = re.compile(r"[^a-z0-9'\s]")
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
        "seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORD = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth",
        "twelve": "twelfth"}
_NUMTOK = re.compile(r"^(\d+)(st|nd|rd|th)?$")


def _say(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])
    if n < 1000:
        return [_ONES[n // 100], "hundred"] + (_say(n % 100) if n % 100 else [])
    if n < 1_000_000:
        return _say(n // 1000) + ["thousand"] + (_say(n % 1000) if n % 1000 else [])
    return list(str(n))


def _number_words(tok: str) -> str:
    """'14' → 'fourteen', '18th' → 'eighteenth' (so a digit transcript of a spoken number is not an error)."""
    m = _NUMTOK.match(tok)
    if not m:
        return tok
    words = _say(int(m.group(1)))
    if m.group(2):
        last = words[-1]
        words[-1] = _ORD.get(last) or (last[:-1] + "ieth" if last.endswith("y") else last + "th")
    return " ".join(words)


def normalize(text: str) -> str:
    t = re.sub(r"(\d),(\d)", r"\1\2", text.lower()).replace("-", " ").replace("’", "'")
    t = _DROP.sub(" ", t)
    words = [w.strip("'") for w in t.split()]
    return " ".join(_number_words(w) for w in words if w)


@dataclass(frozen=True)
class WordErrors:
    errors: int  # substitutions + deletions + insertions
    words: int  # reference words

    @property
    def wer(self) -> float:
        return self.errors / self.words if self.words else 0.0


def word_errors(reference: str, hypothesis: str) -> WordErrors:
    ref, hyp = normalize(reference), normalize(hypothesis)
    n = len(ref.split())
    if n == 0:
        return WordErrors(len(hyp.split()), 0)
    if not hyp:
        return WordErrors(n, n)
    o = jiwer.process_words(ref, hyp)
    return WordErrors(o.substitutions + o.deletions + o.insertions, n)


def corpus_wer(items: Iterable[WordErrors]) -> float:
    items = list(items)
    words = sum(i.words for i in items)
    return round(sum(i.errors for i in items) / words, 4) if words else 0.0
