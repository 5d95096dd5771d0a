"""Who is one person: identities grouped from every piece of evidence, then applied.

A person is a group of identities (e-mail addresses, GitHub logins, names). The groups are
recomputed from the evidence, never patched by hand, so curation and collection can run in any
order and always converge to the same people:

1. ``same`` curation decisions (a merge, an accepted suggestion, an import) -- strongest;
2. the configuration's people (`affiliation.people`: one login and its e-mails);
3. links a source reported (the login GitHub gives as a commit's author, for an e-mail);

(a GitHub noreply address is the login itself and needs no evidence). Evidence is applied in
that order, and an edge that would join two identities a ``different`` decision keeps apart (a
split, a rejected suggestion) is skipped, so a person's "no" is never undone by a later run.

:func:`rebuild_people` then moves identities whose person changed, and with them the
contributions: commits by the name and address they were written with, issues, pull requests,
comments and reviews by the login. A group keeps the person id most of its identities had, so an
unchanged database is left untouched, and a merge rewrites only the merged person's rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ospo_metrics.models import (
    Affiliation,
    Comment,
    Commit,
    CurationRule,
    Identity,
    IdentityLink,
    Issue,
    Person,
)
from ospo_metrics.people.bots import BotRules
from ospo_metrics.people.identity import identity_key

Key = tuple[str, str]


def key_text(key: Key) -> str:
    """`email:jane@acme.com`: how curation rules and files write an identity."""
    return f"{key[0]}:{key[1]}"


def parse_key_text(text: str) -> Key | None:
    """The identity key written as `kind:value` (None when it is not one)."""
    kind, sep, value = text.strip().partition(":")
    if not sep or kind not in ("email", "github", "name") or not value.strip():
        return None
    return kind, value.strip().lower()


@dataclass
class Rebuild:
    """What one rebuild changed."""

    identities_moved: int = 0
    people_created: int = 0
    people_removed: int = 0
    rows_moved: int = 0
    skipped_links: list[tuple[str, str]] = field(default_factory=list)  # kept apart by a "no"

    @property
    def changed(self) -> bool:
        return bool(self.identities_moved or self.people_created or self.people_removed)


class _Groups:
    """Union-find over identity keys that refuses unions a `different` decision forbids."""

    def __init__(self, keys: Iterable[Key], apart: Iterable[tuple[Key, Key]]) -> None:
        self.parent: dict[Key, Key] = {key: key for key in keys}
        self.members: dict[Key, set[Key]] = {key: {key} for key in self.parent}
        self.apart: dict[Key, set[Key]] = {}
        for a, b in apart:
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)

    def root(self, key: Key) -> Key:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: Key, b: Key) -> bool:
        """Put a and b in one group; False when a decision keeps their groups apart."""
        if a not in self.parent or b not in self.parent:
            return True  # not collected yet: nothing to join
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return True
        small, large = sorted((ra, rb), key=lambda r: len(self.members[r]))
        if any(self.apart.get(key, set()) & self.members[large] for key in self.members[small]):
            return False
        self.parent[small] = large
        self.members[large] |= self.members.pop(small)
        return True


def config_edges(config: object) -> list[tuple[Key, Key]]:
    """The configuration's people as edges: each person's login and e-mails are one person."""
    affiliation = getattr(config, "affiliation", None)
    edges: list[tuple[Key, Key]] = []
    for entry in getattr(affiliation, "people", None) or []:
        keys = [identity_key(login=entry.login)] if entry.login else []
        keys += [identity_key(email=email) for email in entry.emails]
        keys = [key for key in dict.fromkeys(keys) if key]
        edges += [(keys[0], other) for other in keys[1:]]
    return edges


def _rules(session: Session) -> tuple[list[tuple[Key, Key]], list[tuple[Key, Key]]]:
    same, apart = [], []
    for kind, key, other in session.execute(
        select(CurationRule.kind, CurationRule.key, CurationRule.other_key)
        .where(CurationRule.kind.in_(("same", "different")))
        .order_by(CurationRule.id)
    ):
        a, b = parse_key_text(key), parse_key_text(other or "")
        if a and b:
            (same if kind == "same" else apart).append((a, b))
    return same, apart


def _links(session: Session) -> list[tuple[Key, Key]]:
    edges = []
    for key, other in session.execute(
        select(IdentityLink.key, IdentityLink.other_key)
        .where(IdentityLink.other_key.is_not(None))
        .order_by(IdentityLink.id)
    ):
        a, b = parse_key_text(key), parse_key_text(other)
        if a and b:
            edges.append((a, b))
    return edges


def rebuild_people(session: Session, bots: BotRules, config: object = None) -> Rebuild:
    """Regroup every identity from the evidence and apply the result (see the module doc)."""
    current = {
        (kind, value): (identity_id, person_id)
        for identity_id, kind, value, person_id in session.execute(
            select(Identity.id, Identity.kind, Identity.value, Identity.person_id)
        )
    }
    same, apart = _rules(session)
    groups = _Groups(current, apart)
    result = Rebuild()
    for a, b in [*same, *config_edges(config), *_links(session)]:
        if not groups.join(a, b):
            result.skipped_links.append((key_text(a), key_text(b)))
    target = _assign_people(groups, current)
    moves = {
        key: person
        for key, person in target.items()
        if isinstance(person, int) and person != current[key][1]
    }
    fresh = {key: label for key, label in target.items() if isinstance(label, str)}
    if not moves and not fresh:
        return result
    new_ids = _create_people(session, fresh, bots)
    moves.update({key: new_ids[label] for key, label in fresh.items()})
    old_people = {current[key][1] for key in moves}
    for key, person in moves.items():
        session.execute(
            update(Identity).where(Identity.id == current[key][0]).values(person_id=person)
        )
    result.identities_moved = len(moves)
    result.people_created = len(set(new_ids.values()))
    result.rows_moved = _move_activity(session, old_people, moves)
    result.people_removed = _remove_empty(session, old_people, moves, current)
    return result


def _assign_people(groups: _Groups, current: dict[Key, tuple[int, int]]) -> dict[Key, int | str]:
    """Each identity's person: the id most of its group had (each id to one group only; the
    largest share wins it), or a label for a person to create."""
    roots: dict[Key, list[Key]] = {}
    for key in current:
        roots.setdefault(groups.root(key), []).append(key)
    claims: list[tuple[int, int, Key]] = []  # (-votes, person, root)
    for root, keys in roots.items():
        for person, votes in Counter(current[key][1] for key in keys).items():
            claims.append((-votes, person, root))
    owner: dict[Key, int] = {}
    taken: set[int] = set()
    for _, person, root in sorted(claims):
        if root not in owner and person not in taken:
            owner[root] = person
            taken.add(person)
    target: dict[Key, int | str] = {}
    for root, keys in roots.items():
        label: int | str = owner.get(root, "new:" + key_text(min(keys)))
        for key in keys:
            target[key] = label
    return target


def _create_people(session: Session, fresh: dict[Key, str], bots: BotRules) -> dict[str, int]:
    firsts: dict[str, Key] = {}
    for key, label in sorted(fresh.items()):
        firsts.setdefault(label, key)
    names = dict(
        session.execute(
            select(Identity.kind + ":" + Identity.value, Identity.name).where(
                (Identity.kind + ":" + Identity.value).in_([key_text(k) for k in firsts.values()])
            )
        ).all()
    )
    ids: dict[str, int] = {}
    for label, key in firsts.items():
        name = names.get(key_text(key))
        login = key[1] if key[0] == "github" else None
        ids[label] = session.scalar(
            insert(Person)
            .values(name=name, login=login, is_bot=bots.is_bot(name=name, login=login))
            .returning(Person.id)
        )
    return ids


def _move_activity(session: Session, old_people: set[int], moves: dict[Key, int]) -> int:
    """Re-point commits, issues and comments of the people that lost identities, by the
    address, name and login each row was written with."""
    moved = 0
    olds = sorted(old_people)
    pairs = session.execute(
        select(Commit.author_id, Commit.author_name, Commit.author_email)
        .where(Commit.author_id.in_(olds))
        .distinct()
    ).all()
    for old, name, email in pairs:
        key = identity_key(email=email, name=name)
        new = moves.get(key) if key else None
        if new is None or new == old:
            continue
        condition = [Commit.author_id == old, Commit.author_email == email]
        if not email:
            condition.append(Commit.author_name == name)
        moved += session.execute(update(Commit).where(*condition).values(author_id=new)).rowcount
    for table in (Issue, Comment):
        logins = session.execute(
            select(table.author_id, table.author_login).where(table.author_id.in_(olds)).distinct()
        ).all()
        for old, login in logins:
            new = moves.get(("github", login.lower())) if login else None
            if new is None or new == old:
                continue
            moved += session.execute(
                update(table)
                .where(table.author_id == old, table.author_login == login)
                .values(author_id=new)
            ).rowcount
    return moved


def _remove_empty(
    session: Session,
    old_people: set[int],
    moves: dict[Key, int],
    current: dict[Key, tuple[int, int]],
) -> int:
    """Delete people left without identities; what still points at them (committer ids, rows
    written before logins were stored, memberships) goes where most of their identities went."""
    still_there = set(
        session.scalars(select(Identity.person_id).where(Identity.person_id.in_(old_people)))
    )
    removed = 0
    for old in sorted(old_people - still_there):
        heirs = Counter(moves[key] for key, (_, person) in current.items() if person == old)
        heir = heirs.most_common(1)[0][0]
        for column in (
            Commit.author_id,
            Commit.committer_id,
            Issue.author_id,
            Comment.author_id,
            Affiliation.person_id,
        ):
            session.execute(update(column.class_).where(column == old).values({column.key: heir}))
        session.execute(delete(Person).where(Person.id == old))
        removed += 1
    return removed
