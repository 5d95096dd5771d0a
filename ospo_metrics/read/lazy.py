"""KPI frames whose tables are read the first time something touches them.

At a million commits the frames of a data version take a second or more to read and about a
gigabyte of memory. Most views do not need them: their KPI series, tiles and tables are kept
on disk from the last `warm` (`results.py`). A `LazyFrames` is a `kpis.Frames` that reads a
table only when a KPI or a page asks for it, so a page whose results are all stored reads no
table at all, and one that needs the commits does not read the comments.

Tables come from *sources*: a set of frame names and a function that returns them together
(the activity frames from the Arrow cache, the compliance frames in one go). A frame no source
names is the empty frame of its schema, as in `kpis.Frames`.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from kpis.schema import Frames
from ospo_metrics.read.results import ResultStore

Source = tuple[Sequence[str], Callable[[], Mapping[str, pd.DataFrame]]]
FRAME_NAMES = frozenset(f.name for f in dataclasses.fields(Frames))
_DEFAULTS = {f.name: f.default_factory for f in dataclasses.fields(Frames)}


class LazyFrames(Frames):
    """`kpis.Frames` read on first use, with the store its results are kept in (or None)."""

    def __init__(
        self,
        sources: Sequence[Source] = (),
        results: ResultStore | None = None,
        **tables: pd.DataFrame,
    ) -> None:
        # Tables given as such (what `dataclasses.replace` passes) are sources of their own;
        # the result store is not kept: different tables, different results.
        sources = [*sources, *(((name,), lambda n=name: {n: tables[n]}) for name in tables)]
        by_name: dict[str, int] = {}
        for position, (names, _) in enumerate(sources):
            for name in names:
                if name not in FRAME_NAMES:
                    raise KeyError(f"unknown frame {name!r}")
                by_name[name] = position
        set_attribute = object.__setattr__
        set_attribute(self, "_sources", list(sources))
        set_attribute(self, "_source_of", by_name)
        set_attribute(self, "_loaded", {})
        set_attribute(self, "_lock", threading.RLock())
        set_attribute(self, "results", results)

    def __getattribute__(self, name: str):
        if name in FRAME_NAMES:
            return object.__getattribute__(self, "_table")(name)
        return object.__getattribute__(self, name)

    def _table(self, name: str) -> pd.DataFrame:
        loaded: dict[str, pd.DataFrame] = object.__getattribute__(self, "_loaded")
        if name in loaded:
            return loaded[name]
        with object.__getattribute__(self, "_lock"):  # sessions share one copy
            if name not in loaded:
                position = object.__getattribute__(self, "_source_of").get(name)
                if position is None and name == "contributions":  # as kpis.Frames derives it
                    from kpis.contributions import base_contributions

                    loaded[name] = base_contributions(self.commits, self.issues)
                elif position is None:
                    loaded[name] = _DEFAULTS[name]()
                else:
                    names, load = object.__getattribute__(self, "_sources")[position]
                    tables = load()
                    for each in names:
                        loaded.setdefault(each, tables[each])
        return loaded[name]

    def loaded_names(self) -> list[str]:
        """The tables read so far (what a view cost in memory)."""
        return sorted(object.__getattribute__(self, "_loaded"))

    def __repr__(self) -> str:  # the dataclass's repr would read every table
        return f"LazyFrames(loaded={self.loaded_names()})"


def results_of(frames: Frames) -> ResultStore | None:
    """Where the results of these frames are kept on disk (None: in memory only)."""
    return frames.results if isinstance(frames, LazyFrames) else None


def lazy_cut(
    frames: LazyFrames, cut: Callable[[pd.DataFrame], pd.DataFrame], scope: str
) -> LazyFrames:
    """`frames` with `cut` applied to each table on first use, its results kept apart."""

    def source(name: str) -> Source:
        return (name,), lambda: {name: cut(getattr(frames, name))}

    results = frames.results.scoped(scope) if frames.results is not None else None
    return LazyFrames([source(name) for name in sorted(FRAME_NAMES)], results)


__all__ = ["FRAME_NAMES", "LazyFrames", "Source", "lazy_cut", "results_of"]
