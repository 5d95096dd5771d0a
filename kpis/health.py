"""Project health: stale repositories, release cadence, and the per-repository health table
with its attention score.

Inputs (see :mod:`kpis.schema`): ``repository_details`` (owned? archived? fork? created, last
push, topics, the configured stale limit and any exemption, expanded per repository by the
read side), ``releases``, and the commits, issues, contributions and compliance frames the
other families read.

Every number in the health table comes from the KPI families' own functions grouped by
repository (``*_by_repo`` beside each KPI): one definition per KPI, whatever the grouping.

- **Stale:** an owned repository that is not archived and not a fork is stale at a moment
  when its newest activity (a commit authored, or a push the platform reported) before that
  moment is more than ``stale_after_days`` days old (a repository without any activity counts
  from its creation). An exemption valid that day (through its ``until`` day) excuses it.
- **Release cadence** (CHAOSS Release Frequency): releases that are not pre-releases; the
  median number of days between consecutive ones, over the repository's whole history.
- **Attention score:** the sum of the points of :data:`ATTENTION_RULES` a repository breaks,
  each spelled out as a reason; 0 for archived repositories.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpis._util import count_by, empty_result, flag, result
from kpis.community import (
    commits_by_repo,
    contributor_absence_factor_by_repo,
    elephant_factor_by_repo,
    last_commit_by_repo,
)
from kpis.compliance import check_matrix, failing_repositories
from kpis.kpi import CHAOSS_KB, KPI
from kpis.periods import Period, bucket, period_floor, period_range, shift
from kpis.responsiveness import (
    first_responses,
    missed_response_target,
    open_items_by_repo,
    time_to_first_response_by_repo,
)
from kpis.schema import OWNED, Frames

# ----------------------------------------------------------------------------- stale


def _held(details: pd.DataFrame) -> pd.DataFrame:
    """The repositories the stale rule applies to: owned, not archived, not forks."""
    keep = (details["relationship"] == OWNED).fillna(False).astype(bool)
    keep &= ~flag(details["is_archived"]) & ~flag(details["is_fork"])
    return details.loc[keep]


def activity_events(frames: Frames) -> pd.DataFrame:
    """Every sign of life per repository: commits authored (bots' and merges too: someone
    still keeps it up) and the platform's last push. Columns repo, at (UTC)."""
    commits = frames.commits[["repo", "authored_at"]].rename(columns={"authored_at": "at"})
    details = frames.repository_details
    pushes = details.loc[details["pushed_at"].notna(), ["repo", "pushed_at"]]
    events = pd.concat([commits, pushes.rename(columns={"pushed_at": "at"})], ignore_index=True)
    events = events.dropna()
    events["at"] = events["at"].astype("datetime64[ns, UTC]")
    return events


STALE_COLUMNS = (
    "moment",
    "repo",
    "last_activity_at",
    "idle_days",
    "stale_after_days",
    "stale",
    "exempt",
    "exempt_until",
    "exempt_reason",
)


def stale_status(frames: Frames, moments) -> pd.DataFrame:
    """Each held repository at each of `moments` (timestamp-likes, UTC) from its creation on:
    its newest activity, days idle, and whether it is stale or exempt (:data:`STALE_COLUMNS`)."""
    held = _held(frames.repository_details)
    moments = pd.DatetimeIndex(sorted({pd.Timestamp(m) for m in moments}))
    if held.empty or moments.empty:
        return pd.DataFrame({column: [] for column in STALE_COLUMNS})
    if moments.tz is None:
        moments = moments.tz_localize("UTC")
    moments = moments.astype("datetime64[ns, UTC]")
    events = activity_events(frames)
    events = events[events["repo"].isin(set(held["repo"]))].sort_values("at", kind="stable")
    first = events.groupby("repo")["at"].min()
    created = held.set_index("repo")["created_at"].astype("datetime64[ns, UTC]")
    born = created.fillna(first.reindex(created.index)).rename("born")
    grid = held[["repo", "stale_after_days", "stale_exempt_until", "stale_exempt_reason"]].merge(
        pd.DataFrame({"moment": moments}), how="cross"
    )
    grid = grid.merge(born, left_on="repo", right_index=True, how="left")
    grid = grid[grid["born"].notna() & (grid["born"] <= grid["moment"])]
    grid = grid.sort_values("moment", kind="stable")
    out = pd.merge_asof(
        grid, events, left_on="moment", right_on="at", by="repo", direction="backward"
    )
    out["last_activity_at"] = out["at"].fillna(out["born"])
    out["idle_days"] = (out["moment"] - out["last_activity_at"]).dt.total_seconds() / 86400.0
    over = (out["idle_days"] > out["stale_after_days"]).fillna(False).astype(bool)
    until = out["stale_exempt_until"]
    valid = until.notna() & (until >= out["moment"].dt.normalize())
    out["exempt"] = over & valid.fillna(False).astype(bool)
    out["stale"] = over & ~out["exempt"]
    out = out.rename(
        columns={"stale_exempt_until": "exempt_until", "stale_exempt_reason": "exempt_reason"}
    )
    return out[list(STALE_COLUMNS)].sort_values(["moment", "repo"]).reset_index(drop=True)


