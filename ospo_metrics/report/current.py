"""The impact summary of a window as of now, from an entry point's context: the one builder
the dashboard, `ospo-metrics report` and the warming after a collection share."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pandas as pd

import kpis
from kpis.schema import Frames
from ospo_metrics.people import privacy
from ospo_metrics.read.memo import computed
from ospo_metrics.report.impact import ImpactSummary, impact_summary, objectives_as_of
from ospo_metrics.report.sections import strategy_sections
from ospo_metrics.report.windows import window_for

if TYPE_CHECKING:
    from ospo_metrics.context import Context


def summary_of(
    context: Context, frames: Frames, window_key: str, now: pd.Timestamp, assessments: list
) -> ImpactSummary:
    """The summary over the window `window_key` as of `now`, with the objectives evaluated as
    of the window's end and the maturity stage of `assessments`."""
    from ospo_metrics.strategy.objectives import evaluate_objectives

    window = window_for(window_key, now)
    as_of = objectives_as_of(window, now)
    views = evaluate_objectives(list(context.config.objectives), frames, context.groups, as_of)
    return impact_summary(
        frames,
        views,
        window,
        now,
        context.organization_name,
        context.is_demo,
        privacy.enabled(context.config),
        strategy_sections(frames, as_of, assessments),
    )


def hourly_summary(
    context: Context, frames: Frames, window_key: str, now: pd.Timestamp, assessments: list
) -> ImpactSummary:
    """`summary_of` computed once per data version, window, hour and state of the maturity
    assessments (the report states the stage), kept with the frames' results."""
    hour = f"{pd.Timestamp(now):%Y-%m-%dT%H}"
    stamp = hashlib.sha256(repr(assessments).encode()).hexdigest()[:16]
    return computed(
        frames,
        ("impact", window_key, hour, stamp),
        lambda: summary_of(context, frames, window_key, now, assessments),
    )


UPSTREAM_TILES = (
    "upstream_prs_opened",
    "upstream_prs_merged",
    "upstream_merge_rate",
    "upstream_time_to_merge",
    "upstream_reviews",
    "upstream_majority_projects",
)


def upstream_numbers(frames: Frames, window_key: str, now: pd.Timestamp) -> dict:
    """The Upstream page's numbers over a window: headlines (with the window before and four
    quarters), the per-project and the per-person tables; computed once per data version,
    window and hour, kept with the frames' results."""
    from kpis.upstream import upstream_people_table, upstream_projects_table
    from kpis.window import window_value
    from ospo_metrics.report.impact import Headline, quarter_trend

    def make() -> dict:
        window = window_for(window_key, now)
        return {
            "headlines": [
                Headline(
                    kpis.get(kpi_id),
                    window_value(kpi_id, frames, window.start, window.end),
                    window_value(kpi_id, frames, window.previous_start, window.previous_end),
                    quarter_trend(kpi_id, frames, window, now),
                )
                for kpi_id in UPSTREAM_TILES
            ],
            "projects": upstream_projects_table(frames, window.start, window.end),
            "people": upstream_people_table(frames, window.start, window.end),
        }

    hour = f"{pd.Timestamp(now):%Y-%m-%dT%H}"
    return computed(frames, ("upstream", window_key, hour), make)


__all__ = ["UPSTREAM_TILES", "hourly_summary", "summary_of", "upstream_numbers"]
