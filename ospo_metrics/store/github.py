"""Writes of the GitHub collector: issues with their activity, memberships, organizations,
repository listings, releases, compliance checks and comments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.orm import Session

from ospo_metrics.models import (
    Affiliation,
    Comment,
    ComplianceCheck,
    Issue,
    Organization,
    Release,
    Repository,
)
from ospo_metrics.store.locks import serialize
from ospo_metrics.store.upserts import clean_rows, upsert


def issue_versions(session: Session, repository_id: int) -> dict[int, datetime | None]:
    """number -> updated_at of every stored issue and pull request of a repository."""
    return {
        number: _aware(updated)
        for number, updated in session.execute(
            select(Issue.number, Issue.updated_at).where(Issue.repository_id == repository_id)
        )
    }


def issue_ids(session: Session, repository_id: int, numbers: Iterable[int]) -> dict[int, int]:
    wanted = sorted(set(numbers))
    out: dict[int, int] = {}
    for start in range(0, len(wanted), 500):
        out.update(
            session.execute(
                select(Issue.number, Issue.id).where(
                    Issue.repository_id == repository_id,
                    Issue.number.in_(wanted[start : start + 500]),
                )
            ).all()
        )
    return out


def write_issues(
    session: Session,
    repository_id: int,
    rows: Sequence[dict[str, Any]],
    activities: dict[int, list[dict[str, Any]]] | None = None,
    platform: str = "github",
) -> int:
    """Upsert issues and, for each number in `activities`, its complete comments and reviews.

    `activities` lists everything an item has now, so comments and reviews deleted upstream
    are deleted here too; review comments are written separately and left alone.
    Returns the number of rows written.
    """
    if not rows:
        return 0
    upsert(
        session,
        Issue,
        [{**row, "repository_id": repository_id} for row in rows],
        ["repository_id", "number"],
    )
    written = len(rows)
    if not activities:
        return written
    ids = issue_ids(session, repository_id, activities)
    comment_rows = []
    numbers = list(activities)
    # One delete per batch of items, not per item: what each item no longer has goes. Source
    # ids are unique per platform and kind, so "not kept by any item of the batch" is exact.
    for start in range(0, len(numbers), 200):
        batch = numbers[start : start + 200]
        kept = [(entry["kind"], entry["source_id"]) for n in batch for entry in activities[n]]
        stale = delete(Comment).where(
            Comment.issue_id.in_([ids[number] for number in batch]),
            Comment.platform == platform,
            Comment.kind.in_(("comment", "review")),
        )
        if kept:
            stale = stale.where(tuple_(Comment.kind, Comment.source_id).not_in(kept))
        session.execute(stale, execution_options={"synchronize_session": False})
    for number, entries in activities.items():
        issue_id = ids[number]
        comment_rows += [{**entry, "issue_id": issue_id, "platform": platform} for entry in entries]
    for start in range(0, len(comment_rows), 1000):
        upsert(
            session, Comment, comment_rows[start : start + 1000], ["platform", "kind", "source_id"]
        )
    return written + len(comment_rows)


def open_memberships(session: Session, organization: str) -> dict[int, int]:
    """person_id -> affiliation id of membership rows still open (no valid_to)."""
    return dict(
        session.execute(
            select(Affiliation.person_id, Affiliation.id).where(
                Affiliation.source == "org_membership",
                Affiliation.organization == organization,
                Affiliation.valid_to.is_(None),
            )
        ).all()
    )


def record_memberships(
    session: Session, person_ids: Iterable[int], organization: str, day: date
) -> int:
    """Open a membership row for each person without an open one.

    GitHub does not say when someone joined. On the first listing there is no way to know, and
    "member since before we looked" is the useful reading (an OSPO starting today still wants
    its members' past upstream work counted), so those rows have no start. Someone who appears
    on a later listing joined since the previous one: valid from `day`.
    """
    serialize(session, f"affiliations:members:{organization}")
    open_rows = open_memberships(session, organization)
    first_listing = not session.scalar(
        select(func.count())
        .select_from(Affiliation)
        .where(Affiliation.source == "org_membership", Affiliation.organization == organization)
    )
    rows = [
        {
            "person_id": person_id,
            "organization": organization,
            "is_employer": True,
            "valid_from": None if first_listing else day,
            "valid_to": None,
            "source": "org_membership",
        }
        for person_id in sorted(set(person_ids))
        if person_id not in open_rows
    ]
    if rows:
        session.execute(Affiliation.__table__.insert(), clean_rows(Affiliation.__table__, rows))
    return len(rows)


def close_memberships(
    session: Session, organization: str, members: set[int], last_day: date
) -> int:
    """Close the open membership rows of people who are no longer members."""
    closed = 0
    for person_id, row_id in open_memberships(session, organization).items():
        if person_id in members:
            continue
        valid_from = session.scalar(select(Affiliation.valid_from).where(Affiliation.id == row_id))
        end = max(last_day, valid_from) if valid_from else last_day
        session.execute(update(Affiliation).where(Affiliation.id == row_id).values(valid_to=end))
        closed += 1
    return closed


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def upsert_organization(
    session: Session, platform: str, login: str, values: dict[str, Any]
) -> tuple[int, int]:
    """Create or update an organization by its natural key: (its id, rows written 0 or 1)."""
    key = (Organization.platform == platform, Organization.login == login)
    row = session.execute(select(Organization).where(*key)).scalar_one_or_none()
    written = 0
    if row is None or any(getattr(row, k) != v for k, v in values.items()):
        upsert(
            session,
            Organization,
            [{"platform": platform, "login": login, **values}],
            ["platform", "login"],
        )
        written = 1
    return session.scalar(select(Organization.id).where(*key)), written


def stored_repositories(
    session: Session, platform: str, names: Iterable[str], fields: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """full name -> the given columns (datetimes in aware UTC) of stored repositories."""
    columns = [getattr(Repository, name) for name in fields]
    wanted = list(dict.fromkeys(names))
    out = {}
    for start in range(0, len(wanted), 500):
        for row in session.execute(
            select(Repository.full_name, *columns).where(
                Repository.platform == platform,
                Repository.full_name.in_(wanted[start : start + 500]),
            )
        ):
            values = {
                k: _aware(v) if isinstance(v, datetime) else v for k, v in row._asdict().items()
            }
            out[values.pop("full_name")] = values
    return out


def sync_listed_repositories(
    session: Session, organization_id: int, listed: Iterable[str], reason: str
) -> int:
    """After a complete listing of an organization: owned repositories it no longer shows get
    `reason`, listed ones lose an old one (they are back). Returns the rows changed."""
    keep = {name.lower() for name in listed}
    changed = 0
    rows = session.execute(
        select(Repository.id, Repository.full_name, Repository.unavailable_reason).where(
            Repository.organization_id == organization_id,
            Repository.relationship == "owned",
        )
    ).all()
    for repo_id, full_name, old in rows:
        new = None if full_name.lower() in keep else (old or reason)
        if new != old:
            session.execute(
                update(Repository).where(Repository.id == repo_id).values(unavailable_reason=new)
            )
            changed += 1
    return changed


def upsert_releases(session: Session, repository_id: int, rows: Sequence[dict[str, Any]]) -> int:
    rows = [{**row, "repository_id": repository_id} for row in rows]
    for start in range(0, len(rows), 500):
        upsert(session, Release, rows[start : start + 500], ["repository_id", "tag"])
    return len(rows)


def update_compliance(
    session: Session,
    repository_id: int,
    checks: Iterable[tuple[str, bool, str | None]],
    checked_at: datetime,
) -> int:
    """Store (check, passed, detail) results that differ from the stored ones."""
    stored = {
        check: (passed, detail)
        for check, passed, detail in session.execute(
            select(ComplianceCheck.check, ComplianceCheck.passed, ComplianceCheck.detail).where(
                ComplianceCheck.repository_id == repository_id
            )
        )
    }
    rows = [
        {
            "repository_id": repository_id,
            "check": check,
            "passed": passed,
            "detail": detail,
            "checked_at": checked_at,
        }
        for check, passed, detail in checks
        if stored.get(check) != (passed, detail)
    ]
    upsert(session, ComplianceCheck, rows, ["repository_id", "check"])
    return len(rows)


def upsert_comments(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    for start in range(0, len(rows), 1000):
        upsert(session, Comment, rows[start : start + 1000], ["platform", "kind", "source_id"])
    return len(rows)
