"""The windows an executive reads numbers for: named quarters, the year to date, the trailing 12
months; each with the window it is compared with, and a sentence that states it.

Every number and table of the impact summary uses one of these windows, so a headline and the
table beside it always count the same days. Windows are UTC days, the end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpis.periods import period_floor, shift
from ospo_metrics.formatting import period_label

QUARTERS_BACK = 4  # named quarters offered, the last complete one first


@dataclass(frozen=True)
class Window:
    key: str  # in the URL and file names: "2026Q3", "ytd", "t12m"
    label: str  # "Q3 2026", "2026 year to date", "Trailing 12 months"
    start: pd.Timestamp  # UTC, inclusive
    end: pd.Timestamp  # UTC, exclusive
    partial: bool  # still running (ends after today)
    compared_with: str  # "Q2 2026", "the same days of 2025", ...
    previous_start: pd.Timestamp
    previous_end: pd.Timestamp

    @property
    def last_day(self) -> pd.Timestamp:
        return self.end - pd.Timedelta(days=1)

    def in_words(self) -> str:
        """The window inside a sentence: `Q3 2026 (...)`, `the trailing 12 months (...)`."""
        text = self.stated()
        return "the t" + text[1:] if self.key == "t12m" else text

    def stated(self) -> str:
        """`Q3 2026 (1 Jul 2026 – 30 Sep 2026)`: the label and the days it covers."""
        running = ", so far" if self.partial else ""
        return f"{self.label} ({_day(self.start)} – {_day(self.last_day)}{running})"


def _day(moment: pd.Timestamp) -> str:
    return f"{moment.day} {moment:%b %Y}"


def _utc(moment: pd.Timestamp) -> pd.Timestamp:
    return moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")


def _quarter(start: pd.Timestamp, today_end: pd.Timestamp) -> Window:
    end = _utc(shift(start.tz_localize(None), "quarter", 1))
    before = _utc(shift(start.tz_localize(None), "quarter", -1))
    label = period_label(start, "quarter")
    partial = end > today_end
    return Window(
        key=f"{start.year}Q{(start.month - 1) // 3 + 1}",
        label=label + (" to date" if partial else ""),
        start=start,
        end=min(end, today_end),
        partial=partial,
        compared_with=period_label(before, "quarter") + (" (the same days)" if partial else ""),
        previous_start=before,
        previous_end=before + (today_end - start) if partial else start,
    )


def windows(as_of: pd.Timestamp) -> list[Window]:
    """The last complete quarters (newest first), the running quarter so far, the year to date
    and the trailing 12 months, as of `as_of` (today counts in full)."""
    as_of = _utc(pd.Timestamp(as_of))
    today_end = as_of.normalize() + pd.Timedelta(days=1)
    running = _utc(period_floor(as_of, "quarter"))
    found = [
        _quarter(_utc(shift(running.tz_localize(None), "quarter", -n)), today_end)
        for n in range(1, QUARTERS_BACK + 1)
    ]
    found.append(_quarter(running, today_end))
    year = pd.Timestamp(year=as_of.year, month=1, day=1, tz="UTC")
    last_year = pd.Timestamp(year=as_of.year - 1, month=1, day=1, tz="UTC")
    found.append(
        Window(
            "ytd",
            f"{as_of.year} year to date",
            year,
            today_end,
            True,
            f"the same days of {as_of.year - 1}",
            last_year,
            today_end - pd.DateOffset(years=1),
        )
    )
    trailing = today_end - pd.DateOffset(years=1)
    found.append(
        Window(
            "t12m",
            "Trailing 12 months",
            trailing,
            today_end,
            False,
            "the 12 months before",
            trailing - pd.DateOffset(years=1),
            trailing,
        )
    )
    return found


DEFAULT_WINDOW = "t12m"


def window_for(key: str | None, as_of: pd.Timestamp) -> Window:
    """The window called `key` (see :func:`windows`), else the trailing 12 months."""
    found = windows(as_of)
    return next((w for w in found if w.key == key), next(w for w in found if w.key == "t12m"))
