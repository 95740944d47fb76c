"""Knowledge-base namespaces: which embedding model built them, their dense index, their size.

A namespace is one help center (an agent profile reads one). Vectors from two embedding models
are not comparable, so the first ingest records the model name and dimension and every later
ingest or search with another model is refused with a clear error instead of returning nonsense.

Each namespace gets its own partial HNSW index over `(embedding::vector(DIM))` with the namespace
as a literal predicate. pgvector 0.6 (what embedded pgserver ships) has no iterative index scans,
so a single shared index filtered afterwards by namespace would return too few neighbours for a
small namespace next to a large one. Dense queries therefore inline the namespace as a literal
(psycopg.sql.Literal) so the planner can match the partial index's predicate.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import psycopg
from psycopg import sql

from frontline.storage.db import Database


class NamespaceMismatchError(RuntimeError):
    """The namespace was built with a different embedding model (or dimension)."""


@dataclass(frozen=True)
class NamespaceInfo:
    namespace: str
    embedding_model: str
    embedding_dim: int


@dataclass(frozen=True)
class NamespaceStats:
    namespace: str
    embedding_model: str | None
    embedding_dim: int | None
    articles: int
    chunks: int
    languages: dict[str, int]
    last_updated: str | None


def dense_index_name(namespace: str) -> str:
    return "kb_chunks_hnsw_" + hashlib.sha1(namespace.encode("utf-8")).hexdigest()[:16]


def _lock_key(namespace: str) -> int:
    return int.from_bytes(hashlib.sha1(b"kbns:" + namespace.encode()).digest()[:8], "big", signed=True)


async def get_namespace(conn: psycopg.AsyncConnection, namespace: str) -> NamespaceInfo | None:
    row = await (await conn.execute(
        "SELECT embedding_model, embedding_dim FROM kb_namespaces WHERE namespace = %s", (namespace,)
    )).fetchone()
    return NamespaceInfo(namespace, row[0], row[1]) if row else None


def check_model(info: NamespaceInfo, model: str, dim: int) -> None:
    if info.embedding_model != model or info.embedding_dim != dim:
        raise NamespaceMismatchError(
            f"namespace {info.namespace!r} was built with embedding model {info.embedding_model!r} "
            f"({info.embedding_dim} dims) but the configured model is {model!r} ({dim} dims); "
            f"re-ingest into a new namespace or drop it first (`frontline kb drop --namespace {info.namespace}`)"
        )


async def register_namespace(db: Database, namespace: str, model: str, dim: int) -> NamespaceInfo:
    """Create the namespace (and its HNSW index) on first use; refuse a different embedding model."""
    if not namespace or len(namespace) > 200:
        raise ValueError(f"bad namespace name {namespace!r}")
    async with db.pool.connection() as conn:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_key(namespace),))
            info = await get_namespace(conn, namespace)
            if info is not None:
                check_model(info, model, dim)
                return info
            await conn.execute(
                "INSERT INTO kb_namespaces (namespace, embedding_model, embedding_dim) VALUES (%s, %s, %s)",
                (namespace, model, dim),
            )
            await conn.execute(sql.SQL(
                "CREATE INDEX IF NOT EXISTS {name} ON kb_chunks USING hnsw "
                "((embedding::vector({dim})) vector_cosine_ops) WHERE namespace = {ns}"
            ).format(name=sql.Identifier(dense_index_name(namespace)), dim=sql.Literal(int(dim)),
                     ns=sql.Literal(namespace)))
            return NamespaceInfo(namespace, model, dim)


async def drop_namespace(db: Database, namespace: str) -> bool:
    """Delete a namespace with all its articles, chunks and its index. True if it existed."""
    async with db.pool.connection() as conn:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_key(namespace),))
            await conn.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(dense_index_name(namespace))))
            cur = await conn.execute("DELETE FROM kb_namespaces WHERE namespace = %s", (namespace,))
            return cur.rowcount > 0


async def namespace_stats(db: Database, namespace: str) -> NamespaceStats:
    async with db.pool.connection() as conn:
        info = await get_namespace(conn, namespace)
        arts = await (await conn.execute(
            "SELECT count(*), max(updated_at) FROM kb_articles WHERE namespace = %s", (namespace,)
        )).fetchone()
        chunks = await (await conn.execute(
            "SELECT count(*) FROM kb_chunks WHERE namespace = %s", (namespace,)
        )).fetchone()
        langs = await (await conn.execute(
            "SELECT language, count(*) FROM kb_articles WHERE namespace = %s GROUP BY 1 ORDER BY 2 DESC",
            (namespace,),
        )).fetchall()
    return NamespaceStats(
        namespace=namespace,
        embedding_model=info.embedding_model if info else None,
        embedding_dim=info.embedding_dim if info else None,
        articles=arts[0], chunks=chunks[0], languages={l: n for l, n in langs},
        last_updated=arts[1].isoformat(timespec="seconds") if arts[1] else None,
    )


async def list_namespaces(db: Database) -> list[str]:
    async with db.pool.connection() as conn:
        rows = await (await conn.execute("SELECT namespace FROM kb_namespaces ORDER BY 1")).fetchall()
    return [r[0] for r in rows]
