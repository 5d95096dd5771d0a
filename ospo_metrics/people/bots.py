"""The one rule that says who is a bot, an AI coding agent or a human.

Every place that asks (the git and GitHub collectors, the read layer, the configuration's
`BotsConfig.is_bot`, curation) goes through :class:`BotRules`, so an account is classified the
same way everywhere. What is looked at, for one appearance of an account:

- its GitHub login, the login inside a GitHub noreply address, the local part of its e-mail
  address and its name, each against the glob patterns (built-in plus `bots.patterns`);
- the exact logins and e-mails listed under `bots.logins` and `bots.emails`;
- the built-in list of AI coding agents (GitHub Copilot, Claude, Sourcery, Devin, Codex,
  Cursor, Jules, Gemini, Amazon Q, CodeRabbit, aider, ...) plus `bots.ai_agent_patterns`;
- an author without any e-mail address ("Sourcery AI <>"): tools write those, people do not.

A person is classified by *all* the appearances of all their identities: if any of them is a
bot, every contribution of the person is a bot's (:func:`classify_people`); the order in which
names were seen never matters. `bots.ai_agents` says whether AI agents are left out of people
KPIs like bots (`bots`, the default) or counted as contributors (`contributors`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ospo_metrics.config import BUILTIN_BOT_PATTERNS, glob_match
from ospo_metrics.people.identity import identity_key, normalize_email, normalize_name

HUMAN = "human"
BOT = "bot"
AI_AGENT = "ai_agent"
ACTORS: tuple[str, ...] = (HUMAN, AI_AGENT, BOT)  # in order of precedence, lowest first
_RANK = {actor: rank for rank, actor in enumerate(ACTORS)}

# AI coding agents as they appear in git and on GitHub: App logins, the names they sign commits
# and co-author trailers with. Globs like the config's (`*`, `?`; brackets literal).
BUILTIN_AI_AGENT_PATTERNS: tuple[str, ...] = (
    "copilot",
    "github copilot",
    "copilot-swe-agent*",
    "github-copilot*",
    "copilot-pull-request-reviewer*",
    "claude[bot]",
    "claude code",
    "sourcery-ai*",
    "sourcery ai",
    "devin-ai-integration*",
    "devin ai",
    "chatgpt-codex-connector*",
    "openai codex",
    "codex",
    "cursor[bot]",
    "cursor agent",
    "cursoragent",
    "google-labs-jules*",
    "gemini-code-assist*",
    "amazon-q-developer*",
    "amazon q developer",
    "coderabbitai*",
    "sweep-ai*",
    "openhands*",
    "* (aider)",
    "aider",
)
# Addresses AI agents write commits or co-author trailers with.
BUILTIN_AI_AGENT_EMAILS: tuple[str, ...] = (
    "noreply@anthropic.com",
    "cursoragent@cursor.com",
    "noreply@aider.chat",
    "openhands@all-hands.dev",
)


def _lower(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value.strip().lower() for value in values if value.strip()))


@dataclass(frozen=True)
class BotRules:
    """Who is a bot or an AI agent; see the module docstring for what is looked at."""

    logins: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    patterns: tuple[str, ...] = field(default=BUILTIN_BOT_PATTERNS)
    agent_patterns: tuple[str, ...] = field(default=BUILTIN_AI_AGENT_PATTERNS)
    agent_emails: frozenset[str] = frozenset(BUILTIN_AI_AGENT_EMAILS)
    agents_are_bots: bool = True

    @classmethod
    def from_config(
        cls,
        bots: Any = None,
        *,
        logins: Iterable[str] = (),
        emails: Iterable[str] = (),
        patterns: Iterable[str] = (),
    ) -> BotRules:
        """Rules from a `BotsConfig` (the `bots:` section), or from plain lists."""
        agent_patterns: Iterable[str] = ()
        agents_are_bots = True
        if bots is not None:
            logins, emails, patterns = bots.logins, bots.emails, bots.patterns
            agent_patterns = getattr(bots, "ai_agent_patterns", ())
            agents_are_bots = getattr(bots, "ai_agents", "bots") == "bots"
        return cls(
            logins=frozenset(_lower(logins)),
            emails=frozenset(normalize_email(email) for email in emails),
            patterns=_lower((*BUILTIN_BOT_PATTERNS, *patterns)),
            agent_patterns=_lower((*BUILTIN_AI_AGENT_PATTERNS, *agent_patterns)),
            agents_are_bots=agents_are_bots,
        )

    def classify(
        self, name: str | None = None, email: str | None = None, login: str | None = None
    ) -> str:
        """HUMAN, BOT or AI_AGENT for one appearance of an account.

        `email=""` (given, but empty) is a git author without an address; None means the
        source has no e-mail at all (a GitHub account), which says nothing.
        """
        logins: list[str] = []
        candidates: list[str] = []
        if login:
            logins.append(login.strip().lower())
        address = normalize_email(email) if email else ""
        if address:
            key = identity_key(email=address)
            if key is not None and key[0] == "github":  # a noreply address: the login inside
                logins.append(key[1])
            candidates.append(address.partition("@")[0])
        candidates += logins
        if name and normalize_name(name):
            candidates.append(normalize_name(name).lower())
        if any(value in self.logins for value in logins) or (address and address in self.emails):
            return BOT
        if (address and address in self.agent_emails) or self._hits(
            self.agent_patterns, candidates
        ):
            return AI_AGENT
        if self._hits(self.patterns, candidates):
            return BOT
        if email is not None and not address and not login:
            return BOT  # "Sourcery AI <>": an author without an address is a tool
        return HUMAN

    @staticmethod
    def _hits(patterns: tuple[str, ...], candidates: list[str]) -> bool:
        literal, wild = _split_patterns(patterns)
        values = [value.lower() for value in candidates]
        return any(value in literal for value in values) or any(
            glob_match(pattern, value) for value in values for pattern in wild
        )

    def is_excluded(self, actor: str) -> bool:
        """True when contributions by this kind of actor are left out of people KPIs."""
        return actor == BOT or (actor == AI_AGENT and self.agents_are_bots)

    def is_bot(
        self, name: str | None = None, email: str | None = None, login: str | None = None
    ) -> bool:
        """True when this appearance is left out of people KPIs (a bot, or an AI agent unless
        `bots.ai_agents: contributors`)."""
        return self.is_excluded(self.classify(name=name, email=email, login=login))


@functools.lru_cache(maxsize=64)
def _split_patterns(patterns: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Patterns without a wildcard (most built-in ones) as a set, the globs apart: every
    identity is classified, so a set lookup instead of a match per pattern counts."""
    literal = frozenset(p.lower() for p in patterns if "*" not in p and "?" not in p)
    return literal, tuple(p for p in patterns if "*" in p or "?" in p)


