"""Responsiveness KPIs computed from the issues frame (issues and pull requests).

Only repositories we own are measured (how quickly *we* respond), and items opened by bots
are left out: automated pull requests would otherwise dominate volumes and medians.
Draft pull requests are included like any other item.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis._util import count_by, flag, hours_between, median_by, median_of, result, within
from kpis.business_time import BusinessCalendar, Calendars, as_calendars
from kpis.kpi import CHAOSS_KB, KPI, NO_VALUE
from kpis.periods import Period, bucket
from kpis.schema import OWNED, STATE_CLOSED, STATE_MERGED, Frames

Calendar = BusinessCalendar | Calendars | None


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


def elapsed_hours(
    items: pd.DataFrame, start: pd.Series, end: pd.Series, calendar: Calendar = None
) -> pd.Series:
    """Hours from ``start`` to ``end``: wall-clock, or business hours in ``calendar`` (one
    calendar, or per-repository :class:`kpis.business_time.Calendars`)."""
    if calendar is None:
        return hours_between(start, end)
    return as_calendars(calendar).hours(items["repo"], start, end)


def time_to_first_response(frames: Frames, period: Period, calendar: Calendar = None) -> pd.Series:
    """Median hours from creation to first response, for items created in each period.

    Items still without a response are left out of the median; a period whose items all
    lack a response has no value (NaN). With ``calendar``, business hours.
    """
    items = owned_human_items(frames.issues)
    return median_by(response_hours(items, calendar), bucket(items["created_at"], period))


def response_hours(items: pd.DataFrame, calendar: Calendar = None) -> pd.Series:
    """Hours from each item's creation to its first response (NaN: no response yet)."""
    return elapsed_hours(items, items["created_at"], items["first_response_at"], calendar)


def time_to_close(frames: Frames, period: Period, calendar: Calendar = None) -> pd.Series:
    """Median hours from creation to close or merge, for items closed in each period (with
    ``calendar``, business hours)."""
    items = owned_human_items(frames.issues)
    end = closed_at(items)
    hours = elapsed_hours(items, items["created_at"], end, calendar)
    return median_by(hours, bucket(end, period))


SLA_KPIS: tuple[str, ...] = ("time_to_first_response", "time_to_close")
MISS_COLUMNS = ("repo", "number", "kind", "state", "created_at", "ended_at", "hours", "open")


def sla_misses(
    frames: Frames,
    kpi_id: str,
    target_hours: float,
    since: pd.Timestamp,
    until: pd.Timestamp,
    calendar: Calendar = None,
) -> pd.DataFrame:
    """The items that missed a service level: the manager's to-do list.

    For ``time_to_first_response``: items opened in [since, until) whose first response took
    longer than ``target_hours``, and open items still without a response that have already
    waited longer (``open`` true, hours counted to ``until``). For ``time_to_close``: items
    closed in the window that took longer, and items open now that are already older. Hours
    are business hours with ``calendar``. Worst first.
    """
    items = owned_human_items(frames.issues)
    if kpi_id == "time_to_first_response":
        end = items["first_response_at"]
        in_window = within(items["created_at"], since, until)
        waiting = end.isna() & ~items["state"].isin([STATE_CLOSED, STATE_MERGED])
    elif kpi_id == "time_to_close":
        end = closed_at(items)
        in_window = within(end, since, until)
        waiting = end.isna()
    else:
        raise ValueError(f"{kpi_id!r} is not a service-level KPI ({', '.join(SLA_KPIS)})")
    in_window = pd.Series(np.asarray(in_window, dtype=bool), index=items.index) & end.notna()
    waiting = pd.Series(np.asarray(waiting, dtype=bool), index=items.index)
    waiting &= (items["created_at"] < until).fillna(False).astype(bool)
    stop = end.where(in_window, pd.Timestamp(until))
    hours = elapsed_hours(items, items["created_at"], stop, calendar)
    keep = (in_window | waiting) & (hours > target_hours)
    rows = items.loc[keep]
    table = pd.DataFrame(
        {
            "repo": rows["repo"],
            "number": rows["number"],
            "kind": flag(rows["is_pull_request"]).map({True: "pull request", False: "issue"}),
            "state": rows["state"],
            "created_at": rows["created_at"],
            "ended_at": end[keep],
            "hours": hours[keep].round(1),
            "open": waiting[keep],
        },
        columns=list(MISS_COLUMNS),
    )
    return table.sort_values("hours", ascending=False, kind="stable").reset_index(drop=True)


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


# ----------------------------------------------------------------- per repository, one window
# The same definitions grouped by repository over one window [start, end), or as of a moment:
# the Project health table's columns and its drill-down.


def time_to_first_response_by_repo(
    frames: Frames, start: pd.Timestamp, end: pd.Timestamp
) -> pd.Series:
    """`time_to_first_response` of each repository over the items opened in [start, end)
    (index: repo; NaN where none of them has a response yet)."""
    items = owned_human_items(frames.issues)
    items = items.loc[within(items["created_at"], start, end)]
    return median_of(response_hours(items), items["repo"])


def first_responses(
    frames: Frames, start: pd.Timestamp | None, end: pd.Timestamp, as_of: pd.Timestamp
) -> pd.DataFrame:
    """The items `time_to_first_response` measures, opened in [start, end) (no `start`: since
    the beginning): repo, id (when
    the frame has it), number, is_pull_request, created_at, first_response_at,
    `response_hours` (NaN: none yet) and `waiting_hours` (hours without a response as of
    `as_of` for the unanswered ones that are still open)."""
    items = owned_human_items(frames.issues)
    if start is None:
        items = items.loc[(items["created_at"] < end).fillna(False).astype(bool)]
    else:
        items = items.loc[within(items["created_at"], start, end)]
    columns = [c for c in ("repo", "id", "number", "is_pull_request", "state") if c in items]
    out = items[[*columns, "created_at", "first_response_at"]].copy()
    out["response_hours"] = response_hours(items)
    unanswered = out["response_hours"].isna() & (items["state"] == "open")
    out["waiting_hours"] = hours_between(items["created_at"], pd.Series(as_of, index=items.index))
    out.loc[~unanswered, "waiting_hours"] = float("nan")
    return out.reset_index(drop=True)


def missed_response_target(responses: pd.DataFrame, target_hours: float) -> pd.DataFrame:
    """The rows of :func:`first_responses` answered later than `target_hours`, or still
    unanswered and open for longer than that."""
    late = responses["response_hours"] > target_hours
    waiting = responses["waiting_hours"] > target_hours
    return responses.loc[(late | waiting).fillna(False).astype(bool)]


def open_items_by_repo(frames: Frames, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per repository, the issues and pull requests open now (items opened by bots left out,
    as in every KPI here) and their median age in days as of `as_of`: columns repo,
    open_issues, open_prs, open_median_age_days."""
    items = owned_human_items(frames.issues)
    items = items.loc[(items["state"] == "open") & (items["created_at"] <= as_of)]
    age = (pd.Timestamp(as_of) - items["created_at"]).dt.total_seconds() / 86400.0
    pulls = flag(items["is_pull_request"])
    table = pd.DataFrame(
        {
            "open_issues": (~pulls).groupby(items["repo"]).sum(),
            "open_prs": pulls.groupby(items["repo"]).sum(),
            "open_median_age_days": median_of(age, items["repo"]),
        }
    )
    table.index.name = "repo"
    return table.reset_index().astype({"open_issues": "int64", "open_prs": "int64"})


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
        business_time=True,
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
        business_time=True,
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
