"""The database: one PostgreSQL with pgvector for everything (help center, calls, traces, handoffs).

`DATABASE_URL` set → use it. Unset → start an embedded PostgreSQL 16 + pgvector with `pgserver`
(data under FRONTLINE_DATA_DIR/pg). The same SQL serves both. Versioned migrations
(storage/migrations/NNNN_name.sql) are applied in order at start-up, each in its own transaction,
and recorded in `schema_migrations`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg
from pgvector.psycopg import register_vector_async
from psycopg_pool import AsyncConnectionPool

from frontline.settings import Settings, get_settings

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseError(RuntimeError):
    """The database cannot be reached or prepared; the message says what to do."""


_embedded: dict[Path, object] = {}


def embedded_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded pgserver under data_dir/pg and return its URL."""
    pgdata = (data_dir / "pg").resolve()
    srv = _embedded.get(pgdata)
    if srv is None:
        try:
            import pgserver
        except ImportError as e:  # pragma: no cover - it is a hard dependency
            raise DatabaseError("DATABASE_URL is unset and pgserver is not installed") from e
        pgdata.mkdir(parents=True, exist_ok=True)
        try:
            srv = pgserver.get_server(pgdata, cleanup_mode=None)
        except Exception as e:
            raise DatabaseError(f"could not start the embedded PostgreSQL in {pgdata}: {e}") from e
        _embedded[pgdata] = srv
    return srv.get_uri()  # type: ignore[attr-defined]


def stop_embedded(data_dir: Path) -> bool:
    """Stop the embedded server this process started under data_dir/pg. The app leaves it running on
    purpose (the next `frontline` command reuses it at once); a test session calls this at its end
    so repeated runs do not leave one PostgreSQL behind each. True when a server was stopped."""
    srv = _embedded.pop((data_dir / "pg").resolve(), None)
    if srv is None:
        return False
    srv.cleanup_mode = "stop"  # pgserver stops the server when the last handle (this process) lets go
    srv.cleanup()
    return True


def resolve_url(settings: Settings | None = None) -> str:
    s = settings or get_settings()
    return s.database_url or embedded_url(s.data_dir)


def migrations() -> list[tuple[int, str, str]]:
    out = []
    for f in sorted(MIGRATIONS_DIR.glob("*.sql")):
        m = _MIGRATION_RE.match(f.name)
        if not m:
            raise DatabaseError(f"bad migration file name {f.name} (want NNNN_name.sql)")
        out.append((int(m.group(1)), f.stem, f.read_text(encoding="utf-8")))
    versions = [v for v, _, _ in out]
    if len(versions) != len(set(versions)):
        raise DatabaseError(f"duplicate migration versions in {MIGRATIONS_DIR}")
    return out


async def migrate(conn: psycopg.AsyncConnection) -> list[str]:
    """Apply pending migrations; returns the names applied. Safe to run concurrently (advisory lock)."""
    applied: list[str] = []
    await conn.execute("SELECT pg_advisory_lock(727274)")
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        await conn.commit()
        done = {r[0] for r in await (await conn.execute("SELECT version FROM schema_migrations")).fetchall()}
        for version, name, sql in migrations():
            if version in done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name)
                )
            applied.append(name)
            log.info("applied migration %s", name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock(727274)")
        await conn.commit()
    return applied


@dataclass
class Database:
    url: str
    pool: AsyncConnectionPool

    async def close(self) -> None:
        await self.pool.close()


async def _configure(conn: psycopg.AsyncConnection) -> None:
    await register_vector_async(conn)


async def open_database(settings: Settings | None = None, *, min_size: int = 1, max_size: int = 8) -> Database:
    """Connect (starting the embedded server if needed), migrate, and return a pooled Database."""
    s = settings or get_settings()
    url = await asyncio.to_thread(resolve_url, s)
    try:
        async with await psycopg.AsyncConnection.connect(url, connect_timeout=10) as conn:
            await migrate(conn)
    except psycopg.OperationalError as e:
        where = "DATABASE_URL" if s.database_url else "the embedded database"
        raise DatabaseError(f"cannot connect to {where}: {e}".strip()) from e
    pool = AsyncConnectionPool(
        url, min_size=min_size, max_size=max_size, configure=_configure, open=False,
        kwargs={"connect_timeout": 10},
    )
    await pool.open(wait=True, timeout=30)
    return Database(url=url, pool=pool)
