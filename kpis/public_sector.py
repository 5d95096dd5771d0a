"""Public-sector KPIs: publishing, reuse by others, and partner organizations.

Public administrations ask three questions of their OSPO (Linåker and O'Riordan, "Behind the
Scenes of OSPOs in the Public Sector"): do we *publish* what we build, is it *reused* by
others, and who *co-finances or co-develops* it with us. The KPIs here answer them; they are
labelled for public-sector use (``group="public_sector"``) but mean the same for any OSPO.

- **Publishing ratio** reads the compliance states (:mod:`kpis.compliance`): a repository is
  published when it is public and its LICENSE text is an OSI-approved license at the period's
  end. The denominator is every active, non-fork repository we own, private ones included:
  an unpublished repository is exactly what the ratio must count against us.
- **Reuse by others** and **partner organizations** read the contributions frame: contributions
  (every kind, see :mod:`kpis.contributions`) to repositories we own, bots left out, by people
  whose organization is known and is not ours (``is_employee`` false; "Independent", "Unknown",
  bots and AI agents are not organizations).

- **Forks by others** read the forks frame (who forked which of our repositories, and when):
  forks by accounts outside the organization, i.e. not one of our configured organizations,
  not a person who belonged to our organization on the fork date, not a bot.

Dependents are not here: GitHub has no API for its "Used by" graph, so nothing honest can be
counted per period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis._util import count_by, flag, nunique_by, result
from kpis.compliance import PASS, period_moments, statuses
from kpis.contributors import counted
from kpis.kpi import CHAOSS_KB, KPI, NO_VALUE
from kpis.periods import Period, bucket, period_floor
from kpis.schema import NON_ORGANIZATIONS, OWNED, Frames

SHARE_COLUMNS = ("period_start", "organization", "contributions", "share_pct")


def owned_active(repositories: pd.DataFrame) -> pd.DataFrame:
    """Repositories we own that are not archived and not forks, whatever their visibility."""
    keep = (
        (repositories["relationship"] == OWNED).fillna(False).astype(bool)
        & ~flag(repositories["is_archived"])
        & ~flag(repositories["is_fork"])
    )
    return repositories.loc[keep]


def publishing_ratio(frames: Frames, period: Period) -> pd.Series:
    """% of our active, non-fork repositories that are public with an OSI-approved license,
    at each period's end (the running period: at the last observation)."""
    total = len(owned_active(frames.repositories))
    moments = period_moments(frames, period)
    if total == 0 or moments.empty:
        return result(pd.Series([], dtype="float64", index=pd.DatetimeIndex([])))
    long = statuses(frames, moments)  # public repositories only (compliance scope)
    published = long[(long["check"] == "OSI_APPROVED") & (long["state"] == PASS)]
    counts = published.groupby("moment")["repo"].nunique()
    every = pd.DatetimeIndex(moments).tz_convert("UTC").astype("datetime64[ns, UTC]")
    counts = counts.reindex(every, fill_value=0)
    starts = pd.DatetimeIndex([period_floor(m, period) for m in counts.index])
    return result(pd.Series(np.round(100.0 * counts.to_numpy() / total, 1), index=starts))


def partner_rows(contributions: pd.DataFrame) -> pd.DataFrame:
    """Counted contributions (owned repositories, no bots) by people of other organizations."""
    rows = counted(contributions)
    keep = ~flag(rows["is_employee"]) & ~rows["organization"].isin(NON_ORGANIZATIONS)
    keep &= rows["organization"].notna()
    return rows.loc[keep]


def external_organization_contributions(frames: Frames, period: Period) -> pd.Series:
    """Contributions to our repositories by people of other organizations, per period."""
    rows = partner_rows(frames.contributions)
    return count_by(bucket(rows["occurred_at"], period))


def partner_organizations(frames: Frames, period: Period) -> pd.Series:
    """Distinct organizations other than ours contributing to our repositories, per period."""
    rows = partner_rows(frames.contributions)
    return nunique_by(rows["organization"], bucket(rows["occurred_at"], period))


def partner_contribution_share(frames: Frames, period: Period) -> pd.Series:
    """% of each period's contributions to our repositories made by other organizations."""
    rows = counted(frames.contributions)
    partner = partner_rows(frames.contributions)
    total = count_by(bucket(rows["occurred_at"], period))
    part = count_by(bucket(partner["occurred_at"], period)).reindex(total.index, fill_value=0)
    return result(100.0 * part / total)


