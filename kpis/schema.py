"""Input frame schemas shared by the query layer, the KPI functions and the tests.

The query layer must produce exactly these columns; :func:`commits_frame` and
:func:`issues_frame` coerce a DataFrame (or a list of row dicts) to the schema so that
fixtures and production data take the same shape, down to dtypes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

UTC_TIMESTAMP = "datetime64[ns, UTC]"

# Column name -> dtype. "str" is pandas 3's default string dtype. Only what some KPI reads:
# a column here is loaded for every commit of every repository (millions of rows).
COMMITS_SCHEMA: dict[str, str] = {
    "repo": "str",
    "authored_at": UTC_TIMESTAMP,
    "author_id": "int64",
    "is_bot": "bool",
    "is_merge": "bool",
    "organization": "str",
    "is_employee": "bool",
    "signed_off": "bool",
    "relationship": "str",
}

ISSUES_SCHEMA: dict[str, str] = {
    "repo": "str",
    "number": "int64",
    "is_pull_request": "bool",
    "author_id": "Int64",  # nullable: deleted ("ghost") accounts have no id
    "author_login": "str",
    "author_is_bot": "bool",
    "author_is_employee": "bool",
    "state": "str",
    "created_at": UTC_TIMESTAMP,
    "closed_at": UTC_TIMESTAMP,
    "merged_at": UTC_TIMESTAMP,
    "first_response_at": UTC_TIMESTAMP,
    "is_draft": "bool",
    "relationship": "str",
}

# Compliance and supply chain (see kpis.compliance and kpis.supply_chain for what they mean).
REPOSITORIES_SCHEMA: dict[str, str] = {
    "repo": "str",
    "relationship": "str",
    "visibility": "str",  # missing for repositories known only from git: treated as public
    "is_archived": "bool",
    "is_fork": "bool",
    "checked_through": UTC_TIMESTAMP,  # the last time the repository's files were read
}

FILE_CHECKS_SCHEMA: dict[str, str] = {
    "repo": "str",
    "check": "str",
    "observed_at": UTC_TIMESTAMP,  # the state holds from here until the repo's next row
    "present": "bool",
    "path": "str",
    "license": "str",  # LICENSE rows: the SPDX expression detected from the text
    "license_match": "str",  # exact | modified | unknown
}

REQUIREMENTS_SCHEMA: dict[str, str] = {
    "repo": "str",
    "check": "str",
    "severity": "str",  # critical | high | medium | low
    "exempt_until": UTC_TIMESTAMP,  # NaT: no exemption; exempt through that whole day
    "exempt_reason": "str",
    "threshold": "float64",  # SCORECARD: the minimum aggregate score (NaN: any result passes)
}

SCORECARD_SCHEMA: dict[str, str] = {
    "repo": "str",
    "check": "str",  # a Scorecard check name, or "aggregate"
    "run_date": UTC_TIMESTAMP,
    "score": "float64",  # -1 = inconclusive: kept, never averaged
    "reason": "str",
}

SBOMS_SCHEMA: dict[str, str] = {
    "repo": "str",
    "sbom_id": "int64",
    "created_at": UTC_TIMESTAMP,
    "source": "str",
    "format": "str",
}

DEPENDENCIES_SCHEMA: dict[str, str] = {
    "repo": "str",
    "sbom_id": "int64",
    "purl": "str",
    "name": "str",
    "version": "str",
    "ecosystem": "str",
    "license": "str",  # normalized SPDX expression; missing when the SBOM gives none
    "is_direct": "boolean",  # missing when the SBOM does not say
    "verdict": "str",  # allowed | review | denied, from the configured license policy
    "source_repository": "str",  # github.com/OWNER/NAME where the package is developed
}

# What a package registry (deps.dev) says of the packages our SBOMs list (see kpis.libyears):
# one row per package and version; a package the registry does not know (status "unknown")
# or that was never answered ("failed") has one row without a version.
PACKAGE_RELEASES_SCHEMA: dict[str, str] = {
    "ecosystem": "str",  # the purl type, as the dependencies frame has it
    "name": "str",  # the package name, as the dependencies frame has it
    "status": "str",  # found | unknown | failed
    "version": "str",
    "published_at": UTC_TIMESTAMP,  # NaT: the registry gives no date
    "is_default": "bool",  # the registry's latest (default) version
}

# Project health (see kpis.health): what a repository is and what was published from it.
REPOSITORY_DETAILS_SCHEMA: dict[str, str] = {
    "repo": "str",
    "relationship": "str",
    "is_archived": "bool",
    "is_fork": "bool",
    "created_at": UTC_TIMESTAMP,  # missing for repositories known only from git
    "pushed_at": UTC_TIMESTAMP,  # the platform's last push (missing: git only)
    "topics": "str",  # the platform's topics, lower case, comma-separated
    "stale_after_days": "float64",  # the configured limit (health.stale_after_days)
    "stale_exempt_until": UTC_TIMESTAMP,  # NaT: no exemption; exempt through that whole day
    "stale_exempt_reason": "str",
}

RELEASES_SCHEMA: dict[str, str] = {
    "repo": "str",
    "tag": "str",
    "published_at": UTC_TIMESTAMP,  # drafts (never published) are not loaded
    "is_prerelease": "bool",
}

# One row per contribution and person credited (CHAOSS "Contributors"): a commit authored or
# co-authored, an issue or pull request opened, a review, a comment. See kpis.contributions.
CONTRIBUTIONS_SCHEMA: dict[str, str] = {
    "repo": "str",
    "relationship": "str",
    "kind": "str",  # one of CONTRIBUTION_KINDS
    "person_id": "int64",
    "occurred_at": UTC_TIMESTAMP,
    "actor": "str",  # human | bot | ai_agent
    "is_bot": "bool",  # left out of people KPIs (a bot, or an AI agent unless configured)
    "organization": "str",
    "is_employee": "bool",
    "affiliation_known": "bool",  # the organization comes from evidence, not a default
}

# Forks of repositories we own (see kpis.public_sector): one row per fork GitHub listed, with
# its owner's organization on the fork date (the contributions' affiliation rules).
FORKS_SCHEMA: dict[str, str] = {
    "repo": "str",  # the repository forked
    "relationship": "str",
    "fork": "str",  # the fork's full name
    "owner_login": "str",
    "owner_type": "str",  # User | Organization | Bot
    "created_at": UTC_TIMESTAMP,
    "deleted_at": UTC_TIMESTAMP,  # NaT: still listed
    "owner_is_ours": "bool",  # the owner is one of our configured organizations
    "is_bot": "bool",
    "organization": "str",  # the owner's organization on the fork date (people only)
    "is_employee": "bool",
}

COMMIT_COLUMNS: tuple[str, ...] = tuple(COMMITS_SCHEMA)
ISSUE_COLUMNS: tuple[str, ...] = tuple(ISSUES_SCHEMA)
CONTRIBUTION_COLUMNS: tuple[str, ...] = tuple(CONTRIBUTIONS_SCHEMA)

# Contribution kinds, as the contributors-by-kind breakdown names them.
KIND_COMMIT = "commit"
KIND_CO_AUTHORED = "co_authored_commit"
KIND_ISSUE = "issue"
KIND_PULL_REQUEST = "pull_request"
KIND_REVIEW = "review"
KIND_COMMENT = "comment"
CONTRIBUTION_KINDS: tuple[str, ...] = (
    KIND_COMMIT,
    KIND_CO_AUTHORED,
    KIND_ISSUE,
    KIND_PULL_REQUEST,
    KIND_REVIEW,
    KIND_COMMENT,
)

# Relationship values.
OWNED = "owned"
UPSTREAM = "upstream"
# Issue / pull request states.
STATE_OPEN = "open"
STATE_CLOSED = "closed"
STATE_MERGED = "merged"
# Organization values that name no organization (see the elephant factor definition): no
# employer ("Independent"), not known ("Unknown"), and the accounts of bots and AI agents.
INDEPENDENT = "Independent"
UNKNOWN = "Unknown"
BOT_ORGANIZATION = "Bot"
AI_AGENT_ORGANIZATION = "AI agent"
NON_ORGANIZATIONS: frozenset[str] = frozenset(
    {INDEPENDENT, UNKNOWN, BOT_ORGANIZATION, AI_AGENT_ORGANIZATION}
)

SCHEMAS: dict[str, dict[str, str]] = {
    "commits": COMMITS_SCHEMA,
    "issues": ISSUES_SCHEMA,
    "repositories": REPOSITORIES_SCHEMA,
    "file_checks": FILE_CHECKS_SCHEMA,
    "requirements": REQUIREMENTS_SCHEMA,
    "scorecard": SCORECARD_SCHEMA,
    "sboms": SBOMS_SCHEMA,
    "dependencies": DEPENDENCIES_SCHEMA,
    "package_releases": PACKAGE_RELEASES_SCHEMA,
    "contributions": CONTRIBUTIONS_SCHEMA,
    "repository_details": REPOSITORY_DETAILS_SCHEMA,
    "releases": RELEASES_SCHEMA,
    "forks": FORKS_SCHEMA,
}


def _coerce(
    data: pd.DataFrame | Iterable[Mapping[str, Any]],
    schema: dict[str, str],
    name: str,
    keep: Iterable[str] = (),
):
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
    missing = [column for column in schema if column not in frame.columns]
    if frame.columns.size and missing:
        raise ValueError(f"{name} frame is missing columns: {', '.join(missing)}")
    if not frame.columns.size:
        # An empty list of rows has no columns at all; give it the full schema.
        frame = pd.DataFrame({column: [] for column in schema})
    out = {}
    for column, dtype in schema.items():
        values = frame[column]
        if dtype == UTC_TIMESTAMP:
            # utc=True turns any offset (e.g. +02:00) into UTC; naive values are taken as UTC.
            values = pd.to_datetime(values, utc=True)
        out[column] = values.astype(dtype)
    for column in keep:
        if column in frame.columns and column not in out:
            out[column] = frame[column].to_numpy()
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def commits_frame(
    data: pd.DataFrame | Iterable[Mapping[str, Any]], keep: Iterable[str] = ()
) -> pd.DataFrame:
    """Return a commits frame with exactly :data:`COMMIT_COLUMNS`, cast to the schema dtypes
    (plus the `keep` columns the caller uses itself, such as row ids, after them)."""
    return _coerce(data, COMMITS_SCHEMA, "commits", keep)


def issues_frame(
    data: pd.DataFrame | Iterable[Mapping[str, Any]], keep: Iterable[str] = ()
) -> pd.DataFrame:
    """Return an issues frame with exactly :data:`ISSUE_COLUMNS`, cast to the schema dtypes
    (plus the `keep` columns the caller uses itself, such as row ids, after them)."""
    return _coerce(data, ISSUES_SCHEMA, "issues", keep)


def frame(name: str, data: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Return the frame called ``name`` with exactly its schema's columns and dtypes (and a
    fresh 0..n-1 index)."""
    if isinstance(data, pd.DataFrame):
        data = data.reset_index(drop=True)
    return _coerce(data, SCHEMAS[name], name)


