"""Results computed once per loaded frames: scoped frames and KPI series.

A `Frames` object stands for one data version (the caches hand out the same object until the
version moves), so what is derived from it can be kept beside it: on a rerun the tiles, the
objectives and the charts find their series already computed. Entries live exactly as long as
their frames (a weak key), so a new data version starts from nothing.

Frames that know their result store (`lazy.LazyFrames`, as the dashboard and the CLI read
them) also keep each result on disk (`results.py`): a new process finds it there, and a view
whose results are all stored reads no table at all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from weakref import WeakKeyDictionary

import pandas as pd

import kpis
from kpis.schema import Frames
from ospo_metrics.read.lazy import LazyFrames, lazy_cut, results_of
from ospo_metrics.read.results import MISSING
from ospo_metrics.scope import repositories_in_scope

_MEMO: WeakKeyDictionary[Frames, dict[tuple, Any]] = WeakKeyDictionary()


def _memo(frames: Frames) -> dict[tuple, Any]:
    memo = _MEMO.get(frames)
    if memo is None:
        memo = _MEMO[frames] = {}
    return memo


def _remember(frames: Frames, key: tuple, make: Callable[[], Any]) -> Any:
    """The result of `key`: from memory, else from the frames' result store, else `make()`
    (then kept in both)."""
    memo = _memo(frames)
    if key in memo:
        return memo[key]
    store = results_of(frames)
    value = MISSING if store is None else store.get(key)
    if value is MISSING:
        value = make()
        if store is not None:
            store.put(key, value)
    memo[key] = value
    return value


def _tables(frames: Frames) -> dict[str, pd.DataFrame]:
    return {f.name: getattr(frames, f.name) for f in dataclasses.fields(frames)}


def repository_names(frames: Frames) -> list[str]:
    """Every repository with a row in any frame, sorted (distinct values first: cheap)."""

    def make() -> list[str]:
        names: set[str] = set()
        for frame in _tables(frames).values():
            if "repo" in frame.columns and len(frame):
                names.update(frame["repo"].dropna().unique().tolist())
        return sorted(names)

    return _remember(frames, ("repositories",), make)


def row_counts(frames: Frames, *names: str) -> dict[str, int]:
    """How many rows each named frame has (kept, so a page can test for data without
    reading it)."""
    return {
        name: _remember(frames, ("rows", name), lambda n=name: len(frames.get(n))) for name in names
    }


def is_empty(frames: Frames, *names: str) -> bool:
    """Whether every named frame is empty."""
    return not any(row_counts(frames, *names).values())


def scoped_frames(frames: Frames, scope: str, groups: Mapping[str, Sequence[str]]) -> Frames:
    """The frames restricted to the repositories a scope covers (upstream ones stay in `all`)."""
    if scope == "all":
        return frames
    memo = _memo(frames)
    key = ("scope", scope, tuple((g, tuple(p)) for g, p in sorted(groups.items())))
    if key in memo:
        return memo[key]
    if isinstance(frames, LazyFrames):  # cut each table when it is first used

        def cut(frame: pd.DataFrame) -> pd.DataFrame:
            if "repo" not in frame.columns:
                return frame
            keep = repositories_in_scope(scope, repository_names(frames), groups)
            return frame[frame["repo"].isin(sorted(keep))].reset_index(drop=True)

        memo[key] = lazy_cut(frames, cut, scope)
    else:
        keep = sorted(repositories_in_scope(scope, repository_names(frames), groups))
        memo[key] = Frames(
            **{
                name: frame[frame["repo"].isin(keep)].reset_index(drop=True)
                if "repo" in frame.columns
                else frame
                for name, frame in _tables(frames).items()
            }
        )
    return memo[key]


def series(
    kpi_id: str,
    frames: Frames,
    period: str,
    start: Any = None,
    end: Any = None,
    calendar: Any = None,
) -> pd.DataFrame:
    """`kpis.series`: the KPI's periodic values computed once per frames, KPI, period and
    business calendar, whatever the range (tiles, trends, What changed and the snapshot ask
    for different ranges of the same values); the table of the range is a new one each time."""
    values = _remember(
        frames,
        ("periodic", kpi_id, period, calendar),
        lambda: kpis.periodic_values(kpi_id, frames, period, calendar=calendar),
    )
    return kpis.series_between(values, start, end)


def coverage_at(kpi_id: str, frames: Frames, period: str, period_start: Any) -> float | None:
    """`kpis.coverage_at`, computed once per frames, KPI, period and period start."""
    return _remember(
        frames,
        ("coverage", kpi_id, period, period_start),
        lambda: kpis.coverage_at(kpi_id, frames, period, period_start),
    )


def computed(frames: Frames, key: tuple, make: Callable[[], Any]) -> Any:
    """`make()`, computed once per frames and `key` (a tuple naming what and for when):
    per-repository tables and the like, shared read-only by every session."""
    return _remember(frames, ("computed", *key), make)
