"""Community KPIs computed from the commits frame (contributor counts over every kind of
contribution live in :mod:`kpis.contributors`).

Every function here counts only *human code commits*: commits by bots and merge commits
are removed first, so a merge button or a dependency bot never looks like a contributor.
All repositories present in the frame are included; the caller chooses the scope
(owned repositories, one upstream project, ...) before calling.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis._util import count_by, flag, result, smallest_majority_by, smallest_majority_of, within
from kpis.kpi import CHAOSS_KB, KPI, NO_VALUE
from kpis.periods import Period, bucket, timestamp_utc_naive
from kpis.schema import NON_ORGANIZATIONS, Frames


def human_commits(commits: pd.DataFrame) -> pd.DataFrame:
    """Commits that are neither authored by a bot nor merge commits."""
    keep = ~flag(commits["is_bot"]) & ~flag(commits["is_merge"])
    return commits.loc[keep]


def commits(frames: Frames, period: Period) -> pd.Series:
    """Number of human, non-merge commits authored in each period."""
    human = human_commits(frames.commits)
    return count_by(bucket(human["authored_at"], period))


def contributor_absence_factor(frames: Frames, period: Period) -> pd.Series:
    """Smallest number of people authoring at least 50% of each period's human commits."""
    human = human_commits(frames.commits)
    return smallest_majority_by(human["author_id"], bucket(human["authored_at"], period))


def elephant_factor(frames: Frames, period: Period) -> pd.Series:
    """Smallest number of organizations authoring at least 50% of each period's commits.

    Only commits attributed to a real organization take part: "Independent" and "Unknown"
    are not organizations, so those commits are left out of both the ranking and the total.
    """
    human = _organization_commits(frames)
    return smallest_majority_by(human["organization"], bucket(human["authored_at"], period))


def _organization_commits(frames: Frames) -> pd.DataFrame:
    """Human commits attributed to a real organization (the elephant factor's input)."""
    human = human_commits(frames.commits)
    organization = human["organization"]
    known = organization.notna() & (organization.str.strip() != "")
    known &= ~organization.isin(NON_ORGANIZATIONS)
    return human.loc[known]


# ----------------------------------------------------------------- per repository, one window
# The same definitions as the period KPIs above, grouped by repository over one window
# [start, end) instead of by period: the Project health table's columns.


def commits_by_repo(
    frames: Frames, period: Period, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """The `commits` KPI per repository and period for periods starting in [start, end):
    columns repo, period_start, value (periods without commits are absent)."""
    human = human_commits(frames.commits)
    starts = bucket(human["authored_at"], period)
    inside = within(starts, timestamp_utc_naive(start), timestamp_utc_naive(end))
    table = (
        pd.DataFrame({"repo": human["repo"][inside], "period_start": starts[inside]})
        .groupby(["repo", "period_start"])
        .size()
        .rename("value")
        .reset_index()
    )
    return table.astype({"value": "float64"})


def last_commit_by_repo(frames: Frames) -> pd.Series:
    """When each repository's newest human, non-merge commit was authored (index: repo)."""
    human = human_commits(frames.commits)
    return human.groupby("repo")["authored_at"].max()


def contributor_absence_factor_by_repo(
    frames: Frames, start: pd.Timestamp, end: pd.Timestamp
) -> pd.Series:
    """`contributor_absence_factor` of each repository over the commits authored in
    [start, end) (index: repo; repositories without commits there are absent)."""
    human = human_commits(frames.commits)
    human = human.loc[within(human["authored_at"], start, end)]
    return smallest_majority_of(human["author_id"], human["repo"])


def elephant_factor_by_repo(frames: Frames, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """`elephant_factor` of each repository over the commits authored in [start, end)."""
    human = _organization_commits(frames)
    human = human.loc[within(human["authored_at"], start, end)]
    return smallest_majority_of(human["organization"], human["repo"])


def _percent_true(mask: pd.Series, period_starts: pd.Series) -> pd.Series:
    """Percentage of rows per period where ``mask`` is True."""
    frame = pd.DataFrame({"period": period_starts, "hit": mask.to_numpy(dtype=np.float64)})
    return result(frame.groupby("period")["hit"].mean() * 100.0)


def employee_commit_share(frames: Frames, period: Period) -> pd.Series:
    """Percentage of each period's human commits authored by employees of our organization."""
    human = human_commits(frames.commits)
    return _percent_true(flag(human["is_employee"]), bucket(human["authored_at"], period))


def dco_signoff_rate(frames: Frames, period: Period) -> pd.Series:
    """Percentage of each period's human commits carrying a Signed-off-by (DCO) trailer."""
    human = human_commits(frames.commits)
    return _percent_true(flag(human["signed_off"]), bucket(human["authored_at"], period))


COMMUNITY_KPIS: tuple[KPI, ...] = (
    KPI(
        id="commits",
        title="Commits",
        unit="commits",
        definition=(
            "Number of commits authored in the period (author date, UTC) in the repositories "
            "in view. Merge commits and commits by bots are not counted; 0 when there were none."
        ),
        chaoss=f"Code Changes Commits — {CHAOSS_KB}metric-code-changes-commits/",
        higher_is_better=True,
        needs=("commits",),
        compute=commits,
        group="community",
        fill_value=0.0,
    ),
    KPI(
        id="contributor_absence_factor",
        title="Contributor absence factor",
        unit="people",
        definition=(
            "Smallest number of people who together authored at least half of the period's "
            "commits (the former 'bus factor'): the lower it is, the more the project depends "
            "on a few individuals. Bots and merge commits are excluded; no value for a period "
            "without commits."
        ),
        chaoss=f"Contributor Absence Factor — {CHAOSS_KB}metric-contributor-absence-factor/",
        higher_is_better=True,
        needs=("commits",),
        compute=contributor_absence_factor,
        group="community",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="elephant_factor",
        title="Elephant factor",
        unit="organizations",
        definition=(
            "Smallest number of organizations whose people together authored at least half of "
            "the period's commits: a low value means a few companies dominate. Commits by bots, "
            "merge commits and commits attributed to 'Independent' or 'Unknown' (which are not "
            "organizations) are left out of both the count and the total; no value when no "
            "commit has a known organization."
        ),
        chaoss=f"Elephant Factor — {CHAOSS_KB}metric-elephant-factor/",
        higher_is_better=True,
        needs=("commits",),
        compute=elephant_factor,
        group="community",
        fill_value=NO_VALUE,
        coverage="commit_affiliation_coverage",
    ),
    KPI(
        id="employee_commit_share",
        title="Employee commit share",
        unit="%",
        definition=(
            "Percentage of the period's commits authored by people employed by our organization "
            "at the time of the commit. Informational: neither a rise nor a fall is good in "
            "itself. Bots and merge commits are excluded; no value for a period without commits."
        ),
        chaoss=None,
        higher_is_better=None,
        needs=("commits",),
        compute=employee_commit_share,
        group="community",
        fill_value=NO_VALUE,
        coverage="commit_affiliation_coverage",
    ),
    KPI(
        id="dco_signoff_rate",
        title="DCO sign-off rate",
        unit="%",
        definition=(
            "Percentage of the period's commits that carry a Signed-off-by line (Developer "
            "Certificate of Origin), a compliance check. Bots and merge commits are excluded; "
            "no value for a period without commits."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("commits",),
        compute=dco_signoff_rate,
        group="community",
        fill_value=NO_VALUE,
    ),
)
