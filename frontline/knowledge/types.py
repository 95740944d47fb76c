"""What retrieval returns to the decision layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class Hit:
    article_id: str
    title: str
    chunk_id: str  # kb_ + 12 lowercase hex
    text: str
    score: float  # fused (reciprocal rank fusion) score, after any rerank
    dense_score: float | None = None  # cosine similarity, None when the dense arm missed it
    lexical_score: float | None = None  # ts_rank_cd, None when the lexical arm missed it
    dense_rank: int | None = None  # 1-based rank in the dense arm
    lexical_rank: int | None = None
    url: str | None = None
    extra: dict = field(default_factory=dict)


class Retriever(Protocol):
    async def search(self, query: str, k: int = 5, namespace: str | None = None) -> list[Hit]: ...
