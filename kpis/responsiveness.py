"""Responsiveness KPIs computed from the issues frame (issues and pull requests).

Only repositories we own are measured (how quickly *we* respond), and items opened by bots
are left out: automated pull requests would otherwise dominate volumes and medians.
Draft pull requests are included like any other item.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis._util import count_by, flag, hours_between, median_by, result
from kpis.kpi import CHAOSS_KB, KPI, NO_VALUE
from kpis.periods import Period, bucket
from kpis.schema import OWNED, STATE_CLOSED, STATE_MERGED, Frames


def owned_human_items(issues: pd.DataFrame) -> pd.DataFrame:
    """Issues and pull requests in owned repositories whose author is not a bot."""
    keep = (issues["relationship"] == OWNED).fillna(False).astype(bool)
    keep &= ~flag(issues["author_is_bot"])
    return issues.loc[keep]


def closed_at(items: pd.DataFrame) -> pd.Series:
    """When each item was closed or merged; NaT for items that are open now.

    An item reopened after being closed is open again, so its old close time is ignored;
    a merge counts as a close even if the source left ``closed_at`` empty.
    """
    done = items["state"].isin([STATE_CLOSED, STATE_MERGED]).to_numpy(dtype=bool)
    end = items["closed_at"].fillna(items["merged_at"])
    return end.where(done)


def time_to_first_response(frames: Frames, period: Period) -> pd.Series:
    """Median hours from creation to first response, for items created in each period.

    Items still without a response are left out of the median; a period whose items all
    lack a response has no value (NaN).
    """
    items = owned_human_items(frames.issues)
    hours = hours_between(items["created_at"], items["first_response_at"])
    return median_by(hours, bucket(items["created_at"], period))


def time_to_close(frames: Frames, period: Period) -> pd.Series:
    """Median hours from creation to close or merge, for items closed in each period."""
    items = owned_human_items(frames.issues)
    end = closed_at(items)
    hours = hours_between(items["created_at"], end)
    return median_by(hours, bucket(end, period))


def _owned_pull_requests(frames: Frames) -> pd.DataFrame:
    items = owned_human_items(frames.issues)
    return items.loc[flag(items["is_pull_request"])]


def change_request_closure_ratio(frames: Frames, period: Period) -> pd.Series:
    """Pull requests closed or merged in each period divided by those opened in it.

    Undefined (NaN) in a period where no pull request was opened.
    """
    prs = _owned_pull_requests(frames)
    opened = count_by(bucket(prs["created_at"], period))
    closed = count_by(bucket(closed_at(prs), period))
    periods = opened.index.union(closed.index)
    opened = opened.reindex(periods, fill_value=0.0)
    closed = closed.reindex(periods, fill_value=0.0)
    # Division by zero is the honest "undefined", not infinity.
    ratio = closed / opened.replace(0.0, np.nan)
    return result(ratio)


def change_requests_accepted(frames: Frames, period: Period) -> pd.Series:
    """Number of pull requests merged in each period."""
    prs = _owned_pull_requests(frames)
    return count_by(bucket(prs["merged_at"], period))


RESPONSIVENESS_KPIS: tuple[KPI, ...] = (
    KPI(
        id="time_to_first_response",
        title="Time to first response (median)",
        unit="hours",
        definition=(
            "Median hours from the opening of an issue or pull request in our repositories to "
            "the first comment or review by a person other than its author, counted in the "
            "period it was opened. Items opened by bots and items still without a response are "
            "left out; no value when there is nothing to measure."
        ),
        chaoss=f"Time to First Response — {CHAOSS_KB}metric-time-to-first-response/",
        higher_is_better=False,
        needs=("issues",),
        compute=time_to_first_response,
        group="responsiveness",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="time_to_close",
        title="Time to close (median)",
        unit="hours",
        definition=(
            "Median hours from opening to closing or merging, for issues and pull requests in "
            "our repositories closed in the period. Items opened by bots are excluded and "
            "reopened items count as open; no value for a period with no closures."
        ),
        chaoss=f"Time to Close — {CHAOSS_KB}metric-time-to-close/",
        higher_is_better=False,
        needs=("issues",),
        compute=time_to_close,
        group="responsiveness",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="change_request_closure_ratio",
        title="Change request closure ratio",
        unit="ratio",
        definition=(
            "Pull requests closed or merged in the period divided by pull requests opened in "
            "it, in our repositories: 1 means keeping up, below 1 a growing backlog. Pull "
            "requests opened by bots are excluded; no value when none was opened."
        ),
        chaoss=f"Change Request Closure Ratio — {CHAOSS_KB}metric-change-request-closure-ratio/",
        higher_is_better=True,
        needs=("issues",),
        compute=change_request_closure_ratio,
        group="responsiveness",
        fill_value=NO_VALUE,
        # More can close than open in a period (the backlog shrinks): no upper bound.
        bounds=(0.0, None),
    ),
    KPI(
        id="change_requests_accepted",
        title="Change requests accepted",
        unit="pull requests",
        definition=(
            "Number of pull requests merged in the period in our repositories. Pull requests "
            "opened by bots are excluded; 0 when nothing was merged."
        ),
        chaoss=f"Change Requests Accepted — {CHAOSS_KB}metric-change-requests-accepted/",
        higher_is_better=True,
        needs=("issues",),
        compute=change_requests_accepted,
        group="responsiveness",
        fill_value=0.0,
    ),
)
