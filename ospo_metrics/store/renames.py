"""Repositories renamed or transferred on GitHub keep one row, one history.

GitHub keeps a repository's id through a rename or a transfer. A listing that shows a known id
under a new name renames the stored row (its commits, issues and mirror stay attached), and
the collection runs of the old name follow, so cursors are not lost and no second history of
the same repository is collected under the new name.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ospo_metrics.models import CollectionRun, Repository

# Collectors whose runs are keyed by the repository's full name.
_PER_REPOSITORY = ("github", "git", "files", "scorecard", "sbom")


def follow_renames(
    session: Session, platform: str, listed: Iterable[tuple[str, int | None]]
) -> int:
    """For each (full name, platform id) listed: rename a stored row with that id and another
    name, unless a row of the new name exists already. Returns the rows renamed."""
    wanted = {pid: name for name, pid in listed if pid is not None}
    if not wanted:
        return 0
    renamed = 0
    ids = list(wanted)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Repository.id, Repository.full_name, Repository.platform_id).where(
                Repository.platform == platform,
                Repository.platform_id.in_(ids[start : start + 500]),
            )
        ).all()
        for row_id, old, pid in rows:
            new = wanted[pid]
            if old == new or _exists(session, platform, new):
                continue
            session.execute(update(Repository).where(Repository.id == row_id).values(full_name=new))
            session.execute(
                update(CollectionRun)
                .where(CollectionRun.collector.in_(_PER_REPOSITORY), CollectionRun.target == old)
                .values(target=new)
            )
            renamed += 1
    return renamed


def _exists(session: Session, platform: str, full_name: str) -> bool:
    return (
        session.scalar(
            select(Repository.id).where(
                Repository.platform == platform, Repository.full_name == full_name
            )
        )
        is not None
    )
