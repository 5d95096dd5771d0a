"""Results computed once per loaded frames: scoped frames and KPI series.

A `Frames` object stands for one data version (the caches hand out the same object until the
version moves), so what is derived from it can be kept beside it: on a rerun the tiles, the
objectives and the charts find their series already computed. Entries live exactly as long as
their frames (a weak key), so a new data version starts from nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from weakref import WeakKeyDictionary

import pandas as pd

import kpis
from kpis.schema import Frames
from ospo_metrics.scope import repositories_in_scope

_MEMO: WeakKeyDictionary[Frames, dict[tuple, Any]] = WeakKeyDictionary()


def _memo(frames: Frames) -> dict[tuple, Any]:
    memo = _MEMO.get(frames)
    if memo is None:
        memo = _MEMO[frames] = {}
    return memo


def _tables(frames: Frames) -> dict[str, pd.DataFrame]:
    return {f.name: getattr(frames, f.name) for f in dataclasses.fields(frames)}


def repository_names(frames: Frames) -> list[str]:
    """Every repository with a row in any frame, sorted (distinct values first: cheap)."""
    memo = _memo(frames)
    if ("repositories",) not in memo:
        names: set[str] = set()
        for frame in _tables(frames).values():
            if "repo" in frame.columns and len(frame):
                names.update(frame["repo"].dropna().unique().tolist())
        memo[("repositories",)] = sorted(names)
    return memo[("repositories",)]


def scoped_frames(frames: Frames, scope: str, groups: Mapping[str, Sequence[str]]) -> Frames:
    """The frames restricted to the repositories a scope covers (upstream ones stay in `all`)."""
    if scope == "all":
        return frames
    memo = _memo(frames)
    key = ("scope", scope, tuple((g, tuple(p)) for g, p in sorted(groups.items())))
    if key not in memo:
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
    """`kpis.series`, computed once per frames, KPI, period, range and business calendar (a
    copy each time)."""
    # Only the periods containing start and end shape the table, not the exact instants.
    bounds = tuple(None if b is None else kpis.period_floor(b, period) for b in (start, end))
    key = ("series", kpi_id, period, *bounds, calendar)
    memo = _memo(frames)
    if key not in memo:
        memo[key] = kpis.series(kpi_id, frames, period, start=start, end=end, calendar=calendar)
    return memo[key].copy()


def computed(frames: Frames, key: tuple, make: Callable[[], Any]) -> Any:
    """`make()`, computed once per frames and `key` (a tuple naming what and for when):
    per-repository tables and the like, shared read-only by every session."""
    memo = _memo(frames)
    full = ("computed", *key)
    if full not in memo:
        memo[full] = make()
    return memo[full]
