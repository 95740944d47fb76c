"""Retrieval latency benchmark on a realistic-size help center (~10k chunks).

The sample help center is small, so the benchmark builds a throwaway namespace of synthetic but
realistic chunks: each synthetic article takes a real article's title and recombines sentences,
mostly from that article and some from others, into 2–5 chunks. Embedding 10k chunks with MiniLM
on two shared cores would take many minutes and measure ingest, not retrieval, so each chunk's
vector is the L2-normalised mean of its (real, cached) sentence and title embeddings — the
vectors keep the topical clustering of real ones, which is what makes HNSW and full text work
as hard as they do in production. Each chunk also gets 2–5 passage vectors (runs of its sentences),
which the dense arm rescores its candidates with, as on an ingested help center. Queries are real caller questions (evals/dev when present) and
go through the full search path (normalise → embed → lexical ∥ dense → fuse), one at a time.
The namespace is dropped afterwards.
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from frontline.knowledge.articles import Article, ts_config_for
from frontline.knowledge.chunking import chunk_id, sections, split_sentences
from frontline.knowledge.embeddings import Embedder, get_embedder
from frontline.knowledge.evaluation import percentile
from frontline.knowledge.ingest import SAMPLE_HELPCENTER, parse_tree
from frontline.knowledge.namespaces import drop_namespace, register_namespace
from frontline.knowledge.retrieval import KnowledgeBase
from frontline.storage.db import Database

REPO_ROOT = Path(__file__).resolve().parents[2]
DEV_EVAL = REPO_ROOT / "evals" / "dev" / "retrieval.jsonl"
FALLBACK_KB = REPO_ROOT / "tests" / "data" / "kb" / "good"
SENTENCES_PER_CHUNK = 20


@dataclass
class BenchResult:
    chunks: int
    articles: int
    queries: int
    build_s: float
    p50_ms: float
    p95_ms: float
    mean_ms: float
    embed_p50_ms: float
    lexical_p50_ms: float
    dense_p50_ms: float
    coverage_p50_ms: float
    joins_p50_ms: float  # looking up split words ("de posit") in the namespace's vocabulary

    def to_json(self) -> dict:
        return {"chunks": self.chunks, "articles": self.articles, "queries": self.queries,
                "build_s": round(self.build_s, 1),
                "latency_ms": {"p50": round(self.p50_ms, 2), "p95": round(self.p95_ms, 2),
                               "mean": round(self.mean_ms, 2)},
                "stages_p50_ms": {"embed": round(self.embed_p50_ms, 2), "lexical": round(self.lexical_p50_ms, 2),
                                  "dense": round(self.dense_p50_ms, 2), "coverage": round(self.coverage_p50_ms, 2),
                                  "joins": round(self.joins_p50_ms, 2)},
                "cpu_count": os.cpu_count()}


def _sentences(a: Article) -> list[str]:
    """The article's sentences of four words or more, split as ingest splits them."""
    return [s for _, t in sections(a.body) for s in split_sentences(t) if len(s.split()) >= 4]


def _load_sources() -> list[Article]:
    root = SAMPLE_HELPCENTER if SAMPLE_HELPCENTER.is_dir() else FALLBACK_KB
    articles, _, _ = parse_tree(root)
    return articles


