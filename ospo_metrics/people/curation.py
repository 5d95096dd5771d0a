"""Curation: a person's decisions about people, stored as rules on identity keys.

Every decision is a row of `curation_rules`, written against identity keys (`email:...`,
`github:...`, `name:...`) rather than person ids, so the same decisions give the same people
after a rebuild of the database (export them with :mod:`~ospo_metrics.people.decisions`):

- ``merge``: these people are one (rule `same` between one identity of each);
- ``split``: these identities are not the rest of this person (rules `different`);
- ``set_affiliation`` / ``remove_affiliations``: this person belonged to an organization from
  one day to another (rule `affiliation`; the read layer applies it over e-mail rules,
  memberships and the configuration);
- ``set_actor``: this account is a bot, an AI agent or a human, whatever the rules say;
- a merge suggestion accepted is a merge, rejected a `different` rule, so it never comes back.

Each change regroups the identities at once (:func:`~ospo_metrics.people.resolve.rebuild_people`)
and records a data change, so every KPI follows the curated people immediately: no cached
number outlives a merge.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from ospo_metrics.models import CurationRule, Identity, Person
from ospo_metrics.people.bots import ACTORS, BotRules
from ospo_metrics.people.identity import identity_key, normalize_name
from ospo_metrics.people.resolve import Key, Rebuild, key_text, parse_key_text, rebuild_people

SAME = "same"
DIFFERENT = "different"
AFFILIATION = "affiliation"
BOT = "bot"
CURATION = "curation"
SUGGESTION = "suggestion"


class CurationError(ValueError):
    """A decision that cannot be made as asked (unknown person, ambiguous name, ...)."""


def record_data_change(session: Session, detail: str) -> None:
    """Tell the read side that people changed outside a collection run (its caches are keyed
    on the data version); a no-op where the store has no data-change journal."""
    from ospo_metrics import store

    record = getattr(store, "record_change", None)
    if record is not None:
        record(session, "curation", detail)


def apply_curation(session: Session, bots: BotRules, config: object = None) -> Rebuild:
    """Regroup identities after a collection or a configuration sync, so newly collected
    identities join the people curation decisions, imports and source links say they belong
    to. Without any such decision or link there is nothing to regroup (and nothing is read)."""
    from ospo_metrics.models import IdentityLink

    if (
        session.scalar(select(CurationRule.id).where(CurationRule.kind.in_((SAME, DIFFERENT))))
        is None
        and session.scalar(select(IdentityLink.id).where(IdentityLink.other_key.is_not(None)))
        is None
    ):
        return Rebuild()
    rebuild = rebuild_people(session, bots, config)
    if rebuild.changed:
        record_data_change(session, "people regrouped after collection")
    return rebuild


def parse_identity(text: str) -> Key:
    """An identity as a person types it: `email:x`, `github:x`, `name:x`, an e-mail address
    (noreply addresses are their login) or `@login`."""
    text = text.strip()
    key = parse_key_text(text)
    if key is not None:
        return key
    if text.startswith("@") and len(text) > 1:
        return ("github", text[1:].lower())
    if "@" in text:
        found = identity_key(email=text)
        if found:
            return found
    raise CurationError(
        f"{text!r} is not an identity: write an e-mail address, @login, github:LOGIN, "
        "email:ADDRESS or name:NAME"
    )


@dataclass(frozen=True)
class Change:
    """What a curation command did, for the CLI and the page to report."""

    message: str
    rebuild: Rebuild


class Curation:
    """Curation commands on one session; call within a transaction and commit after."""

    def __init__(self, session: Session, bots: BotRules, config: object = None) -> None:
        self.session = session
        self.bots = bots
        self.config = config

    # ---- finding people -------------------------------------------------------------------

    def person(self, reference: str) -> int:
        """A person by id (`12` or `#12`), by one of their identities, by login, or by name
        (when exactly one person has it)."""
        text = reference.strip()
        digits = text.removeprefix("#")
        if digits.isdigit():
            if self.session.get(Person, int(digits)) is None:
                raise CurationError(f"no person #{digits}")
            return int(digits)
        try:
            key = parse_identity(text)
        except CurationError:
            key = ("github", text.lower())
        found = self._person_of(key)
        if found is not None:
            return found
        by_name = self.session.scalars(
            select(Identity.person_id)
            .where(Identity.kind.in_(("email", "github", "name")))
            .where(func.lower(Identity.name) == normalize_name(text).lower())
            .distinct()
        ).all()
        if len(by_name) == 1:
            return by_name[0]
        if len(by_name) > 1:
            listed = ", ".join(f"#{p}" for p in sorted(by_name))
            raise CurationError(f"{len(by_name)} people are called {text!r} ({listed}): give an id")
        raise CurationError(
            f"nobody known as {text!r}: give a person id (`ospo-metrics people list`), an "
            "e-mail address or @login"
        )

    def _person_of(self, key: Key) -> int | None:
        return self.session.scalar(
            select(Identity.person_id).where(Identity.kind == key[0], Identity.value == key[1])
        )

    def identities(self, person_id: int) -> list[Key]:
        """The person's identity keys, logins first, then addresses, then bare names."""
        order = {"github": 0, "email": 1, "name": 2}
        keys = self.session.execute(
            select(Identity.kind, Identity.value).where(Identity.person_id == person_id)
        ).all()
        return sorted(((k, v) for k, v in keys), key=lambda key: (order.get(key[0], 3), key[1]))

    def representative(self, person_id: int) -> Key:
        """The identity a decision about the whole person is written against."""
        keys = self.identities(person_id)
        if not keys:
            raise CurationError(f"person #{person_id} has no identity")
        return keys[0]

    # ---- rules ----------------------------------------------------------------------------

    def add_rule(self, kind: str, key: Key, other: Key | None = None, **values: object) -> bool:
        """Store a rule unless the same one is stored; True when it was new."""
        row = {
            "kind": kind,
            "key": key_text(key),
            "other_key": key_text(other) if other else None,
            "organization": values.get("organization"),
            "valid_from": values.get("valid_from"),
            "valid_to": values.get("valid_to"),
            "value": values.get("value"),
        }
        conditions = [
            getattr(CurationRule, name) == value
            if value is not None
            else getattr(CurationRule, name).is_(None)
            for name, value in row.items()
        ]
        if self.session.scalar(select(CurationRule.id).where(*conditions)) is not None:
            return False
        self.session.add(
            CurationRule(
                **row,
                source=str(values.get("source") or CURATION),
                note=values.get("note"),  # type: ignore[arg-type]
                created_at=datetime.now(UTC),
            )
        )
        self.session.flush()
        return True

    def _drop_pairs(self, kind: str, left: Sequence[Key], right: Sequence[Key]) -> int:
        """Delete `kind` rules joining any identity of `left` with any of `right`."""
        a, b = [key_text(k) for k in left], [key_text(k) for k in right]
        if not a or not b:
            return 0
        result = self.session.execute(
            delete(CurationRule).where(
                CurationRule.kind == kind,
                or_(
                    and_(CurationRule.key.in_(a), CurationRule.other_key.in_(b)),
                    and_(CurationRule.key.in_(b), CurationRule.other_key.in_(a)),
                ),
            )
        )
        return result.rowcount

    def apply(self, detail: str) -> Rebuild:
        """Regroup the identities after a decision and record the change for the read side."""
        rebuild = rebuild_people(self.session, self.bots, self.config)
        record_data_change(self.session, detail)
        return rebuild

    # ---- decisions ------------------------------------------------------------------------

    def merge(
        self, references: Sequence[str], note: str | None = None, source: str = CURATION
    ) -> Change:
        """Make these people one: the first keeps its id."""
        people = list(dict.fromkeys(self.person(r) for r in references))
        if len(people) < 2:
            raise CurationError("give at least two different people to merge")
        keep = self.identities(people[0])
        for other in people[1:]:
            theirs = self.identities(other)
            # A newer "yes" replaces an older "no" between exactly these people.
            self._drop_pairs(DIFFERENT, keep, theirs)
            self.add_rule(SAME, keep[0], theirs[0], note=note, source=source)
            keep = keep + theirs
        rebuild = self.apply(f"merge {' '.join(key_text(k) for k in keep[:4])}")
        return Change(f"merged {len(people)} people into #{people[0]}", rebuild)

    def split(self, reference: str, identities: Iterable[str], note: str | None = None) -> Change:
        """Take these identities away from the person: they become a person of their own
        (together), and are never grouped with the rest again."""
        person = self.person(reference)
        mine = self.identities(person)
        leaving = list(dict.fromkeys(parse_identity(text) for text in identities))
        strangers = [key for key in leaving if key not in mine]
        if strangers:
            raise CurationError(
                f"{key_text(strangers[0])} is not an identity of #{person} "
                f"(it has: {', '.join(key_text(k) for k in mine)})"
            )
        staying = [key for key in mine if key not in leaving]
        if not leaving or not staying:
            raise CurationError("a split leaves at least one identity on each side")
        self._drop_pairs(SAME, leaving, staying)
        for key in leaving:
            for other in staying:
                self.add_rule(DIFFERENT, key, other, note=note, value="split")
        rebuild = self.apply(f"split {key_text(leaving[0])} from #{person}")
        new_person = self._person_of(leaving[0])
        return Change(f"split {len(leaving)} identities from #{person} into #{new_person}", rebuild)

    def set_affiliation(
        self,
        reference: str,
        organization: str,
        start: date | None = None,
        end: date | None = None,
        note: str | None = None,
    ) -> Change:
        """The person belonged to `organization` from `start` to `end` (both included; open
        when missing). It wins over e-mail rules, memberships, the configuration and imports."""
        organization = organization.strip()
        if not organization:
            raise CurationError("the organization must not be empty")
        if start and end and end < start:
            raise CurationError(f"--to ({end}) is before --from ({start})")
        person = self.person(reference)
        key = self.representative(person)
        self.add_rule(
            AFFILIATION, key, organization=organization, valid_from=start, valid_to=end, note=note
        )
        record_data_change(self.session, f"affiliation {key_text(key)} {organization}")
        span = f"{start or 'always'} to {end or 'now'}"
        return Change(f"#{person} belongs to {organization} ({span})", Rebuild())

    def remove_affiliations(self, reference: str, organization: str | None = None) -> Change:
        """Forget the curated affiliations of a person (of one organization, or all)."""
        person = self.person(reference)
        keys = [key_text(k) for k in self.identities(person)]
        statement = delete(CurationRule).where(
            CurationRule.kind == AFFILIATION,
            CurationRule.key.in_(keys),
            CurationRule.source == CURATION,
        )
        if organization:
            statement = statement.where(CurationRule.organization == organization)
        removed = self.session.execute(statement).rowcount
        record_data_change(self.session, f"affiliations removed from #{person}")
        return Change(f"removed {removed} curated affiliations of #{person}", Rebuild())

    def set_actor(self, reference: str, actor: str, note: str | None = None) -> Change:
        """Say what an account is (bot, ai_agent or human), whatever the bot rules find."""
        if actor not in ACTORS:
            raise CurationError(f"{actor!r} is not one of {', '.join(ACTORS)}")
        person = self.person(reference)
        key = self.representative(person)
        keys = [key_text(k) for k in self.identities(person)]
        self.session.execute(
            delete(CurationRule).where(CurationRule.kind == BOT, CurationRule.key.in_(keys))
        )
        self.add_rule(BOT, key, value=actor, note=note)
        record_data_change(self.session, f"{key_text(key)} is {actor}")
        return Change(f"#{person} is counted as {actor.replace('_', ' ')}", Rebuild())

    def decide(self, a: Key, b: Key, accept: bool, reason: str) -> Change:
        """Accept (one person) or reject (never one, never suggested again) a suggestion."""
        if accept:
            self.add_rule(SAME, a, b, note=reason, source=SUGGESTION)
            rebuild = self.apply(f"suggestion accepted {key_text(a)} {key_text(b)}")
            return Change(f"{key_text(a)} and {key_text(b)} are one person", rebuild)
        self.add_rule(DIFFERENT, a, b, note=reason, source=SUGGESTION, value="rejected")
        record_data_change(self.session, f"suggestion rejected {key_text(a)} {key_text(b)}")
        return Change(f"{key_text(a)} and {key_text(b)} stay apart", Rebuild())
