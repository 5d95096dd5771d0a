"""Merge suggestions: pairs of people who are probably one, for a person to accept or reject.

Three kinds of evidence, strongest first:

- ``noreply``: two GitHub noreply addresses with the same account number and different logins
  (the account was renamed), or another forge's noreply address with a GitHub login's name;
- ``same login``: an e-mail address whose local part is someone's GitHub login (at least four
  characters, not a role address such as `info` or `admin`);
- ``same name``: the same full name (two words or more, accents and case ignored) on different
  addresses.

Bots and AI agents are never suggested. A pair already decided either way -- one person, or kept
apart by a split or a rejected suggestion between any of their identities -- never comes back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import combinations

import pandas as pd
from sqlalchemy import Engine, select

from ospo_metrics.models import Commit, CurationRule
from ospo_metrics.people.bots import HUMAN, BotRules
from ospo_metrics.people.directory import load_appearances, load_identities, person_actors
from ospo_metrics.people.resolve import Key, key_text, parse_key_text

NOREPLY_ID_RE = re.compile(
    r"^(?P<id>\d+)\+(?P<login>[^@]+)@users\.noreply\.github\.com$", re.IGNORECASE
)
OTHER_NOREPLY_RE = re.compile(
    r"^(?:\d+[-+])?(?P<login>[^@]+)@users\.noreply\.(?:gitlab\.com|codeberg\.org|bitbucket\.org)$",
    re.IGNORECASE,
)
ROLE_ADDRESSES = frozenset(
    {
        "admin",
        "info",
        "dev",
        "devel",
        "root",
        "mail",
        "noreply",
        "no-reply",
        "contact",
        "hello",
        "git",
        "github",
        "build",
        "ci",
        "test",
        "support",
        "team",
        "office",
        "user",
    }
)
MEANINGLESS_NAMES = frozenset({"your name", "unknown", "root", "admin", "ubuntu", "user", "test"})
REASONS = ("noreply", "same login", "same name")


@dataclass(frozen=True)
class Suggestion:
    """People `person_a` and `person_b` are probably one: `key_a` and `key_b` say why."""

    reason: str
    person_a: int
    person_b: int
    key_a: Key
    key_b: Key
    detail: str

    @property
    def label(self) -> str:
        return f"{key_text(self.key_a)} + {key_text(self.key_b)}"


def name_key(name: str) -> str:
    """A name compared without case, accents or punctuation: "José  Núñez" ~ "jose nunez"."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", plain.casefold()).split())


def _decided_apart(engine: Engine, person_of: dict[Key, int]) -> set[frozenset[int]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(CurationRule.key, CurationRule.other_key).where(CurationRule.kind == "different")
        ).all()
    apart = set()
    for key, other in rows:
        a, b = parse_key_text(key), parse_key_text(other or "")
        if a in person_of and b in person_of:
            apart.add(frozenset((person_of[a], person_of[b])))
    return apart


def _noreply_numbers(engine: Engine) -> dict[str, set[str]]:
    """GitHub account number -> the logins its noreply addresses used (from commits)."""
    with engine.connect() as connection:
        emails = connection.scalars(
            select(Commit.author_email)
            .where(Commit.author_email.like("%+%@users.noreply.github.com"))
            .distinct()
        ).all()
    numbers: dict[str, set[str]] = {}
    for email in emails:
        match = NOREPLY_ID_RE.match(email)
        if match:
            numbers.setdefault(match["id"], set()).add(match["login"].lower())
    return numbers


def suggest(engine: Engine, bots: BotRules, limit: int | None = None) -> list[Suggestion]:
    """Merge suggestions, strongest first (see the module doc)."""
    identities = load_identities(engine)
    if identities.empty:
        return []
    actors = person_actors(engine, bots)
    humans = {int(p) for p in identities["person_id"] if actors.get(p, HUMAN) == HUMAN}
    person_of: dict[Key, int] = {
        (kind, value): int(person)
        for kind, value, person in zip(
            identities["kind"], identities["value"], identities["person_id"], strict=True
        )
    }
    apart = _decided_apart(engine, person_of)
    found: dict[frozenset[int], Suggestion] = {}

    def offer(reason: str, a: Key, b: Key, detail: str) -> None:
        pa, pb = person_of.get(a), person_of.get(b)
        if pa is None or pb is None or pa == pb or not {pa, pb} <= humans:
            return
        pair = frozenset((pa, pb))
        if pair in apart or pair in found:
            return
        first, second = sorted(((pa, a), (pb, b)))
        found[pair] = Suggestion(reason, first[0], second[0], first[1], second[1], detail)

    for number, logins in _noreply_numbers(engine).items():
        for a, b in combinations(sorted(logins), 2):
            offer("noreply", ("github", a), ("github", b), f"GitHub account {number}")
    logins = {value for kind, value in person_of if kind == "github"}
    emails = [value for kind, value in person_of if kind == "email"]
    for email in emails:
        match = OTHER_NOREPLY_RE.match(email)
        if match and match["login"].lower() in logins:
            offer("noreply", ("email", email), ("github", match["login"].lower()), email)
    for email in emails:
        local = email.partition("@")[0]
        if len(local) >= 4 and local not in ROLE_ADDRESSES and local in logins:
            offer("same login", ("email", email), ("github", local), f"{local}@…")
    appearances = load_appearances(engine).dropna(subset=["name"])
    appearances = appearances.assign(name_key=appearances["name"].map(name_key))
    named = appearances[
        (appearances["name_key"].str.count(" ") >= 1)
        & ~appearances["name_key"].isin(MEANINGLESS_NAMES)
    ]
    for _, group in named.groupby("name_key"):
        rows = group.drop_duplicates("person_id")
        if len(rows) < 2 or len(rows) > 10:  # a very common name proves nothing
            continue
        keys = list(zip(rows["kind"], rows["value"], strict=True))
        for a, b in combinations(keys, 2):
            offer("same name", a, b, str(rows["name"].iloc[0]))
    ranked = sorted(found.values(), key=lambda s: (REASONS.index(s.reason), s.person_a, s.person_b))
    return ranked[:limit] if limit else ranked


def suggestions_table(suggestions: list[Suggestion]) -> pd.DataFrame:
    """The suggestions as a table (pages and the CLI)."""
    return pd.DataFrame(
        [
            {
                "reason": s.reason,
                "person_a": s.person_a,
                "identity_a": key_text(s.key_a),
                "person_b": s.person_b,
                "identity_b": key_text(s.key_b),
                "why": s.detail,
            }
            for s in suggestions
        ],
        columns=["reason", "person_a", "identity_a", "person_b", "identity_b", "why"],
    )
