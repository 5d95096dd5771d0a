"""How numbers read, the same on a tile, in the CLI and in the HTML report."""

from __future__ import annotations

import math

import pandas as pd


def format_value(value: float | None, unit: str) -> str:
    """`31.0 h`, `70.0 %`, `1,234` or `0.75`; a dash when there is no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "%":
        return f"{value:.1f} %"
    if unit == "hours":
        return f"{value:.1f} h"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def format_delta(delta: float | None, unit: str) -> str | None:
    """A signed change (`+12`, `-3.5 h`, `±0`), or None when there is none to show."""
    if delta is None or (isinstance(delta, float) and math.isnan(delta)):
        return None
    if delta == 0:
        return "±0"
    text = format_value(delta, unit)
    return text if text.startswith("-") else "+" + text


def format_time(moment: object) -> str:
    """`2026-11-22 03:00 UTC`, or a dash for a missing time (a run still going, say)."""
    if moment is None or pd.isna(moment):
        return "–"
    return f"{pd.Timestamp(moment):%Y-%m-%d %H:%M} UTC"


def period_label(start: object, period: str) -> str:
    """How a period is named for people: `week of 2026-11-16`, `November 2026`, `Q3 2026`."""
    if start is None or pd.isna(start):
        return "–"
    day = pd.Timestamp(start)
    if period == "week":
        return f"week of {day:%Y-%m-%d}"
    if period == "month":
        return f"{day:%B %Y}"
    if period == "quarter":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    return f"{period} of {day:%Y-%m-%d}"
