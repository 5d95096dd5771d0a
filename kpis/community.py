"""Community KPIs computed from the commits frame.

Every function here counts only *human code commits*: commits by bots and merge commits
are removed first, so a merge button or a dependency bot never looks like a contributor.
All repositories present in the frame are included; the caller chooses the scope
(owned repositories, one upstream project, ...) before calling.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis._util import count_by, flag, nunique_by, result, smallest_majority_by
from kpis.periods import Period, bucket
from kpis.schema import NON_ORGANIZATIONS, Frames


def human_commits(commits: pd.DataFrame) -> pd.DataFrame:
    """Commits that are neither authored by a bot nor merge commits."""
    keep = ~flag(commits["is_bot"]) & ~flag(commits["is_merge"])
    return commits.loc[keep]


def commits(frames: Frames, period: Period) -> pd.Series:
    """Number of human, non-merge commits authored in each period."""
    human = human_commits(frames.commits)
    return count_by(bucket(human["authored_at"], period))


def active_contributors(frames: Frames, period: Period) -> pd.Series:
    """Number of distinct people who authored at least one human commit in each period."""
    human = human_commits(frames.commits)
    return nunique_by(human["author_id"], bucket(human["authored_at"], period))


def new_contributors(frames: Frames, period: Period) -> pd.Series:
    """Number of people whose first human commit in the whole frame falls in each period."""
    human = human_commits(frames.commits)
    # The first commit is taken over the frame's entire history, never over a display
    # window: someone active since 2019 must not reappear as "new" in this quarter.
    first = human.groupby("author_id")["authored_at"].min()
    return count_by(bucket(first, period))


def contributor_absence_factor(frames: Frames, period: Period) -> pd.Series:
    """Smallest number of people authoring at least 50% of each period's human commits."""
    human = human_commits(frames.commits)
    return smallest_majority_by(human["author_id"], bucket(human["authored_at"], period))


def elephant_factor(frames: Frames, period: Period) -> pd.Series:
    """Smallest number of organizations authoring at least 50% of each period's commits.

    Only commits attributed to a real organization take part: "Independent" and "Unknown"
    are not organizations, so those commits are left out of both the ranking and the total.
    """
    human = human_commits(frames.commits)
    organization = human["organization"]
    known = organization.notna() & (organization.str.strip() != "")
    known &= ~organization.isin(NON_ORGANIZATIONS)
    human = human.loc[known]
    return smallest_majority_by(human["organization"], bucket(human["authored_at"], period))


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
