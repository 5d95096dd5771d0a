"""The ``ospo.yml`` configuration file: models, loading and error reporting.

One YAML file describes what the dashboard measures: which GitHub organizations and extra
repositories we own, repository groups, upstream projects, how contributors are attributed to
organizations, which accounts are bots, and the objectives (KPI targets) to track.

Loading is strict and tries hard to be helpful:

* every section is a pydantic v2 model with ``extra="forbid"``, so a typo is an error rather
  than a silently ignored key;
* *all* problems are reported at once, each as ``file:line:column: field.path: message``.
  Positions come from PyYAML's node tree (``yaml.compose``), so they point at the offending
  value, at an unknown key itself, or at the enclosing mapping when a required key is missing;
* cross-field rules (unique objective ids, known groups in scopes, non-overlapping employment
  periods, ...) run on the raw data independently of the per-field validation, so they are
  reported together with ordinary type errors instead of only after those are fixed.

Public API: :func:`load_config`, :func:`config_from_mapping`, :class:`Config` (and its section
models), :func:`resolve_database_url`, :class:`ConfigError` / :class:`ConfigIssue`,
:func:`find_config_path` and :func:`glob_match`.

Paths written in the file (``data_dir``, ``repositories[].path``,
``github.app.private_key_file``) are relative to the folder that holds the config file; use
:meth:`Config.resolve_path` / :meth:`Config.resolved_data_dir` to get absolute paths.
"""

import dataclasses
import datetime as dt
import difflib
import functools
import os
import re
import types
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Self, Union, get_args, get_origin
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

__all__ = [
    "BUILTIN_BOT_PATTERNS",
    "BUILTIN_GENERIC_DOMAINS",
    "CONFIG_ENV_VAR",
    "DATABASE_ENV_VAR",
    "DEFAULT_CONFIG_FILE",
    "DEFAULT_DATABASE_URL",
    "AffiliationConfig",
    "Baseline",
    "BotsConfig",
    "Config",
    "ConfigError",
    "ConfigIssue",
    "Employment",
    "GitHubAppConfig",
    "GitHubConfig",
    "Objective",
    "Person",
    "RepositorySource",
    "UpstreamConfig",
    "config_from_mapping",
    "find_config_path",
    "glob_match",
    "load_config",
    "resolve_database_url",
]

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


@functools.lru_cache(maxsize=1024)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    parts = [".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern]
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def glob_match(pattern: str, value: str) -> bool:
    """Match ``value`` against a config glob: ``*`` and ``?`` are wildcards, nothing else is.

    Unlike :func:`fnmatch.fnmatch`, brackets are literal -- with fnmatch the built-in bot
    pattern ``*[bot]`` would be a character class matching every login ending in b, o or t.
    Matching is case-insensitive because GitHub logins, repository names and domains are.
    """
    return _glob_regex(pattern).fullmatch(value) is not None


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


# --------------------------------------------------------------------------- models


class _Model(BaseModel):
    """Base for all sections: unknown keys are errors, and an empty key means "use default"."""

    # Numbers are accepted where text is expected because YAML turns e.g. `title: 2025` or an
    # all-digit login into an int, which is never what the user meant to be an error.
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        # `github:` with nothing after it parses as None; for optional keys treat that like
        # an omitted key instead of "Input should be a valid dictionary".
        if not isinstance(data, dict):
            return data
        optional = {
            (info.alias or name)
            for name, info in cls.model_fields.items()
            if not info.is_required()
        }
        return {k: v for k, v in data.items() if not (v is None and k in optional)}


class GitHubAppConfig(_Model):
    """GitHub App authentication (used instead of a personal access token)."""

    id: PositiveInt
    installation_id: PositiveInt
    private_key_file: Path  # relative paths: see Config.resolve_path


class GitHubConfig(_Model):
    """GitHub / GitHub Enterprise Server API access."""

    base_url: str = "https://api.github.com"
    token_env: str = "GITHUB_TOKEN"
    app: GitHubAppConfig | None = None
    on_rate_limit: Literal["wait", "stop"] = "wait"
    max_wait_seconds: int = Field(default=3600, ge=0)

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                "must be an http(s) URL such as https://api.github.com or "
                "https://ghe.example.com/api/v3"
            )
        return value

    @field_validator("token_env")
    @classmethod
    def _check_token_env(cls, value: str) -> str:
        # Never include `value` in these messages: it may be a real secret.
        value = value.strip()
        if value.startswith(_TOKEN_PREFIXES) or _LEGACY_TOKEN_RE.fullmatch(value):
            raise ValueError(
                "this looks like a GitHub token; put the NAME of the environment variable "
                "that holds the token here (e.g. GITHUB_TOKEN), never the token itself "
                "(and revoke the token if this file was shared)"
            )
        if not _ENV_NAME_RE.fullmatch(value):
            raise ValueError(
                "must be the NAME of an environment variable (letters, digits and '_', "
                "e.g. GITHUB_TOKEN), not the token itself"
            )
        return value

    def read_token(self, env: Mapping[str, str] = os.environ) -> str | None:
        """The token from the environment variable named by ``token_env`` (None if unset)."""
        return env.get(self.token_env) or None

    @property
    def is_enterprise(self) -> bool:
        """True for GitHub Enterprise Server (anything but api.github.com)."""
        return urlsplit(self.base_url).netloc.lower() != "api.github.com"

    @property
    def web_url(self) -> str:
        """The web UI root, e.g. https://github.com or https://ghe.example.com."""
        parts = urlsplit(self.base_url)
        if not self.is_enterprise:
            return "https://github.com"
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def graphql_url(self) -> str:
        """The GraphQL endpoint: api.github.com/graphql, or HOST/api/graphql on GHES."""
        if self.base_url.endswith("/api/v3"):
            return self.base_url[: -len("/v3")] + "/graphql"
        return self.base_url + "/graphql"


