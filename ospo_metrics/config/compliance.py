"""The `compliance:` section: which checks each repository group requires, exemptions, the
dependency license policy, and the Scorecard and SBOM sources."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from ospo_metrics.config.base import _Model
from ospo_metrics.config.fields import Loc, NonEmptyStr, RepoGlob

Verdict = Literal["allowed", "review", "denied"]
Severity = Literal["critical", "high", "medium", "low"]

# What every repository is held to unless `policy` says otherwise (repolinter's defaults, plus
# a license that is recognised and OSI-approved).
DEFAULT_POLICY = [
    "README",
    "LICENSE",
    "LICENSE_RECOGNIZED",
    "OSI_APPROVED",
    "CONTRIBUTING",
    "CODE_OF_CONDUCT",
    "SECURITY",
]
DEFAULT_SCORECARD_API = "https://api.securityscorecards.dev"
DEFAULT_DEPS_DEV_API = "https://api.deps.dev"


def _check_name(value: str) -> str:
    value = value.strip().upper()
    if not value.replace("_", "").isalnum():
        raise ValueError(f"{value!r} is not a check name: use letters, digits and '_'")
    return value


class Exemption(_Model):
    """A repository (or glob) excused from one check, for a reason, until a date."""

    repository: RepoGlob
    check: str
    reason: NonEmptyStr
    until: dt.date

    @field_validator("check")
    @classmethod
    def _upper(cls, value: str) -> str:
        return _check_name(value)


class LicensePolicy(_Model):
    """Verdicts for dependency licenses: SPDX ids or globs (`GPL-*`), compared case-insensitively.

    `unlisted` is the verdict of a license in no list; `unknown` that of a dependency whose
    SBOM gives no license (NOASSERTION).
    """

    allowed: list[NonEmptyStr] = Field(
        default_factory=lambda: [
            "MIT",
            "Apache-2.0",
            "BSD-2-Clause",
            "BSD-3-Clause",
            "ISC",
            "0BSD",
            "Zlib",
            "Unlicense",
            "CC0-1.0",
            "Python-2.0",
            "PSF-2.0",
        ]
    )
    review: list[NonEmptyStr] = Field(
        default_factory=lambda: ["LGPL-*", "MPL-*", "EPL-*", "CDDL-*", "GPL-* WITH *exception*"]
    )
    denied: list[NonEmptyStr] = Field(
        default_factory=lambda: ["AGPL-*", "GPL-*", "SSPL-*", "BUSL-*", "CC-BY-NC-*"]
    )
    unlisted: Verdict = "review"
    unknown: Verdict = "review"


class ScorecardConfig(_Model):
    """OpenSSF Scorecard: results fetched for public GitHub repositories, and a minimum score."""

    fetch: bool = True
    api_url: str = DEFAULT_SCORECARD_API
    minimum: float | None = Field(default=None, ge=0, le=10)

    @field_validator("api_url")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://api.securityscorecards.dev")
        return value


class SbomConfig(_Model):
    """Where SBOMs come from besides `ospo-metrics import sbom`."""

    github_dependency_graph: bool = True


class RegistryConfig(_Model):
    """Package release dates from deps.dev, for libyears. Off unless turned on: it sends the
    names of the packages our SBOMs list (nothing else) to a third party."""

    fetch: bool = False
    api_url: str = DEFAULT_DEPS_DEV_API
    # A package fetched less than this many days ago is not asked about again.
    refresh_days: int = Field(default=7, ge=0)

    @field_validator("api_url")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://api.deps.dev")
        return value


class ComplianceConfig(_Model):
    """Policy: the checks each group requires (`default` for repositories in no listed group)."""

    extra_files: dict[str, list[NonEmptyStr]] = Field(default_factory=dict)
    policy: dict[str, list[str]] = Field(default_factory=lambda: {"default": list(DEFAULT_POLICY)})
    severity: dict[str, Severity] = Field(default_factory=dict)
    exemptions: list[Exemption] = Field(default_factory=list)
    licenses: LicensePolicy = Field(default_factory=LicensePolicy)
    scorecard: ScorecardConfig = Field(default_factory=ScorecardConfig)
    sbom: SbomConfig = Field(default_factory=SbomConfig)
    registry: RegistryConfig = Field(default_factory=RegistryConfig)
    # A reviewable YAML file mapping package URLs to their source repositories.
    upstream_map: str | None = None

    @field_validator("extra_files", "severity")
    @classmethod
    def _upper_keys(cls, value: dict[str, Any]) -> dict[str, Any]:
        return {_check_name(k): v for k, v in value.items()}

    @field_validator("policy")
    @classmethod
    def _upper_checks(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return {group: [_check_name(c) for c in checks] for group, checks in value.items()}

    @model_validator(mode="after")
    def _known_checks(self) -> Self:
        known = known_checks(self.extra_files)
        if known is None:
            return self
        used = {c for checks in self.policy.values() for c in checks}
        unknown = sorted((used | {e.check for e in self.exemptions} | set(self.severity)) - known)
        if unknown:
            raise ValueError(
                f"unknown check(s) {', '.join(unknown)}; known: {', '.join(sorted(known))} "
                "(add your own files under `extra_files`)"
            )
        return self

    def required_checks(self, groups: list[str]) -> list[str]:
        """The checks a repository in `groups` must pass (the union of its groups' lists)."""
        listed = [g for g in groups if g in self.policy]
        if not listed:
            return list(self.policy.get("default", []))
        return list(dict.fromkeys(c for g in listed for c in self.policy[g]))


def known_checks(extra_files: dict[str, list[str]]) -> set[str] | None:
    """Every check name: built-in ones from `kpis.compliance`, plus the configured extras."""
    try:
        from kpis.compliance import ALL_CHECKS
    except ImportError:  # the config must load even while `kpis` is broken
        return None
    return set(ALL_CHECKS) | set(extra_files)


def compliance_issues(data: dict[str, Any]) -> list[tuple[Loc, str]]:
    """Policy keys must be `default` or a group defined under `groups:`."""
    section = data.get("compliance")
    policy = section.get("policy") if isinstance(section, dict) else None
    if not isinstance(policy, dict):
        return []
    groups = data.get("groups") if isinstance(data.get("groups"), dict) else {}
    return [
        (
            ("compliance", "policy", str(key)),
            f"unknown group {key!r}; use `default` or a group defined under `groups:` "
            f"(known: {', '.join(sorted(map(str, groups))) or 'none defined'})",
        )
        for key in policy
        if key != "default" and key not in groups
    ]


__all__ = [
    "DEFAULT_POLICY",
    "ComplianceConfig",
    "Exemption",
    "LicensePolicy",
    "RegistryConfig",
    "SbomConfig",
    "ScorecardConfig",
    "compliance_issues",
    "known_checks",
]
