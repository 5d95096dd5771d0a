"""Upstream contribution KPIs: pull requests our employees open in projects we do not own,
the reviews they give there, and the projects where they do most of the work.

Only pull requests (not issues) in repositories with relationship "upstream", authored by
someone who was an employee when the pull request was created, and not by a bot account.
The per-project and per-person tables use the same rules as the KPIs, over one window
(:func:`kpis.periods.one_window`), so a table's column sums to the KPI's value for the window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis._util import count_by, flag, hours_between, median_by, nunique_by, result
from kpis.kpi import KPI, NO_VALUE
from kpis.periods import Period, bucket, one_window
from kpis.schema import KIND_REVIEW, UPSTREAM, Frames


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


def resolved_at(prs: pd.DataFrame) -> pd.Series:
    """When a pull request was settled: merged, else closed unmerged (NaT while open)."""
    return prs["merged_at"].fillna(prs["closed_at"])


def _merge_rate(prs: pd.DataFrame, periods: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"period": periods, "merged": prs["merged_at"].notna()})
    frame = frame.dropna(subset=["period"])
    return result(frame.groupby("period")["merged"].mean() * 100.0)


def upstream_merge_rate(frames: Frames, period: Period) -> pd.Series:
    """Share (%) of employees' upstream pull requests settled in each period that were merged."""
    prs = employee_upstream_prs(frames.issues)
    return _merge_rate(prs, bucket(resolved_at(prs), period))


def upstream_time_to_merge(frames: Frames, period: Period) -> pd.Series:
    """Median hours from opening to merge of employees' upstream PRs merged in each period."""
    prs = employee_upstream_prs(frames.issues)
    hours = hours_between(prs["created_at"], prs["merged_at"])
    return median_by(hours, bucket(prs["merged_at"], period))


def upstream_contributions(contributions: pd.DataFrame) -> pd.DataFrame:
    """Contributions of any kind in upstream repositories, bots and AI agents left out."""
    keep = (contributions["relationship"] == UPSTREAM).fillna(False).astype(bool)
    return contributions.loc[keep & ~flag(contributions["is_bot"])]


def employee_upstream_reviews(contributions: pd.DataFrame) -> pd.DataFrame:
    """Pull request reviews our employees submitted in upstream repositories."""
    rows = upstream_contributions(contributions)
    return rows.loc[(rows["kind"] == KIND_REVIEW) & flag(rows["is_employee"])]


def upstream_reviews(frames: Frames, period: Period) -> pd.Series:
    """Number of reviews employees submitted on upstream pull requests in each period."""
    reviews = employee_upstream_reviews(frames.contributions)
    return count_by(bucket(reviews["occurred_at"], period))


def _tracked(rows: pd.DataFrame) -> pd.Series:
    """Rows of upstream projects where others' contributions are collected too (tracked in
    full, not only found by searching for our people's pull requests)."""
    others = rows.loc[~flag(rows["is_employee"]), "repo"].unique()
    return rows["repo"].isin(others)


def upstream_majority_projects(frames: Frames, period: Period) -> pd.Series:
    """Upstream projects (tracked in full) where employees made more than half of the
    contributions in each period."""
    rows = upstream_contributions(frames.contributions)
    rows = rows.loc[_tracked(rows)]
    frame = pd.DataFrame(
        {
            "period": bucket(rows["occurred_at"], period),
            "repo": rows["repo"],
            "ours": flag(rows["is_employee"]).to_numpy(dtype=np.float64),
        }
    ).dropna(subset=["period"])
    if frame.empty:
        return result(pd.Series([], dtype="float64", index=pd.DatetimeIndex([])))
    share = frame.groupby(["period", "repo"])["ours"].mean()
    return result((share > 0.5).groupby(level="period").sum())


PROJECT_COLUMNS = (
    "repo",
    "prs_opened",
    "prs_merged",
    "merge_rate_pct",
    "median_hours_to_merge",
    "reviews",
    "our_people",
    "our_share_pct",
)
PEOPLE_COLUMNS = (
    "person_id",
    "login",
    "prs_opened",
    "prs_merged",
    "merge_rate_pct",
    "median_hours_to_merge",
    "reviews",
    "projects",
)


def _window_parts(frames: Frames, start: pd.Timestamp, end: pd.Timestamp) -> dict:
    """Each measure's rows inside [start, end), by the same time column as its KPI."""
    prs = employee_upstream_prs(frames.issues)
    reviews = employee_upstream_reviews(frames.contributions)
    everyone = upstream_contributions(frames.contributions)
    with one_window(start, end):
        return {
            "opened": prs.loc[bucket(prs["created_at"], "month").notna()],
            "merged": prs.loc[bucket(prs["merged_at"], "month").notna()],
            "settled": prs.loc[bucket(resolved_at(prs), "month").notna()],
            "reviews": reviews.loc[bucket(reviews["occurred_at"], "month").notna()],
            "everyone": everyone.loc[
                _tracked(everyone) & bucket(everyone["occurred_at"], "month").notna()
            ],
        }


def _measures(parts: dict, key: str, keys: dict[str, pd.Series]) -> pd.DataFrame:
    """The table's measures grouped by `keys[part]` (the grouping column of each part)."""
    merged = parts["merged"]
    hours = hours_between(merged["created_at"], merged["merged_at"])
    table = pd.concat(
        {
            "prs_opened": parts["opened"].groupby(keys["opened"]).size(),
            "prs_merged": merged.groupby(keys["merged"]).size(),
            "merge_rate_pct": parts["settled"]["merged_at"].notna().groupby(keys["settled"]).mean()
            * 100.0,
            "median_hours_to_merge": hours.groupby(keys["merged"]).median(),
            "reviews": parts["reviews"].groupby(keys["reviews"]).size(),
        },
        axis=1,
    )
    table.index.name = key
    for column in ("prs_opened", "prs_merged", "reviews"):
        table[column] = table[column].fillna(0).astype("int64")
    return table