class RepositorySource(_Model):
    """An extra repository: exactly one of ``path`` (local clone), ``url`` or ``github``."""

    path: Path | None = None
    url: str | None = None
    github: FullName | None = None
    name: FullName | None = None
    refs: list[NonEmptyStr] = Field(default_factory=list)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        value = value.strip()
        if not _GIT_URL_RE.fullmatch(value):
            raise ValueError(
                "must be a git URL such as https://github.com/acme/foo.git or "
                "git@github.com:acme/foo.git"
            )
        return value

    @property
    def kind(self) -> Literal["path", "url", "github"]:
        """Which of the three sources this item uses."""
        if self.path is not None:
            return "path"
        if self.url is not None:
            return "url"
        return "github"

    @property
    def full_name(self) -> str:
        """``name`` if given, else derived: ``github`` as is, OWNER/NAME from the URL, or
        ``<parent folder>/<folder>`` of a local path."""
        if self.name:
            return self.name
        if self.github:
            return self.github
        if self.url:
            # Works for both https://host/owner/name(.git) and git@host:owner/name(.git).
            tail = re.split(r"[/:]", self.url.rstrip("/"))[-2:]
            return "/".join(tail).removesuffix(".git")
        assert self.path is not None
        return f"{self.path.parent.name or 'local'}/{self.path.name}"


class UpstreamConfig(_Model):
    """Contributions to upstream projects we do not own."""

    track: Literal["employees", "members", "none"] = "employees"
    repositories: list[FullName] = Field(default_factory=list)
    since: dt.date | None = None


class Employment(_Model):
    """A dated employment period; ``to`` is inclusive and omitted while still employed.

    The YAML keys are ``from`` / ``to``; in Python they are ``start`` / ``end`` because
    ``from`` is a keyword.
    """

    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(default=None, alias="to")

    def contains(self, day: dt.date) -> bool:
        """True if ``day`` falls inside this period."""
        return self.start <= day and (self.end is None or day <= self.end)


class Person(_Model):
    """A person whose affiliation is given explicitly (at least ``login`` or ``emails``)."""

    login: Login | None = None
    emails: list[Email] = Field(default_factory=list)
    name: str | None = None
    # None only until AffiliationConfig fills in its own organization as the default.
    organization: NonEmptyStr | None = None
    # Empty: affiliated with `organization` for all time.
    employments: list[Employment] = Field(default_factory=list)

    def employed_on(self, day: dt.date) -> bool:
        """True if the person belonged to ``organization`` on ``day``."""
        return not self.employments or any(e.contains(day) for e in self.employments)


