"""Contributor KPIs over the contributions frame: every kind of contribution counts.

What counts as a contribution is defined in :mod:`kpis.contributions` (commits authored or
co-authored, issues and pull requests opened, reviews, comments). Every KPI here:

- counts contributions to repositories we own (our community; upstream work has its own
  KPIs) among those in view;
- leaves out bots, and AI coding agents unless the configuration counts them as contributors
  (`is_bot`);
- counts a person once however many identities (e-mails, logins) they have: the read layer
  resolves identities to people before any KPI runs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis._util import count_by, flag, nunique_by, result
from kpis.kpi import CHAOSS_KB, KPI, NO_VALUE
from kpis.periods import Period, bucket
from kpis.schema import (
    CONTRIBUTION_KINDS,
    KIND_CO_AUTHORED,
    KIND_COMMIT,
    NON_ORGANIZATIONS,
    OWNED,
    Frames,
)

BY_KIND_COLUMNS = ("period_start", "kind", "contributors")


def counted(contributions: pd.DataFrame) -> pd.DataFrame:
    """Contributions that people KPIs count: to owned repositories, not by bots."""
    keep = (contributions["relationship"] == OWNED).fillna(False).astype(bool)
    keep &= ~flag(contributions["is_bot"])
    return contributions.loc[keep]


def active_contributors(frames: Frames, period: Period) -> pd.Series:
    """Distinct people with at least one contribution of any kind in each period."""
    rows = counted(frames.contributions)
    return nunique_by(rows["person_id"], bucket(rows["occurred_at"], period))


def new_contributors(frames: Frames, period: Period) -> pd.Series:
    """People whose first contribution of any kind (over the whole frame) is in each period."""
    return count_by(bucket(first_contributions(frames)["occurred_at"], period))


def first_contributions(frames: Frames) -> pd.DataFrame:
    """Each person's first counted contribution (what `new_contributors` counts): person_id,
    occurred_at, repo, kind, organization and is_employee of that contribution."""
    rows = counted(frames.contributions)
    columns = ["person_id", "occurred_at", "repo", "kind", "organization", "is_employee"]
    if rows.empty:
        return rows[columns].reset_index(drop=True)
    first = rows.sort_values("occurred_at", kind="stable").drop_duplicates("person_id")
    return first[columns].reset_index(drop=True)


def active_contributors_by_organization(
    frames: Frames, period: Period, start: pd.Timestamp | None = None
) -> pd.DataFrame:
    """`active_contributors` per period and organization (a person counts for the
    organization of each contribution's date, so someone who changed employer counts in both
    that period): columns period_start, organization, contributors; from `start` on."""
    rows = counted(frames.contributions)
    if start is not None:
        rows = rows.loc[rows["occurred_at"] >= pd.Timestamp(start)]
    columns = ["period_start", "organization", "contributors"]
    if rows.empty:
        return pd.DataFrame({column: [] for column in columns})
    table = (
        pd.DataFrame(
            {
                "period_start": bucket(rows["occurred_at"], period),
                "organization": rows["organization"].fillna("Unknown"),
                "person": rows["person_id"],
            }
        )
        .groupby(["period_start", "organization"])["person"]
        .nunique()
        .rename("contributors")
        .reset_index()
    )
    return table.astype({"contributors": "int64"})[columns]


def committers(frames: Frames, period: Period) -> pd.Series:
    """Distinct people who authored or co-authored at least one commit in each period."""
    rows = counted(frames.contributions)
    rows = rows.loc[rows["kind"].isin([KIND_COMMIT, KIND_CO_AUTHORED])]
    return nunique_by(rows["person_id"], bucket(rows["occurred_at"], period))


def organizational_diversity(frames: Frames, period: Period) -> pd.Series:
    """Distinct organizations (not "Independent", "Unknown", bots) contributing per period."""
    rows = counted(frames.contributions)
    rows = rows.loc[~rows["organization"].isin(NON_ORGANIZATIONS)]
    return nunique_by(rows["organization"], bucket(rows["occurred_at"], period))


def _coverage(rows: pd.DataFrame, period: Period) -> pd.Series:
    frame = pd.DataFrame(
        {
            "period": bucket(rows["occurred_at"], period),
            "known": flag(rows["affiliation_known"]).to_numpy(dtype=np.float64),
        }
    )
    return result(frame.groupby("period")["known"].mean() * 100.0)


def affiliation_coverage(frames: Frames, period: Period) -> pd.Series:
    """Percentage of each period's contributions (all kinds) whose organization is known."""
    return _coverage(counted(frames.contributions), period)


def commit_affiliation_coverage(frames: Frames, period: Period) -> pd.Series:
    """Percentage of each period's authored commits whose organization is known."""
    rows = counted(frames.contributions)
    return _coverage(rows.loc[rows["kind"] == KIND_COMMIT], period)


