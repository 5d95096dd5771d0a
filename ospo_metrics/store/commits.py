"""Bulk writes of commits: the git collector's hot path, and its reconciliation deletes.

On PostgreSQL a batch goes through binary `COPY` into a temporary staging table, then one
`INSERT ... SELECT ... ON CONFLICT DO NOTHING` into `commits`: COPY is the protocol's bulk
path, and the conflict clause keeps re-runs and resumed runs free of duplicates. A repository's
first collection, which has no stored commit to conflict with, copies straight into `commits`
instead (`CommitWriter`). SQLite takes the same rows through an ordinary multi-row insert,
which is already its fastest path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from psycopg.errors import UniqueViolation
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from ospo_metrics.models import Commit
from ospo_metrics.store.upserts import clean_rows, insert_missing

_STAGE = "ospo_commits_stage"
_COLUMNS = [c.name for c in Commit.__table__.columns if c.name != "id"]
_COLUMN_LIST = ", ".join(_COLUMNS)


def _types(dialect: Any) -> list[str]:
    """The columns' PostgreSQL types, as psycopg names them. Binary COPY sends each value in
    the column's own wire format: no text to format and escape in Python, none to parse on
    the server. (From the session's dialect: dialect modules are the upserts' alone.)"""
    return [
        Commit.__table__.c[name].type.compile(dialect=dialect).split("(")[0].lower()
        for name in _COLUMNS
    ]


def insert_commits(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert commit rows whose (repository, sha) is not stored yet; others stay as they are."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        insert_missing(session, Commit, rows, ["repository_id", "sha"])
        return
    # Columns only (no defaults): the staging rows must not draw ids from the sequence.
    session.execute(
        text(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} ON COMMIT DELETE ROWS "
            f"AS SELECT {_COLUMN_LIST} FROM commits WITH NO DATA"
        )
    )
    _copy(session, _STAGE, clean_rows(Commit.__table__, rows))
    session.execute(
        text(
            f"INSERT INTO commits ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} FROM {_STAGE} "
            "ON CONFLICT (repository_id, sha) DO NOTHING"
        )
    )


def _copy(session: Session, table: str, rows: Sequence[dict[str, Any]]) -> None:
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({_COLUMN_LIST}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(_types(session.get_bind().dialect))
        for row in rows:
            copy.write_row([row[name] for name in _COLUMNS])


class CommitWriter:
    """Writes one run's batches of new commits: `insert_commits`, or cheaper when it can.

    `first` says the repository had no stored commit when the run started (its first
    collection, or one that stopped before its first batch was committed), and the run only
    writes commits it has not stored itself: no row can conflict, so on PostgreSQL a batch is
    copied straight into `commits`, skipping the staging table and the conflict check (on
    sqlalchemy's 18,235 commits, about a sixth of the server's CPU time for writing them).
    Only another collection of the same repository running at the same time can store one of
    these commits first; the copy then fails on the unique key, is rolled back to its savepoint
    (nothing else of the batch's transaction is lost) and the batch, like every later one of
    the run, takes the staging path, which skips what is stored.
    """

    def __init__(self, session: Session, *, first: bool) -> None:
        self.session = session
        self.direct = first and session.get_bind().dialect.name == "postgresql"

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        if self.direct:
            try:
                with self.session.begin_nested():
                    _copy(self.session, "commits", clean_rows(Commit.__table__, rows))
                return
            except UniqueViolation:
                self.direct = False
        insert_commits(self.session, rows)


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
