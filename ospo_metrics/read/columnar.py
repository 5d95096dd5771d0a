"""Columnar reads: a SELECT straight into Arrow columns, never through SQLAlchemy `Row` objects.

Building a DataFrame from a million `Row` objects costs more than the query (pandas probes
every row), and even plain tuples cost a Python object per cell. So:

- PostgreSQL: the ADBC driver hands the result over as Arrow columns (binary COPY protocol).
- SQLite: the select is wrapped in one aggregate that returns each column as one text
  (`group_concat`), which numpy parses in C. Every aggregate of one query steps through the
  same rows, so the columns stay aligned. This runs on Python's own SQLite library: a second
  copy of SQLite in the process (ADBC's SQLite driver links its own) would break SQLite's
  file locks, see https://www.sqlite.org/howtocorrupt.html ("multiple copies of SQLite").

Statements are SQLAlchemy selects compiled for the engine's dialect with their values inlined
(only numbers, dates and names the read layer made itself are ever bound). Whatever these
paths cannot take (a type they do not encode, a URL libpq does not understand, a text too long
for SQLite) runs on the engine's own driver and its tuples are turned into columns: slower,
never different.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Boolean, DateTime, Engine, Integer, String, Text
from sqlalchemy.engine import make_url
from sqlalchemy.sql import Select

# SQLite: NULL as a number, and the separator and NULL marker of text columns.
_NULL_INT = -(2**63)
_TEXT_SEPARATOR = "\x1f"
_TEXT_NULL = "\x1e"


def compile_sql(engine: Engine, statement: Select | str) -> str:
    if isinstance(statement, str):
        return statement
    return str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


@contextlib.contextmanager
def _postgres_adbc(engine: Engine) -> Iterator[Any | None]:
    """An ADBC connection to the engine's PostgreSQL database, or None where it cannot open."""
    connection = None
    try:
        import adbc_driver_postgresql.dbapi as postgres_adbc

        libpq = make_url(engine.url).set(drivername="postgresql")
        connection = postgres_adbc.connect(libpq.render_as_string(hide_password=False))
    except Exception:  # an unusual URL or a missing driver: the engine's own driver reads it
        connection = None
    try:
        yield connection
    finally:
        if connection is not None:
            connection.close()


class Reader:
    """Runs several selects on one connection."""

    def __init__(self, engine: Engine, adbc: Any | None = None) -> None:
        self.engine = engine
        self.adbc = adbc

    def arrow(self, statement: Select | str) -> pa.Table:
        sql = compile_sql(self.engine, statement)
        if self.adbc is not None:
            with contextlib.closing(self.adbc.cursor()) as cursor:
                cursor.execute(sql)
                return cursor.fetch_arrow_table()
        if self.engine.dialect.name == "sqlite" and isinstance(statement, Select):
            table = _sqlite_columns(self.engine, statement, sql)
            if table is not None:
                return table
        return _tuples_to_arrow(self.engine, sql)

    def frame(self, statement: Select | str) -> pd.DataFrame:
        """The result as a DataFrame; for a select, booleans and timestamps are typed the same
        on every backend (SQLite hands back 0/1 and text)."""
        table = self.arrow(statement)
        frame = table.to_pandas()
        if isinstance(statement, str):
            return frame
        for name, column in zip(table.column_names, statement.selected_columns, strict=True):
            if isinstance(column.type, Boolean):
                frame[name] = typed_flags(table.column(name))
            elif isinstance(column.type, DateTime):
                frame[name] = utc_timestamps(table.column(name))
        return frame


@contextlib.contextmanager
def reader(engine: Engine) -> Iterator[Reader]:
    if engine.dialect.name == "postgresql":
        with _postgres_adbc(engine) as connection:
            yield Reader(engine, connection)
    else:
        yield Reader(engine)


def read_arrow(engine: Engine, statement: Select | str) -> pa.Table:
    with reader(engine) as read:
        return read.arrow(statement)


def read_frame(engine: Engine, statement: Select | str) -> pd.DataFrame:
    """One select as a DataFrame with Arrow-backed columns (see `Reader.frame`)."""
    with reader(engine) as read:
        return read.frame(statement)


def _tuples_to_arrow(engine: Engine, sql: str) -> pa.Table:
    with engine.connect() as connection:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql)
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        finally:
            cursor.close()
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
    return pa.table({name: pa.array(values) for name, values in zip(names, columns, strict=True)})