class AffiliationConfig(_Model):
    """How contributors are attributed to organizations."""

    organization: NonEmptyStr
    email_domains: list[Domain] = Field(default_factory=list)
    generic_domains: list[DomainGlob] = Field(default_factory=list)
    domain_organizations: dict[Domain, NonEmptyStr] = Field(default_factory=dict)
    people: list[Person] = Field(default_factory=list)

    @model_validator(mode="after")
    def _default_person_organization(self) -> Self:
        for person in self.people:
            if person.organization is None:
                person.organization = self.organization
        return self

    @property
    def generic_domain_patterns(self) -> tuple[str, ...]:
        """Built-in generic (free-mail) domains plus ``generic_domains``."""
        return BUILTIN_GENERIC_DOMAINS + tuple(self.generic_domains)

    def is_employee_domain(self, domain: str) -> bool:
        """True if ``domain`` is one of ``email_domains`` or a subdomain of one."""
        return any(_domain_matches(domain, d) for d in self.email_domains)

    def is_generic_domain(self, domain: str) -> bool:
        """True for free-mail style domains (built-in list plus ``generic_domains``)."""
        return any(_domain_matches(domain, d) for d in self.generic_domain_patterns)

    def organization_for_domain(self, domain: str) -> str | None:
        """Display name from ``domain_organizations`` (most specific match wins)."""
        matches = [d for d in self.domain_organizations if _domain_matches(domain, d)]
        return self.domain_organizations[max(matches, key=len)] if matches else None


class BotsConfig(_Model):
    """Accounts to exclude from people metrics, on top of the built-in patterns."""

    logins: list[NonEmptyStr] = Field(default_factory=list)
    emails: list[Email] = Field(default_factory=list)
    patterns: list[NonEmptyStr] = Field(default_factory=list)

    @property
    def all_patterns(self) -> tuple[str, ...]:
        """Built-in bot patterns plus ``patterns``."""
        return BUILTIN_BOT_PATTERNS + tuple(self.patterns)

    def is_bot(
        self, login: str | None = None, name: str | None = None, email: str | None = None
    ) -> bool:
        """True if the login, email or any pattern (on login, name or email local part) hits."""
        if login and login.lower() in {x.lower() for x in self.logins}:
            return True
        if email and email.strip().lower() in self.emails:
            return True
        local = email.split("@", 1)[0] if email else None
        candidates = [c for c in (login, name, local) if c]
        return any(glob_match(p, c) for p in self.all_patterns for c in candidates)


class Baseline(_Model):
    """The KPI value an objective starts from, and when it was measured."""

    value: float
    date: dt.date


class Objective(_Model):
    """A KPI target: move ``kpi`` (aggregated over ``scope``) from baseline to target by due."""

    id: Slug
    title: NonEmptyStr
    kpi: str
    scope: str = "all"
    aggregation: str | None = None
    baseline: Baseline
    target: float
    start: dt.date | None = None
    due: dt.date
    goal: Literal["partner", "community", "ecosystem", "organizational"] | None = None

    @field_validator("kpi")
    @classmethod
    def _check_kpi(cls, value: str) -> str:
        value = value.strip()
        known = _known_kpis()
        if known is not None and value not in known:
            close = difflib.get_close_matches(value, sorted(known), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(sorted(known))}"
            raise ValueError(f"unknown KPI {value!r}; {hint}")
        return value

    @field_validator("scope")
    @classmethod
    def _check_scope(cls, value: str) -> str:
        value = value.strip()
        match = _SCOPE_RE.fullmatch(value)
        ok = match is not None and (
            match["kind"] is None
            or (match["kind"] == "org" and _LOGIN_RE.fullmatch(match["value"]))
            or (match["kind"] == "repo" and _FULL_NAME_RE.fullmatch(match["value"]))
            or (match["kind"] == "group" and _GROUP_NAME_RE.fullmatch(match["value"]))
        )
        if not ok:
            raise ValueError(
                f"invalid scope {value!r}; use all, org:LOGIN, repo:OWNER/NAME or group:NAME"
            )
        return value

    @field_validator("aggregation")
    @classmethod
    def _check_aggregation(cls, value: str) -> str:
        value = value.strip()
        if not _AGGREGATION_RE.fullmatch(value):
            raise ValueError(f"invalid aggregation {value!r} (e.g. latest, median_90d, sum_ytd)")
        try:  # lazily, like _known_kpis: the config must load even while `kpis` is broken
            from kpis.objectives import AGGREGATIONS
        except ImportError:
            return value
        if value not in AGGREGATIONS:
            raise ValueError(f"unknown aggregation {value!r}; allowed: {', '.join(AGGREGATIONS)}")
        return value

    @property
    def start_date(self) -> dt.date:
        """``start``, defaulting to the baseline date."""
        return self.start or self.baseline.date

    @property
    def scope_kind(self) -> Literal["all", "org", "repo", "group"]:
        """The part of ``scope`` before the colon (``all`` has no value)."""
        kind = self.scope.split(":", 1)[0]
        return kind  # type: ignore[return-value]  # guaranteed by _check_scope

    @property
    def scope_value(self) -> str | None:
        """The part of ``scope`` after the colon; None for ``all``."""
        return self.scope.split(":", 1)[1] if ":" in self.scope else None


