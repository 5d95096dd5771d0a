"""The Maturity page's widgets: stored assessments (read and saved), the stage history chart."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy.orm import Session

from ospo_metrics.strategy.maturity import STAGES, Assessment, assess, change_text
from ospo_metrics.ui.data import _context, context


@st.cache_data(max_entries=2, ttl=300, show_spinner=False)
def _assessments(database_url: str) -> list[Assessment]:
    from ospo_metrics.read.strategy import load_assessments

    return load_assessments(_context().engine)


def maturity_assessments() -> list[Assessment]:
    """Every stored self-assessment, oldest first."""
    return _assessments(context().database_url)


def save_maturity(on: dt.date, answers: dict[str, str], notes: dict[str, str]) -> None:
    """Store the assessment of day ``on`` (replacing one of the same day)."""
    from ospo_metrics.store.strategy import save_assessment

    with Session(context().engine) as session, session.begin():
        save_assessment(session, on, answers, notes, dt.datetime.now(dt.UTC))
    _assessments.clear()  # the impact summary's key holds the assessments: it follows


def maturity_history(assessments: list[Assessment]) -> pd.DataFrame:
    """One row per assessment: date, stage, answers and each stage's score (%)."""
    rows = []
    for assessment in assessments:
        result = assess(assessment.answers)
        row = {"date": assessment.on, "stage": STAGES[result.stage], "answers": result.answered}
        row.update({f"{STAGES[s]} %": round(100 * v) for s, v in result.scores.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def maturity_chart(assessments: list[Assessment]) -> None:
    """The stage of each assessment as steps, stages named on the axis."""
    order = list(STAGES)
    dates = [a.on for a in assessments]
    levels = [order.index(assess(a.answers).stage) for a in assessments]
    figure = go.Figure(
        go.Scatter(x=dates, y=levels, mode="lines+markers", line_shape="hv", name="stage")
    )
    figure.update_layout(
        title={"text": "OSPO maturity stage by assessment", "x": 0},
        yaxis={
            "tickvals": list(range(len(order))),
            "ticktext": list(STAGES.values()),
            "range": [-0.3, len(order) - 0.7],
        },
        margin={"t": 50, "b": 10, "l": 10, "r": 10},
        showlegend=False,
    )
    st.plotly_chart(figure, width="stretch")


def maturity_line() -> None:
    """The stage and its change, one line for the executive summary."""
    st.markdown(f"**OSPO maturity:** {change_text(maturity_assessments())}")
