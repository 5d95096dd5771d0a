"""Charts with a title, units in the hover, and the running period drawn apart (hollow, grey,
"so far"), so an incomplete week never looks like a drop."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import kpis
from kpis.schema import Frames
from ospo_metrics.objectives import ObjectiveView
from ospo_metrics.report.series import complete, kpi_series
from ospo_metrics.ui.data import now
from ospo_metrics.ui.widgets import empty_state

PERIOD_NOUNS = {"week": "week", "month": "month", "quarter": "quarter"}


def _layout(figure: go.Figure, title: str, unit: str, x_title: str) -> None:
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        xaxis_title=x_title,
        yaxis_title=unit,
        margin={"t": 50, "b": 10, "l": 10, "r": 10},
        legend={"orientation": "h", "y": -0.2},
        hovermode="x unified",
    )


def series_figure(series: pd.DataFrame, title: str, unit: str, period: str) -> go.Figure:
    """A KPI series from `report.series.kpi_series`: complete periods as a line, the running
    one as a grey hollow marker labelled "so far"."""
    figure = go.Figure()
    done = complete(series)
    hover = f"%{{y:,.2f}} {unit}<extra>%{{x|%Y-%m-%d}}</extra>"
    figure.add_scatter(
        x=pd.to_datetime(done["period_start"]),
        y=done["value"],
        mode="lines+markers",
        name=f"complete {PERIOD_NOUNS.get(period, period)}s",
        hovertemplate=hover,
    )
    running = series[series["partial"].astype(bool)] if len(series) else series
    if len(running):
        figure.add_scatter(
            x=pd.to_datetime(running["period_start"]),
            y=running["value"],
            mode="markers",
            marker={"symbol": "circle-open", "size": 10, "color": "gray"},
            name=f"this {period} so far (incomplete)",
            hovertemplate=f"so far: %{{y:,.2f}} {unit}<extra>%{{x|%Y-%m-%d}}</extra>",
        )
    _layout(figure, title, unit, f"{period} starting")
    return figure


def kpi_trend(kpi_id: str, data: Frames, period: str, scope: str = "all") -> pd.DataFrame:
    """A chart of a KPI series up to today; returns the series so the page can offer it."""
    kpi = kpis.get(kpi_id)
    series = kpi_series(kpi.id, data, scope, period, now())
    if complete(series)["value"].dropna().empty:
        empty_state(f"No data for {kpi.title} yet.")
        return series
    title = f"{kpi.title} per {period} ({kpi.unit})"
    st.plotly_chart(series_figure(series, title, kpi.unit, period), width="stretch")
    return series


def objective_chart(view: ObjectiveView) -> None:
    """The objective's history, baseline, target, forecast band and due date (with a legend)."""
    from ospo_metrics.strategy.charts import objective_figure

    if view.result.trajectory.empty:
        empty_state("No data for this objective's KPI and scope since its start yet.")
        return
    st.plotly_chart(objective_figure(view), width="stretch")


def partner_share_chart(shares: pd.DataFrame, period: str) -> None:
    """Each partner organization's share of the contributions to our repositories, stacked."""
    figure = go.Figure()
    for organization, rows in shares.groupby("organization", sort=True):
        figure.add_bar(
            x=pd.to_datetime(rows["period_start"]),
            y=rows["share_pct"],
            name=str(organization),
            hovertemplate=f"{organization}: %{{y:.1f}} %<extra>%{{x|%Y-%m-%d}}</extra>",
        )
    figure.update_layout(barmode="stack")
    _layout(figure, f"Share of contributions by partner organizations per {period}", "%", "")
    st.plotly_chart(figure, width="stretch")
