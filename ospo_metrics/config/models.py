"""The configuration's pydantic models, one per section of ``ospo.yml``."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import (
    Field,
    PositiveInt,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ospo_metrics.config.alerts import AlertsConfig
from ospo_metrics.config.base import _Model
from ospo_metrics.config.compliance import ComplianceConfig
from ospo_metrics.config.fields import (
    _AGGREGATION_RE,
    _ENV_NAME_RE,
    _FULL_NAME_RE,
    _GIT_URL_RE,
    _GROUP_NAME_RE,
    _LEGACY_TOKEN_RE,
    _LOGIN_RE,
    _SCOPE_RE,
    _TOKEN_PREFIXES,
    BUILTIN_BOT_PATTERNS,
    BUILTIN_GENERIC_DOMAINS,
    Domain,
    DomainGlob,
    Email,
    FullName,
    GroupName,
    Login,
    NonEmptyStr,
    RepoGlob,
    Slug,
    _domain_matches,
    _format_loc,
    glob_match,
)
from ospo_metrics.config.health import HealthConfig
from ospo_metrics.config.rules import (
    _cross_field_issues,
    _known_kpis,
)
from ospo_metrics.config.service_levels import ServiceLevelsConfig

# --------------------------------------------------------------------------- models


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
        # Never echo `value` here: it would print the credential we are refusing.
        if "@" in parts.netloc:
            raise ValueError(
                "must not contain a user name, password or token (user:secret@host); give "
                "the token through the environment variable named by `token_env` (and revoke "
                "the token if this file was shared)"
            )
        if parts.query or parts.fragment:
            raise ValueError(
                "must be the API root without a query or fragment (e.g. "
                "https://ghe.example.com/api/v3); credentials belong in `token_env`"
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
    # A shallow clone (`path:`): refuse to collect it, or run `git fetch --unshallow` first.
    shallow: Literal["refuse", "unshallow"] = "refuse"

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


class MirrorsConfig(_Model):
    """Bare mirrors of organization and `github:` repositories, mined for commits."""

    # false: organizations give issues and pull requests only, no commits (no clones).
    enabled: bool = True
    include_forks: bool = False
    # Archived repositories are read-only on GitHub: their history is mirrored once, then
    # fetched like any other (it no longer changes).
    include_archived: bool = True
    # Skip repositories whose GitHub `size` (KB, the packed history) is above this.
    max_size_kb: PositiveInt | None = None
    # Repositories cloned or fetched at the same time.
    parallel: int = Field(default=4, ge=1, le=32)


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
    """Accounts to exclude from people metrics, on top of the built-in patterns and AI agents."""

    logins: list[NonEmptyStr] = Field(default_factory=list)
    emails: list[Email] = Field(default_factory=list)
    patterns: list[NonEmptyStr] = Field(default_factory=list)
    # AI coding agents (Copilot, Claude, Sourcery, Devin, ...): left out of people KPIs like
    # bots, or counted as contributors. Either way their contributions are counted and shown.
    ai_agents: Literal["bots", "contributors"] = "bots"
    ai_agent_patterns: list[NonEmptyStr] = Field(default_factory=list)

    @property
    def all_patterns(self) -> tuple[str, ...]:
        """Built-in bot patterns plus ``patterns``."""
        return BUILTIN_BOT_PATTERNS + tuple(self.patterns)

    def is_bot(
        self, login: str | None = None, name: str | None = None, email: str | None = None
    ) -> bool:
        """True if this account is left out of people KPIs: the one rule of
        :class:`ospo_metrics.people.bots.BotRules` (login, name, e-mail and its local part)."""
        from ospo_metrics.people.bots import BotRules  # the rule lives with the people

        return BotRules.from_config(self).is_bot(name=name, email=email, login=login)


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
    # One of the OSPO book's impact goals (partner, community, ecosystem, organizational) or a
    # theme of your own (a slug such as "public-sector").
    goal: Slug | None = None
    # Who answers for it (a name or an e-mail address); alerts go to them (see `alerts:`).
    owner: NonEmptyStr | None = None
    # Hours KPIs (time to first response, time to close) in business hours (`service_levels:`).
    business_hours: bool = False
    # The configuration this objective belongs to, for its business calendar (set by Config).
    _config: Any = PrivateAttr(default=None)

    @property
    def config(self) -> Any:
        """The whole configuration the objective came from (None when built on its own)."""
        return self._config

    @model_validator(mode="after")
    def _check_business_hours(self) -> Self:
        if self.business_hours and self.kpi not in ("time_to_first_response", "time_to_close"):
            raise ValueError(
                "business_hours applies to time_to_first_response and time_to_close only"
            )
        return self

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


class PrivacyConfig(_Model):
    """Privacy mode (see ospo_metrics.people.privacy): `privacy: true` is `hide_people: true`."""

    hide_people: bool = False

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: object) -> object:
        if isinstance(data, bool):
            return {"hide_people": data}
        if data is not None and not isinstance(data, dict):
            raise ValueError("write `privacy: true` or `privacy: {hide_people: true}`")
        return data


class Config(_Model):
    """The whole ``ospo.yml``. Build it with :func:`load_config` / :func:`config_from_mapping`."""

    database: str | None = None
    data_dir: Path = Path("data")
    demo: bool = False
    github: GitHubConfig = Field(default_factory=GitHubConfig)
    organizations: list[Login] = Field(default_factory=list)
    repositories: list[RepositorySource] = Field(default_factory=list)
    mirrors: MirrorsConfig = Field(default_factory=MirrorsConfig)
    groups: dict[GroupName, list[RepoGlob]] = Field(default_factory=dict)
    upstream: UpstreamConfig = Field(default_factory=UpstreamConfig)
    affiliation: AffiliationConfig | None = None
    bots: BotsConfig = Field(default_factory=BotsConfig)
    objectives: list[Objective] = Field(default_factory=list)
    compliance: ComplianceConfig = Field(default_factory=ComplianceConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    health: HealthConfig = Field(default_factory=HealthConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    service_levels: ServiceLevelsConfig = Field(default_factory=ServiceLevelsConfig)

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
    def _link_objectives(self) -> Self:
        # A business-hours objective needs `service_levels:` and the groups to find its calendar.
        for objective in self.objectives:
            objective._config = self
        return self

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
