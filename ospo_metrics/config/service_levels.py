"""The `service_levels:` section: the business calendar that time to first response and time
to close use when an objective (or `--business-hours`) asks for business hours; a group of
repositories may have its own (a team in another time zone or country).

Holidays: a country's public holidays from the `holidays` package (``country``, optional
``subdivision``), plus explicit ``dates``.
"""

from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import Field, field_validator, model_validator

from ospo_metrics.config.base import _Model

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _hour(value: str) -> float:
    try:
        clock = dt.time.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not a time like 09:00") from None
    return clock.hour + clock.minute / 60


class Holidays(_Model):
    country: str | None = None  # ISO 3166 code, e.g. DE, FR, US
    subdivision: str | None = None  # e.g. BY for Bavaria
    dates: list[dt.date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_country(self) -> Self:
        if self.country is None:
            if self.subdivision is not None:
                raise ValueError("`subdivision` needs a `country`")
            return self
        import holidays

        try:
            holidays.country_holidays(self.country, subdiv=self.subdivision, years=2026)
        except NotImplementedError:
            raise ValueError(f"no holiday calendar for country {self.country!r}") from None
        return self

    def days(self, years: range) -> frozenset[dt.date]:
        found = set(self.dates)
        if self.country:
            import holidays

            calendar = holidays.country_holidays(
                self.country, subdiv=self.subdivision, years=list(years)
            )
            found.update(calendar.keys())
        return frozenset(found)


class BusinessHours(_Model):
    timezone: str = "UTC"
    workdays: list[str] = Field(default_factory=lambda: list(WEEKDAYS[:5]))
    start: str = "09:00"
    end: str = "17:00"
    holidays: Holidays = Field(default_factory=Holidays)

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Berlin)") from None
        return value

    @field_validator("workdays")
    @classmethod
    def _check_days(cls, value: list[str]) -> list[str]:
        days = [day.strip().lower()[:3] for day in value]
        bad = [day for day in days if day not in WEEKDAYS]
        if bad or not days:
            raise ValueError(f"workdays are mon..sun, got {', '.join(bad) or 'none'}")
        return days

    @model_validator(mode="after")
    def _check_hours(self) -> Self:
        if not _hour(self.start) < _hour(self.end):
            raise ValueError("`start` must be before `end`")
        return self

    def calendar(self, years: range):
        from kpis.business_time import BusinessCalendar

        return BusinessCalendar(
            timezone=self.timezone,
            workdays=tuple(sorted(WEEKDAYS.index(day) for day in set(self.workdays))),
            start_hour=_hour(self.start),
            end_hour=_hour(self.end),
            holidays=self.holidays.days(years),
        )


class ServiceLevelsConfig(_Model):
    business_hours: BusinessHours = Field(default_factory=BusinessHours)
    groups: dict[str, BusinessHours] = Field(default_factory=dict)  # group -> its own calendar
