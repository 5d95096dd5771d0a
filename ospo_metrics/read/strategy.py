"""Reads of the strategy room: the weekly objective status history (written by
`ospo-metrics alerts` and `ospo-metrics snapshot`)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from ospo_metrics.models import ObjectiveStatus

HISTORY_COLUMNS = ["objective", "week_start", "status", "current", "probability_pct"]


def load_status_history(engine: Engine) -> pd.DataFrame:
    """Every stored weekly evaluation, oldest week first (probability in %)."""
    query = select(
        ObjectiveStatus.objective,
        ObjectiveStatus.week_start,
        ObjectiveStatus.status,
        ObjectiveStatus.current,
        ObjectiveStatus.probability,
    ).order_by(ObjectiveStatus.objective, ObjectiveStatus.week_start)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame(rows, columns=["objective", "week_start", "status", "current", "p"])
    frame["probability_pct"] = (100 * pd.to_numeric(frame.pop("p"))).round()
    frame["current"] = pd.to_numeric(frame["current"]).round(2)
    return frame[HISTORY_COLUMNS]


def load_assessments(engine: Engine) -> list:
    """Every stored maturity self-assessment (``strategy.maturity.Assessment``), oldest first."""
    from ospo_metrics.models import MaturityAnswer
    from ospo_metrics.strategy.maturity import Assessment

    query = select(
        MaturityAnswer.assessed_on, MaturityAnswer.question, MaturityAnswer.answer,
        MaturityAnswer.note,
    ).order_by(MaturityAnswer.assessed_on, MaturityAnswer.question)  # fmt: skip
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    days: dict = {}
    for on, question, answer, note in rows:
        answers, notes = days.setdefault(on, ({}, {}))
        answers[question] = answer
        if note:
            notes[question] = note
    return [Assessment(on, answers, notes) for on, (answers, notes) in days.items()]
