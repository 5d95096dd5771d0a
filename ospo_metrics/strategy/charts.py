"""An objective's chart: history, labelled baseline and target, forecast band, due date, legend.

Pure plotly (no Streamlit), so the dashboard and tests draw the same figure.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ospo_metrics.strategy.objectives import ObjectiveView

HISTORY_COLOR = "#1f77b4"
BAND_COLOR = "rgba(31, 119, 180, 0.18)"
TARGET_COLOR = "#2ca02c"
BASELINE_COLOR = "#7f7f7f"
DUE_COLOR = "#d62728"


def objective_figure(view: ObjectiveView) -> go.Figure:
    """The objective's measured history since its start, the forecast's median and 80% band up
    to the due date, the baseline and target as labelled lines, and the due date."""
    objective, result = view.objective, view.result
    points = result.trajectory
    band = result.band
    due = pd.Timestamp(objective.due)
    start = pd.Timestamp(objective.start_date)
    figure = go.Figure()
    if len(band):
        figure.add_trace(
            go.Scatter(
                x=list(band["date"]) + list(band["date"])[::-1],
                y=list(band["high"]) + list(band["low"])[::-1],
                fill="toself",
                fillcolor=BAND_COLOR,
                line={"width": 0},
                hoverinfo="skip",
                name="forecast, 80% range",
            )
        )
        figure.add_trace(
            go.Scatter(
                x=band["date"],
                y=band["median"],
                mode="lines",
                line={"dash": "dash", "color": HISTORY_COLOR},
                name="forecast (median)",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=points["date"],
            y=points["value"],
            mode="lines+markers",
            line={"color": HISTORY_COLOR},
            name=f"measured ({view.unit})" if view.unit else "measured",
        )
    )
    left = min([start, *points["date"]]) if len(points) else start
    right = max([due, *band["date"]]) if len(band) else due
    # Baseline and target as traces (not annotations), so the legend names them and their
    # labels can never overlap however close the two values are.
    for value, name, color, dash in (
        (objective.baseline.value, f"baseline {objective.baseline.value:g}", BASELINE_COLOR, "dot"),
        (objective.target, f"target {objective.target:g}", TARGET_COLOR, "dash"),
    ):
        figure.add_trace(
            go.Scatter(
                x=[left, right],
                y=[value, value],
                mode="lines",
                line={"color": color, "dash": dash, "width": 2},
                name=name,
            )
        )
    figure.add_vline(x=due, line_dash="dot", line_color=DUE_COLOR)
    figure.add_annotation(
        x=due,
        y=1,
        yref="paper",
        text=f"due {due:%Y-%m-%d}",
        showarrow=False,
        xanchor="right",
        yanchor="bottom",
        font={"color": DUE_COLOR},
    )
    figure.update_layout(
        xaxis_title="date the value was known",
        yaxis_title=view.unit,
        showlegend=True,
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        margin={"t": 30, "b": 10},
    )
    return figure
