"""Upstream contribution KPIs: pull requests our employees open in projects we do not own.

Only pull requests (not issues) in repositories with relationship "upstream", authored by
someone who was an employee when the pull request was created, and not by a bot account.
"""

from __future__ import annotations

import pandas as pd

from kpis._util import count_by, flag, nunique_by
from kpis.kpi import KPI
from kpis.periods import Period, bucket
from kpis.schema import UPSTREAM, Frames


def employee_upstream_prs(issues: pd.DataFrame) -> pd.DataFrame:
    """Upstream pull requests authored by (non-bot) employees."""
    keep = (issues["relationship"] == UPSTREAM).fillna(False).astype(bool)
    keep &= flag(issues["is_pull_request"]) & flag(issues["author_is_employee"])
    keep &= ~flag(issues["author_is_bot"])
    return issues.loc[keep]


def _person_key(prs: pd.DataFrame) -> pd.Series:
    """One key per person: the account id, or the login when the id is missing."""
    # A deleted account can lose its id but keep a login; dropping it would undercount.
    by_id = "id:" + prs["author_id"].astype("string")
    by_login = "login:" + prs["author_login"].astype("string")
    return by_id.fillna(by_login)


def upstream_prs_opened(frames: Frames, period: Period) -> pd.Series:
    """Number of upstream pull requests opened by employees in each period."""
    prs = employee_upstream_prs(frames.issues)
    return count_by(bucket(prs["created_at"], period))


def upstream_prs_merged(frames: Frames, period: Period) -> pd.Series:
    """Number of employees' upstream pull requests merged in each period."""
    prs = employee_upstream_prs(frames.issues)
    return count_by(bucket(prs["merged_at"], period))


def upstream_projects(frames: Frames, period: Period) -> pd.Series:
    """Distinct upstream repositories where an employee opened a pull request in each period."""
    prs = employee_upstream_prs(frames.issues)
    return nunique_by(prs["repo"], bucket(prs["created_at"], period))


def upstream_contributors(frames: Frames, period: Period) -> pd.Series:
    """Distinct employees who opened at least one upstream pull request in each period."""
    prs = employee_upstream_prs(frames.issues)
    return nunique_by(_person_key(prs), bucket(prs["created_at"], period))


def top_upstream_projects(
    frames: Frames, start: pd.Timestamp, end: pd.Timestamp, limit: int = 10
) -> pd.DataFrame:
    """Upstream repositories ranked by employees' pull requests opened in [start, end).

    Columns: repo, prs_opened, prs_merged (of those opened in the window), contributors
    (distinct employees). Ties keep the repository names in alphabetical order.
    """
    prs = employee_upstream_prs(frames.issues)
    prs = prs[(prs["created_at"] >= start) & (prs["created_at"] < end)]
    columns = ["repo", "prs_opened", "prs_merged", "contributors"]
    if prs.empty:
        return pd.DataFrame(columns=columns)
    table = (
        prs.assign(person=_person_key(prs), merged=prs["merged_at"].notna())
        .groupby("repo")
        .agg(
            prs_opened=("number", "size"),
            prs_merged=("merged", "sum"),
            contributors=("person", "nunique"),
        )
        .reset_index()
        .sort_values(["prs_opened", "repo"], ascending=[False, True])
    )
    return (
        table.head(limit)
        .reset_index(drop=True)[columns]
        .astype({"prs_opened": "int64", "prs_merged": "int64", "contributors": "int64"})
    )


UPSTREAM_KPIS: tuple[KPI, ...] = (
    KPI(
        id="upstream_prs_opened",
        title="Upstream PRs opened",
        unit="pull requests",
        definition=(
            "Number of pull requests our employees opened in upstream projects (projects we do "
            "not own) in the period. Issues and bot accounts are not counted; 0 when none."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("issues",),
        compute=upstream_prs_opened,
        group="upstream",
        fill_value=0.0,
    ),
    KPI(
        id="upstream_prs_merged",
        title="Upstream PRs merged",
        unit="pull requests",
        definition=(
            "Number of our employees' upstream pull requests merged in the period, counted by "
            "merge date whenever they were opened. Bot accounts are not counted; 0 when none."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("issues",),
        compute=upstream_prs_merged,
        group="upstream",
        fill_value=0.0,
    ),
    KPI(
        id="upstream_projects",
        title="Upstream projects",
        unit="projects",
        definition=(
            "Number of different upstream repositories in which our employees opened at least "
            "one pull request in the period. Bot accounts are not counted; 0 when none."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("issues",),
        compute=upstream_projects,
        group="upstream",
        fill_value=0.0,
    ),
    KPI(
        id="upstream_contributors",
        title="Upstream contributors",
        unit="people",
        definition=(
            "Number of different employees who opened at least one pull request in an upstream "
            "project in the period. Bot accounts are not counted; 0 when none."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("issues",),
        compute=upstream_contributors,
        group="upstream",
        fill_value=0.0,
    ),
)
