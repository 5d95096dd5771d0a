"""Writes of the strategy room: the weekly objective status history and the alert bookkeeping
(the last state of each subject, the changes waiting to be delivered, what was delivered).

One alert per change: :func:`record_observations` compares each subject's state with the one
stored, and only a difference becomes events (one per channel). The first time a subject is
seen its state is stored without an alert, so switching alerts on does not flood the owners.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ospo_metrics.models import AlertEvent, AlertState, ObjectiveStatus
from ospo_metrics.store.locks import serialize
from ospo_metrics.store.upserts import upsert

ALERTS_LOCK = "alerts"


@dataclass(frozen=True)
class Observation:
    """What one alert subject looks like now (see ospo_metrics.strategy.alerts)."""

    subject: str  # objective:ID or threshold:ID
    state: str
    value: float | None
    owner: str | None
    title: str  # e.g. the objective's title
    message: str  # one paragraph with links


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def record_statuses(session: Session, rows: Iterable[dict], evaluated_at: datetime) -> int:
    """Upsert each objective's evaluation for the week of ``evaluated_at`` (the latest wins)."""
    week = week_start(evaluated_at.date())
    values = [{**row, "week_start": week, "evaluated_at": evaluated_at} for row in rows]
    upsert(session, ObjectiveStatus, values, ["objective", "week_start"])
    return len(values)


def record_observations(
    session: Session,
    observations: Iterable[Observation],
    channels_for: Callable[[str | None], list[str]],
    now: datetime,
) -> list[AlertEvent]:
    """Store each subject's state; a changed state adds one pending event per channel.

    Call inside a transaction: the advisory lock (PostgreSQL) makes a second run started at
    the same moment wait, then see the states this one stored, so it announces nothing twice.
    """
    serialize(session, ALERTS_LOCK)
    events = []
    for seen in observations:
        stored = session.get(AlertState, seen.subject)
        if stored is None:
            session.add(AlertState(subject=seen.subject, state=seen.state, value=seen.value,
                                   changed_at=now))  # fmt: skip
            continue
        if stored.state == seen.state:
            stored.value = seen.value
            continue
        for channel in channels_for(seen.owner):
            event = AlertEvent(
                subject=seen.subject,
                channel=channel,
                owner=seen.owner,
                previous=stored.state,
                state=seen.state,
                title=seen.title,
                message=seen.message,
                created_at=now,
            )
            session.add(event)
            events.append(event)
        stored.state, stored.value, stored.changed_at = seen.state, seen.value, now
    session.flush()
    return events


def pending_channels(session: Session) -> list[str]:
    """Channels with events not delivered yet."""
    query = select(AlertEvent.channel).where(AlertEvent.sent_at.is_(None)).distinct()
    return sorted(session.scalars(query))


def pending_events(session: Session, channel: str) -> list[AlertEvent]:
    """The channel's undelivered events, oldest first; takes the alerts lock (PostgreSQL) so
    two runs never deliver the same events."""
    serialize(session, ALERTS_LOCK)
    query = (
        select(AlertEvent)
        .where(AlertEvent.channel == channel, AlertEvent.sent_at.is_(None))
        .order_by(AlertEvent.id)
    )
    return list(session.scalars(query))


def last_delivery(session: Session, channel: str) -> datetime | None:
    """When the channel last got a message (for the weekly digest)."""
    return session.scalar(select(func.max(AlertEvent.sent_at)).where(AlertEvent.channel == channel))


def github_issue(session: Session, subject: str) -> int | None:
    state = session.get(AlertState, subject)
    return None if state is None else state.github_issue


def set_github_issue(session: Session, subject: str, number: int) -> None:
    state = session.get(AlertState, subject)
    if state is not None:
        state.github_issue = number


def save_assessment(
    session: Session,
    on: date,
    answers: dict[str, str],
    notes: dict[str, str],
    now: datetime,
) -> int:
    """Replace the self-assessment of day ``on`` with these answers (an import or a form)."""
    from sqlalchemy import delete

    from ospo_metrics.models import MaturityAnswer

    session.execute(delete(MaturityAnswer).where(MaturityAnswer.assessed_on == on))
    session.add_all(
        MaturityAnswer(
            assessed_on=on,
            question=question,
            answer=answer,
            note=notes.get(question) or None,
            recorded_at=now,
        )
        for question, answer in answers.items()
    )
    return len(answers)