# Validation context flag: config_from_mapping runs the cross-field checks itself (with
# positions, and even when other fields fail), so the model validator must not repeat them.
_DEFER_CROSS_CHECKS = "ospo_defer_cross_checks"


class Config(_Model):
    """The whole ``ospo.yml``. Build it with :func:`load_config` / :func:`config_from_mapping`."""

    database: str | None = None
    data_dir: Path = Path("data")
    demo: bool = False
    github: GitHubConfig = Field(default_factory=GitHubConfig)
    organizations: list[Login] = Field(default_factory=list)
    repositories: list[RepositorySource] = Field(default_factory=list)
    groups: dict[GroupName, list[RepoGlob]] = Field(default_factory=dict)
    upstream: UpstreamConfig = Field(default_factory=UpstreamConfig)
    affiliation: AffiliationConfig | None = None
    bots: BotsConfig = Field(default_factory=BotsConfig)
    objectives: list[Objective] = Field(default_factory=list)

    _path: Path | None = PrivateAttr(default=None)
    _source: str = PrivateAttr(default="<demo>")

    @field_validator("database")
    @classmethod
    def _check_database(cls, value: str) -> str:
        value = value.strip()
        try:
            from sqlalchemy.engine import make_url
            from sqlalchemy.exc import ArgumentError
        except ImportError:  # validation is a convenience; the engine will complain anyway
            return value
        try:
            make_url(value)
        except (ArgumentError, ValueError):  # ValueError: e.g. a non-numeric port
            # Don't echo the URL: it may contain a password.
            raise ValueError(
                "not a valid SQLAlchemy URL (e.g. sqlite:///ospo_metrics.db or "
                "postgresql+psycopg://user@host/db)"
            ) from None
        return value

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> Self:
        if info.context and info.context.get(_DEFER_CROSS_CHECKS):
            return self
        problems = _cross_field_issues(self.model_dump(by_alias=True))
        if problems:
            raise ValueError("; ".join(f"{_format_loc(loc)}: {msg}" for loc, msg in problems))
        return self

    @property
    def path(self) -> Path | None:
        """Absolute path of the file this config was loaded from (None if not from a file)."""
        return self._path

    @property
    def source(self) -> str:
        """Where the config came from, as shown in messages: the path or e.g. ``<demo>``."""
        return self._source

    def resolve_path(self, path: str | Path) -> Path:
        """Make a path from the file absolute: relative to the config file's folder (to the
        current directory for configs not loaded from a file); ``~`` is expanded."""
        path = Path(path).expanduser()
        if not path.is_absolute():
            base = self._path.parent if self._path is not None else Path.cwd()
            path = base / path
        return path.resolve()

    def resolved_data_dir(self) -> Path:
        """Absolute ``data_dir`` (clone cache and demo data)."""
        return self.resolve_path(self.data_dir)

    def groups_for(self, full_name: str) -> list[str]:
        """Names of the groups whose patterns match repository ``full_name``."""
        return [g for g in self.groups if self.in_group(g, full_name)]

    def in_group(self, group: str, full_name: str) -> bool:
        """True if ``full_name`` matches one of the group's names/globs (case-insensitive)."""
        return any(glob_match(p, full_name) for p in self.groups.get(group, ()))


# --------------------------------------------------------------------------- cross-field rules
# These run on plain data (the YAML as parsed, or a model dump) and must tolerate wrong types:
# whatever is malformed is skipped here because pydantic already reports it.

_DATE = TypeAdapter(dt.date)


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return _DATE.validate_python(value)
    except ValidationError:
        return None