def partner_shares(frames: Frames, period: Period) -> pd.DataFrame:
    """Each partner organization's contributions and share (% of all contributions to our
    repositories in the period, ours included), one row per period and organization."""
    rows = counted(frames.contributions)
    total = count_by(bucket(rows["occurred_at"], period))
    partner = partner_rows(frames.contributions)
    if partner.empty:
        return pd.DataFrame(columns=list(SHARE_COLUMNS))
    table = (
        pd.DataFrame(
            {
                "period_start": bucket(partner["occurred_at"], period),
                "organization": partner["organization"].astype(str),
            }
        )
        .groupby(["period_start", "organization"])
        .size()
        .rename("contributions")
        .reset_index()
    )
    table["share_pct"] = (
        100.0 * table["contributions"] / table["period_start"].map(total).to_numpy()
    ).round(1)
    return table.sort_values(
        ["period_start", "contributions", "organization"], ascending=[True, False, True]
    ).reset_index(drop=True)[list(SHARE_COLUMNS)]


def external_fork_rows(forks: pd.DataFrame) -> pd.DataFrame:
    """Forks of our repositories by accounts outside the organization: not one of our
    organizations, not a person of ours on the fork date, not a bot. Deleted forks count:
    they were reuse when they were made."""
    keep = (forks["relationship"] == OWNED).fillna(False).astype(bool)
    keep &= ~flag(forks["owner_is_ours"]) & ~flag(forks["is_employee"]) & ~flag(forks["is_bot"])
    return forks.loc[keep]


def external_forks(frames: Frames, period: Period) -> pd.Series:
    """Forks created in each period of our repositories, by accounts outside the organization."""
    rows = external_fork_rows(frames.forks)
    return count_by(bucket(rows["created_at"], period))


_WHO = (
    "Contributions of every kind (commits authored or co-authored, issues and pull requests "
    "opened, reviews, comments) to repositories we own, bots left out, by people whose "
    "organization is known and is not ours ('Independent' and 'Unknown' are not "
    "organizations)."
)

PUBLIC_SECTOR_KPIS: tuple[KPI, ...] = (
    KPI(
        id="publishing_ratio",
        title="Publishing ratio",
        unit="%",
        definition=(
            "Share of the active, non-fork repositories we own (private ones included) that are "
            "public and whose LICENSE text is an OSI-approved license, at the end of each "
            "period. Public sector: 'public money, public code'. Visibility and archive flags "
            "are today's, applied to the whole history; no value before any license was read."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("repositories", "file_checks", "requirements"),
        compute=publishing_ratio,
        group="public_sector",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="external_organization_contributions",
        title="Reuse: contributions by other organizations",
        unit="contributions",
        definition=(
            f"Number of contributions in the period. {_WHO} Public sector: a sign that others "
            "reuse what we publish. 0 when there were none."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("contributions",),
        compute=external_organization_contributions,
        group="public_sector",
        fill_value=0.0,
        coverage="affiliation_coverage",
    ),
    KPI(
        id="external_forks",
        title="Reuse: forks by others",
        unit="forks",
        definition=(
            "Forks created in the period of repositories we own, by accounts outside the "
            "organization: the fork's owner is not one of our configured GitHub organizations, "
            "not a person who belonged to our organization on the fork date (the same "
            "affiliation rules as contributions), and not a bot. Forks deleted since still "
            "count in the period they were made. From GitHub's fork listing; forks GitHub does "
            "not show (private ones the credential cannot see) are not counted. Public sector: "
            "a sign that others take what we publish to build on. 0 when there were none."
        ),
        chaoss=f"Technical Fork — {CHAOSS_KB}metric-technical-forks/",
        higher_is_better=True,
        needs=("forks",),
        compute=external_forks,
        group="public_sector",
        fill_value=0.0,
    ),
    KPI(
        id="partner_organizations",
        title="Partner organizations",
        unit="organizations",
        definition=(
            f"Number of different organizations other than ours contributing in the period. {_WHO} "
            "Public sector: the co-development and co-financing partners. 0 when none."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("contributions",),
        compute=partner_organizations,
        group="public_sector",
        fill_value=0.0,
        coverage="affiliation_coverage",
    ),
    KPI(
        id="partner_contribution_share",
        title="Partner share of contributions",
        unit="%",
        definition=(
            "Share of the period's contributions to repositories we own (every kind, bots left "
            f"out) that come from other organizations. {_WHO} No value without contributions."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("contributions",),
        compute=partner_contribution_share,
        group="public_sector",
        fill_value=NO_VALUE,
        coverage="affiliation_coverage",
    ),
)
