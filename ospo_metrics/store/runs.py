"""Collection runs: started, finished, and the cursors the next run starts from."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from ospo_metrics.models import (
    CollectionRun,
    DataChange,
)
from ospo_metrics.redact import redact
from ospo_metrics.store.upserts import clean_text, utcnow

if TYPE_CHECKING:
    from collectors.base import RunResult

RUN_FINISHED = ("ok", "unchanged")


ABANDONED = "abandoned"


def mark_abandoned_runs(engine: Engine) -> int:
    """Mark `abandoned` the runs still `running` on this host whose process is gone (killed,
    or the machine restarted): they will never finish. Returns how many were marked."""
    host = socket.gethostname()
    with Session(engine) as session, session.begin():
        rows = session.execute(
            select(CollectionRun.id, CollectionRun.pid).where(
                CollectionRun.status == "running", CollectionRun.host == host
            )
        ).all()
        gone = [run_id for run_id, pid in rows if pid is not None and not _alive(pid)]
        if gone:
            session.execute(
                update(CollectionRun)
                .where(CollectionRun.id.in_(gone), CollectionRun.status == "running")
                .values(
                    status=ABANDONED,
                    finished_at=utcnow(),
                    error="abandoned: the process running it ended without finishing it "
                    "(killed or the machine restarted); the next run resumes from the last "
                    "finished one",
                )
            )
    return len(gone)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, run by another user
        return True
    return True


def start_run(engine: Engine, collector: str, target: str) -> int:
    """Record a run as started, in its own transaction so it is visible while the run goes on.

    Runs of the same collector and target still marked `running` were interrupted (one collector
    works on a target at a time), so they are closed as such.
    """
    with Session(engine) as session, session.begin():
        session.execute(
            update(CollectionRun)
            .where(
                CollectionRun.collector == collector,
                CollectionRun.target == target,
                CollectionRun.status == "running",
            )
            .values(status="interrupted", finished_at=utcnow())
        )
        run = CollectionRun(
            collector=collector,
            target=target,
            started_at=utcnow(),
            status="running",
            host=socket.gethostname(),
            pid=os.getpid(),
        )
        session.add(run)
        session.flush()
        return run.id


def finish_run(engine: Engine, run_id: int, status: str, **fields: Any) -> None:
    if fields.get("error"):
        # A NUL from a server or git; a token or a password a server echoed.
        fields["error"] = redact(clean_text(fields["error"]))
    with Session(engine) as session, session.begin():
        session.execute(
            update(CollectionRun)
            .where(CollectionRun.id == run_id)
            .values(status=status, finished_at=utcnow(), **fields)
        )


def finish_result(engine: Engine, run_id: int, result: RunResult, **fields: Any) -> None:
    """`finish_run` with what a collector's result says: status, error and item counts."""
    finish_run(
        engine,
        run_id,
        result.status,
        error=result.error,
        items_seen=result.items_seen,
        items_written=result.items_written,
        **fields,
    )


def last_cursor(session: Session, collector: str, target: str) -> dict | None:
    """The cursor of the newest run of this collector and target that finished cleanly."""
    return session.scalar(
        select(CollectionRun.cursor)
        .where(
            CollectionRun.collector == collector,
            CollectionRun.target == target,
            CollectionRun.status.in_(RUN_FINISHED),
        )
        .order_by(CollectionRun.id.desc())
        .limit(1)
    )


def last_cursors(session: Session, collector: str, targets: Sequence[str]) -> dict[str, dict]:
    """`last_cursor` for many targets at once (a 500-repository organization: one query)."""
    out: dict[str, dict] = {}
    wanted = list(dict.fromkeys(targets))
    for start in range(0, len(wanted), 500):  # stay under every database's parameter limit
        newest = (
            select(func.max(CollectionRun.id))
            .where(
                CollectionRun.collector == collector,
                CollectionRun.target.in_(wanted[start : start + 500]),
                CollectionRun.status.in_(RUN_FINISHED),
            )
            .group_by(CollectionRun.target)
        )
        rows = session.execute(
            select(CollectionRun.target, CollectionRun.cursor).where(CollectionRun.id.in_(newest))
        )
        out.update({target: cursor for target, cursor in rows if cursor is not None})
    return out


def latest_cursor(session: Session, collector: str, target: str) -> dict | None:
    """The newest cursor a run left, even a run stopped half way (`partial`).

    For cursors that only remember what was already stored (ETags of written listings), a
    stopped run's cursor is as good as a finished one's.
    """
    return session.scalar(
        select(CollectionRun.cursor)
        .where(
            CollectionRun.collector == collector,
            CollectionRun.target == target,
            CollectionRun.cursor.is_not(None),
        )
        .order_by(CollectionRun.id.desc())
        .limit(1)
    )


def record_change(session: Session, kind: str, detail: str | None = None) -> None:
    """Say that stored data changed outside a collection run (a curation, an import).

    The read side's caches are keyed on the data version, which this moves on: every cached
    frame and KPI series of the old data stops being used at once.
    """
    session.add(DataChange(kind=kind, detail=detail, changed_at=utcnow()))
