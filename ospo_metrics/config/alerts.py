"""The `alerts:` section: where an objective's owner hears that its status changed, or that a
KPI crossed a threshold (see ospo_metrics.strategy.alerts).

Every credential is the NAME of an environment variable, never a value: the SMTP password,
and the webhook URLs themselves (a Slack or Teams incoming-webhook URL is a secret: whoever
has it can post). The GitHub channel uses the collector's credential (`github.token_env`).
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, PositiveInt, field_validator, model_validator

from ospo_metrics.config.base import _Model
from ospo_metrics.config.fields import _ENV_NAME_RE, _FULL_NAME_RE, NonEmptyStr, Slug
from ospo_metrics.config.rules import _known_kpis

Channel = str  # "email:ADDRESS", "webhook:NAME" or "github"


def _env_name(value: str) -> str:
    value = value.strip()
    if not _ENV_NAME_RE.fullmatch(value):
        # Never echo the value: it may be the secret itself pasted in by mistake.
        raise ValueError(
            "must be the NAME of an environment variable (letters, digits and _), never the "
            "secret itself"
        )
    return value


class EmailChannel(_Model):
    """An SMTP server; STARTTLS unless `starttls: false` (e.g. a relay on localhost)."""

    host: NonEmptyStr
    port: PositiveInt = 587
    starttls: bool = True
    sender: NonEmptyStr = Field(alias="from")
    username_env: str | None = None
    password_env: str | None = None
    timeout_seconds: PositiveInt = 30

    @field_validator("username_env", "password_env")
    @classmethod
    def _check_env(cls, value: str) -> str:
        return _env_name(value)


class WebhookChannel(_Model):
    """An incoming webhook (Slack or Microsoft Teams); its URL is read from `url_env`."""

    name: Slug
    url_env: str
    format: Literal["slack", "teams"] = "slack"

    @field_validator("url_env")
    @classmethod
    def _check_env(cls, value: str) -> str:
        return _env_name(value)


class GitHubIssueChannel(_Model):
    """Alerts as issues in one repository: one issue per objective or threshold, updated
    (and commented on) at each change rather than opened again."""

    repository: str
    labels: list[NonEmptyStr] = Field(default_factory=lambda: ["ospo-metrics"])

    @field_validator("repository")
    @classmethod
    def _check_repository(cls, value: str) -> str:
        value = value.strip()
        if not _FULL_NAME_RE.fullmatch(value):
            raise ValueError("must be OWNER/NAME of a GitHub repository")
        return value


class Threshold(_Model):
    """Alert when a KPI's last complete period crosses a line (``above`` or ``below`` it)."""

    id: Slug
    kpi: str
    scope: str = "all"
    period: Literal["week", "month", "quarter"] = "week"
    above: float | None = None
    below: float | None = None
    owner: NonEmptyStr | None = None

    @field_validator("kpi")
    @classmethod
    def _check_kpi(cls, value: str) -> str:
        value = value.strip()
        known = _known_kpis()
        if known is not None and value not in known:
            raise ValueError(f"unknown KPI {value!r}; known: {', '.join(sorted(known))}")
        return value

    @model_validator(mode="after")
    def _one_bound(self) -> Self:
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of `above` or `below`")
        return self


class AlertsConfig(_Model):
    """Channels, who hears what, and how often."""

    # immediate: one message per change at each run; digest: the week's changes in one
    # message per recipient, sent when the last digest is at least 7 days old.
    mode: Literal["immediate", "digest"] = "immediate"
    email: EmailChannel | None = None
    webhooks: list[WebhookChannel] = Field(default_factory=list)
    github: GitHubIssueChannel | None = None
    # owner (as written in `owner:`) -> channels; owners not listed use `default`, and an
    # owner that is an e-mail address gets e-mail when `email` is configured.
    owners: dict[NonEmptyStr, list[Channel]] = Field(default_factory=dict)
    default: list[Channel] = Field(default_factory=list)
    thresholds: list[Threshold] = Field(default_factory=list)
    # The dashboard's address, for links in the messages (e.g. https://ospo.acme.com).
    dashboard_url: str | None = None

    @model_validator(mode="after")
    def _check_channels(self) -> Self:
        names = {hook.name for hook in self.webhooks}
        for channel in [*self.default, *(c for cs in self.owners.values() for c in cs)]:
            kind, _, target = channel.partition(":")
            if kind == "email" and target and "@" in target:
                if self.email is None:
                    raise ValueError(f"{channel!r}: e-mail needs an `alerts.email` server")
            elif kind == "webhook" and target:
                if target not in names:
                    raise ValueError(f"{channel!r}: no webhook named {target!r} in `webhooks`")
            elif channel == "github":
                if self.github is None:
                    raise ValueError("'github': needs `alerts.github.repository`")
            else:
                raise ValueError(
                    f"{channel!r} is not a channel; use email:ADDRESS, webhook:NAME or github"
                )
        if len(names) != len(self.webhooks):
            raise ValueError("webhook names must be unique")
        return self
