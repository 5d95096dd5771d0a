"""Identity keys and their normalization, shared by every collector.

An identity is a `(kind, value)` pair: `("email", "jane@acme.com")` or `("github", "jdoe")`.
GitHub's noreply addresses (`12345+jdoe@users.noreply.github.com`) are the login in disguise,
so they resolve to the `github` identity and merge with the person's pull requests.
"""

from __future__ import annotations

import re
import unicodedata

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