def _queries(sources: list[Article], n: int, rng: random.Random) -> list[str]:
    if DEV_EVAL.is_file():
        from frontline.evals.dataset import load_eval

        qs = [r.text for r in load_eval(DEV_EVAL)]
        if qs:
            rng.shuffle(qs)
            return (qs * (n // len(qs) + 1))[:n]
    return [f"um hi how do I {a.title.lower()}" for a in (sources * (n // len(sources) + 1))[:n]]


async def build_namespace(db: Database, namespace: str, n_chunks: int, embedder: Embedder,
                          seed: int = 7) -> int:
    """Fill `namespace` with ~n_chunks synthetic chunks; returns the number of articles."""
    import asyncio

    rng = random.Random(seed)
    sources = _load_sources()
    sents = {a.id: _sentences(a) for a in sources}
    sources = [a for a in sources if sents[a.id]]
    uniq = sorted({s for ss in sents.values() for s in ss} | {a.title for a in sources})
    vecs = await asyncio.to_thread(embedder.embed, uniq)
    vec_of = {s: vecs[i] for i, s in enumerate(uniq)}
    all_sents = [s for ss in sents.values() for s in ss]

    await register_namespace(db, namespace, embedder.name, embedder.dim)
    articles, chunk_rows, passage_rows, made = [], [], [], 0
    while made < n_chunks:
        src = rng.choice(sources)
        aid = f"SYN_{len(articles):05d}_{src.id}"
        title = f"{src.title} ({rng.choice(['overview', 'details', 'FAQ', 'for admins', 'on mobile', 'legacy'])})"
        n = min(rng.randint(2, 5), n_chunks - made)
        articles.append((aid, title, src.language))
        for ordinal in range(n):
            picked = [rng.choice(sents[src.id]) if rng.random() < 0.7 else rng.choice(all_sents)
                      for _ in range(rng.randint(4, 9))]
            body = " ".join(picked)
            text = f"{title}\n\n{body}"
            v = np.mean([vec_of[src.title]] + [vec_of[s] for s in picked], axis=0)
            v = (v / np.linalg.norm(v)).astype(np.float32)
            cid = chunk_id(namespace, aid, ordinal, text)
            # its sections ("passages"), as ingest stores them: 2-5 runs of its sentences + the title
            n_pass = min(len(picked), rng.randint(2, 5))
            for j in range(n_pass):
                group = picked[j * len(picked) // n_pass : (j + 1) * len(picked) // n_pass]
                pv = np.mean([vec_of[src.title]] + [vec_of[s] for s in group], axis=0)
                passage_rows.append((namespace, cid, j, "section", (pv / np.linalg.norm(pv)).astype(np.float32)))
            # ... and its sentences, each with the title (ingest stores ~20 per chunk of the sample help center)
            extra = [rng.choice(sents[src.id]) for _ in range(max(0, SENTENCES_PER_CHUNK - len(picked)))]
            for j, sent in enumerate(picked + extra, start=n_pass):
                sv = vec_of[src.title] + vec_of[sent]
                passage_rows.append((namespace, cid, j, "sentence", (sv / np.linalg.norm(sv)).astype(np.float32)))
            chunk_rows.append(dict(ns=namespace, id=cid, art=aid,
                                   ord=ordinal, title=title, heading="", text=text, body=body,
                                   cfg=ts_config_for(src.language), vec=v))
        made += n
    async with db.pool.connection() as conn:
        async with conn.transaction():
            async with conn.cursor() as cur:
                await cur.executemany(
                    "INSERT INTO kb_articles (namespace, article_id, title, language, source, content_hash,"
                    " chunk_count) VALUES (%s, %s, %s, %s, 'bench', %s, 0)",
                    [(namespace, aid, title, lang, hashlib.sha1(aid.encode()).hexdigest())
                     for aid, title, lang in articles],
                )
                for i in range(0, len(chunk_rows), 500):
                    await cur.executemany(
                        "INSERT INTO kb_chunks (namespace, chunk_id, article_id, ordinal, title, heading, text,"
                        " ts_config, tsv, embedding) VALUES (%(ns)s, %(id)s, %(art)s, %(ord)s, %(title)s,"
                        " %(heading)s, %(text)s, %(cfg)s::regconfig,"
                        " setweight(to_tsvector(%(cfg)s::regconfig, %(title)s), 'A')"
                        " || setweight(to_tsvector(%(cfg)s::regconfig, %(body)s), 'C'), %(vec)s)",
                        chunk_rows[i : i + 500],
                    )
                for i in range(0, len(passage_rows), 1000):
                    await cur.executemany(
                        "INSERT INTO kb_passages (namespace, chunk_id, ordinal, kind, embedding)"
                        " VALUES (%s, %s, %s, %s, %s)",
                        passage_rows[i : i + 1000],
                    )
        await conn.execute("ANALYZE kb_chunks")
        await conn.execute("ANALYZE kb_articles")
        await conn.execute("ANALYZE kb_passages")
        await conn.commit()
    return len(articles)


async def bench_retrieval(db: Database, n_chunks: int = 10_000, n_queries: int = 300, *,
                          keep: bool = False, progress=None) -> BenchResult:
    embedder = get_embedder()
    namespace = f"bench-{os.getpid()}-{int(time.time())}"
    t0 = time.perf_counter()
    try:
        n_articles = await build_namespace(db, namespace, n_chunks, embedder)
        build_s = time.perf_counter() - t0
        kb = KnowledgeBase(db, namespace=namespace, embedder=embedder)
        queries = _queries(_load_sources(), n_queries, random.Random(11))
        for q in queries[:10]:  # warm-up: pool connections, ORT, plan caches
            await kb.search(q, k=5)
        total, emb, lex, dense, cover, joins = [], [], [], [], [], []
        for i, q in enumerate(queries, 1):
            await kb.search(q, k=5)
            t = kb.last_trace
            total.append(t.total_ms)
            emb.append(t.embed_ms)
            lex.append(t.lexical_ms)
            dense.append(t.dense_ms)
            cover.append(t.coverage_ms)
            joins.append(t.joins_ms)
            if progress:
                progress(i, len(queries))
    finally:
        if not keep:
            await drop_namespace(db, namespace)
    return BenchResult(
        chunks=n_chunks, articles=n_articles, queries=len(queries), build_s=build_s,
        p50_ms=percentile(total, 50), p95_ms=percentile(total, 95), mean_ms=sum(total) / len(total),
        embed_p50_ms=percentile(emb, 50), lexical_p50_ms=percentile(lex, 50), dense_p50_ms=percentile(dense, 50),
        coverage_p50_ms=percentile(cover, 50), joins_p50_ms=percentile(joins, 50),
    )
