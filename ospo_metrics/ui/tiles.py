"""KPI tiles: the last complete period's value, its change, and a sparkline of the periods
before; the period in progress is never compared (it would read as a sudden drop)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import kpis
from kpis.schema import Frames
from ospo_metrics import read
from ospo_metrics.formatting import format_delta, format_value, period_label
from ospo_metrics.ui.data import now as current_time
from ospo_metrics.ui.state import PERIOD_WORDS

SPARKLINE_PERIODS = 12
TILES_PER_ROW = 6

# Labels and values wrap instead of being cut with an ellipsis, however narrow the column.
TILE_STYLE = """<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  height: auto !important;
}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
</style>"""


def style() -> None:
    """Page-wide style the widgets rely on (call once per run, from app.py)."""
    st.html(TILE_STYLE)


def kpi_tile(kpi_id: str, data: Frames, period: str, now: pd.Timestamp | None = None) -> None:
    """A metric tile: the last complete period's value and its change from the one before."""
    kpi = kpis.get(kpi_id)
    now = now if now is not None else current_time()
    # The series runs up to now, so quiet recent periods read as such, not as the last busy one.
    table = read.series(kpi.id, data, period, end=now)
    change = kpis.latest_change(table, now)
    when = (
        period_label(change.period_start, period)
        if change.period_start is not None
        else f"{PERIOD_WORDS[period]}: no data"
    )
    delta = format_delta(change.delta, kpi.unit)
    colour = {"up": "normal", "down": "inverse", "neutral": "off"}[kpi.direction]
    arrow = "auto"
    if change.delta == 0:  # "±0" must not read as a rise, in green
        colour, arrow = "off", "off"
    complete = (
        table[pd.to_datetime(table["period_start"]) <= change.period_start]
        if len(table) and change.period_start is not None
        else table.iloc[0:0]
    )
    sparkline = complete["value"].tail(SPARKLINE_PERIODS).dropna().tolist()
    st.metric(
        kpi.title,
        format_value(change.value, kpi.unit),
        delta,
        delta_color=colour,
        delta_arrow=arrow,
        chart_data=sparkline if len(sparkline) > 1 else None,
        help=f"{kpi.definition}\n\nUnit: {kpi.unit}. {when[0].upper() + when[1:]}, the last "
        f"complete {period}, compared with the {period} before."
        + (f"\n\nCHAOSS: {kpi.chaoss}" if kpi.chaoss else ""),
    )
    caption = f"{when} · vs the {period} before" if delta else when
    coverage = read.coverage_at(kpi.id, data, period, change.period_start)
    if coverage is not None:  # an affiliation KPI says how much of its input has one
        caption += f" · affiliation known for {coverage:.0f} %"
    st.caption(caption)


def kpi_tiles(kpi_ids: tuple[str, ...], data: Frames, period: str) -> None:
    """KPI tiles, at most TILES_PER_ROW to a row."""
    style()  # titles wrap, never cut, even where app.py's style did not run (a deep link)
    now = current_time()
    for first in range(0, len(kpi_ids), TILES_PER_ROW):
        row = kpi_ids[first : first + TILES_PER_ROW]
        for column, kpi_id in zip(st.columns(TILES_PER_ROW), row, strict=False):
            with column:
                kpi_tile(kpi_id, data, period, now)


def excluded_note(data: Frames) -> None:
    """One line under the people tiles: the bot and AI-agent contributions they leave out."""
    from ospo_metrics.people.views import excluded_table

    table = excluded_table(data)
    if table.empty:
        return
    totals = table.groupby("actor")["contributions"].sum()
    words = {"bot": "by bots", "ai_agent": "by AI coding agents"}
    parts = [f"{int(n):,} {words.get(actor, actor)}" for actor, n in totals.items()]
    st.caption(
        "Left out of the people KPIs above: " + " and ".join(parts) + " (contributions to our "
        "repositories over all the data loaded; `bots.ai_agents: contributors` counts agents)."
    )


def count_tile(
    label: str, value: int, before: int | None, direction: str = "up", help: str | None = None
) -> None:
    """A tile of a count with its change from the period before (no arrow, grey, for "±0";
    `direction` "up", "down" or "neutral" says which way is good)."""
    delta = None if before is None else value - before
    colour = {"up": "normal", "down": "inverse", "neutral": "off"}[direction]
    arrow = "auto"
    if delta == 0:
        colour, arrow = "off", "off"
    st.metric(
        label,
        f"{value:,}",
        None if delta is None else format_delta(float(delta), "count"),
        delta_color=colour,
        delta_arrow=arrow,
        help=help,
    )
    if before is not None:
        st.caption(f"the week before: {before:,}")
