"""Shared fixtures: a real embedded PostgreSQL (pgserver) for the whole test session.

Tests that need the database take `db` (a migrated frontline.storage.db.Database). Keep tests
isolated by namespace / call id rather than by dropping tables: the server is shared.
Set DATABASE_URL to run the suite against another Postgres with pgvector instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from frontline.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("frontline-data")


@pytest.fixture(scope="session")
def settings(data_dir) -> Settings:
    return Settings(data_dir=data_dir, database_url=os.environ.get("DATABASE_URL") or None)


@pytest.fixture(scope="session")
async def db(settings):
    from frontline.storage.db import open_database

    database = await open_database(settings)
    yield database
    await database.close()


@pytest.fixture(scope="session", autouse=True)
def _stop_embedded_postgres(settings):
    """Each test session starts its own embedded PostgreSQL in a temporary folder; stop it at the end."""
    yield
    if not settings.database_url:
        from frontline.storage.db import stop_embedded

        stop_embedded(settings.data_dir)
