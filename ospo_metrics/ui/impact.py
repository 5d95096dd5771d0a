"""Widgets of the Impact summary and Upstream pages: the window picker (in the URL), the
summary over a window (computed once per data version, window and hour), headline tiles with
their comparison, four-quarter trend charts, objectives by impact goal."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ospo_metrics import report
from ospo_metrics.formatting import format_delta, format_value
from ospo_metrics.objectives import objectives_table
from ospo_metrics.report import Headline, ImpactSummary, Window
from ospo_metrics.strategy.goals import ROLLUP_RULE, goal_of, goal_summaries
from ospo_metrics.ui.data import context, frames, now
from ospo_metrics.ui.state import remember, url_value
from ospo_metrics.ui.status import STATUS_ICONS, status_badge
from ospo_metrics.ui.widgets import table

TILE_COLOURS = {"up": "normal", "down": "inverse", "neutral": "off"}


def window_picker(key: str = "window") -> Window:
    """The window every number of the page covers, kept in the URL (`?window=2026Q3`)."""
    found = report.windows(now())
    keys = [w.key for w in found]
    chosen = url_value(key)
    default = chosen if chosen in keys else report.DEFAULT_WINDOW
    labels = {w.key: w.label for w in found}
    choice = st.columns([1, 2])[0].selectbox(
        "Window",
        keys,
        index=keys.index(default),
        format_func=lambda k: labels[k],
        key=key,
        help="Every number, chart and table on this page covers this window (UTC days): a "
        "named quarter, the year to date, or the trailing 12 months.",
    )
    remember(key, choice)
    return report.window_for(choice, now())


def summary(window: Window) -> ImpactSummary:
    """The impact summary over `window` (shared and read-only)."""
    from ospo_metrics.report.current import hourly_summary
    from ospo_metrics.ui.maturity import maturity_assessments

    return hourly_summary(context(), frames("all"), window.key, now(), maturity_assessments())


def headline_tile(headline: Headline, compared_with: str) -> None:
    kpi = headline.kpi
    delta = format_delta(headline.delta, kpi.unit)
    colour, arrow = TILE_COLOURS[kpi.direction], "auto"
    if headline.delta == 0:  # "±0" is no rise: not green
        colour, arrow = "off", "off"
    st.metric(
        kpi.title,
        format_value(headline.value, kpi.unit),
        delta,
        delta_color=colour,
        delta_arrow=arrow,
        help=f"{kpi.definition}\n\nUnit: {kpi.unit}. Compared with {compared_with}.",
    )
    st.caption(f"vs {compared_with}" if delta else f"no value for {compared_with}")


def trend_figure(headline: Headline) -> go.Figure:
    """The headline's last four quarters as bars; the running quarter hollow, "so far"."""
    kpi, trend = headline.kpi, headline.trend
    figure = go.Figure()
    if len(trend):
        labels = [
            f"Q{(d.month - 1) // 3 + 1} {d.year}" for d in pd.to_datetime(trend["period_start"])
        ]
        partial = trend["partial"].astype(bool).tolist()
        figure.add_bar(
            x=labels,
            y=trend["value"],
            marker={
                "color": ["rgba(0,0,0,0)" if p else "#3b6ea8" for p in partial],
                "line": {"color": ["#888" if p else "#3b6ea8" for p in partial], "width": 2},
                "pattern": {"shape": ["/" if p else "" for p in partial]},
            },
            customdata=["so far (quarter running)" if p else "complete" for p in partial],
            hovertemplate=f"%{{x}}: %{{y:,.1f}} {kpi.unit} (%{{customdata}})<extra></extra>",
        )
    figure.update_layout(
        title={"text": f"{kpi.title} per quarter ({kpi.unit})", "x": 0, "font": {"size": 13}},
        height=220,
        margin={"t": 40, "b": 10, "l": 10, "r": 10},
        yaxis_title=kpi.unit,
        showlegend=False,
    )
    return figure


def headlines(summary: ImpactSummary) -> None:
    """Tiles of the headline numbers (and the compliance number), each with its trend."""
    tiles([*summary.headlines, summary.compliance], summary.window.compared_with)


def objectives_by_goal(summary: ImpactSummary) -> None:
    """Objectives grouped by impact goal; each goal's status in words and colour."""
    views = summary.objectives
    if not views:
        st.info("No objectives are configured (`objectives:` in `ospo.yml`).", icon="🎯")
        return
    rows = objectives_table(views)
    for goal in goal_summaries(views):
        st.markdown(f"**{status_badge(goal.status)}** — {goal.title}")
        mine = [goal_of(v.objective) == goal.goal for v in views]
        part = rows[mine].copy()
        part["status"] = part["status"].map(lambda s: f"{STATUS_ICONS.get(s, '')} {s}")
        table(part[["title", "status", "baseline", "current", "target", "unit", "due"]])
    st.caption(f"Goals: {ROLLUP_RULE}")


def upstream(window: Window) -> dict:
    """The Upstream page's numbers over `window`: headlines (with the window before and four
    quarters), the per-project and the per-person tables (shared and read-only)."""
    from ospo_metrics.report.current import upstream_numbers

    return upstream_numbers(frames("all"), window.key, now())


def tiles(shown: list[Headline], compared_with: str, columns: int = 3) -> None:
    """Headline tiles with their quarter trends, `columns` to a row."""
    for first in range(0, len(shown), columns):
        for column, headline in zip(
            st.columns(columns), shown[first : first + columns], strict=False
        ):
            with column:
                headline_tile(headline, compared_with)
                st.plotly_chart(
                    trend_figure(headline),
                    width="stretch",
                    key=f"trend-{headline.kpi.id}",
                    config={"displayModeBar": False},
                )
