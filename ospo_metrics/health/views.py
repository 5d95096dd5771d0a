"""The Project health tables as the page shows them and the CLI prints them: same rows, same
columns, same order (the numbers themselves come from `kpis.health`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpis.contributors import active_contributors_by_organization
from kpis.health import HealthRules, repository_health
from kpis.periods import period_floor
from kpis.responsiveness import first_responses, missed_response_target
from kpis.schema import Frames
from ospo_metrics.config import Config
from ospo_metrics.read import computed

# What the table shows, in order (the CSV has exactly these columns, `activity` as text).
SHOWN_COLUMNS = (
    "repo",
    "attention_score",
    "attention_reasons",
    "activity",
    "last_commit_at",
    "last_push_at",
    "stale",
    "stale_note",
    "open_issues",
    "open_prs",
    "open_median_age_days",
    "ttfr_median_90d_hours",
    "waiting_over_target",
    "contributor_absence_factor_90d",
    "elephant_factor_90d",
    "last_release",
    "last_release_at",
    "release_gap_days",
    "compliance_gaps",
)
SORTS = {
    "attention": ("attention_score", False),
    "repository": ("repo", True),
    "last activity": ("last_commit_at", True),
    "time to first response": ("ttfr_median_90d_hours", False),
    "open items": ("open_issues", False),
}
DRILL_DOWN_DAYS = 365
LATE_SHOWN = 100  # the drill-down lists the first items that missed the response target


def rules_of(config: Config) -> HealthRules:
    return HealthRules(response_target_hours=config.health.response_target_hours)


def as_of(now: pd.Timestamp) -> pd.Timestamp:
    """The moment the table describes: the current hour (so it is computed once an hour)."""
    return pd.Timestamp(now).tz_convert("UTC").floor("h")


def health_table(frames: Frames, config: Config, now: pd.Timestamp) -> pd.DataFrame:
    """`kpis.health.repository_health` of these frames, computed once per data version, hour
    and rules."""
    rules = rules_of(config)
    moment = as_of(now)
    return computed(
        frames, ("health", moment, rules), lambda: repository_health(frames, moment, rules)
    )


def filter_table(
    table: pd.DataFrame,
    text: str = "",
    attention_only: bool = False,
    stale_only: bool = False,
    sort: str = "attention",
) -> pd.DataFrame:
    """The rows the filters keep, in the chosen order (the page and the CLI share this)."""
    rows = table
    if text:
        rows = rows[rows["repo"].str.contains(text, case=False, regex=False)]
    if attention_only:
        rows = rows[rows["attention_score"] > 0]
    if stale_only:
        rows = rows[rows["stale"]]
    column, ascending = SORTS.get(sort, SORTS["attention"])
    rows = rows.sort_values([column, "repo"], ascending=[ascending, True], na_position="last")
    return rows.reset_index(drop=True)


def shown(rows: pd.DataFrame) -> pd.DataFrame:
    """The columns the page shows."""
    return rows[list(SHOWN_COLUMNS)]


def as_csv(rows: pd.DataFrame) -> pd.DataFrame:
    """What the page shows, as the CSV carries it: the sparkline as its weekly counts."""
    out = shown(rows).copy()
    out["activity"] = out["activity"].map(lambda values: " ".join(f"{v:.0f}" for v in values))
    return out.rename(columns={"activity": "commits_per_week_last_12"})


def contributors_by_organization(frames: Frames, now: pd.Timestamp) -> pd.DataFrame:
    """Active contributors per complete month and organization, the last 24 months (the month
    in progress is left out: it would read as a drop)."""
    running = period_floor(now, "month")
    start = running - pd.DateOffset(months=24)
    table = active_contributors_by_organization(frames, "month", start.tz_localize("UTC"))
    return table[pd.to_datetime(table["period_start"]) < running].reset_index(drop=True)


def response_times(frames: Frames, now: pd.Timestamp) -> pd.DataFrame:
    """Items opened in the last year with their hours to a first response (or waiting)."""
    moment = as_of(now)
    return first_responses(frames, moment - pd.Timedelta(days=DRILL_DOWN_DAYS), moment, moment)


def missed(responses: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The items of :func:`response_times` that missed the response target, worst first."""
    rows = missed_response_target(responses, config.health.response_target_hours).copy()
    rows["hours"] = rows["response_hours"].fillna(rows["waiting_hours"])
    rows["answered"] = rows["response_hours"].notna()
    return rows.sort_values("hours", ascending=False).reset_index(drop=True)


def releases(frames: Frames) -> pd.DataFrame:
    """Releases, newest first (pre-releases flagged)."""
    rows = frames.releases.sort_values("published_at", ascending=False)
    return rows[["repo", "tag", "published_at", "is_prerelease"]].reset_index(drop=True)


@dataclass(frozen=True)
class DrillDown:
    """One repository in detail, as the page shows it below the table."""

    contributors: pd.DataFrame  # :func:`contributors_by_organization`
    responses: pd.DataFrame  # :func:`response_times`
    late: pd.DataFrame  # :func:`missed`
    releases: pd.DataFrame  # :func:`releases`


def drill_down(frames: Frames, config: Config, now: pd.Timestamp) -> DrillDown:
    """The drill-down of one repository's frames (scope `repo:NAME`) as of the current hour,
    computed once per data version, repository and hour, and kept with the frames' results."""
    moment = as_of(now)

    def make() -> DrillDown:
        responses = response_times(frames, moment)
        return DrillDown(
            contributors_by_organization(frames, moment),
            responses,
            missed(responses, config),
            releases(frames),
        )

    target = config.health.response_target_hours
    return computed(frames, ("drill_down", moment, target), make)


def default_repository(table: pd.DataFrame) -> str | None:
    """The repository the page opens in detail: the first row in the default order."""
    rows = filter_table(table)
    return None if rows.empty else str(rows["repo"].iloc[0])
