"""Business hours on hand-computed cases: weekends, holidays, overnight, DST, per-repository
calendars; and the responsiveness KPIs in business time."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from kpis.business_time import BusinessCalendar, Calendars, business_hours

BERLIN = BusinessCalendar(timezone="Europe/Berlin")  # Mon-Fri 09:00-17:00


def hours(start: str, end: str, calendar: BusinessCalendar = BERLIN) -> float:
    return float(business_hours(pd.Series([pd.Timestamp(start)]), pd.Series([pd.Timestamp(end)]),
                                calendar).iloc[0])  # fmt: skip


def test_same_day_inside_the_window() -> None:
    # Tue 2026-03-03 10:00 -> 12:30 Berlin (UTC+1): 2.5 h.
    assert hours("2026-03-03T09:00Z", "2026-03-03T11:30Z") == 2.5


def test_overnight_counts_only_working_hours() -> None:
    # Tue 16:00 -> Wed 10:00 Berlin: 1 h on Tuesday + 1 h on Wednesday.
    assert hours("2026-03-03T15:00Z", "2026-03-04T09:00Z") == 2.0
    # Opened after hours (Tue 20:00), answered Wed 09:30: 0.5 h.
    assert hours("2026-03-03T19:00Z", "2026-03-04T08:30Z") == 0.5


def test_weekend_is_skipped() -> None:
    # Fri 2026-03-06 16:00 -> Mon 03-09 10:00 Berlin: 1 h + 1 h.
    assert hours("2026-03-06T15:00Z", "2026-03-09T09:00Z") == 2.0
    # Opened Saturday, answered Sunday: nothing.
    assert hours("2026-03-07T10:00Z", "2026-03-08T15:00Z") == 0.0


def test_holidays_are_skipped() -> None:
    # Thu 2026-04-02 16:00 -> Tue 04-07 10:00, with Good Friday 04-03 and Easter Monday 04-06
    # as holidays: 1 h + 1 h (UTC+2 in April).
    easter = BusinessCalendar(
        timezone="Europe/Berlin", holidays=frozenset({dt.date(2026, 4, 3), dt.date(2026, 4, 6)})
    )
    assert hours("2026-04-02T14:00Z", "2026-04-07T08:00Z", easter) == 2.0
    # Without the holidays: Friday and Monday add 8 h each.
    assert hours("2026-04-02T14:00Z", "2026-04-07T08:00Z") == 18.0


def test_daylight_saving_change_keeps_wall_clock_hours() -> None:
    # Europe/Berlin moves to UTC+2 on Sunday 2026-03-29. Fri 03-27 16:00 (15:00Z) -> Mon 03-30
    # 10:00 (08:00Z): 1 h + 1 h; a naive UTC window would count 0 h on Monday.
    assert hours("2026-03-27T15:00Z", "2026-03-30T08:00Z") == 2.0
    # A full working week around the change: 5 x 8 h.
    assert hours("2026-03-26T00:00Z", "2026-04-02T00:00Z") == 40.0


def test_missing_end_and_reversed_interval() -> None:
    start = pd.Series([pd.Timestamp("2026-03-03T09:00Z")] * 2)
    values = business_hours(start, pd.Series([pd.NaT, pd.Timestamp("2026-03-02T09:00Z")]), BERLIN)
    assert math.isnan(values.iloc[0]) and values.iloc[1] == 0.0


def test_per_repository_calendars() -> None:
    new_york = BusinessCalendar(timezone="America/New_York")
    calendars = Calendars.of(BERLIN, {"acme/us": new_york})
    start = pd.Series(pd.to_datetime(["2026-03-03T15:00Z", "2026-03-03T15:00Z"]))
    end = pd.Series(pd.to_datetime(["2026-03-03T17:00Z", "2026-03-03T17:00Z"]))
    # 15:00-17:00Z is 16:00-18:00 in Berlin (1 h of work), 10:00-12:00 in New York (2 h).
    assert calendars.hours(pd.Series(["acme/eu", "acme/us"]), start, end).tolist() == [1.0, 2.0]


def test_bad_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="working hours"):
        BusinessCalendar(start_hour=18, end_hour=9)


def item(number, created, responded=None, closed=None, state="open", repo="acme/eu", pr=False):
    return {"repo": repo, "number": number, "is_pull_request": pr, "author_id": 1,
            "author_login": "x", "author_is_bot": False, "author_is_employee": False,
            "state": state, "created_at": created, "closed_at": closed, "merged_at": None,
            "first_response_at": responded, "is_draft": False, "relationship": "owned"}  # fmt: skip


ISSUES = [
    # Fri 16:00 Berlin -> Mon 10:00: 66 h on the clock, 2 business hours.
    item(1, "2026-03-06T15:00Z", responded="2026-03-09T09:00Z"),
    # Tue 10:00 -> Tue 14:00: 4 h either way; closed Thu 10:00: 48 h / 16 business hours.
    item(2, "2026-03-03T09:00Z", responded="2026-03-03T13:00Z", closed="2026-03-05T09:00Z",
         state="closed", pr=True),
    # Still waiting since Mon 09:00 (08:00Z).
    item(3, "2026-03-09T08:00Z"),
]  # fmt: skip


def frames():
    import kpis

    return kpis.Frames(issues=kpis.issues_frame(ISSUES))


def test_time_to_first_response_in_business_hours_is_the_same_kpi_on_request() -> None:
    import kpis

    clock = kpis.series("time_to_first_response", frames(), "month")
    business = kpis.series("time_to_first_response", frames(), "month", calendar=BERLIN)
    # Median of the responded items: (66 + 4) / 2 on the clock, (2 + 4) / 2 in business hours.
    assert clock["value"].tolist() == [35.0] and business["value"].tolist() == [3.0]
    closed = kpis.series("time_to_close", frames(), "month", calendar=BERLIN)
    assert closed["value"].tolist() == [16.0]
    with pytest.raises(ValueError, match="not measured in hours"):
        kpis.series("commits", frames(), "month", calendar=BERLIN)


def test_sla_misses_list_late_and_still_waiting_items() -> None:
    from kpis.responsiveness import sla_misses

    since, until = pd.Timestamp("2026-03-01T00:00Z"), pd.Timestamp("2026-03-10T12:00Z")
    clock = sla_misses(frames(), "time_to_first_response", 24, since, until)
    # #3 has waited 28 h (Mon 08:00Z -> Tue 12:00Z), #1 took 66 h; #2 took 4 h.
    assert clock[["number", "hours", "open"]].values.tolist() == [[1, 66.0, False], [3, 28.0, True]]
    business = sla_misses(frames(), "time_to_first_response", 3, since, until, BERLIN)
    # In business hours #1 took 2 h (no miss), #2 4 h (miss), #3 has waited Mon 9-17 + Tue
    # 9-13 = 12 h.
    assert business[["number", "hours"]].values.tolist() == [[3, 12.0], [2, 4.0]]
    closing = sla_misses(frames(), "time_to_close", 10, since, until, BERLIN)
    assert closing["number"].tolist() == [2, 1, 3]
    with pytest.raises(ValueError, match="not a service-level KPI"):
        sla_misses(frames(), "commits", 1, since, until)


def test_service_levels_config_and_business_hours_objectives() -> None:
    from ospo_metrics.config import ConfigError, config_from_mapping
    from ospo_metrics.strategy.service_levels import calendars

    objective = {"id": "ttfr", "title": "t", "kpi": "time_to_first_response", "target": 8,
                 "baseline": {"value": 16, "date": "2026-01-01"}, "due": "2027-01-01",
                 "business_hours": True}  # fmt: skip
    config = config_from_mapping(
        {
            "groups": {"us": ["acme/us-*"]},
            "service_levels": {
                "business_hours": {"timezone": "Europe/Berlin", "start": "08:30",
                                   "holidays": {"country": "DE", "dates": ["2026-12-24"]}},
                "groups": {"us": {"timezone": "America/New_York", "workdays": ["Mon", "Tue"]}},
            },
            "objectives": [objective],
        }
    )  # fmt: skip
    found = calendars(config, ["acme/eu", "acme/us-web"])
    assert found.default.start_hour == 8.5 and dt.date(2026, 12, 24) in found.default.holidays
    assert dt.date(2026, 10, 3) in found.default.holidays  # German Unity Day, from `holidays`
    assert dict(found.by_repo)["acme/us-web"].workdays == (0, 1)
    assert config.objectives[0].config is config
    bad = [
        ({"service_levels": {"business_hours": {"timezone": "Mars/Olympus"}}}, "time zone"),
        ({"service_levels": {"business_hours": {"start": "18:00", "end": "09:00"}}}, "before"),
        ({"service_levels": {"business_hours": {"holidays": {"country": "XX"}}}}, "country"),
        ({"objectives": [objective | {"kpi": "commits"}]}, "business_hours applies"),
    ]
    for data, message in bad:
        with pytest.raises(ConfigError, match=message):
            config_from_mapping(data)


def test_cli_business_hours_on_the_demo(demo_app, capsys, monkeypatch) -> None:
    from ospo_metrics.cli import main

    monkeypatch.chdir(demo_app.parent)  # the CLI's demo lives in ./data
    assert main(["export", "kpi", "time_to_close", "--period", "month"]) == 0
    clock = capsys.readouterr().out
    assert main(["export", "kpi", "time_to_close", "--period", "month", "--business-hours"]) == 0
    business = capsys.readouterr().out
    assert "business hours" in business and "business hours" not in clock

    def values(text: str) -> list[float]:
        header, *rows = [line.split(",") for line in text.strip().splitlines()]
        column = header.index("value")
        return [float(row[column]) for row in rows if row[column]]

    # 8 working hours a day, 5 days a week: business time is far below clock time.
    assert sum(values(business)) < 0.5 * sum(values(clock))
    assert main(["export", "kpi", "commits", "--business-hours"]) == 2
    assert "not measured in hours" in capsys.readouterr().err