def _items(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def _cross_field_issues(data: Any) -> list[tuple[Loc, str]]:
    if not isinstance(data, dict):
        return []
    issues = list(_repository_issues(data.get("repositories")))
    affiliation = data.get("affiliation")
    if isinstance(affiliation, dict):
        issues += _people_issues(affiliation.get("people"))
    issues += _objective_issues(data)
    return issues


def _repository_issues(repositories: Any) -> Iterator[tuple[Loc, str]]:
    for i, item in _items(repositories):
        given = [k for k in ("path", "url", "github") if item.get(k) is not None]
        if not given:
            yield ("repositories", i), "needs exactly one of `path`, `url` or `github`"
        elif len(given) > 1:
            yield (
                ("repositories", i),
                f"give only one of `path`, `url` or `github` (found {', '.join(given)})",
            )


def _people_issues(people: Any) -> Iterator[tuple[Loc, str]]:
    for i, person in _items(people):
        loc: Loc = ("affiliation", "people", i)
        if person.get("login") is None and not person.get("emails"):
            yield loc, "a person needs a `login` or at least one address in `emails`"
        periods: list[tuple[int, dt.date, dt.date]] = []
        for j, employment in _items(person.get("employments")):
            start, end = _as_date(employment.get("from")), _as_date(employment.get("to"))
            if start is None or (employment.get("to") is not None and end is None):
                continue
            if end is not None and end < start:
                yield (*loc, "employments", j, "to"), f"`to` ({end}) is before `from` ({start})"
                continue
            last = end or dt.date.max
            for k, other_start, other_end in periods:
                if start <= other_end and other_start <= last:
                    shown = "" if other_end == dt.date.max else str(other_end)
                    yield (
                        (*loc, "employments", j),
                        f"overlaps employments[{k}] ({other_start} to {shown or 'now'}); "
                        "employment periods must not overlap",
                    )
                    break
            periods.append((j, start, last))


def _objective_issues(data: dict[str, Any]) -> Iterator[tuple[Loc, str]]:
    groups = data.get("groups") if data.get("groups") is not None else {}
    organizations = data.get("organizations") or []
    orgs = (
        {o.lower() for o in organizations if isinstance(o, str)}
        if isinstance(organizations, list)
        else None
    )
    seen: dict[str, int] = {}
    for i, objective in _items(data.get("objectives")):
        loc: Loc = ("objectives", i)
        oid = objective.get("id")
        if isinstance(oid, str):
            oid = oid.strip()
            if oid in seen:
                yield (*loc, "id"), f"duplicate id {oid!r} (also used by objectives[{seen[oid]}])"
            else:
                seen[oid] = i
        scope = objective.get("scope")
        match = _SCOPE_RE.fullmatch(scope.strip()) if isinstance(scope, str) else None
        kind, value = (match["kind"], match["value"]) if match else (None, "")
        if kind == "group" and isinstance(groups, dict) and value not in groups:
            known = ", ".join(sorted(map(str, groups))) or "none defined"
            yield (
                (*loc, "scope"),
                f"unknown group {value!r}; define it under `groups:` (known: {known})",
            )
        if kind == "org" and orgs is not None and value.lower() not in orgs:
            yield (
                (*loc, "scope"),
                f"organization {value!r} is not listed under `organizations:`",
            )
        baseline = objective.get("baseline")
        baseline_date = _as_date(baseline.get("date")) if isinstance(baseline, dict) else None
        start, due = _as_date(objective.get("start")), _as_date(objective.get("due"))
        if due is not None and start is not None and due <= start:
            yield (*loc, "due"), f"`due` ({due}) must be after `start` ({start})"
        elif due is not None and start is None and baseline_date and due <= baseline_date:
            yield (
                (*loc, "due"),
                f"`due` ({due}) must be after the baseline date ({baseline_date})",
            )


def _known_kpis() -> set[str] | None:
    """KPI ids from the KPI registry, or None when it cannot be consulted (then any id passes).

    Imported lazily: the registry may pull in heavy dependencies, and the config must stay
    loadable on its own (e.g. for `--help`-time validation) even while `kpis` is broken.
    """
    try:
        from kpis import REGISTRY
    except ImportError:
        return None
    known = {str(k) for k in REGISTRY}
    # An empty registry means registration has not happened, not that no KPI is valid.
    return known or None


# --------------------------------------------------------------------------- errors


@dataclasses.dataclass(frozen=True)
class ConfigIssue:
    """One problem in a config. ``line``/``column`` are 1-based; None when unknown."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ConfigError(Exception):
    """The configuration is invalid; ``errors`` lists every problem found."""

    def __init__(self, errors: Iterable[ConfigIssue]) -> None:
        self.errors: list[ConfigIssue] = list(errors)
        super().__init__("\n".join(str(issue) for issue in self.errors))


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


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (for "did you mean" hints)."""
    tp: Any = Config
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = {(f.alias or n): f for n, f in tp.model_fields.items()}
            if part not in fields:
                return None
            tp = fields[part].annotation  # type: ignore[index]
        elif get_origin(tp) is list:
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _unknown_key_message(loc: Loc) -> str:
    key = str(loc[-1])
    if loc[:-1] == ("github",) and key in ("token", "api_token", "github_token"):
        return (
            "unknown key; set `token_env` to the NAME of the environment variable that "
            "holds the token (the token itself never belongs in this file)"
        )
    model = _model_at(loc[:-1])
    if model is None:
        return "unknown key"
    allowed = [info.alias or name for name, info in model.model_fields.items()]
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"unknown key (did you mean {close[0]!r}?)"
    return f"unknown key (allowed: {', '.join(allowed)})"


def _pydantic_message(error: Mapping[str, Any]) -> str:
    kind, msg, loc = error["type"], str(error["msg"]), tuple(error["loc"])
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return _unknown_key_message(loc)
    if kind == "model_type":
        return "expected a mapping of keys to values"
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


# --------------------------------------------------------------------------- YAML positions


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves impossible dates (2024-02-30) as strings.

    PyYAML raises a bare ValueError without a position for those; as strings they reach
    pydantic, which reports them like any other bad date, with line and column.
    """


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _is_empty_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") and node.value == ""


def _node_at(root: yaml.Node | None, loc: Loc, *, key: bool = False) -> yaml.Node | None:
    """The node for a pydantic ``loc``: the value, or the key node when ``key`` is set (or
    when the value is empty); the deepest existing parent when the path does not exist."""
    node = root
    for index, part in enumerate(loc):
        if node is None:
            return None
        last = index == len(loc) - 1
        if isinstance(node, yaml.MappingNode):
            pair = None
            for k, v in node.value:  # later duplicates win, as they do when constructing
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    pair = (k, v)
            if pair is None:
                return node  # e.g. a missing required key: point at the enclosing mapping
            if index + 1 < len(loc) and loc[index + 1] == "[key]":
                return pair[0]
            if last and (key or _is_empty_null(pair[1])):
                return pair[0]
            node = pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node


def _duplicate_key_issues(root: yaml.Node | None) -> Iterator[tuple[yaml.Node, str]]:
    """PyYAML silently keeps the last of two equal keys; report it instead."""
    stack, visited = [root], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in visited:  # aliases can make the graph cyclic
            continue
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and not k.tag.endswith(":merge"):
                    if k.value in seen:
                        first = seen[k.value].start_mark.line + 1
                        yield k, f"duplicate key {k.value!r} (first given on line {first})"
                    seen[k.value] = k
                stack += [k, v]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def _yaml_error(exc: yaml.YAMLError, text: str, source: str) -> ConfigError:
    """A ConfigError for a PyYAML parse error, positioned where the parser gave up."""
    line = column = None
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            line, column = mark.line + 1, mark.column + 1
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            where = f" (line {exc.context_mark.line + 1})" if exc.context_mark else ""
            message = f"{exc.context}{where}: {exc.problem}"
    else:  # ReaderError (control characters) has a character offset instead of a mark
        position = getattr(exc, "position", None)
        if isinstance(position, int):
            line = text.count("\n", 0, position) + 1
            column = position - (text.rfind("\n", 0, position) + 1) + 1
        message = getattr(exc, "reason", None) or "cannot be parsed"
    return ConfigError([ConfigIssue(source, line, column, "", f"YAML syntax error: {message}")])


def _parse_yaml(text: str, source: str) -> tuple[Any, yaml.Node | None, list[ConfigIssue]]:
    """Parse ``text`` into (plain data, node tree, duplicate-key issues).

    Syntax errors become a ConfigError; duplicate keys are returned so that they are reported
    together with the validation errors.
    """
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # the reader checks for control characters right away
        raise _yaml_error(exc, text, source) from None
    try:
        root = loader.get_single_node()
        duplicates = [
            ConfigIssue(source, k.start_mark.line + 1, k.start_mark.column + 1, "", message)
            for k, message in _duplicate_key_issues(root)
        ]
        # Constructing after the duplicate check: construction flattens `<<` merge keys into
        # the mapping nodes, which would look like duplicates.
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text, source) from None
    finally:
        loader.dispose()
    return data, root, duplicates


# --------------------------------------------------------------------------- loading


def _issue(
    source: str, root: yaml.Node | None, loc: Loc, message: str, *, key: bool
) -> ConfigIssue:
    node = _node_at(root, loc, key=key)
    mark = node.start_mark if node is not None else None
    return ConfigIssue(
        source,
        mark.line + 1 if mark else None,
        mark.column + 1 if mark else None,
        _format_loc(loc),
        message,
    )


def _build(
    data: Any,
    source: str,
    root: yaml.Node | None = None,
    path: Path | None = None,
    issues: list[ConfigIssue] | None = None,
) -> Config:
    if data is None:
        data = {}  # an empty file (or only comments) is a valid, empty config
    issues = list(issues or ())
    config: Config | None = None
    try:
        config = Config.model_validate(data, context={_DEFER_CROSS_CHECKS: True})
    except ValidationError as exc:
        for error in exc.errors(include_url=False, include_input=False):
            loc = tuple(error["loc"])
            issues.append(
                _issue(
                    source,
                    root,
                    loc,
                    _pydantic_message(error),
                    key=error["type"] == "extra_forbidden",
                )
            )
    # Run regardless of the outcome above so that all problems are reported in one go.
    for loc, message in _cross_field_issues(data):
        issues.append(_issue(source, root, loc, message, key=False))
    if issues or config is None:
        unique = dict.fromkeys(issues)  # drop exact duplicates, keep order
        raise ConfigError(sorted(unique, key=lambda i: (i.line or 0, i.column or 0)))
    config._path = path
    config._source = source
    return config


def config_from_mapping(data: Mapping[str, Any] | None, source: str = "<demo>") -> Config:
    """Validate an in-memory config (e.g. the built-in demo). Errors name ``source`` and the
    field but carry no line numbers. Relative paths resolve against the current directory."""
    return _build(dict(data) if data is not None else None, source, None, None)


def load_config(path: str | Path) -> Config:
    """Read and validate a YAML config file; raise :class:`ConfigError` listing all problems."""
    source = os.fspath(path)
    file = Path(path).expanduser()
    try:
        text = file.read_text(encoding="utf-8-sig")  # -sig: tolerate a BOM from Windows editors
    except FileNotFoundError:
        # Name the absolute path too: "not found" is usually about the working directory.
        where = "" if file.is_absolute() else f" (looked for {file.absolute()})"
        raise ConfigError(
            [ConfigIssue(source, None, None, "", f"configuration file not found{where}")]
        ) from None
    except IsADirectoryError:
        raise ConfigError(
            [ConfigIssue(source, None, None, "", "is a directory, expected a YAML file")]
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [ConfigIssue(source, None, None, "", f"not valid UTF-8 text ({exc.reason})")]
        ) from None
    except OSError as exc:
        raise ConfigError(
            [ConfigIssue(source, None, None, "", f"cannot read file: {exc.strerror or exc}")]
        ) from None
    data, root, duplicates = _parse_yaml(text, source)
    return _build(data, source, root, file.absolute(), duplicates)


def find_config_path(
    cli_value: str | Path | None = None, env: Mapping[str, str] = os.environ
) -> Path | None:
    """The config file to use: ``--config`` value, else ``$OSPO_CONFIG``, else ``./ospo.yml``
    if it exists, else None (the caller then uses the built-in demo config).

    An explicitly named file is returned even if missing so that :func:`load_config` reports
    it, rather than silently falling back to demo data.
    """
    if cli_value:
        return Path(cli_value)
    if env.get(CONFIG_ENV_VAR):
        return Path(env[CONFIG_ENV_VAR])
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


def resolve_database_url(config: Config | None, env: Mapping[str, str] = os.environ) -> str:
    """The database URL: ``$DATABASE_URL`` > ``config.database`` > ``sqlite:///ospo_metrics.db``.

    Relative SQLite paths (``sqlite:///name.db``) are left as they are, so SQLAlchemy resolves
    them against the current working directory -- the repository root for a user running
    ``streamlit run app.py`` there -- and not against the config file's folder.
    """
    from_env = env.get(DATABASE_ENV_VAR, "").strip()
    if from_env:
        return from_env
    if config is not None and config.database:
        return config.database
    return DEFAULT_DATABASE_URL
