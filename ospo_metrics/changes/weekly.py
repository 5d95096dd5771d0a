"""The week's changes: the last complete week (Monday to Sunday, UTC) against the one before.

Numbers come from the KPI engine (`read.series`, `kpis.contributors.first_contributions`);
what was *reported* comes from the snapshots (ospo_metrics/snapshots.py). Where the week
before's value as reported then differs from its value recomputed now, part of the change
comes from re-collected or late history, not from last week's activity, and the row says so.

States (archived repositories, objectives' statuses) are read from the snapshots: the state at
the end of a week is the newest snapshot taken on or before the Monday after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

import kpis
from kpis.contributors import first_contributions
from kpis.periods import period_floor, shift
from kpis.schema import NON_ORGANIZATIONS, OWNED, Frames
from ospo_metrics.read import series
from ospo_metrics.snapshots import ARCHIVED, OBJECTIVE, STATE

TOLERANCE = 1e-9
MOVES_SHOWN = 10


def shown_moves(moves: pd.DataFrame) -> pd.DataFrame:
    """The moves a reader sees: the biggest :data:`MOVES_SHOWN`, and every one whose week
    before was reported differently (they explain part of a change)."""
    if moves.empty:
        return moves
    top = moves.index.isin(moves[moves["change"] != 0].head(MOVES_SHOWN).index)
    return moves[top | moves["history_changed"].astype(bool)]


@dataclass(frozen=True)
class Weeks:
    last: pd.Timestamp  # Monday of the last complete week (tz-naive UTC date)
    previous: pd.Timestamp

    @property
    def end(self) -> pd.Timestamp:
        """The Monday after the last complete week (the running week's start)."""
        return shift(self.last, "week", 1)

    def utc(self, day: pd.Timestamp) -> pd.Timestamp:
        return pd.Timestamp(day).tz_localize("UTC")


def weeks_of(now: pd.Timestamp) -> Weeks:
    last = shift(period_floor(now, "week"), "week", -1)
    return Weeks(last=last, previous=shift(last, "week", -1))


def _same(a: float, b: float) -> bool:
    if math.isnan(a) and math.isnan(b):
        return True
    return not (math.isnan(a) or math.isnan(b)) and abs(a - b) <= TOLERANCE


def _reported(snapshots: pd.DataFrame, kpi: str, start: pd.Timestamp, after: pd.Timestamp):
    """The value of `kpi` for the week starting `start` in the first snapshot taken on or after
    `after` (the Monday that week ended); None when no snapshot holds it."""
    rows = snapshots[
        (snapshots["kpi"] == kpi)
        & (snapshots["period"] == "week")
        & (snapshots["period_start"] == start)
        & (snapshots["taken_on"] >= after)
    ]
    if rows.empty:
        return None
    return float(rows.sort_values("taken_on")["value"].iloc[0])


KPI_MOVE_COLUMNS = (
    "kpi",
    "title",
    "unit",
    "week_before",
    "last_week",
    "change",
    "change_pct",
    "reading",
    "note",
    "week_before_as_reported",
    "history_changed",
)


def kpi_moves(frames: Frames, snapshots: pd.DataFrame, weeks: Weeks) -> pd.DataFrame:
    """Every weekly KPI's last week against the week before, biggest relative move first
    (:data:`KPI_MOVE_COLUMNS`); KPIs without a value in either week are left out."""
    rows = []
    for kpi in kpis.REGISTRY.values():
        if "week" not in kpi.periods:
            continue
        table = series(kpi.id, frames, "week", weeks.previous, weeks.last)
        before, last = (float(v) for v in table["value"])
        if math.isnan(before) or math.isnan(last):
            continue
        change = last - before
        reported = _reported(snapshots, kpi.id, weeks.previous, weeks.last)
        history = reported is not None and not _same(reported, before)
        if change == 0:
            reading = "no change"
        elif kpi.direction == "neutral":
            reading = "up" if change > 0 else "down"
        else:
            reading = "better" if (change > 0) == (kpi.direction == "up") else "worse"
        note = ""
        if history:
            note = (
                f"the week before was reported as {reported:,.4g} then and is {before:,.4g} "
                "now: part of this change comes from re-collected or late history, not from "
                "last week's activity"
            )
        elif reported is None:
            note = "no snapshot of the week before: cannot tell history from new activity"
        rows.append(
            {
                "kpi": kpi.id,
                "title": kpi.title,
                "unit": kpi.unit,
                "week_before": round(before, 2),
                "last_week": round(last, 2),
                "change": round(change, 2),
                "change_pct": round(100 * change / abs(before), 1) if before else math.nan,
                "reading": reading,
                "week_before_as_reported": None if reported is None else round(reported, 2),
                "history_changed": history,
                "note": note,
            }
        )
    table = pd.DataFrame(rows, columns=list(KPI_MOVE_COLUMNS))
    if table.empty:
        return table
    # From nothing to something has no percentage: it ranks with the biggest moves.
    size = table["change_pct"].abs().fillna(math.inf).where(table["change"] != 0, 0.0)
    order = pd.DataFrame({"size": size, "abs": table["change"].abs()})
    table = table.loc[order.sort_values(["size", "abs"], ascending=False).index]
    return table.reset_index(drop=True)


def new_contributors(frames: Frames, names: pd.DataFrame, weeks: Weeks) -> tuple[pd.DataFrame, int]:
    """People whose first contribution (the `new_contributors` KPI's definition) was last
    week, with name, organization and where; and how many the week before had."""
    first = first_contributions(frames)
    at = first["occurred_at"]
    last = first[(at >= weeks.utc(weeks.last)) & (at < weeks.utc(weeks.end))]
    before = int(((at >= weeks.utc(weeks.previous)) & (at < weeks.utc(weeks.last))).sum())
    table = last.merge(names, on="person_id", how="left")
    table["name"] = table["name"].where(table["name"].fillna("") != "", table["login"])
    table = table.sort_values("occurred_at").reset_index(drop=True)
    columns = ["person_id", "name", "organization", "is_employee", "occurred_at", "repo", "kind"]
    return table[columns], before


def other_organizations(new: pd.DataFrame) -> pd.DataFrame:
    """New contributors by organization, for real organizations other than ours."""
    other = new[~new["is_employee"].astype(bool) & ~new["organization"].isin(NON_ORGANIZATIONS)]
    return (
        other.groupby("organization")
        .size()
        .rename("new_contributors")
        .reset_index()
        .sort_values(["new_contributors", "organization"], ascending=[False, True])
        .reset_index(drop=True)
    )


def releases(frames: Frames, weeks: Weeks) -> tuple[pd.DataFrame, int]:
    """Releases published last week (newest first) and how many the week before had."""
    rows = frames.releases
    at = rows["published_at"]
    last = rows[(at >= weeks.utc(weeks.last)) & (at < weeks.utc(weeks.end))]
    before = int(((at >= weeks.utc(weeks.previous)) & (at < weeks.utc(weeks.last))).sum())
    return last.sort_values("published_at", ascending=False).reset_index(drop=True), before


def created_repositories(frames: Frames, weeks: Weeks) -> pd.DataFrame:
    details = frames.repository_details
    at = details["created_at"]
    rows = details[
        (details["relationship"] == OWNED)
        & (at >= weeks.utc(weeks.last))
        & (at < weeks.utc(weeks.end))
    ]
    return rows[["repo", "created_at", "topics"]].reset_index(drop=True)


@dataclass(frozen=True)
class StateChanges:
    table: pd.DataFrame
    note: str  # empty when the snapshots allowed a comparison


def _compare_states(snapshots: pd.DataFrame, kpi: str, weeks: Weeks) -> tuple:
    states = snapshots[(snapshots["period"] == STATE) & (snapshots["kpi"] == kpi)]
    every_day = snapshots["taken_on"]
    before_day = every_day[every_day <= weeks.last].max() if len(every_day) else None
    after_day = every_day[every_day <= weeks.end].max() if len(every_day) else None
    if before_day is None or pd.isna(before_day) or after_day == before_day:
        return None, None, "no snapshot from before last week to compare with"
    before = states[states["taken_on"] == before_day]
    after = states[states["taken_on"] == after_day]
    return before, after, ""


def archived_repositories(
    snapshots: pd.DataFrame, weeks: Weeks, repositories: set[str]
) -> StateChanges:
    """Repositories (of `repositories`) archived between the two weeks' ends."""
    before, after, note = _compare_states(snapshots, ARCHIVED, weeks)
    if note:
        return StateChanges(pd.DataFrame({"repo": []}), note)
    newly = {s.removeprefix("repo:") for s in set(after["scope"]) - set(before["scope"])}
    return StateChanges(pd.DataFrame({"repo": sorted(newly & repositories)}), "")


def objective_changes(
    snapshots: pd.DataFrame, weeks: Weeks, titles: dict[str, str]
) -> StateChanges:
    from kpis.objectives import STATUSES

    columns = ["objective", "title", "status_before", "status_after"]
    before, after, note = _compare_states(snapshots, OBJECTIVE, weeks)
    if note:
        return StateChanges(pd.DataFrame({c: [] for c in columns}), note)
    was = before.set_index("scope")["value"]
    now = after.set_index("scope")["value"]
    rows = []
    for scope in sorted(set(was.index) | set(now.index)):
        old, new = was.get(scope), now.get(scope)
        if old == new:
            continue
        objective = scope.removeprefix("objective:")
        rows.append(
            {
                "objective": objective,
                "title": titles.get(objective, objective),
                "status_before": "—" if old is None else STATUSES[int(old)],
                "status_after": "—" if new is None else STATUSES[int(new)],
            }
        )
    return StateChanges(pd.DataFrame(rows, columns=columns), "")


@dataclass(frozen=True)
class WeeklyChanges:
    weeks: Weeks
    new_contributors: pd.DataFrame
    new_contributors_before: int
    other_organizations: pd.DataFrame
    releases: pd.DataFrame
    releases_before: int
    created: pd.DataFrame
    archived: StateChanges
    objectives: StateChanges
    kpis: pd.DataFrame
    snapshot_days: int  # distinct days with a snapshot of this scope


def select_snapshots(snapshots: pd.DataFrame, scope: str) -> pd.DataFrame:
    """The rows `weekly_changes` reads for a scope: the scope's KPI values and every state."""
    return snapshots[(snapshots["scope"] == scope) | (snapshots["period"] == STATE)]


def weekly_changes(
    frames: Frames,
    snapshots: pd.DataFrame,
    names: pd.DataFrame,
    now: pd.Timestamp,
    objective_titles: dict[str, str],
) -> WeeklyChanges:
    """Everything the What changed page and `ospo-metrics changes` show, for one scope
    (`snapshots`: that scope's rows plus the state rows)."""
    weeks = weeks_of(now)
    new, before = new_contributors(frames, names, weeks)
    published, published_before = releases(frames, weeks)
    scope_rows = snapshots[snapshots["period"] != STATE]
    return WeeklyChanges(
        weeks=weeks,
        new_contributors=new,
        new_contributors_before=before,
        other_organizations=other_organizations(new),
        releases=published,
        releases_before=published_before,
        created=created_repositories(frames, weeks),
        archived=archived_repositories(snapshots, weeks, set(frames.repository_details["repo"])),
        objectives=objective_changes(snapshots, weeks, objective_titles),
        kpis=kpi_moves(frames, scope_rows, weeks),
        snapshot_days=int(snapshots["taken_on"].nunique()),
    )


def load_changes(context, frames: Frames, scope: str, now: pd.Timestamp) -> WeeklyChanges:
    """`weekly_changes` of a scope from the database's snapshots, computed once per data
    version, scope, hour and snapshot state (taking a snapshot shows at once)."""
    from ospo_metrics import read

    weeks = weeks_of(now)
    since = (weeks.previous - pd.Timedelta(days=7)).date()
    snapshots = select_snapshots(read.load_snapshots(context.engine, since=since), scope)
    stamp = (len(snapshots), str(snapshots["taken_on"].max()) if len(snapshots) else "")
    hour = pd.Timestamp(now).floor("h")
    titles = {o.id: o.title for o in context.config.objectives}

    def make() -> WeeklyChanges:
        names = read.load_person_names(context.engine)
        return weekly_changes(frames, snapshots, names, hour, titles)

    return read.computed(frames, ("changes", scope, hour, *stamp), make)
