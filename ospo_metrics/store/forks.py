"""Writes of the fork listing: forks of our repositories, upserted by their GitHub id, and
marked (never dropped) when the listing no longer shows them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ospo_metrics.models import RepositoryFork
from ospo_metrics.store.upserts import upsert

FORK_COLUMNS = ("repository_id", "full_name", "owner_login", "owner_type", "created_at")


def stored_forks(session: Session, repository_id: int) -> dict[int, dict[str, Any]]:
    """platform_id -> the stored columns of every fork of a repository (deleted ones too)."""
    rows = session.execute(
        select(RepositoryFork.platform_id, RepositoryFork.deleted_at, *_columns()).where(
            RepositoryFork.repository_id == repository_id
        )
    )
    return {row.platform_id: dict(row._mapping) for row in rows}


def live_fork_counts(session: Session) -> dict[int, int]:
    """repository id -> how many of its stored forks are not marked deleted."""
    rows = session.execute(
        select(RepositoryFork.repository_id, func.count())
        .where(RepositoryFork.deleted_at.is_(None))
        .group_by(RepositoryFork.repository_id)
    )
    return {repository_id: count for repository_id, count in rows}


def _columns() -> list[Any]:
    return [getattr(RepositoryFork, name) for name in FORK_COLUMNS]


def write_forks(
    session: Session,
    repository_id: int,
    forks: Sequence[dict[str, Any]],
    listed: Iterable[int] | None,
    now: datetime,
    platform: str = "github",
) -> int:
    """Upsert `forks` (rows named like the columns, with `platform_id`) that are new or
    changed; with `listed` (every id of a complete listing), mark stored forks missing from
    it deleted at `now` and clear the mark of listed ones. Returns the rows written."""
    stored = stored_forks(session, repository_id)
    rows = []
    for fork in forks:
        values = {name: fork[name] for name in FORK_COLUMNS if name != "repository_id"}
        values["repository_id"] = repository_id
        old = stored.get(fork["platform_id"])
        if old is None or old["deleted_at"] is not None or _changed(old, values):
            rows.append(
                {"platform": platform, "platform_id": fork["platform_id"], **values}
                | {"deleted_at": None}
            )
    for start in range(0, len(rows), 500):
        upsert(session, RepositoryFork, rows[start : start + 500], ["platform", "platform_id"])
    written = len(rows)
    if listed is None:
        return written
    ids = set(listed)
    fresh = {fork["platform_id"] for fork in forks}
    gone = [i for i, old in stored.items() if i not in ids and old["deleted_at"] is None]
    back = [i for i, old in stored.items() if i in ids and i not in fresh and old["deleted_at"]]
    written += _set_deleted(session, gone, now) + _set_deleted(session, back, None)
    return written


def mark_all_deleted(session: Session, repository_id: int, now: datetime) -> int:
    """Every live fork of a repository marked deleted (its fork count fell to 0)."""
    ids = [i for i, old in stored_forks(session, repository_id).items() if not old["deleted_at"]]
    return _set_deleted(session, ids, now)


def _set_deleted(session: Session, ids: list[int], when: datetime | None) -> int:
    for start in range(0, len(ids), 500):
        session.execute(
            update(RepositoryFork)
            .where(RepositoryFork.platform_id.in_(ids[start : start + 500]))
            .values(deleted_at=when)
        )
    return len(ids)


def _changed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    for name, value in new.items():
        stored = old.get(name)
        if isinstance(value, datetime) and isinstance(stored, datetime):
            if stored.tzinfo is None:  # SQLite gives naive UTC back
                stored = stored.replace(tzinfo=value.tzinfo)
            if stored != value:
                return True
        elif stored != value:
            return True
    return False
