"""Identity normalization and bot detection, shared by every collector.

An identity is a `(kind, value)` pair: `("email", "jane@acme.com")` or `("github", "jdoe")`.
GitHub's noreply addresses (`12345+jdoe@users.noreply.github.com`) are the login in disguise,
so they resolve to the `github` identity and merge with the person's pull requests.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from ospo_metrics.config import BUILTIN_BOT_PATTERNS, glob_match

NOREPLY_RE = re.compile(r"^(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com$", re.IGNORECASE)


def normalize_email(email: str) -> str:
    return email.strip().strip("<>").lower()


def normalize_name(name: str) -> str:
    """Collapse whitespace and use one Unicode form, so 'Zoë  Li' and 'Zoë Li' are one name."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def identity_key(
    email: str | None = None, login: str | None = None, name: str | None = None
) -> tuple[str, str] | None:
    """The key an identity is stored under; a noreply address becomes its GitHub login.

    Git accepts commits with an empty email; the name is then all there is to go by.
    """
    if login:
        return ("github", login.strip().lower())
    if email:
        normalized = normalize_email(email)
        match = NOREPLY_RE.match(normalized)
        if match:
            return ("github", match.group("login"))
        if normalized:
            return ("email", normalized)
    if name and normalize_name(name):
        return ("name", normalize_name(name).lower())
    return None


def email_domain(email: str) -> str:
    return normalize_email(email).rpartition("@")[2]


@dataclass(frozen=True)
class BotRules:
    """Who counts as a bot: configured logins and emails, plus glob patterns on name/login.

    Patterns are config globs (`*` and `?` only; brackets literal, so `*[bot]` means a name
    ending in "[bot]", as GitHub App accounts are named).
    """

    logins: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    patterns: tuple[str, ...] = field(default=BUILTIN_BOT_PATTERNS)

    @classmethod
    def from_config(
        cls, logins: Iterable[str] = (), emails: Iterable[str] = (), patterns: Iterable[str] = ()
    ) -> BotRules:
        return cls(
            logins=frozenset(login.lower() for login in logins),
            emails=frozenset(normalize_email(email) for email in emails),
            patterns=tuple(dict.fromkeys((*BUILTIN_BOT_PATTERNS, *(p.lower() for p in patterns)))),
        )

    def is_bot(
        self, name: str | None = None, email: str | None = None, login: str | None = None
    ) -> bool:
        candidates: list[str] = []
        if login:
            candidates.append(login.lower())
            if login.lower() in self.logins:
                return True
        if email:
            normalized = normalize_email(email)
            if normalized in self.emails:
                return True
            key = identity_key(email=normalized)
            if key and key[0] == "github":
                if key[1] in self.logins:
                    return True
                candidates.append(key[1])
        if name:
            candidates.append(normalize_name(name).lower())
        return any(glob_match(p, c) for c in candidates for p in self.patterns)