def upstream_projects_table(frames: Frames, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """One row per upstream project with activity in [start, end): our PRs opened and merged,
    merge rate and median hours to merge, reviews we gave, how many of our people took part,
    and (for projects tracked in full) our share of all contributions. Busiest first."""
    parts = _window_parts(frames, start, end)
    keys = {name: part["repo"] for name, part in parts.items()}
    table = _measures(parts, "repo", keys)
    if table.empty:
        return pd.DataFrame({column: [] for column in PROJECT_COLUMNS})
    people = pd.concat(
        [
            pd.DataFrame({"repo": parts[name]["repo"], "p": _person_key(parts[name])})
            for name in ("opened", "merged")
        ]
        + [
            pd.DataFrame(
                {
                    "repo": parts["reviews"]["repo"],
                    "p": "id:" + parts["reviews"]["person_id"].astype("string"),
                }
            ),
        ]
    )
    table["our_people"] = people.groupby("repo")["p"].nunique()
    table["our_people"] = table["our_people"].fillna(0).astype("int64")
    everyone = parts["everyone"]
    table["our_share_pct"] = flag(everyone["is_employee"]).groupby(everyone["repo"]).mean() * 100
    table = table.reset_index().sort_values(
        ["prs_opened", "prs_merged", "repo"], ascending=[False, False, True]
    )
    table[["merge_rate_pct", "median_hours_to_merge", "our_share_pct"]] = table[
        ["merge_rate_pct", "median_hours_to_merge", "our_share_pct"]
    ].round(1)
    return table.reset_index(drop=True)[list(PROJECT_COLUMNS)]


def upstream_people_table(frames: Frames, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """One row per employee active upstream in [start, end): PRs opened and merged, merge
    rate, median hours to merge, reviews given, projects contributed to. Busiest first."""
    parts = _window_parts(frames, start, end)
    keys = {
        name: (
            "id:" + part["person_id"].astype("string")
            if name in ("reviews", "everyone")
            else _person_key(part)
        )
        for name, part in parts.items()
    }
    table = _measures(parts, "person", keys)
    if table.empty:
        return pd.DataFrame({column: [] for column in PEOPLE_COLUMNS})
    repos = pd.concat(
        [
            pd.DataFrame({"k": keys[name], "repo": parts[name]["repo"]})
            for name in ("opened", "merged", "reviews")
        ]
    )
    table["projects"] = repos.groupby("k")["repo"].nunique()
    logins = pd.concat([parts["opened"], parts["merged"]])
    logins = logins.groupby(_person_key(logins))["author_login"].last()
    table["login"] = logins
    keys_index = table.index.to_series()
    table["person_id"] = pd.array(
        [int(k[3:]) if k.startswith("id:") else None for k in keys_index], dtype="Int64"
    )
    table.loc[table["login"].isna() & keys_index.str.startswith("login:"), "login"] = (
        keys_index.str[6:]
    )
    table = table.reset_index(drop=True).sort_values(
        ["prs_opened", "reviews", "person_id"], ascending=[False, False, True]
    )
    table[["merge_rate_pct", "median_hours_to_merge"]] = table[
        ["merge_rate_pct", "median_hours_to_merge"]
    ].round(1)
    table["projects"] = table["projects"].fillna(0).astype("int64")
    return table.reset_index(drop=True)[list(PEOPLE_COLUMNS)]


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
    KPI(
        id="upstream_merge_rate",
        title="Upstream merge rate",
        unit="%",
        definition=(
            "Share of our employees' upstream pull requests settled in the period (merged, or "
            "closed without merging) that were merged: the share of our pull requests that "
            "upstream accepted. Bot accounts are not counted; no value without settled PRs."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("issues",),
        compute=upstream_merge_rate,
        group="upstream",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="upstream_time_to_merge",
        title="Upstream time to merge (median)",
        unit="hours",
        definition=(
            "Median hours from opening to merge of our employees' upstream pull requests "
            "merged in the period. Bot accounts are not counted; no value without merges."
        ),
        chaoss=None,
        higher_is_better=False,
        needs=("issues",),
        compute=upstream_time_to_merge,
        group="upstream",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="upstream_reviews",
        title="Upstream reviews given",
        unit="reviews",
        definition=(
            "Number of pull request reviews our employees submitted in upstream projects in "
            "the period (only where the project's reviews are collected). Bots are not "
            "counted; 0 when none."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("contributions",),
        compute=upstream_reviews,
        group="upstream",
        fill_value=0.0,
    ),
    KPI(
        id="upstream_majority_projects",
        title="Upstream projects we mostly carry",
        unit="projects",
        definition=(
            "Number of upstream projects where our employees made more than half of the "
            "period's contributions (commits, pull requests, issues, reviews, comments; bots "
            "left out). Only projects whose other contributors are collected too (tracked in "
            "full) count: a project known only from our own pull requests would read 100 %. "
            "0 when none."
        ),
        chaoss=None,
        higher_is_better=None,
        needs=("contributions",),
        compute=upstream_majority_projects,
        group="upstream",
        fill_value=0.0,
    ),
)
