"""Warming after a collection: the frames, then what the first views compute from them.

`collect` ends with this (`ospo-metrics warm` runs it alone), so the first view after a
collection, in any new dashboard process, and the next `ospo-metrics kpis` read stored results
instead of reading a million rows and computing every series (read/results.py). The views
warmed are the defaults: every scope's pages start on `all` and the week. Any other choice is
computed on its first view and then kept as well.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

import kpis
from ospo_metrics import read

if TYPE_CHECKING:
    from ospo_metrics.context import Context

DEFAULT_PERIOD = "week"  # the pages' period picker starts on it, and `ospo-metrics kpis` too


@dataclass(frozen=True)
class Warmed:
    frames_seconds: float  # the frames into the Arrow cache
    results_seconds: float  # the default views' results into the result store


def latest_values(frames: kpis.Frames, period: str, now: pd.Timestamp, calendar_for=None) -> list:
    """Each KPI's latest complete period, its change and its affiliation coverage: the
    Overview's tiles and `ospo-metrics kpis` (one computation, kept with the frames)."""
    rows = []
    for kpi in kpis.REGISTRY.values():
        calendar = calendar_for(kpi) if calendar_for is not None else None
        table = read.series(kpi.id, frames, period, end=now, calendar=calendar)
        change = kpis.latest_change(table, now)
        coverage = read.coverage_at(kpi.id, frames, period, change.period_start)
        rows.append((kpi, calendar, change, coverage))
    return rows


def warm_views(context: Context, now: pd.Timestamp | None = None) -> Warmed:
    """Fill the frames cache, then compute and store the default views' results: what each
    page shows when it opens (scope `all`, the week, the default window), through the same
    functions the pages call."""
    now = now if now is not None else pd.Timestamp.now("UTC")
    frames_seconds = read.warm(
        context.engine, context.database_url, context.rules, context.cache_dir
    )
    began = time.perf_counter()
    frames = read.version_frames(context)
    for view in _VIEWS:
        view(context, frames, now)
    return Warmed(frames_seconds, time.perf_counter() - began)


def _basics(context: Context, frames: kpis.Frames, now: pd.Timestamp) -> None:
    from ospo_metrics.people.views import excluded_table
    from ospo_metrics.report.series import first_activity, kpi_series

    read.repository_names(frames)
    read.row_counts(frames, *read.FRAME_NAMES)
    first_activity(frames)
    latest_values(frames, DEFAULT_PERIOD, now)  # Overview's tiles, `ospo-metrics kpis`
    excluded_table(frames)
    first = next(iter(kpis.REGISTRY))  # the trend the Overview and Explore open on
    kpi_series(first, frames, "all", DEFAULT_PERIOD, now, start=first_activity(frames))


def _strategy(context: Context, frames: kpis.Frames, now: pd.Timestamp) -> None:
    from ospo_metrics.read.strategy import load_assessments
    from ospo_metrics.report import DEFAULT_WINDOW
    from ospo_metrics.report.current import hourly_summary, upstream_numbers
    from ospo_metrics.report.public_sector import public_sector_summary
    from ospo_metrics.strategy.maturity_evidence import evidence
    from ospo_metrics.strategy.objectives import current_objectives

    current_objectives(list(context.config.objectives), frames, context.groups, now)
    assessments = load_assessments(context.engine)
    hourly_summary(context, frames, DEFAULT_WINDOW, now, assessments)  # Impact summary
    upstream_numbers(frames, DEFAULT_WINDOW, now)  # Upstream contributions
    public_sector_summary(frames, now, DEFAULT_PERIOD)  # Public sector
    evidence(frames, now)  # Maturity


def _compliance(context: Context, frames: kpis.Frames, now: pd.Timestamp) -> None:
    from ospo_metrics.compliance.views import compliance_view

    compliance_view(frames, "matrix")  # Compliance, and its line on the Overview


def _repositories_and_people(context: Context, frames: kpis.Frames, now: pd.Timestamp) -> None:
    from ospo_metrics.changes.weekly import load_changes
    from ospo_metrics.health.views import LATE_SHOWN, default_repository, drill_down, health_table
    from ospo_metrics.people.views import contributors_by_kind_table, current_people_tables

    table = health_table(frames, context.config, now)  # Project health, and the repository
    repository = default_repository(table)  # it opens in detail, with its late items' details
    if repository is not None:
        one = read.scoped_frames(frames, f"repo:{repository}", context.groups)
        late = drill_down(one, context.config, now).late.head(LATE_SHOWN)
        ids = read.first_ids(late, "issues", len(late))
        read.shown_details(context.engine, context.rules, frames, "issues", ids)
    load_changes(context, frames, "all", now)  # What changed (after the snapshot)
    current_people_tables(context.engine, context.rules, frames)  # People
    contributors_by_kind_table(frames, DEFAULT_PERIOD)
    # Explore and export: the first rows of every commit and of the owned repositories'
    # pull requests, with their details; the lookups serve every other filter too.
    read.lookups_of(context.engine, context.rules, frames)
    pull_requests = read.issue_rows(frames.issues, "all", context.groups)
    for what, rows in (("commits", frames.commits), ("issues", pull_requests)):
        read.shown_details(context.engine, context.rules, frames, what, read.first_ids(rows, what))


_VIEWS = (_basics, _strategy, _compliance, _repositories_and_people)


__all__ = ["DEFAULT_PERIOD", "Warmed", "latest_values", "warm_views"]
