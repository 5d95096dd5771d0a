"""Compliance coverage: which of our public repositories carry the files an OSPO requires.

Input is one row per repository and check (`COMPLIANCE_COLUMNS`), from the GitHub community
profile. These are point-in-time figures (the state at the last collection), not series.

In scope: repositories we own that are public, not archived and not forks. Archived ones are
frozen and forks follow their upstream, so neither is held to the policy; private repositories
are not open source yet.
"""

from __future__ import annotations

import pandas as pd

COMPLIANCE_COLUMNS = (
    "repo",
    "relationship",
    "visibility",
    "is_archived",
    "is_fork",
    "license_spdx",
    "check",
    "passed",
    "detail",
)
# Required in every repository in scope (repolinter-style); ISSUE_TEMPLATE is advisory.
REQUIRED_CHECKS = ("README", "LICENSE", "CONTRIBUTING", "CODE_OF_CONDUCT", "SECURITY")
# SPDX answers that mean "there is a file, but no license we recognise".
UNRECOGNISED_LICENSES = frozenset({"NOASSERTION", "OTHER", ""})


def _passed(checks: pd.DataFrame) -> pd.Series:
    # A repository without any check row arrives with passed missing; NaN would read as True.
    return checks["passed"].astype("boolean").fillna(False).astype(bool)


def _text(value: object) -> str | None:
    return None if pd.isna(value) else str(value)


def in_scope(checks: pd.DataFrame) -> pd.DataFrame:
    """The rows of owned, public, active, non-fork repositories."""
    keep = (
        (checks["relationship"] == "owned")
        & (checks["visibility"].fillna("public") == "public")
        & ~checks["is_archived"].fillna(False).astype(bool)
        & ~checks["is_fork"].fillna(False).astype(bool)
    )
    return checks.loc[keep]


def coverage_by_check(checks: pd.DataFrame) -> pd.DataFrame:
    """Per required check: repositories passing, repositories in scope, and the share (%)."""
    scoped = in_scope(checks)
    repositories = scoped["repo"].nunique()
    passing = (
        scoped[_passed(scoped)].groupby("check")["repo"].nunique()
        if len(scoped)
        else pd.Series(dtype="int64")
    )
    rows = [
        {
            "check": check,
            "passing": int(passing.get(check, 0)),
            "repositories": repositories,
            "coverage_pct": round(100 * passing.get(check, 0) / repositories, 1)
            if repositories
            else None,
        }
        for check in REQUIRED_CHECKS
    ]
    return pd.DataFrame(rows, columns=["check", "passing", "repositories", "coverage_pct"])


def failing_repositories(checks: pd.DataFrame) -> pd.DataFrame:
    """Repositories in scope missing a required check (a check never reported counts as
    missing), with what is missing, sorted by name."""
    scoped = in_scope(checks)
    rows = []
    for repo, group in scoped.groupby("repo", sort=True):
        passed = set(group.loc[_passed(group), "check"])
        missing = [check for check in REQUIRED_CHECKS if check not in passed]
        if missing:
            rows.append(
                {
                    "repo": repo,
                    "missing": ", ".join(missing),
                    "license": _text(group["license_spdx"].iloc[0]),
                }
            )
    # object dtype: a missing license stays None (pandas' string dtype would make it NaN).
    return pd.DataFrame(rows, columns=["repo", "missing", "license"], dtype=object)


def compliance_summary(checks: pd.DataFrame) -> dict[str, float | int | None]:
    """Repositories in scope, how many pass every required check, and license coverage (%):
    the share with a license GitHub recognises (an SPDX id other than NOASSERTION/OTHER)."""
    scoped = in_scope(checks)
    repositories = int(scoped["repo"].nunique())
    failing = len(failing_repositories(checks))
    licenses = scoped.drop_duplicates("repo")["license_spdx"]
    recognised = licenses.notna() & ~licenses.fillna("").isin(UNRECOGNISED_LICENSES)
    return {
        "repositories": repositories,
        "compliant": repositories - failing,
        "failing": failing,
        "compliant_pct": round(100 * (repositories - failing) / repositories, 1)
        if repositories
        else None,
        "license_coverage_pct": round(100 * recognised.sum() / repositories, 1)
        if repositories
        else None,
    }
