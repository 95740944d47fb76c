"""Word error rate of what STT heard (jiwer), on normalized text.

Normalization: lower case, digits spelled as words are left alone, punctuation dropped (apostrophes
inside words kept: "don't"), hyphens split words, whitespace collapsed. Corpus WER is the sum of
edits over the sum of reference words (not a mean of per-row rates), so long rows weigh more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import jiwer

_DROP = re.compile(r"[^a-z0-9'\s]")
_NUM = {"0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six",
        "7": "seven", "8": "eight", "9": "nine", "10": "ten"}


def normalize(text: str) -> str:
    t = text.lower().replace("-", " ").replace("’", "'")
    t = _DROP.sub(" ", t)
    words = [w.strip("'") for w in t.split()]
    return " ".join(_NUM.get(w, w) for w in words if w)


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
