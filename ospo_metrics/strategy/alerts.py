"""Alerts routed to owners: an objective that changes status, or a KPI that crosses a threshold
set in `alerts.thresholds`, is announced to its owner once (`ospo-metrics alerts`, for cron
after `collect`).

A run:

1. evaluates every objective (the same evaluation as the pages) and stores it in the weekly
   status history; evaluates every threshold on its KPI's last complete period;
2. compares each subject's state with the stored one (:mod:`ospo_metrics.store.strategy`): a
   change becomes one pending event per channel of the owner; an unchanged state, or a
   subject seen for the first time, none;
3. delivers the pending events: in ``immediate`` mode one message per change; in ``digest``
   mode one message per channel with every change since the last one, at most once in 7 days.
   A delivered event is marked and never sent again; a failed one stays pending and is
   retried by the next run, its error (redacted) kept.

``--dry-run`` does steps 1 and 2 in a transaction it rolls back and prints what would be sent.

Routing (:func:`channels_for`): an owner listed in `alerts.owners` gets those channels; any
other owner gets `alerts.default`, plus e-mail when the owner is an e-mail address and an SMTP
server is configured.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.orm import Session

import kpis
from ospo_metrics.config.alerts import AlertsConfig
from ospo_metrics.context import Context
from ospo_metrics.read import context_frames, scoped_frames, series
from ospo_metrics.redact import redact
from ospo_metrics.store.strategy import (
    Observation,
    github_issue,
    last_delivery,
    pending_channels,
    pending_events,
    record_observations,
    record_statuses,
    set_github_issue,
)
from ospo_metrics.strategy.channels import (
    DeliveryError,
    GitHubIssues,
    Message,
    email_target,
    send_email,
    send_webhook,
    webhook_named,
)
from ospo_metrics.strategy.objectives import ObjectiveView, evaluate_objectives

DIGEST_INTERVAL = dt.timedelta(days=7)


@dataclass
class AlertReport:
    statuses: int = 0  # objective evaluations stored
    changes: list[tuple[str, str | None, str, str]] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # "channel: title"
    failed: list[str] = field(default_factory=list)  # redacted errors
    held: list[str] = field(default_factory=list)  # digest channels not due yet


def channels_for(config: AlertsConfig, owner: str | None) -> list[str]:
    """Where ``owner`` hears about its objectives (see the module docstring)."""
    if owner is not None and owner in config.owners:
        return list(dict.fromkeys(config.owners[owner]))
    channels = list(config.default)
    if owner and "@" in owner and config.email is not None:
        channels.append(f"email:{owner}")
    return list(dict.fromkeys(channels))


def _links(config: AlertsConfig, page: str, command: str = "ospo-metrics objectives") -> str:
    where = f"{config.dashboard_url.rstrip('/')}/{page}" if config.dashboard_url else None
    dashboard = f"Dashboard: {where}\n" if where else ""
    return f"{dashboard}Command line: {command}"


def objective_observations(config: AlertsConfig, views: list[ObjectiveView]) -> list[Observation]:
    out = []
    for view in views:
        objective, result = view.objective, view.result
        out.append(
            Observation(
                subject=f"objective:{objective.id}",
                state=result.status,
                value=result.current,
                owner=objective.owner,
                title=f"{objective.title}: {result.status}",
                message=f"{result.explanation}\n{_links(config, 'objectives')}",
            )
        )
    return out


def threshold_state(value: float | None, above: float | None, below: float | None) -> str:
    """``no data``, ``above``/``below`` (the line is crossed) or ``ok``."""
    if value is None:
        return "no data"
    if above is not None and value > above:
        return "above"
    if below is not None and value < below:
        return "below"
    return "ok"


def threshold_observations(context: Context, frames, as_of: pd.Timestamp) -> list[Observation]:
    config, out = context.config.alerts, []
    for threshold in config.thresholds:
        kpi = kpis.get(threshold.kpi)
        scoped = scoped_frames(frames, threshold.scope, context.groups)
        change = kpis.latest_change(series(kpi.id, scoped, threshold.period, end=as_of), as_of)
        state = threshold_state(change.value, threshold.above, threshold.below)
        command = (
            f"ospo-metrics export kpi {kpi.id} --period {threshold.period} "
            f"--scope {threshold.scope}"
        )
        line = (
            f"above {threshold.above:g}"
            if threshold.above is not None
            else f"below {threshold.below:g}"
        )
        value = "no value" if change.value is None else f"{change.value:,.1f} {kpi.unit}"
        when = (
            ""
            if change.period_start is None
            else f" for the {threshold.period} starting {change.period_start:%Y-%m-%d}"
        )
        out.append(
            Observation(
                subject=f"threshold:{threshold.id}",
                state=state,
                value=change.value,
                owner=threshold.owner,
                title=f"{kpi.title} on {threshold.scope}: {state} (alert when {line})",
                message=(
                    f"{kpi.title} on {threshold.scope} is {value}{when} (alert when {line}).\n"
                    + _links(config, "export", command)
                ),
            )
        )
    return out


def _status_rows(views: list[ObjectiveView]) -> list[dict]:
    return [
        {
            "objective": view.objective.id,
            "status": view.result.status,
            "current": view.result.current,
            "probability": view.result.probability,
        }
        for view in views
    ]


def record_objective_statuses(
    context: Context, views: list[ObjectiveView], now: dt.datetime
) -> int:
    """Store this week's evaluation of every objective (the Objectives page's history)."""
    with Session(context.engine) as session, session.begin():
        return record_statuses(session, _status_rows(views), now)


def run_alerts(
    context: Context,
    *,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    env: Mapping[str, str] | None = None,
) -> AlertReport:
    """One run of the alerts (see the module docstring); returns what happened."""
    from ospo_metrics.secrets import environment_with_secrets

    config = context.config.alerts
    now = now or dt.datetime.now(dt.UTC)
    as_of = pd.Timestamp(now)
    env = environment_with_secrets(os.environ if env is None else env)
    frames = context_frames(context)
    views = evaluate_objectives(list(context.config.objectives), frames, context.groups, as_of)
    seen = objective_observations(config, views) + threshold_observations(context, frames, as_of)
    report = AlertReport()
    with Session(context.engine) as session:
        transaction = session.begin()
        report.statuses = record_statuses(session, _status_rows(views), now)
        events = record_observations(session, seen, lambda o: channels_for(config, o), now)
        report.changes = sorted({(e.subject, e.previous, e.state, e.channel) for e in events})
        if dry_run:  # nothing stored, nothing sent
            report.changes = _would_send(session, report.changes)
            transaction.rollback()
            return report
        transaction.commit()
        with session.begin():
            channels = pending_channels(session)
        for channel in channels:
            _deliver(context, session, channel, env, now, report)
    return report


def _would_send(session: Session, changes: list) -> list:
    """In a dry run: the new changes plus what is still pending from earlier runs."""
    from sqlalchemy import select

    from ospo_metrics.models import AlertEvent

    pending = session.execute(
        select(AlertEvent.subject, AlertEvent.previous, AlertEvent.state, AlertEvent.channel).where(
            AlertEvent.sent_at.is_(None)
        )
    )
    return sorted({*changes, *(tuple(row) for row in pending)})


def _deliver(
    context: Context,
    session: Session,
    channel: str,
    env: Mapping[str, str],
    now: dt.datetime,
    report: AlertReport,
) -> None:
    config = context.config.alerts
    with session.begin():
        events = pending_events(session, channel)
        if not events:
            return
        if config.mode == "digest":
            last = last_delivery(session, channel)
            if last is not None and _aware(now) - _aware(last) < DIGEST_INTERVAL:
                report.held.append(channel)
                return
            batches = [events]
        else:
            batches = [[event] for event in events]
        for batch in batches:
            message = _message(batch, digest=config.mode == "digest")
            try:
                _send(context, session, channel, batch, message, env)
            except DeliveryError as exc:
                text = redact(exc)
                for event in batch:
                    event.error = text
                report.failed.append(f"{channel}: {text}")
                continue
            for event in batch:
                event.sent_at, event.error = now, None
            report.sent.append(f"{channel}: {message.title}")


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands timestamps back without a zone; they are stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _message(events: list, digest: bool) -> Message:
    if not digest or len(events) == 1:
        event = events[0]
        was = f" (was {event.previous})" if event.previous else ""
        return Message(event.subject, f"{event.title}{was}", event.message)
    title = f"ospo-metrics weekly digest: {len(events)} changes"
    parts = []
    for event in events:
        indented = event.message.replace("\n", "\n  ")
        parts.append(f"- {event.title} (was {event.previous})\n  {indented}")
    return Message(",".join(e.subject for e in events), title, "\n".join(parts))


def _send(context: Context, session: Session, channel: str, events: list, message: Message, env):
    config = context.config.alerts
    address = email_target(channel)
    if address is not None:
        if config.email is None:
            raise DeliveryError(f"{channel}: no `alerts.email` server configured")
        send_email(config.email, env, address, message)
        return
    hook = webhook_named(config, channel)
    if hook is not None:
        send_webhook(hook, env, message)
        return
    if channel == "github" and config.github is not None:
        issues = GitHubIssues(
            _github_http(context, env), config.github.repository, config.github.labels
        )
        for subject in dict.fromkeys(event.subject for event in events):
            mine = [event for event in events if event.subject == subject]
            number = issues.deliver(github_issue(session, subject), _message(mine, digest=True))
            set_github_issue(session, subject, number)
        return
    raise DeliveryError(f"{channel}: not a configured channel (check `alerts:`)")


def _github_http(context: Context, env: Mapping[str, str]):
    # The collector's client: same base URL, credential, rate limits and redaction.
    from ospo_metrics.collect_github import _http

    http, _credential = _http(context, env, time.sleep, time.time, None, 30.0)
    return http
