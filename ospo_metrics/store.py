"""The one place that writes collected items: upserts on natural keys, people, runs, cursors.

Every write is keyed on a natural key (repository full name, commit sha, identity value), so a
collector can be re-run or resumed after an interruption without creating duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ospo_metrics.identity import BotRules, identity_key, normalize_name
from ospo_metrics.models import (
    Affiliation,
    Base,
    CollectionRun,
    Comment,
    Commit,
    ComplianceCheck,
    Identity,
    Issue,
    Organization,
    Person,
    Release,
    Repository,
)

RUN_FINISHED = ("ok", "unchanged")


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


def lookup_key(name: str, email: str) -> str:
    """How `PeopleResolver.resolve_emails` indexes its answer: the email, else the name."""
    return email if email else "\0" + name


class PeopleResolver:
    """Maps identities to people, creating a person the first time an identity is seen.

    Holds every known identity in memory for the length of a run, and creates the people of a
    whole batch with a few statements: resolving 50,000 commit authors must not cost 50,000
    queries.
    """

    def __init__(self, session: Session, bots: BotRules) -> None:
        self.session = session
        self.bots = bots
        self._known: dict[tuple[str, str], int] = {
            (kind, value): person_id
            for kind, value, person_id in session.execute(
                select(Identity.kind, Identity.value, Identity.person_id)
            )
        }
        self._email_keys: dict[str, tuple[str, str] | None] = {}

    def resolve(
        self, name: str | None, email: str | None = None, login: str | None = None
    ) -> int | None:
        key = identity_key(email=email, login=login)
        if key is None:
            return None
        if key not in self._known:
            self._create({key: (name, email, login)})
        return self._known[key]

    def resolve_emails(self, people: Iterable[tuple[str, str]]) -> dict[str, int]:
        """Person ids for many (name, email) pairs at once, keyed by `lookup_key(name, email)`."""
        keys: dict[str, tuple[str, str] | None] = {}
        missing: dict[tuple[str, str], tuple[str | None, str | None, str | None]] = {}
        for name, email in people:
            lookup = lookup_key(name, email)
            if lookup in keys:
                continue
            if lookup not in self._email_keys:
                self._email_keys[lookup] = identity_key(email=email, name=name)
            key = keys[lookup] = self._email_keys[lookup]
            if key is not None and key not in self._known and key not in missing:
                missing[key] = (name, email, None)
        if missing:
            self._create(missing)
        return {lookup: self._known[key] for lookup, key in keys.items() if key is not None}

    def _create(
        self, new: dict[tuple[str, str], tuple[str | None, str | None, str | None]]
    ) -> None:
        keys = list(new)
        people = []
        for key in keys:
            name, email, login = new[key]
            clean_name = normalize_name(name) if name else None
            people.append(
                {
                    "name": clean_name,
                    "login": key[1] if key[0] == "github" else None,
                    "is_bot": self.bots.is_bot(name=clean_name, email=email, login=login),
                }
            )
        ids = self.session.scalars(
            insert(Person.__table__).returning(Person.id, sort_by_parameter_order=True), people
        ).all()
        insert_missing(
            self.session,
            Identity,
            [
                {"person_id": pid, "kind": k[0], "value": k[1], "name": row["name"]}
                for pid, k, row in zip(ids, keys, people, strict=True)
            ],
            ["kind", "value"],
        )
        stored = self._stored_people(keys)
        orphans = [pid for pid, key in zip(ids, keys, strict=True) if stored[key] != pid]
        if orphans:  # another process stored these identities first: use theirs
            self.session.execute(delete(Person).where(Person.id.in_(orphans)))
        self._known.update(stored)

    def _stored_people(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        stored: dict[tuple[str, str], int] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self.session.execute(
                select(Identity.kind, Identity.value, Identity.person_id).where(
                    tuple_(Identity.kind, Identity.value).in_(chunk)
                )
            )
            stored.update({(kind, value): pid for kind, value, pid in rows})
        return stored

    def link(self, person_id: int, keys: Iterable[tuple[str, str]], name: str | None) -> int:
        """Make every key resolve to one person, merging people that already exist for them."""
        for key in keys:
            other = self._known.get(key)
            if other is None:
                insert_missing(
                    self.session,
                    Identity,
                    [{"person_id": person_id, "kind": key[0], "value": key[1], "name": name}],
                    ["kind", "value"],
                )
            elif other != person_id:
                merge_people(self.session, keep=person_id, drop=other)
                self._known = {k: (person_id if v == other else v) for k, v in self._known.items()}
            self._known[key] = person_id
        return person_id

    def person_for(self, key: tuple[str, str]) -> int | None:
        return self._known.get(key)


def merge_people(session: Session, keep: int, drop: int) -> None:
    """Move everything of person `drop` to person `keep` and delete `drop`."""
    for column in (
        Identity.person_id,
        Affiliation.person_id,
        Commit.author_id,
        Commit.committer_id,
        Issue.author_id,
        Comment.author_id,
    ):
        session.execute(update(column.class_).where(column == drop).values({column.key: keep}))
    session.execute(delete(Person).where(Person.id == drop))


# --- collection runs -------------------------------------------------------------------------


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
            collector=collector, target=target, started_at=utcnow(), status="running"
        )
        session.add(run)
        session.flush()
        return run.id


def finish_run(engine: Engine, run_id: int, status: str, **fields: Any) -> None:
    with Session(engine) as session, session.begin():
        session.execute(
            update(CollectionRun)
            .where(CollectionRun.id == run_id)
            .values(status=status, finished_at=utcnow(), **fields)
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


# --- GitHub collector: cursors for many targets, issues with their activity ----------------


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
    for number, entries in activities.items():
        issue_id = ids[number]
        kept = [entry["source_id"] for entry in entries]
        stale = delete(Comment).where(
            Comment.issue_id == issue_id,
            Comment.platform == platform,
            Comment.kind.in_(("comment", "review")),
        )
        if kept:
            stale = stale.where(Comment.source_id.not_in(kept))
        session.execute(stale)
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
        session.execute(Affiliation.__table__.insert(), rows)
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
