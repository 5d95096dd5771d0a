"""The `health:` section: when a repository counts as stale, the response target, and the
repositories excused from the stale rule (by name or topic, each with a reason and an expiry)."""

from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import Field, PositiveInt, field_validator, model_validator

from ospo_metrics.config.base import _Model
from ospo_metrics.config.fields import NonEmptyStr, RepoGlob


class StaleExemption(_Model):
    """Repositories (a name or glob, or every repository with a topic) that are quiet on
    purpose: not flagged stale until `until`, for `reason`."""

    repository: RepoGlob | None = None
    topic: NonEmptyStr | None = None
    reason: NonEmptyStr
    until: dt.date

    @field_validator("topic")
    @classmethod
    def _lower(cls, value: str | None) -> str | None:
        return value.strip().lower() if value else value

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.repository is None) == (self.topic is None):
            raise ValueError("give exactly one of `repository` (a name or glob) or `topic`")
        return self


class HealthConfig(_Model):
    """Project health: a repository with no commit and no push for `stale_after_days` is
    stale; items should get a first response within `response_target_hours`."""

    stale_after_days: PositiveInt = 180
    response_target_hours: float = Field(default=48.0, gt=0)
    exemptions: list[StaleExemption] = Field(default_factory=list)


__all__ = ["HealthConfig", "StaleExemption"]