def classify_identity(rules: BotRules, kind: str, value: str, name: str | None) -> str:
    """The actor kind of one identity (`kind`, `value` as stored) seen with `name`."""
    if kind == "github":
        return rules.classify(name=name, login=value)
    if kind == "email":
        return rules.classify(name=name, email=value)
    return rules.classify(name=value, email="")  # a name-only identity: no e-mail address


def worst(actors: Iterable[str]) -> str:
    """The actor kind that wins when one person appears as several: bot > AI agent > human."""
    return max(actors, key=_RANK.__getitem__, default=HUMAN)


def classify_people(
    appearances: pd.DataFrame, rules: BotRules, overrides: dict[int, str] | None = None
) -> pd.Series:
    """person_id -> actor kind, from every appearance of every identity of each person.

    `appearances` has columns person_id, kind, value, name (one row per identity and name seen;
    name may be missing). `overrides` (person_id -> actor) are curated decisions and win.
    """
    if appearances.empty:
        result = pd.Series(dtype=object)
    else:
        distinct = appearances.drop_duplicates(["person_id", "kind", "value", "name"])
        actors = [
            classify_identity(rules, kind, value, None if pd.isna(name) else name)
            for kind, value, name in zip(
                distinct["kind"], distinct["value"], distinct["name"], strict=True
            )
        ]
        ranks = pd.Series([_RANK[a] for a in actors], index=distinct["person_id"].to_numpy())
        result = ranks.groupby(level=0).max().map(dict(enumerate(ACTORS)))
    for person_id, actor in (overrides or {}).items():
        result.loc[person_id] = actor
    result.index.name = "person_id"
    return result.rename("actor")