def empty(name: str) -> pd.DataFrame:
    """An empty frame called ``name`` with the exact schema."""
    return frame(name, [])


def contributions_frame(data: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Return a contributions frame with exactly :data:`CONTRIBUTION_COLUMNS`, cast."""
    return _coerce(data, CONTRIBUTIONS_SCHEMA, "contributions")


def empty_commits() -> pd.DataFrame:
    """An empty commits frame with the exact schema."""
    return commits_frame([])


def empty_issues() -> pd.DataFrame:
    """An empty issues frame with the exact schema."""
    return issues_frame([])


# eq=False: comparing DataFrames with == is element-wise and hashing them fails, so identity
# semantics are the only sane ones for a container of frames.
@dataclass(frozen=True, eq=False)
class Frames:
    """The input DataFrames every KPI reads from; a missing frame defaults to an empty one.

    ``contributions`` left out is derived from the commits and issues given (authored commits,
    issues and pull requests opened: :func:`kpis.contributions.base_contributions`); the read
    layer passes the full frame, with co-authors, reviews and comments.
    """

    commits: pd.DataFrame = field(default_factory=empty_commits)
    issues: pd.DataFrame = field(default_factory=empty_issues)
    repositories: pd.DataFrame = field(default_factory=lambda: empty("repositories"))
    file_checks: pd.DataFrame = field(default_factory=lambda: empty("file_checks"))
    requirements: pd.DataFrame = field(default_factory=lambda: empty("requirements"))
    scorecard: pd.DataFrame = field(default_factory=lambda: empty("scorecard"))
    sboms: pd.DataFrame = field(default_factory=lambda: empty("sboms"))
    dependencies: pd.DataFrame = field(default_factory=lambda: empty("dependencies"))
    package_releases: pd.DataFrame = field(default_factory=lambda: empty("package_releases"))
    repository_details: pd.DataFrame = field(default_factory=lambda: empty("repository_details"))
    releases: pd.DataFrame = field(default_factory=lambda: empty("releases"))
    forks: pd.DataFrame = field(default_factory=lambda: empty("forks"))
    contributions: pd.DataFrame = None  # type: ignore[assignment]  # set in __post_init__

    def __post_init__(self) -> None:
        if self.contributions is None:
            from kpis.contributions import base_contributions  # it builds on this module

            object.__setattr__(self, "contributions", base_contributions(self.commits, self.issues))

    def get(self, name: str) -> pd.DataFrame:
        """The frame called ``name`` (one of :data:`SCHEMAS`)."""
        if name not in SCHEMAS:
            raise KeyError(f"unknown frame {name!r}; expected one of {', '.join(SCHEMAS)}")
        return getattr(self, name)


def empty_frames() -> Frames:
    """Frames with every input empty but correctly typed."""
    return Frames()


def check_columns(frames: Frames, needs: Iterable[str]) -> None:
    """Raise ``ValueError`` naming any schema column absent from the frames in ``needs``."""
    problems = []
    for name in needs:
        frame = frames.get(name)
        missing = [column for column in SCHEMAS[name] if column not in frame.columns]
        if missing:
            problems.append(f"{name}: {', '.join(missing)}")
    if problems:
        raise ValueError("input frames are missing columns — " + "; ".join(problems))
