"""Cutting articles into retrievable chunks, measured in MiniLM tokens.

Help-center articles are sections under '## ' headings; a heading is what makes its text findable,
so sections are never separated from their heading. Sections are packed greedily into chunks of up
to ~480 tokens; a section longer than that is cut into token windows with 80 tokens of overlap.
Each chunk's text starts with "Title — Heading" so both the embedding and the caller-facing
snippet know what the text is about.

Chunk ids are `kb_` + the first 12 hex digits of
    sha1(namespace ␤ article_id ␤ chunk ordinal ␤ chunk text)
so re-ingesting unchanged content yields the same ids, and any edit to a chunk (or a shift in its
position) yields a new one. CHUNKER_VERSION goes into each article's content hash, so changing
the rules below re-indexes everything on the next ingest.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from frontline.knowledge.articles import Article

CHUNK_TOKENS = 480
OVERLAP_TOKENS = 80
CHUNKER_VERSION = "sections-v2"
_HEADING = re.compile(r"^#{2,3}\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    article_id: str
    ordinal: int
    title: str
    heading: str  # the headings of the sections in this chunk, " / "-joined
    body: str  # the sections' text without the title prefix
    text: str  # "Title — Heading\n\nbody": what is embedded and returned
    passages: tuple[str, ...] = ()  # "Title — Heading\ntext" per section piece (see ingest.embed_chunks)
    sentences: tuple[str, ...] = ()  # "Title — Heading\nsentence" per sentence of those pieces


def chunk_id(namespace: str, article_id: str, ordinal: int, text: str) -> str:
    h = hashlib.sha1(f"{namespace}\n{article_id}\n{ordinal}\n{text}".encode("utf-8")).hexdigest()
    return "kb_" + h[:12]


@lru_cache(maxsize=1)
def _tokenizer():
    from frontline.knowledge.embeddings import load_tokenizer

    return load_tokenizer(truncate=None, pad=False)


def count_tokens(text: str) -> int:
    return len(_tokenizer().encode(text, add_special_tokens=False).ids)


def sections(body: str) -> list[tuple[str, str]]:
    """(heading, text) pairs; text before the first '## ' heading has heading ''."""
    out: list[tuple[str, list[str]]] = [("", [])]
    for line in body.splitlines():
        m = _HEADING.match(line)
        if m and line.startswith("## "):
            out.append((m.group(1).strip(), []))
        else:
            out[-1][1].append(line)
    result = [(h, "\n".join(lines).strip()) for h, lines in out]
    return [(h, t) for h, t in result if t or h]


_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\betc\.)\s+|\n+", re.I)
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M)


def split_sentences(text: str) -> list[str]:
    """A section's sentences and list items, in order (markdown list markers and bold removed).

    A regex, not a sentence tokenizer (NLTK's punkt needs a data download, spaCy a model): help
    articles are short declarative sentences and list items, where splitting at '.', '!', '?'
    followed by whitespace (not after "e.g.", "i.e.", "vs.", "etc."), and at line breaks, is
    right; a stray split after another abbreviation only yields two shorter sentences, each still
    embedded with its title and heading."""
    text = _LIST_MARK.sub("", text).replace("**", "")
    return [p.strip() for p in _SENTENCE_END.split(text) if len(p.strip()) > 3]


def _windows(text: str, size: int, overlap: int) -> list[str]:
    """Cut text into windows of `size` tokens overlapping by `overlap`, sliced from the original."""
    enc = _tokenizer().encode(text, add_special_tokens=False)
    offsets = enc.offsets
    if len(offsets) <= size:
        return [text]
    out, start, step = [], 0, max(1, size - overlap)
    while start < len(offsets):
        end = min(start + size, len(offsets))
        out.append(text[offsets[start][0] : offsets[end - 1][1]].strip())
        if end == len(offsets):
            break
        start += step
    return out


def chunk_article(article: Article, namespace: str, *, max_tokens: int = CHUNK_TOKENS,
                  overlap: int = OVERLAP_TOKENS) -> list[Chunk]:
    secs = sections(article.body) or [("", article.body)]
    title_cost = count_tokens(article.title) + 4
    budget = max(32, max_tokens - title_cost)
    # pieces: (heading, text, tokens) with over-long sections already windowed
    pieces: list[tuple[str, str, int]] = []
    for heading, text in secs:
        head_cost = count_tokens(heading) + 2 if heading else 0
        n = count_tokens(text)
        if n + head_cost <= budget:
            pieces.append((heading, text, n + head_cost))
        else:
            for w in _windows(text, budget - head_cost, overlap):
                pieces.append((heading, w, count_tokens(w) + head_cost))
    groups: list[list[tuple[str, str, int]]] = []
    used = 0
    for piece in pieces:
        if groups and used + piece[2] <= budget:
            groups[-1].append(piece)
            used += piece[2]
        else:
            groups.append([piece])
            used = piece[2]
    chunks = []
    for ordinal, group in enumerate(groups):
        headings = [h for h, _, _ in group if h]
        first_heading = group[0][0]
        parts = [group[0][1]]
        for h, t, _ in group[1:]:
            parts.append(f"## {h}\n{t}" if h and h != first_heading else t)
        body = "\n\n".join(p for p in parts if p).strip()
        prefix = f"{article.title} — {first_heading}" if first_heading else article.title
        text = f"{prefix}\n\n{body}" if body else prefix
        chunks.append(Chunk(
            chunk_id=chunk_id(namespace, article.id, ordinal, text), article_id=article.id,
            ordinal=ordinal, title=article.title, heading=" / ".join(dict.fromkeys(headings)),
            body=body, text=text,
            passages=tuple(f"{article.title} — {h}\n{t}" if h else f"{article.title}\n{t}" for h, t, _ in group),
            sentences=tuple(f"{article.title} — {h}\n{x}" if h else f"{article.title}\n{x}"
                            for h, t, _ in group for x in split_sentences(t)),
        ))
    return chunks