def _observed_until(frames: Frames) -> pd.Timestamp | None:
    """The newest thing the data knows of (commits, issues, pushes, releases)."""
    stamps = [
        activity_events(frames)["at"].max(),
        frames.issues["created_at"].max() if len(frames.issues) else pd.NaT,
        frames.releases["published_at"].max() if len(frames.releases) else pd.NaT,
    ]
    stamps = [s for s in stamps if pd.notna(s)]
    return max(stamps) if stamps else None


def stale_repositories(frames: Frames, period: Period) -> pd.Series:
    """Held repositories stale at the end of each period (the period holding the newest data
    is judged at that moment), from the first activity on."""
    events = activity_events(frames)
    last = _observed_until(frames)
    if events.empty or last is None:
        return empty_result()
    starts = period_range(events["at"].min(), last, period)
    ends = [min(shift(s, period, 1).tz_localize("UTC"), last) for s in starts]
    status = stale_status(frames, ends)
    counts = status.loc[status["stale"].astype(bool)].groupby("moment").size()
    # Two periods can be judged at one moment (newest data exactly at a period's start).
    values = [float(counts.get(moment, 0)) for moment in ends]
    return result(pd.Series(values, index=pd.DatetimeIndex(starts)))


# ----------------------------------------------------------------------------- releases


def published_releases(frames: Frames) -> pd.DataFrame:
    """Releases that are not pre-releases (drafts are never loaded)."""
    releases = frames.releases
    return releases.loc[~flag(releases["is_prerelease"]) & releases["published_at"].notna()]


def release_frequency(frames: Frames, period: Period) -> pd.Series:
    """Releases (not pre-releases) published in each period."""
    releases = published_releases(frames)
    return count_by(bucket(releases["published_at"], period))


def release_cadence_by_repo(frames: Frames, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per repository: last release (tag, date), releases in the 365 days before `as_of`,
    and the median days between consecutive releases (NaN with fewer than two)."""
    columns = ["repo", "last_release", "last_release_at", "releases_365d", "release_gap_days"]
    releases = published_releases(frames)
    releases = releases[releases["published_at"] <= as_of].sort_values(
        ["repo", "published_at"], kind="stable"
    )
    if releases.empty:
        return pd.DataFrame({column: [] for column in columns})
    gaps = releases.groupby("repo")["published_at"].diff().dt.total_seconds() / 86400.0
    latest = releases.groupby("repo").tail(1).set_index("repo")
    recent = releases[releases["published_at"] > as_of - pd.Timedelta(days=365)]
    table = pd.DataFrame(
        {
            "last_release": latest["tag"],
            "last_release_at": latest["published_at"],
            "releases_365d": recent.groupby("repo").size().reindex(latest.index, fill_value=0),
            "release_gap_days": gaps.groupby(releases["repo"]).median().reindex(latest.index),
        }
    )
    table.index.name = "repo"
    return table.reset_index()[columns]


# ----------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class HealthRules:
    """What the health table and its attention score measure against."""

    response_target_hours: float = 48.0
    window_days: int = 90
    sparkline_weeks: int = 12
    backlog_age_days: float = 180.0
    release_gap_days: float = 365.0


@dataclass(frozen=True)
class AttentionRule:
    id: str
    points: int
    meaning: str


# The attention score: the points of every rule a repository breaks (compliance: a point per
# failing required check, at most 3).
ATTENTION_RULES: tuple[AttentionRule, ...] = (
    AttentionRule("stale", 3, "no commit and no push for longer than the stale limit"),
    AttentionRule("waiting", 2, "open items waiting longer than the response target"),
    AttentionRule("slow_response", 2, "median time to first response over the target"),
    AttentionRule("single_maintainer", 1, "one person wrote half of the window's commits"),
    AttentionRule("compliance", 1, "each failing required compliance check (at most 3)"),
    AttentionRule("old_backlog", 1, "open items' median age over the backlog limit"),
    AttentionRule("no_recent_release", 1, "releases before, but none for over a year"),
)
POINTS = {rule.id: rule.points for rule in ATTENTION_RULES}
COMPLIANCE_POINTS_MAX = 3

HEALTH_COLUMNS = (
    "repo",
    "attention_score",
    "attention_reasons",
    "activity",
    "commits_12w",
    "last_commit_at",
    "last_push_at",
    "idle_days",
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
    "releases_365d",
    "release_gap_days",
    "compliance_gaps",
    "is_archived",
)


def _sparklines(frames: Frames, repos: pd.Index, as_of: pd.Timestamp, weeks: int) -> pd.Series:
    """Each repository's commits per complete week, the last `weeks` weeks (oldest first)."""
    end = period_floor(as_of, "week")  # the running week is left out, never drawn as a drop
    start = shift(end, "week", -weeks)
    starts = pd.DatetimeIndex([shift(start, "week", i) for i in range(weeks)])
    table = commits_by_repo(frames, "week", start, end)
    wide = table.pivot(index="repo", columns="period_start", values="value")
    wide = wide.reindex(index=repos, columns=starts).fillna(0.0)
    return pd.Series([row.tolist() for row in wide.to_numpy()], index=repos, dtype=object)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}".removesuffix(".0")


