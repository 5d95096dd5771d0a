"""Business time: the working hours between two instants, in a calendar of working days, hours,
a time zone and holidays (see ``service_levels:`` in the configuration).

Working hours are wall-clock hours in the calendar's time zone (09:00-17:00 stays 09:00-17:00
across a daylight-saving change); each day's window is turned into real instants, so elapsed
time is measured in real hours. Holidays and non-working days have no window. An instant outside
the windows counts from the next window's start: an issue opened on Saturday and answered on
Monday at 10:00 took 1 business hour with a 09:00 start.

Vectorized: a table of days (window start, length, running total) covers the span of the input,
and the business seconds up to an instant are the running total before its day plus the part
of its own day's window already gone; the difference of two such values is the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days (0 = Monday), the working window (hours from midnight, local) and holidays."""

    timezone: str = "UTC"
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    start_hour: float = 9.0
    end_hour: float = 17.0
    holidays: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not 0 <= self.start_hour < self.end_hour <= 24:
            raise ValueError("working hours must satisfy 0 <= start < end <= 24")

    def describe(self) -> str:
        days = ", ".join(WEEKDAYS[d] for d in self.workdays)
        start, end = _clock(self.start_hour), _clock(self.end_hour)
        return f"{days} {start}-{end} {self.timezone}, {len(self.holidays)} holidays"


def _clock(hours: float) -> str:
    return f"{int(hours):02d}:{round((hours % 1) * 60):02d}"


def _days(calendar: BusinessCalendar, first: dt.date, last: dt.date) -> pd.DataFrame:
    """One row per local day from ``first`` to ``last``: its window start (UTC ns) and seconds."""
    days = pd.date_range(first, last, freq="D")
    working = days.day_of_week.isin(calendar.workdays) & ~days.isin(
        pd.DatetimeIndex(sorted(calendar.holidays))
    )
    # Wall-clock window edges made real in the time zone (DST-aware; ambiguous or missing local
    # times, which only occur at night, resolve to the later instant).
    opens = (days + pd.to_timedelta(calendar.start_hour, unit="h")).tz_localize(
        calendar.timezone, ambiguous=False, nonexistent="shift_forward"
    )
    closes = (days + pd.to_timedelta(calendar.end_hour, unit="h")).tz_localize(
        calendar.timezone, ambiguous=False, nonexistent="shift_forward"
    )
    seconds = np.where(working, (closes - opens).total_seconds(), 0.0)
    return pd.DataFrame(
        {
            "open": opens.tz_convert("UTC").as_unit("ns").asi8,
            "seconds": seconds,
            "before": np.concatenate([[0.0], np.cumsum(seconds)[:-1]]),
        },
        index=days,
    )


def _business_seconds_to(moments: pd.Series, table: pd.DataFrame, tz: str) -> np.ndarray:
    local_days = moments.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()
    position = table.index.get_indexer(pd.DatetimeIndex(local_days))
    into = (
        moments.dt.as_unit("ns").astype("int64").to_numpy() - table["open"].to_numpy()[position]
    ) / 1e9
    seconds = table["seconds"].to_numpy()[position]
    return table["before"].to_numpy()[position] + np.clip(into, 0.0, seconds)


def business_hours(start: pd.Series, end: pd.Series, calendar: BusinessCalendar) -> pd.Series:
    """Working hours from each ``start`` to ``end`` (tz-aware); NaN where either is missing,
    0 where ``end`` is not after ``start``."""
    start = pd.to_datetime(start, utc=True)
    end = pd.to_datetime(end, utc=True)
    valid = (start.notna() & end.notna()).to_numpy()
    out = np.full(len(start), np.nan)
    if valid.any():
        s, e = start[valid], end[valid]
        both = pd.concat([s, e]).dt.tz_convert(calendar.timezone)
        first = both.min().date() - dt.timedelta(days=1)
        last = both.max().date() + dt.timedelta(days=1)
        table = _days(calendar, first, last)
        hours = (
            _business_seconds_to(e, table, calendar.timezone)
            - _business_seconds_to(s, table, calendar.timezone)
        ) / 3600.0
        out[valid] = np.maximum(hours, 0.0)
    return pd.Series(out, index=start.index)


@dataclass(frozen=True)
class Calendars:
    """A default calendar and per-repository ones (teams in other time zones or countries)."""

    default: BusinessCalendar
    # (repository, calendar) pairs: a tuple, so a Calendars is hashable (caches key on it).
    by_repo: tuple[tuple[str, BusinessCalendar], ...] = ()

    @classmethod
    def of(cls, default: BusinessCalendar, by_repo: Mapping[str, BusinessCalendar]) -> Calendars:
        return cls(default, tuple(sorted(by_repo.items(), key=lambda pair: pair[0])))

    def hours(self, repos: pd.Series, start: pd.Series, end: pd.Series) -> pd.Series:
        """Business hours from ``start`` to ``end``, each row in its repository's calendar."""
        mapping = dict(self.by_repo)
        calendars = repos.map(lambda repo: mapping.get(repo, self.default))
        out = pd.Series(np.nan, index=start.index, dtype="float64")
        for calendar in set(calendars):
            rows = (calendars == calendar).to_numpy()
            out[rows] = business_hours(start[rows], end[rows], calendar).to_numpy()
        return out


def as_calendars(calendar: BusinessCalendar | Calendars) -> Calendars:
    return calendar if isinstance(calendar, Calendars) else Calendars(calendar)