def _sqlite_encoding(kind: Any, name: str) -> tuple[str, str] | None:
    """How one column travels through `group_concat`: (SQL expression, decoding)."""
    column = f'sub."{name}"'
    if isinstance(kind, Boolean):
        return f"ifnull({column}, 2)", "bool"
    if isinstance(kind, Integer):
        return f"ifnull({column}, {_NULL_INT})", "int"
    if isinstance(kind, DateTime):
        return f"ifnull({column}, char(30))", "time"
    if isinstance(kind, String | Text):
        return f"ifnull({column}, char(30))", "text"
    return None


def _sqlite_columns(engine: Engine, statement: Select, sql: str) -> pa.Table | None:
    """The select's columns through one `group_concat` per column; None if it cannot."""
    if statement._order_by_clauses:  # an aggregate need not keep the order: read rows
        return None
    names = [column.name for column in statement.selected_columns]
    encodings = [
        _sqlite_encoding(c.type, n) for c, n in zip(statement.selected_columns, names, strict=True)
    ]
    if len(set(names)) != len(names) or any(e is None for e in encodings):
        return None
    parts = [
        f"group_concat({expression}, char(31))"
        if decode == "text"
        else f"group_concat({expression})"
        for expression, decode in encodings  # type: ignore[misc]
    ]
    wrapped = f"SELECT count(*), {', '.join(parts)} FROM ({sql}) AS sub"
    try:
        with engine.connect() as connection:
            cursor = connection.connection.cursor()
            try:
                count, *texts = cursor.execute(wrapped).fetchone()
            finally:
                cursor.close()
    except Exception:  # e.g. a text longer than SQLite's limit: read it row by row instead
        return None
    columns = {}
    for name, (_, decode), text in zip(names, encodings, texts, strict=True):  # type: ignore[misc]
        values = _decode(decode, text or "", count)
        if values is None:
            return None
        columns[name] = values
    return pa.table(columns)


def _decode(decode: str, text: str, count: int) -> pa.Array | None:
    if decode in ("text", "time"):
        values = text.split(_TEXT_SEPARATOR) if count else []
        if len(values) != count:  # a value held the separator: not safe to split
            return None
        strings = pa.array(values, pa.string())
        strings = pc.if_else(pc.equal(strings, _TEXT_NULL), None, strings)
        if decode == "text":
            return strings
        try:  # SQLAlchemy's `YYYY-MM-DD HH:MM:SS.ffffff`, UTC; ISO variants parse as well
            return pc.cast(pc.cast(strings, pa.timestamp("us")), pa.timestamp("us", tz="UTC"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return strings  # utc_timestamps() parses what Arrow cannot
    numbers = np.fromstring(text, sep=",", dtype=np.int64) if count else np.array([], np.int64)
    if len(numbers) != count:
        return None
    if decode == "bool":
        return pa.array(numbers == 1, mask=numbers == 2)
    missing = numbers == _NULL_INT
    return pa.array(numbers, pa.int64(), mask=missing if missing.any() else None)


def utc_timestamps(column: pa.ChunkedArray | pa.Array) -> pd.Series:
    """Stored timestamps as tz-aware UTC values (everything is stored in UTC).

    PostgreSQL hands back `timestamptz`; SQLite's tuples hand back SQLAlchemy's text form
    (`2026-01-31 12:00:00.000000`), parsed here in Arrow; nulls stay NaT.
    """
    if pa.types.is_null(column.type):
        return pd.Series(pd.NaT, index=range(len(column)), dtype="datetime64[ns, UTC]")
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        try:
            column = pc.cast(column, pa.timestamp("us"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return pd.to_datetime(pd.Series(column.to_pandas()), utc=True, format="ISO8601").astype(
                "datetime64[ns, UTC]"
            )
    if pa.types.is_timestamp(column.type) and column.type.tz is None:
        # Naive stored values are UTC wall time: say so without shifting them.
        column = pc.cast(column, pa.timestamp(column.type.unit, tz="UTC"))
    return pd.Series(column.to_pandas()).astype("datetime64[ns, UTC]")


def _booleans(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    if pa.types.is_boolean(column.type):
        return column
    if pa.types.is_null(column.type):
        return pa.nulls(len(column), pa.bool_())
    return pc.not_equal(column, 0)  # SQLite stores 0/1


def flags(column: pa.ChunkedArray | pa.Array) -> pd.Series:
    """Booleans as plain bool; a missing value reads as False."""
    values = pc.fill_null(_booleans(column), False)
    return pd.Series(values.to_numpy(zero_copy_only=False), dtype=bool)


def typed_flags(column: pa.ChunkedArray | pa.Array) -> pd.Series:
    """Booleans as plain bool, or as pandas' nullable boolean where some are missing."""
    values = _booleans(column)
    if values.null_count == 0:
        return flags(values)
    return pd.Series(pd.array(values.to_pylist(), dtype="boolean"))