def _reasons(row: pd.Series, rules: HealthRules, limit: float) -> tuple[int, list[str]]:
    if row["is_archived"]:
        return 0, []
    found: list[tuple[int, str]] = []
    if row["stale"]:
        found.append(
            (
                POINTS["stale"],
                f"stale: no commit or push for {row['idle_days']:,.0f} days (limit {limit:,.0f})",
            )
        )
    waiting = row["waiting_over_target"]
    if waiting > 0:
        found.append(
            (
                POINTS["waiting"],
                f"{waiting:,.0f} open item{'s' * (waiting != 1)} waiting over "
                f"{_number(rules.response_target_hours)} h for a first response",
            )
        )
    ttfr = row["ttfr_median_90d_hours"]
    if pd.notna(ttfr) and ttfr > rules.response_target_hours:
        found.append(
            (
                POINTS["slow_response"],
                f"median first response {_number(ttfr)} h over "
                f"{rules.window_days} days (target {_number(rules.response_target_hours)} h)",
            )
        )
    if row["contributor_absence_factor_90d"] == 1:
        found.append(
            (
                POINTS["single_maintainer"],
                f"one person wrote at least half of the last {rules.window_days} days' commits",
            )
        )
    gaps = row["compliance_gaps"]
    if isinstance(gaps, str) and gaps:
        checks = gaps.split(", ")
        found.append(
            (
                min(len(checks), COMPLIANCE_POINTS_MAX) * POINTS["compliance"],
                f"compliance: {gaps} failing",
            )
        )
    age = row["open_median_age_days"]
    if pd.notna(age) and age > rules.backlog_age_days:
        found.append(
            (
                POINTS["old_backlog"],
                f"open items' median age {age:,.0f} days (over {rules.backlog_age_days:,.0f})",
            )
        )
    last = row["last_release_at"]
    if pd.notna(last) and row["releases_365d"] == 0:
        found.append((POINTS["no_recent_release"], f"no release since {last:%Y-%m-%d}"))
    return sum(p for p, _ in found), [f"{text} (+{p})" for p, text in found]


