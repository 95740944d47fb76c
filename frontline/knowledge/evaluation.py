"""Scoring retrieval on an eval file: recall@1, recall@5, MRR@10 and per-query latency.

Only rows with `expect.article` count (handoff / refuse rows test the decision layer, not
retrieval). Queries run one at a time so the latency numbers are what a single caller sees.
Tune fusion on evals/dev only; evals/test is reported, never tuned on.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from frontline.evals.dataset import EvalRow
from frontline.knowledge.retrieval import KnowledgeBase

MRR_DEPTH = 10


@dataclass
class RowResult:
    id: str
    category: str
    text: str
    expected: str
    rank: int | None  # 1-based rank of the expected article, None if not in the top MRR_DEPTH
    top: list[str]
    latency_ms: float


@dataclass
class RetrievalScores:
    n: int
    recall_at_1: float
    recall_at_5: float
    mrr: float
    p50_ms: float
    p95_ms: float
    rows: list[RowResult] = field(default_factory=list)
    by_category: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"n": self.n, "recall@1": round(self.recall_at_1, 4), "recall@5": round(self.recall_at_5, 4),
                "mrr": round(self.mrr, 4), "latency_ms": {"p50": round(self.p50_ms, 2), "p95": round(self.p95_ms, 2)},
                "by_category": self.by_category,
                "misses": [{"id": r.id, "text": r.text, "expected": r.expected, "rank": r.rank, "top": r.top[:3]}
                           for r in self.rows if r.rank != 1]}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def score(results: list[RowResult]) -> RetrievalScores:
    n = len(results)

    def agg(rs: list[RowResult]) -> tuple[float, float, float]:
        if not rs:
            return 0.0, 0.0, 0.0
        r1 = sum(1 for r in rs if r.rank == 1) / len(rs)
        r5 = sum(1 for r in rs if r.rank is not None and r.rank <= 5) / len(rs)
        mrr = sum(1 / r.rank for r in rs if r.rank) / len(rs)
        return r1, r5, mrr

    r1, r5, mrr = agg(results)
    lat = [r.latency_ms for r in results]
    cats: dict[str, dict[str, float]] = {}
    for cat in sorted({r.category for r in results}):
        rs = [r for r in results if r.category == cat]
        c1, c5, cm = agg(rs)
        cats[cat] = {"n": len(rs), "recall@1": round(c1, 4), "recall@5": round(c5, 4), "mrr": round(cm, 4)}
    return RetrievalScores(n=n, recall_at_1=r1, recall_at_5=r5, mrr=mrr, p50_ms=percentile(lat, 50),
                           p95_ms=percentile(lat, 95), rows=results, by_category=cats)


async def evaluate_retrieval(kb: KnowledgeBase, rows: list[EvalRow], namespace: str | None = None,
                             progress=None) -> RetrievalScores:
    results: list[RowResult] = []
    scored = [r for r in rows if r.expect.article]
    for i, row in enumerate(scored, 1):
        hits = await kb.search(row.text, k=MRR_DEPTH, namespace=namespace)
        ids = [h.article_id for h in hits]
        rank = ids.index(row.expect.article) + 1 if row.expect.article in ids else None
        results.append(RowResult(row.id, row.category, row.text, row.expect.article or "", rank, ids,
                                 kb.last_trace.total_ms))
        if progress:
            progress(i, len(scored))
    return score(results)
