"""Service levels in business time: the calendars from `service_levels:` and, for each
service-level objective, the items that missed its target (with links, for the page and CLI).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from kpis.business_time import Calendars
from kpis.objectives import AGGREGATIONS
from kpis.responsiveness import SLA_KPIS, sla_misses
from kpis.schema import Frames
from ospo_metrics.config import Config
from ospo_metrics.strategy.objectives import ObjectiveView

YEARS = range(2008, dt.date.today().year + 2)  # holidays for every year data may fall in
WINDOW_DAYS = {"latest_week": 7, "latest_month": 31, "latest": 31, "latest_quarter": 92}


def calendars(config: Config, repos: Iterable[str]) -> Calendars:
    """The default business calendar, and the own calendar of each repository in a group
    that has one (the first such group in `service_levels.groups` wins)."""
    levels = config.service_levels
    default = levels.business_hours.calendar(YEARS)
    by_repo = {}
    own = {group: hours.calendar(YEARS) for group, hours in levels.groups.items()}
    for repo in repos:
        for group, calendar in own.items():
            if config.in_group(group, repo):
                by_repo[repo] = calendar
                break
    return Calendars.of(default, by_repo)


def web_url(config: Config, repo: str, number: int, kind: str) -> str:
    """The item's page on GitHub (or GitHub Enterprise, from `github.base_url`)."""
    base = config.github.base_url
    host = "https://github.com" if "api.github.com" in base else base.split("/api/v3")[0]
    return f"{host}/{repo}/{'pull' if kind == 'pull request' else 'issues'}/{number}"


def is_sla(view: ObjectiveView) -> bool:
    return view.objective.kpi in SLA_KPIS


def misses(
    config: Config, view: ObjectiveView, frames: Frames, as_of: pd.Timestamp
) -> pd.DataFrame:
    """The items in the objective's scope that missed its target over the window its
    aggregation reads (the last 90 days for the rolling ones), worst first, with links."""
    objective = view.objective
    days = WINDOW_DAYS.get(objective.aggregation or "latest", 90)
    if objective.aggregation not in (None, *AGGREGATIONS):  # pragma: no cover - validated
        days = 90
    until = (
        pd.Timestamp(as_of).tz_convert("UTC")
        if pd.Timestamp(as_of).tzinfo
        else pd.Timestamp(as_of, tz="UTC")
    )
    since = until - pd.Timedelta(days=days)
    calendar = (
        calendars(config, frames.issues["repo"].unique()) if objective.business_hours else None
    )
    table = sla_misses(frames, objective.kpi, objective.target, since, until, calendar)
    table.insert(
        0,
        "link",
        [
            web_url(config, row.repo, row.number, row.kind)
            for row in table[["repo", "number", "kind"]].itertuples()
        ],
    )
    return table
