"""CSV exports that open cleanly in a spreadsheet: ISO dates, one header row, no formulas.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula by
spreadsheet programs (CSV injection, e.g. a commit subject like `=HYPERLINK(...)`), so such text
cells get a leading apostrophe. Numbers are left alone.
"""

from __future__ import annotations

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralize(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame) -> str:
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[column] = series.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif pd.api.types.is_datetime64_any_dtype(series):
            out[column] = series.dt.strftime("%Y-%m-%d")
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            out[column] = series.map(_neutralize)
    return out.to_csv(index=False, lineterminator="\n")
