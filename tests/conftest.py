"""Shared fixtures: real databases (a SQLite file and a PostgreSQL schema per test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from postgres_setup import PostgresUnavailable, admin_engine
from sqlalchemy import Engine, text

from ospo_metrics.db import open_database

pytest_plugins = ["github_fake.fixtures", "demo_data"]

POSTGRES_URL = os.environ.get(
    "OSPO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_admin() -> Engine:
    try:
        return admin_engine(POSTGRES_URL)
    except PostgresUnavailable as exc:  # a missing PostgreSQL is a failure, never a skip
        pytest.fail(str(exc))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ospo.db'}"
        return
    admin = _postgres_admin()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'create schema "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated engine on a fresh database."""
    engine = open_database(db_url)
    yield engine
    engine.dispose()
