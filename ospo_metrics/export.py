"""CSV exports that open cleanly in a spreadsheet: ISO dates, one header row, no formulas.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula by
spreadsheet programs (CSV injection, e.g. a commit subject like `=HYPERLINK(...)`), so such text
gets a leading apostrophe -- at the start of the cell and at the start of every line inside it,
since a program that splits a cell on a bare carriage return would otherwise start a new cell
with `=...`. Rows end with CRLF (RFC 4180), which also makes the writer quote every cell that
holds a CR or an LF: with LF-only rows, a bare CR was left unquoted and ended the cell in
LibreOffice. Numbers are left alone.
"""

from __future__ import annotations

import re

import pandas as pd

# A formula character at the start of the cell or right after a line break (CRLF, CR or LF).
_LINE_START_FORMULA = re.compile(r"(^|\r\n|\r|\n)(?=[=+\-@\t])")


def _neutralize(value: object) -> object:
    if not isinstance(value, str):
        return value
    value = _LINE_START_FORMULA.sub(lambda m: m.group(1) + "'", value)
    return "'" + value if value.startswith("\r") else value


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
    out.columns = [_neutralize(str(name)) for name in out.columns]
    return out.to_csv(index=False, lineterminator="\r\n")
