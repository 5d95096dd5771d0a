"""The demo's snapshot history: what `collect` would have snapshotted on the last two Mondays.

A real installation takes a snapshot after every collection; a first start has none, so the
What changed page would have nothing to compare. This part takes them as the collections of
those Mondays (06:00 UTC) would have: from the data as it stood then (what was created,
answered, closed, merged or published later is left out), then today's.

One of them shows what re-collected history looks like: on the Monday after the week before
last, the GitHub collection stopped at the rate limit before reaching two repositories, so
their weekend's issues, pull requests and comments arrived with the next day's run. The
snapshot of that Monday lacks them; the What changed page says where the week before's value
as reported then differs from its value now.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from kpis.periods import period_floor, shift
from kpis.schema import Frames
from ospo_metrics.read import context_frames
from ospo_metrics.snapshots import store_snapshots

MONDAYS_BACK = 1  # the Monday after the week before last (its end), then this Monday
LATE_REPOSITORIES = ("acme-demo/widgets", "acme-demo/cloud-cli")
LATE_DAYS = 2


def without_late_items(frames: Frames, moment: pd.Timestamp) -> Frames:
    """`frames` without the late repositories' items and contributions of the days before."""
    since = moment - pd.Timedelta(days=LATE_DAYS)

    def keep(frame: pd.DataFrame, when: str) -> pd.DataFrame:
        late = frame["repo"].isin(LATE_REPOSITORIES) & (frame[when] > since)
        return frame[~late].reset_index(drop=True)

    contributions = frames.contributions
    on_github = contributions["kind"].isin(["issue", "pull_request", "review", "comment"])
    late = on_github & contributions["repo"].isin(LATE_REPOSITORIES)
    late &= contributions["occurred_at"] > since
    return dataclasses.replace(
        frames,
        issues=keep(frames.issues, "created_at"),
        contributions=contributions[~late].reset_index(drop=True),
    )


def frames_as_of(frames: Frames, moment: pd.Timestamp) -> Frames:
    """The frames as a collection at `moment` would have found them."""
    issues = frames.issues[frames.issues["created_at"] <= moment].copy()
    for column in ("closed_at", "merged_at", "first_response_at"):
        issues[column] = issues[column].where(issues[column] <= moment)
    reopened = issues["state"].isin(["closed", "merged"]) & issues["closed_at"].isna()
    reopened &= issues["merged_at"].isna()
    issues.loc[reopened, "state"] = "open"
    issues.loc[(issues["state"] == "merged") & issues["merged_at"].isna(), "state"] = "open"
    details = frames.repository_details
    details = details[~(details["created_at"] > moment)].copy()
    details["pushed_at"] = details["pushed_at"].where(details["pushed_at"] <= moment)
    forks = frames.forks[frames.forks["created_at"] <= moment].copy()
    forks["deleted_at"] = forks["deleted_at"].where(forks["deleted_at"] <= moment)
    return dataclasses.replace(
        frames,
        commits=frames.commits[frames.commits["authored_at"] <= moment].reset_index(drop=True),
        issues=issues.reset_index(drop=True),
        contributions=frames.contributions[
            frames.contributions["occurred_at"] <= moment
        ].reset_index(drop=True),
        releases=frames.releases[frames.releases["published_at"] <= moment].reset_index(drop=True),
        repository_details=details.reset_index(drop=True),
        file_checks=frames.file_checks[frames.file_checks["observed_at"] <= moment],
        forks=forks.reset_index(drop=True),
    )


def write_snapshots(context, today: date) -> int:
    """Snapshots of the last Mondays as they would have been taken, and today's."""
    frames = context_frames(context)
    monday = period_floor(pd.Timestamp(today), "week")
    written = 0
    for back in range(MONDAYS_BACK, -1, -1):
        moment = (shift(monday, "week", -back) + pd.Timedelta(hours=6)).tz_localize("UTC")
        if moment.date() < today:
            then = frames_as_of(frames, moment)
            if back == 1:
                then = without_late_items(then, moment)
            written += store_snapshots(context, frames=then, now=moment)
    return written + store_snapshots(context, frames=frames)
