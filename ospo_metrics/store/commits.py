"""Bulk writes of commits: the git collector's hot path, and its reconciliation deletes.

On PostgreSQL a batch goes through `COPY` into a temporary staging table, then one
`INSERT ... SELECT ... ON CONFLICT DO NOTHING` into `commits`: COPY is the protocol's bulk
path, and the conflict clause keeps re-runs and resumed runs free of duplicates. SQLite takes
the same rows through an ordinary multi-row insert, which is already its fastest path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from ospo_metrics.models import Commit
from ospo_metrics.store.upserts import clean_rows, insert_missing

_STAGE = "ospo_commits_stage"
_COLUMNS = [c.name for c in Commit.__table__.columns if c.name != "id"]


def insert_commits(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert commit rows whose (repository, sha) is not stored yet; others stay as they are."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        insert_missing(session, Commit, rows, ["repository_id", "sha"])
        return
    rows = clean_rows(Commit.__table__, rows)
    columns = ", ".join(_COLUMNS)
    # Columns only (no defaults): the staging rows must not draw ids from the sequence.
    session.execute(
        text(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} ON COMMIT DELETE ROWS "
            f"AS SELECT {columns} FROM commits WITH NO DATA"
        )
    )
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {_STAGE} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in _COLUMNS])
    session.execute(
        text(
            f"INSERT INTO commits ({columns}) SELECT {columns} FROM {_STAGE} "
            "ON CONFLICT (repository_id, sha) DO NOTHING"
        )
    )


def stored_parents(session: Session, repository_id: int) -> dict[str, str]:
    """Every stored commit of a repository, with its space-separated parents."""
    rows = session.execute(
        select(Commit.sha, Commit.parents).where(Commit.repository_id == repository_id)
    )
    return {sha: parents for sha, parents in rows}


def stored_among(session: Session, repository_id: int, shas: Sequence[str]) -> set[str]:
    """Which of `shas` are stored for the repository (few: one query per 1,000)."""
    if len(shas) > 20_000:  # cheaper to read the repository's list once
        return set(stored_parents(session, repository_id)) & set(shas)
    found: set[str] = set()
    for start in range(0, len(shas), 1000):
        found.update(
            session.scalars(
                select(Commit.sha).where(
                    Commit.repository_id == repository_id,
                    Commit.sha.in_(shas[start : start + 1000]),
                )
            )
        )
    return found


def delete_commits(session: Session, repository_id: int, shas: Iterable[str]) -> int:
    """Delete stored commits (no longer reachable, or stored from a different history)."""
    shas = list(shas)
    for start in range(0, len(shas), 1000):
        session.execute(
            delete(Commit).where(
                Commit.repository_id == repository_id,
                Commit.sha.in_(shas[start : start + 1000]),
            )
        )
    return len(shas)