def repository_health(
    frames: Frames, as_of: pd.Timestamp, rules: HealthRules | None = None
) -> pd.DataFrame:
    """One row per owned repository (:data:`HEALTH_COLUMNS`), most in need of attention first.

    Windows end at `as_of`: the last `window_days` days for time to first response, the
    contributor absence and elephant factors; the last complete weeks for the sparkline.
    """
    rules = rules or HealthRules()
    as_of = pd.Timestamp(as_of)
    as_of = as_of.tz_localize("UTC") if as_of.tzinfo is None else as_of.tz_convert("UTC")
    details = frames.repository_details
    owned = details[(details["relationship"] == OWNED).fillna(False).astype(bool)]
    owned = owned.drop_duplicates("repo").set_index("repo").sort_index()
    if owned.empty:
        return pd.DataFrame({column: [] for column in HEALTH_COLUMNS})
    repos = owned.index
    start = as_of - pd.Timedelta(days=rules.window_days)
    table = pd.DataFrame(index=repos)
    table["activity"] = _sparklines(frames, repos, as_of, rules.sparkline_weeks)
    table["commits_12w"] = [float(sum(values)) for values in table["activity"]]
    table["last_commit_at"] = last_commit_by_repo(frames).reindex(repos)
    table["last_push_at"] = owned["pushed_at"]
    stale = stale_status(frames, [as_of]).set_index("repo").reindex(repos)
    table["idle_days"] = stale["idle_days"].round(0)
    table["stale"] = stale["stale"].fillna(False).astype(bool)
    note = pd.Series("", index=repos, dtype=object)
    exempt = stale["exempt"].fillna(False).astype(bool)
    note[exempt] = (
        "exempt until "
        + stale.loc[exempt, "exempt_until"].dt.strftime("%Y-%m-%d")
        + ": "
        + stale.loc[exempt, "exempt_reason"].astype(str)
    )
    note[table["stale"]] = "stale"
    table["is_archived"] = flag(owned["is_archived"])
    note[table["is_archived"]] = "archived"
    note[flag(owned["is_fork"]) & ~table["is_archived"]] = "fork"
    table["stale_note"] = note
    items = open_items_by_repo(frames, as_of).set_index("repo").reindex(repos)
    table["open_issues"] = items["open_issues"].fillna(0).astype("int64")
    table["open_prs"] = items["open_prs"].fillna(0).astype("int64")
    table["open_median_age_days"] = items["open_median_age_days"].round(1)
    table["ttfr_median_90d_hours"] = (
        time_to_first_response_by_repo(frames, start, as_of).reindex(repos).round(1)
    )
    responses = first_responses(frames, None, as_of, as_of)  # every open item, however old
    waiting = missed_response_target(responses, rules.response_target_hours)
    waiting = waiting[waiting["waiting_hours"].notna()]
    table["waiting_over_target"] = (
        waiting.groupby("repo").size().reindex(repos, fill_value=0).astype("int64")
    )
    table["contributor_absence_factor_90d"] = contributor_absence_factor_by_repo(
        frames, start, as_of
    ).reindex(repos)
    table["elephant_factor_90d"] = elephant_factor_by_repo(frames, start, as_of).reindex(repos)
    cadence = release_cadence_by_repo(frames, as_of).set_index("repo").reindex(repos)
    table["last_release"] = cadence["last_release"]
    table["last_release_at"] = cadence["last_release_at"]
    table["releases_365d"] = cadence["releases_365d"].fillna(0).astype("int64")
    table["release_gap_days"] = cadence["release_gap_days"].round(1)
    gaps = failing_repositories(check_matrix(frames, as_of))
    table["compliance_gaps"] = (
        gaps.set_index("repo")["failing"].reindex(repos) if len(gaps) else None
    )
    limits = owned["stale_after_days"]
    scored = [_reasons(row, rules, limits.get(repo, math.nan)) for repo, row in table.iterrows()]
    table["attention_score"] = np.array([score for score, _ in scored], dtype="int64")
    table["attention_reasons"] = ["; ".join(reasons) for _, reasons in scored]
    table = table.reset_index()
    table = table.sort_values(["attention_score", "repo"], ascending=[False, True], kind="stable")
    return table[list(HEALTH_COLUMNS)].reset_index(drop=True)


HEALTH_KPIS: tuple[KPI, ...] = (
    KPI(
        id="release_frequency",
        title="Releases",
        unit="releases",
        definition=(
            "Number of releases published in the period in the repositories in view, "
            "pre-releases and drafts left out; 0 when there were none. The Project health page "
            "shows each repository's last release and the median days between its releases."
        ),
        chaoss=f"Release Frequency — {CHAOSS_KB}metric-release-frequency/",
        higher_is_better=True,
        needs=("releases",),
        compute=release_frequency,
        group="health",
        fill_value=0.0,
    ),
    KPI(
        id="stale_repositories",
        title="Stale repositories",
        unit="repositories",
        definition=(
            "Repositories we own (not archived, not forks) whose newest commit or push is "
            "older than the stale limit (`health.stale_after_days`, 180 days by default) at "
            "the end of the period; repositories exempted by name or topic (with a reason, "
            "until a date) are not counted while the exemption holds. The period holding the "
            "newest data is judged at that moment."
        ),
        chaoss=None,
        higher_is_better=False,
        needs=("commits", "repository_details"),
        compute=stale_repositories,
        group="health",
        fill_value=math.nan,
    ),
)