def contributors_by_kind(
    frames: Frames,
    period: Period,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Distinct contributors per period and kind of contribution (like 8Knot's "contributors
    by action type"); a person active in two ways counts in both rows. Columns:
    period_start, kind, contributors; kinds in the order of CONTRIBUTION_KINDS."""
    rows = counted(frames.contributions)
    if start is not None:
        rows = rows.loc[rows["occurred_at"] >= pd.Timestamp(start)]
    if end is not None:
        rows = rows.loc[rows["occurred_at"] < pd.Timestamp(end)]
    if rows.empty:
        return pd.DataFrame({column: [] for column in BY_KIND_COLUMNS})
    table = (
        pd.DataFrame({"period_start": bucket(rows["occurred_at"], period), "kind": rows["kind"]})
        .assign(person=rows["person_id"])
        .groupby(["period_start", "kind"])["person"]
        .nunique()
        .rename("contributors")
        .reset_index()
    )
    order = {kind: rank for rank, kind in enumerate(CONTRIBUTION_KINDS)}
    table = table.sort_values(
        ["period_start", "kind"], key=lambda c: c.map(order) if c.name == "kind" else c
    )
    return table.reset_index(drop=True).astype({"contributors": "int64"})


def excluded_contributions(
    frames: Frames, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
) -> pd.DataFrame:
    """What people KPIs leave out, counted: contributions to owned repositories by bots and by
    AI agents (when they are not counted as contributors), by actor and kind. Columns: actor,
    kind, contributions, accounts."""
    rows = frames.contributions
    keep = (rows["relationship"] == OWNED).fillna(False).astype(bool) & flag(rows["is_bot"])
    rows = rows.loc[keep]
    if start is not None:
        rows = rows.loc[rows["occurred_at"] >= pd.Timestamp(start)]
    if end is not None:
        rows = rows.loc[rows["occurred_at"] < pd.Timestamp(end)]
    columns = ["actor", "kind", "contributions", "accounts"]
    if rows.empty:
        return pd.DataFrame({column: [] for column in columns})
    table = (
        rows.groupby(["actor", "kind"])
        .agg(contributions=("person_id", "size"), accounts=("person_id", "nunique"))
        .reset_index()
        .sort_values(["contributions", "actor", "kind"], ascending=[False, True, True])
    )
    return table.reset_index(drop=True)[columns]


_WHAT_COUNTS = (
    "A contribution is a commit authored or co-authored (each Co-authored-by is credited), an "
    "issue or pull request opened, a review, or a comment, in a repository we own. A person "
    "counts once whatever e-mails and logins they used; bots are not counted, and AI coding "
    "agents only when the configuration counts them as contributors (bots.ai_agents)."
)

CONTRIBUTOR_KPIS: tuple[KPI, ...] = (
    KPI(
        id="active_contributors",
        title="Active contributors",
        unit="people",
        definition=(
            "Number of different people who made at least one contribution of any kind in the "
            f"period. {_WHAT_COUNTS} 0 when nobody contributed."
        ),
        chaoss=f"Contributors — {CHAOSS_KB}metric-contributors/",
        higher_is_better=True,
        needs=("contributions",),
        compute=active_contributors,
        group="contributors",
        fill_value=0.0,
    ),
    KPI(
        id="new_contributors",
        title="New contributors",
        unit="people",
        definition=(
            "Number of people whose very first contribution of any kind (over all the history "
            f"loaded, not just the range shown) falls in the period. {_WHAT_COUNTS} 0 when "
            "nobody new arrived."
        ),
        chaoss=f"New Contributors — {CHAOSS_KB}metric-new-contributors/",
        higher_is_better=True,
        needs=("contributions",),
        compute=new_contributors,
        group="contributors",
        fill_value=0.0,
    ),
    KPI(
        id="committers",
        title="Committers",
        unit="people",
        definition=(
            "Number of different people who authored or co-authored (Co-authored-by) at least "
            "one commit in the period, in a repository we own: the commit-only count. Merge "
            "commits and bots are not counted; 0 when there were no commits."
        ),
        chaoss=f"Committers — {CHAOSS_KB}metric-committers/",
        higher_is_better=True,
        needs=("contributions",),
        compute=committers,
        group="contributors",
        fill_value=0.0,
    ),
    KPI(
        id="organizational_diversity",
        title="Organizational diversity",
        unit="organizations",
        definition=(
            "Number of different organizations whose people made at least one contribution in "
            "the period. 'Independent', 'Unknown', bots and AI agents are not organizations. "
            f"{_WHAT_COUNTS} 0 when no contribution has a known organization."
        ),
        chaoss=f"Organizational Diversity — {CHAOSS_KB}metric-organizational-diversity/",
        higher_is_better=True,
        needs=("contributions",),
        compute=organizational_diversity,
        group="contributors",
        fill_value=0.0,
        coverage="affiliation_coverage",
    ),
    KPI(
        id="affiliation_coverage",
        title="Affiliation coverage",
        unit="%",
        definition=(
            "Percentage of the period's contributions whose organization is known: from a dated "
            "affiliation (configuration, import, curation, organization membership) or a company "
            "e-mail domain. A free-mail or GitHub noreply address, or none, leaves it unknown. "
            "Low coverage means affiliation KPIs rest on thin data. No value without "
            "contributions."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("contributions",),
        compute=affiliation_coverage,
        group="contributors",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="commit_affiliation_coverage",
        title="Commit affiliation coverage",
        unit="%",
        definition=(
            "Percentage of the period's authored commits (no merges, no bots) whose "
            "organization is known (see Affiliation coverage): what the employee commit share "
            "and the elephant factor rest on. No value without commits."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("contributions",),
        compute=commit_affiliation_coverage,
        group="contributors",
        fill_value=NO_VALUE,
    ),
)
