"""Constants, glob matching and the value validators of configuration fields."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Annotated

from pydantic import (
    AfterValidator,
)

CONFIG_ENV_VAR = "OSPO_CONFIG"
DATABASE_ENV_VAR = "DATABASE_URL"
DEFAULT_CONFIG_FILE = "ospo.yml"
DEFAULT_DATABASE_URL = "sqlite:///ospo_metrics.db"

# Free-mail and similar providers: an address there says nothing about an employer, so such
# contributors count as "Independent". `*` is a wildcard (see glob_match); subdomains match too.
BUILTIN_GENERIC_DOMAINS: tuple[str, ...] = (
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "outlook.*",
    "hotmail.com",
    "hotmail.*",
    "live.com",
    "live.*",
    "msn.com",
    "yahoo.com",
    "yahoo.*",
    "ymail.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "protonmail.com",
    "protonmail.ch",
    "proton.me",
    "pm.me",
    "tutanota.com",
    "tuta.io",
    "fastmail.com",
    "fastmail.fm",
    "hey.com",
    "zoho.com",
    "mailbox.org",
    "posteo.de",
    "posteo.net",
    "gmx.*",
    "web.de",
    "t-online.de",
    "freenet.de",
    "free.fr",
    "orange.fr",
    "laposte.net",
    "libero.it",
    "seznam.cz",
    "mail.ru",
    "yandex.ru",
    "yandex.com",
    "qq.com",
    "foxmail.com",
    "163.com",
    "126.com",
    "sina.com",
    "naver.com",
    "hanmail.net",
    "rediffmail.com",
    "users.noreply.github.com",
)

# Always treated as bots in addition to `bots.patterns`. Brackets are literal (see glob_match).
BUILTIN_BOT_PATTERNS: tuple[str, ...] = (
    "*[bot]",
    "*-bot",
    "*_bot",
    "dependabot*",
    "renovate*",
    "github-actions*",
    "greenkeeper*",
    "pre-commit-ci*",
    "snyk-bot",
)

# Prefixes of GitHub token formats (classic PAT, fine-grained PAT, OAuth, user-to-server,
# server-to-server, refresh). Used to catch a token pasted where a variable NAME belongs.
_TOKEN_PREFIXES = ("ghp_", "github_pat_", "gho_", "ghu_", "ghs_", "ghr_")
# Pre-2021 tokens were 40 lowercase hex characters, which also happens to be a legal env name.
_LEGACY_TOKEN_RE = re.compile(r"[0-9a-f]{40}")
_ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# GitHub itself forbids underscores, but Enterprise Managed Users get `name_shortcode` logins.
_LOGIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_FULL_NAME_RE = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_REPO_GLOB_RE = re.compile(r"[A-Za-z0-9_.*?-]+/[A-Za-z0-9_.*?-]+")
_SLUG_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_GROUP_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_AGGREGATION_RE = re.compile(r"[a-z0-9][a-z0-9_]*")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DOMAIN_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_DOMAIN_RE = re.compile(rf"(?:{_DOMAIN_LABEL}\.)+{_DOMAIN_LABEL}")
_DOMAIN_GLOB_RE = re.compile(r"(?:[a-z0-9*?-]+\.)+[a-z0-9*?-]+")
_GIT_URL_RE = re.compile(r"(?:https?|ssh|git|file)://\S+|[\w.-]+@[\w.-]+:\S+")
_SCOPE_RE = re.compile(r"all|(?P<kind>org|repo|group):(?P<value>\S+)")

Loc = tuple[str | int, ...]


# --------------------------------------------------------------------------- glob matching


def glob_match(pattern: str, value: str) -> bool:
    """Match ``value`` against a config glob: ``*`` and ``?`` are wildcards, nothing else is.

    Unlike :func:`fnmatch.fnmatch`, brackets are literal -- with fnmatch the built-in bot
    pattern ``*[bot]`` would be a character class matching every login ending in b, o or t.
    Matching is case-insensitive because GitHub logins, repository names and domains are.

    Not a regular expression: a backtracking regex takes exponential time on patterns with many
    ``*`` (``*a*a*a*a*b`` against a long name of a's). Patterns are compiled once (see
    :func:`_glob_matcher`) into string tests that never backtrack.
    """
    return _glob_matcher(pattern)(value.lower())


@functools.lru_cache(maxsize=4096)
def _glob_matcher(pattern: str) -> Callable[[str], bool]:
    """A test for lower-cased values, built once per pattern: bot rules, generic domains and
    groups are matched against every identity and repository (a hundred thousand at a large
    OSPO's size), so the per-value cost is what counts.

    - no wildcard: equality;
    - only ``*``: the literal pieces in order -- the first at the start, the last at the end,
      each middle piece at its leftmost place after the previous one (leftmost is always
      right when the only wildcard is ``*``), so at most one pass over the value;
    - with ``?``: :func:`_glob_scan`, linear in len(pattern) * len(value).
    """
    p = pattern.lower()
    if "?" in p:
        return functools.partial(_glob_scan, p)
    if "*" not in p:
        return p.__eq__
    first, *middle, last = p.split("*")
    fixed = len(first) + len(last)

    def match(v: str) -> bool:
        if len(v) < fixed or not v.startswith(first) or not v.endswith(last):
            return False
        at, end = len(first), len(v) - len(last)
        for piece in middle:
            found = v.find(piece, at, end)
            if found < 0:
                return False
            at = found + len(piece)
        return True

    return match


def _glob_scan(p: str, v: str) -> bool:
    """The general glob test (lower-cased pattern and value): a greedy matcher that goes back
    only to the last ``*``, which is enough for globs, so a match costs at most
    len(pattern) * len(value)."""
    pi = vi = 0
    star, resume = -1, 0  # the last `*` seen, and where in `value` it started matching
    while vi < len(v):
        if pi < len(p) and p[pi] == "*":
            star, resume = pi, vi
            pi += 1
        elif pi < len(p) and (p[pi] == "?" or p[pi] == v[vi]):
            pi += 1
            vi += 1
        elif star >= 0:
            resume += 1  # let the last `*` take one more character and try again
            pi, vi = star + 1, resume
        else:
            return False
    return all(ch == "*" for ch in p[pi:])


def _domain_matches(domain: str, pattern: str) -> bool:
    """True if ``domain`` is ``pattern`` or one of its subdomains (``pattern`` may be a glob)."""
    domain = domain.strip().lower().rstrip(".")
    return glob_match(pattern, domain) or glob_match(f"*.{pattern}", domain)


# --------------------------------------------------------------------------- value validators
# Plain functions wrapped in AfterValidator give friendlier messages than regex constraints,
# whose pydantic message would just print the regular expression.


def _check_login(value: str) -> str:
    value = value.strip()
    if not _LOGIN_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid GitHub login")
    return value


def _check_full_name(value: str) -> str:
    value = value.strip()
    if not _FULL_NAME_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a repository full name of the form OWNER/NAME")
    return value


def _check_repo_glob(value: str) -> str:
    value = value.strip()
    if not _REPO_GLOB_RE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a repository full name or glob of the form OWNER/NAME "
            "(e.g. acme/cloud-*)"
        )
    return value


def _check_slug(value: str) -> str:
    value = value.strip()
    if not _SLUG_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid id: use lowercase letters, digits, '-' and '_'")
    return value


def _check_group_name(value: str) -> str:
    value = value.strip()
    if not _GROUP_NAME_RE.fullmatch(value):
        raise ValueError(f"invalid group name {value!r}: use letters, digits, '-', '_' and '.'")
    return value


def _check_email(value: str) -> str:
    value = value.strip().lower()
    if not _EMAIL_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid email address")
    return value


def _normalize_domain(value: str) -> str:
    # People paste "@acme.com" or "acme.com." -- both clearly mean acme.com.
    return value.strip().lower().lstrip("@").rstrip(".")


def _check_domain(value: str) -> str:
    value = _normalize_domain(value)
    if not _DOMAIN_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid domain name (e.g. acme.com)")
    return value


def _check_domain_glob(value: str) -> str:
    value = _normalize_domain(value)
    if not _DOMAIN_GLOB_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid domain name or pattern (e.g. gmx.*)")
    return value


def _check_non_empty(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


Login = Annotated[str, AfterValidator(_check_login)]
FullName = Annotated[str, AfterValidator(_check_full_name)]
RepoGlob = Annotated[str, AfterValidator(_check_repo_glob)]
Slug = Annotated[str, AfterValidator(_check_slug)]
GroupName = Annotated[str, AfterValidator(_check_group_name)]
Email = Annotated[str, AfterValidator(_check_email)]
Domain = Annotated[str, AfterValidator(_check_domain)]
DomainGlob = Annotated[str, AfterValidator(_check_domain_glob)]
NonEmptyStr = Annotated[str, AfterValidator(_check_non_empty)]


def _format_loc(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            continue
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            out += f".{part}" if out else part
        else:  # dict keys such as domains or group names with '-' read better quoted
            out += f"[{part!r}]"
    return out
