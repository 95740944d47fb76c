"""Split agent text into speakable clauses as it streams in.

The first audio must not wait for the whole reply: the session synthesizes and sends each clause
as soon as it is complete. Sentence ends always split; commas, semicolons, colons and dashes split
only once the clause has a few words (tiny fragments sound choppy and gain nothing).
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"([.!?…]+[\"')\]]*)(\s+|$)")
_SOFT = re.compile(r"([,;:—–])(\s+)")
MIN_SOFT_WORDS = 4


class ClauseSplitter:
    def __init__(self, min_soft_words: int = MIN_SOFT_WORDS):
        self.buf = ""
        self.min_soft_words = min_soft_words

    def feed(self, text: str) -> list[str]:
        """Add streamed text; return the clauses completed so far."""
        self.buf += text
        out: list[str] = []
        while True:
            cut = self._find_cut()
            if cut is None:
                break
            clause, self.buf = self.buf[:cut].strip(), self.buf[cut:].lstrip()
            if clause:
                out.append(clause)
        return out

    def flush(self) -> list[str]:
        rest, self.buf = self.buf.strip(), ""
        return [rest] if rest else []

    def _find_cut(self) -> int | None:
        """The earliest place the buffer can be cut into a finished clause, if any."""
        cuts = []
        for m in _SENTENCE_END.finditer(self.buf):
            if m.group(2):  # sentence end followed by whitespace: complete
                head = self.buf[: m.start()]
                if re.search(r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|e\.g|i\.e|vs)$", head):
                    continue  # an abbreviation or initial, not a sentence end
                cuts.append(m.end())
                break
        for m in _SOFT.finditer(self.buf):
            if len(self.buf[: m.start()].split()) >= self.min_soft_words:
                cuts.append(m.end())
                break
        return min(cuts) if cuts else None


def split_clauses(text: str) -> list[str]:
    s = ClauseSplitter()
    return s.feed(text) + s.flush()
