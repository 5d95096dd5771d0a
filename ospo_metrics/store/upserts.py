"""Upserts on natural keys for SQLite and PostgreSQL: the only dialect-specific writes.

Every write is keyed on a natural key (repository full name, commit sha, identity value), so a
collector can be re-run or resumed after an interruption without creating duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ospo_metrics.models import (
    Base,
    Repository,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _insert(session: Session, model: type[Base]) -> Any:
    # Core inserts on the table: the ORM's bulk path costs more than the database per row.
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model.__table__)
    if dialect == "sqlite":
        return sqlite.insert(model.__table__)
    raise NotImplementedError(f"upserts are implemented for SQLite and PostgreSQL, not {dialect}")


def insert_missing(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    """Insert rows whose natural key is not stored yet; existing rows are left untouched."""
    if rows:
        session.execute(_insert(session, model).on_conflict_do_nothing(index_elements=keys), rows)


def upsert(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    """Insert rows, or update every given column of the row with the same natural key."""
    if not rows:
        return
    stmt = _insert(session, model)
    columns = [c for c in rows[0] if c not in keys]
    stmt = (
        stmt.on_conflict_do_update(index_elements=keys, set_={c: stmt.excluded[c] for c in columns})
        if columns
        else stmt.on_conflict_do_nothing(index_elements=keys)
    )
    session.execute(stmt, rows)


def ensure_repository(session: Session, platform: str, full_name: str, **attributes: Any) -> int:
    """Create or update a repository by its natural key and return its id."""
    upsert(
        session,
        Repository,
        [{"platform": platform, "full_name": full_name, **attributes}],
        ["platform", "full_name"],
    )
    return session.scalar(
        select(Repository.id).where(
            Repository.platform == platform, Repository.full_name == full_name
        )
    )
