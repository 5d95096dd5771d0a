"""People and their identities: resolved in bulk, merged when the configuration says so."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.orm import Session

from ospo_metrics.models import (
    Affiliation,
    Comment,
    Commit,
    Identity,
    IdentityLink,
    IdentityName,
    Issue,
    Person,
)
from ospo_metrics.people.bots import BotRules
from ospo_metrics.people.identity import identity_key, normalize_name
from ospo_metrics.store.upserts import clean_rows, clean_text, insert_missing, utcnow

_VALUE_SIZE = Identity.__table__.c.value.type.length
NAME_LENGTH = IdentityName.__table__.c.name.type.length


def _stored_key(key: tuple[str, str] | None) -> tuple[str, str] | None:
    """An identity key as the database holds it (a lower-cased e-mail can grow past the column)."""
    if key is None:
        return None
    return key[0], clean_text(key[1], _VALUE_SIZE)


def lookup_key(name: str, email: str) -> str:
    """How `PeopleResolver.resolve_emails` indexes its answer: the email, else the name."""
    return email if email else "\0" + name


def clean_name(name: str | None) -> str | None:
    """A name as stored: one Unicode form, single spaces, no NUL, cut to the column's length."""
    return (clean_text(normalize_name(name), NAME_LENGTH) or None) if name else None


class PeopleResolver:
    """Maps identities to people, creating a person the first time an identity is seen.

    Holds every known identity in memory for the length of a run, and creates the people of a
    whole batch with a few statements: resolving 50,000 commit authors must not cost 50,000
    queries. Every name an identity is seen with is recorded once (`identity_names`), so bot
    rules and merge suggestions see all of them, not only the first.
    """

    def __init__(self, session: Session, bots: BotRules) -> None:
        self.session = session
        self.bots = bots
        self._known: dict[tuple[str, str], int] = {}
        self._ids: dict[tuple[str, str], int] = {}
        for identity_id, kind, value, person_id in session.execute(
            select(Identity.id, Identity.kind, Identity.value, Identity.person_id)
        ):
            self._known[(kind, value)] = person_id
            self._ids[(kind, value)] = identity_id
        self._names: set[tuple[int, str]] | None = None  # loaded on first use
        self._email_keys: dict[str, tuple[str, str] | None] = {}

    def resolve(
        self, name: str | None, email: str | None = None, login: str | None = None
    ) -> int | None:
        key = _stored_key(identity_key(email=email, login=login))
        if key is None:
            return None
        if key not in self._known:
            self._create({key: (name, email, login)})
        self._record_names({(key, name)})
        return self._known[key]

    def resolve_emails(self, people: Iterable[tuple[str, str]]) -> dict[str, int]:
        """Person ids for many (name, email) pairs at once, keyed by `lookup_key(name, email)`."""
        keys: dict[str, tuple[str, str] | None] = {}
        missing: dict[tuple[str, str], tuple[str | None, str | None, str | None]] = {}
        seen: set[tuple[tuple[str, str], str]] = set()
        for name, email in people:
            lookup = lookup_key(name, email)
            if lookup not in self._email_keys:
                self._email_keys[lookup] = _stored_key(identity_key(email=email, name=name))
            key = keys[lookup] = self._email_keys[lookup]
            if key is None:
                continue
            seen.add((key, name))
            if key not in self._known and key not in missing:
                missing[key] = (name, email, None)
        if missing:
            self._create(missing)
        self._record_names(seen)
        return {lookup: self._known[key] for lookup, key in keys.items() if key is not None}

    def _record_names(self, pairs: Iterable[tuple[tuple[str, str], str | None]]) -> None:
        """Store the names identities were seen with that are not stored yet."""
        if self._names is None:
            self._names = set(
                self.session.execute(select(IdentityName.identity_id, IdentityName.name)).all()
            )
        rows = []
        for key, name in pairs:
            cleaned = clean_name(name)
            if cleaned is None or key not in self._ids:
                continue
            entry = (self._ids[key], cleaned)
            if entry not in self._names:
                self._names.add(entry)
                rows.append({"identity_id": entry[0], "name": entry[1]})
        insert_missing(self.session, IdentityName, rows, ["identity_id", "name"])

    def _create(
        self, new: dict[tuple[str, str], tuple[str | None, str | None, str | None]]
    ) -> None:
        keys = list(new)
        people = []
        for key in keys:
            name, email, login = new[key]
            cleaned = clean_name(name)
            people.append(
                {
                    "name": cleaned,
                    "login": key[1] if key[0] == "github" else None,
                    "is_bot": self.bots.is_bot(name=cleaned, email=email, login=login),
                }
            )
        ids = self.session.scalars(
            insert(Person.__table__).returning(Person.id, sort_by_parameter_order=True),
            clean_rows(Person.__table__, people),
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
                select(Identity.id, Identity.kind, Identity.value, Identity.person_id).where(
                    tuple_(Identity.kind, Identity.value).in_(chunk)
                )
            )
            for identity_id, kind, value, pid in rows:
                stored[(kind, value)] = pid
                self._ids[(kind, value)] = identity_id
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
                self._stored_people([key])
            elif other != person_id:
                merge_people(self.session, keep=person_id, drop=other)
                self._known = {k: (person_id if v == other else v) for k, v in self._known.items()}
            self._known[key] = person_id
        return person_id

    def person_for(self, key: tuple[str, str]) -> int | None:
        return self._known.get(key)


def record_link(
    session: Session, key: tuple[str, str], other: tuple[str, str], source: str
) -> None:
    """Store a source's evidence that two identities are one person (`identity_links`), so a
    regrouping of people (ospo_metrics.people.resolve) keeps them together."""
    insert_missing(
        session,
        IdentityLink,
        [
            {
                "key": f"{key[0]}:{key[1]}",
                "other_key": f"{other[0]}:{other[1]}",
                "source": source,
                "seen_at": utcnow(),
            }
        ],
        ["key", "source"],
    )


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
