"""Upserts on natural keys for SQLite and PostgreSQL: the only dialect-specific writes.

Every write is keyed on a natural key (repository full name, commit sha, identity value), so a
collector can be re-run or resumed after an interruption without creating duplicates.

Every text goes through `clean_text` first: no NUL byte (PostgreSQL refuses it in text) and no
more characters than the column holds (PostgreSQL refuses that too, SQLite would keep it), so
the same item gives the same row on both databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import String, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ospo_metrics.models import (
    Base,
    Repository,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def clean_text(value: str, size: int | None = None) -> str:
    """`value` without NUL bytes, cut to `size` characters."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    return value[:size] if size is not None and len(value) > size else value


@cache
def _text_columns(table: Table) -> tuple[tuple[str, int | None], ...]:
    return tuple(
        (column.name, column.type.length)
        for column in table.columns
        if isinstance(column.type, String)  # Text is a String without a length
    )


def clean_rows(table: Table, rows: Sequence[dict[str, Any]]) -> Sequence[dict[str, Any]]:
    """The rows with every text cleaned by `clean_text`; rows needing nothing are not copied."""
    columns = _text_columns(table)
    cleaned: list[dict[str, Any]] | None = None
    for index, row in enumerate(rows):
        for name, size in columns:
            value = row.get(name)
            if type(value) is str and ("\x00" in value or (size is not None and len(value) > size)):
                if cleaned is None:
                    cleaned = list(rows)
                if cleaned[index] is row:
                    cleaned[index] = row = dict(row)
                row[name] = clean_text(value, size)
    return rows if cleaned is None else cleaned


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
        rows = clean_rows(model.__table__, rows)
        session.execute(_insert(session, model).on_conflict_do_nothing(index_elements=keys), rows)


def upsert(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    """Insert rows, or update every given column of the row with the same natural key."""
    if not rows:
        return
    rows = clean_rows(model.__table__, rows)
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
