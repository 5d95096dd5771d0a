"""Writes of the compliance sources: file checks (kept on change), Scorecard results, SBOMs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ospo_metrics.models import FileCheck, Sbom, SbomComponent, ScorecardCheck
from ospo_metrics.store.upserts import insert_missing, upsert

# What makes two observations of a check the same state.
FILE_STATE = ("present", "path", "license", "license_match", "detail")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def write_file_checks(
    session: Session, repository_id: int, observations: Iterable[dict[str, Any]]
) -> int:
    """Store the observations (oldest first) that change a check's state; returns rows written.

    Each observation is a row of `file_checks` without the repository id. An observation equal
    to the state before it is dropped, so re-reading the same history writes nothing.
    """
    latest: dict[str, tuple[datetime, tuple]] = {}
    for row in session.execute(
        select(FileCheck)
        .where(FileCheck.repository_id == repository_id)
        .order_by(FileCheck.observed_at)
    ).scalars():
        latest[row.check] = (
            _aware(row.observed_at),
            tuple(getattr(row, name) for name in FILE_STATE),
        )
    rows = []
    for observation in observations:
        state = tuple(observation.get(name) for name in FILE_STATE)
        seen = latest.get(observation["check"])
        when = _aware(observation["observed_at"])
        if seen is not None and (seen[1] == state or when <= seen[0]):
            continue
        latest[observation["check"]] = (when, state)
        rows.append({**observation, "repository_id": repository_id})
    for start in range(0, len(rows), 1000):
        insert_missing(
            session,
            FileCheck,
            rows[start : start + 1000],
            ["repository_id", "check", "observed_at"],
        )
    return len(rows)


def write_scorecard(session: Session, repository_id: int, rows: Sequence[dict[str, Any]]) -> int:
    """Upsert Scorecard results (one row per check and run date, plus "aggregate")."""
    rows = [{**row, "repository_id": repository_id} for row in rows]
    for start in range(0, len(rows), 500):
        upsert(
            session,
            ScorecardCheck,
            rows[start : start + 500],
            ["repository_id", "check", "run_date"],
        )
    return len(rows)


def sbom_exists(session: Session, repository_id: int, digest: str) -> bool:
    return (
        session.scalar(
            select(Sbom.id).where(Sbom.repository_id == repository_id, Sbom.digest == digest)
        )
        is not None
    )


def write_sbom(
    session: Session,
    repository_id: int,
    document: dict[str, Any],
    components: Sequence[dict[str, Any]],
) -> int:
    """Store one SBOM and its components unless the same content is stored already; returns
    the rows written (0 for a repeat). The caller commits: all of it or nothing."""
    if sbom_exists(session, repository_id, document["digest"]):
        return 0
    sbom = Sbom(repository_id=repository_id, components=len(components), **document)
    session.add(sbom)
    session.flush()
    unique = {row["ref"]: row for row in components}  # a component listed twice counts once
    rows = [{**row, "sbom_id": sbom.id} for row in unique.values()]
    for start in range(0, len(rows), 1000):
        insert_missing(session, SbomComponent, rows[start : start + 1000], ["sbom_id", "ref"])
    return 1 + len(rows)
