"""Loaded frames kept on disk, keyed by data version, so a new process does not read them again.

A dashboard process that starts after a collection, or the next `ospo-metrics kpis`, finds
the frames of the current data version in `data_dir/cache` (Arrow files, read in a fraction of
a second) instead of reading every row and resolving every affiliation again. `collect` warms
the cache when it ends (`warm`), so the first view after a collection is fast too.

The key holds everything the frames depend on: the database, the data version (see
`version.py`), the affiliation rules of the configuration, and the frames' layout. A file
that cannot be read or written is simply not used: the cache only ever saves time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
from sqlalchemy import Engine

if TYPE_CHECKING:
    from ospo_metrics.context import Context

from kpis.schema import SCHEMAS, Frames
from ospo_metrics.affiliation import AffiliationRules
from ospo_metrics.read.frames import FRAME_LOADERS, load_frames
from ospo_metrics.read.lazy import LazyFrames, Source
from ospo_metrics.read.memo import scoped_frames
from ospo_metrics.read.results import ResultStore
from ospo_metrics.read.version import data_version

# Bump when what a loader produces changes in a way the schemas below do not show.
LAYOUT = 3
KEEP_VERSIONS = 2


def _stable(value: object) -> object:
    """A value as JSON that is the same in every process (sets sorted, dataclasses by field)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _stable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, frozenset | set):
        return sorted(map(str, value))
    if isinstance(value, tuple | list):
        return [_stable(v) for v in value]
    return value if isinstance(value, str | int | float | bool | None) else str(value)


def rules_fingerprint(rules: AffiliationRules) -> str:
    return json.dumps(
        {
            "organization": rules.organization,
            "employee_domains": list(rules.employee_domains),
            "generic_domains": list(rules.generic_domains),
            "domain_organizations": dict(sorted(rules.domain_organizations.items())),
            "bots": _stable(rules.bots),
        },
        sort_keys=True,
    )


def frames_key(database_url: str, version: str, rules: AffiliationRules) -> str:
    """One short name for the frames of this database, data version and rules."""
    text = json.dumps(
        [database_url, version, rules_fingerprint(rules), LAYOUT, SCHEMAS, list(FRAME_LOADERS)]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class FrameCache:
    folder: Path

    def _path(self, key: str, name: str) -> Path:
        return self.folder / f"frames-{key}-{name}.arrow"

    def has(self, key: str) -> bool:
        return all(self._path(key, name).exists() for name in FRAME_LOADERS)

    def load_table(self, key: str, name: str) -> pd.DataFrame | None:
        """One stored frame of `key`, or None when it is not there (or cannot be read)."""
        path = self._path(key, name)
        if not path.exists():
            return None
        try:
            return feather.read_table(path, memory_map=True).to_pandas()
        except (OSError, pa.ArrowException):
            return None

    def load(self, key: str) -> Frames | None:
        parts = {}
        for name in FRAME_LOADERS:
            table = self.load_table(key, name)
            if table is None:
                return None
            parts[name] = table
        return Frames(**parts)

    def store(self, key: str, frames: Frames) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for name in FRAME_LOADERS:
                path = self._path(key, name)
                partial = path.with_suffix(f".{os.getpid()}.tmp")
                feather.write_feather(frames.get(name), partial)
                os.replace(partial, path)  # readers see a whole file or none
            self._prune()
        except OSError:
            return

    def _prune(self) -> None:
        """Keep the newest few versions: a process still on the old one can finish its read."""
        files = sorted(self.folder.glob("frames-*.arrow"), key=lambda p: p.stat().st_mtime)
        keys = list(dict.fromkeys(p.name.split("-")[1] for p in reversed(files)))
        for stale in keys[KEEP_VERSIONS:]:
            for path in self.folder.glob(f"frames-{stale}-*.arrow"):
                with contextlib.suppress(OSError):
                    path.unlink()
        for results in self.folder.glob("results-*"):  # the results of versions dropped
            if results.name.removeprefix("results-") not in keys[:KEEP_VERSIONS]:
                shutil.rmtree(results, ignore_errors=True)


def cache_folder(data_dir: Path) -> Path:
    return Path(data_dir) / "cache"


def current_key(engine: Engine, database_url: str, rules: AffiliationRules) -> str:
    return frames_key(database_url, data_version(engine), rules)


def cached_frames(
    engine: Engine, database_url: str, rules: AffiliationRules, folder: Path, key: str | None = None
) -> Frames:
    """The frames of the current data version: from disk when someone loaded them already."""
    key = key or current_key(engine, database_url, rules)
    cache = FrameCache(folder)
    frames = cache.load(key)
    if frames is None:
        frames = load_frames(engine, rules)
        cache.store(key, frames)
    return frames


def version_frames(context: Context, key: str | None = None) -> LazyFrames:
    """Every KPI input frame of the current data version (activity, compliance, health,
    forks), each read on first use, with the store their results are kept in. The activity
    frames come from the Arrow cache when someone loaded them already (else all of them are
    read, and stored); the others are small and follow the configuration: read from the
    database."""
    from ospo_metrics.compliance.read import COMPLIANCE_FRAMES, load_compliance_frames
    from ospo_metrics.read.forks import load_forks
    from ospo_metrics.read.health import HEALTH_FRAMES, load_health_frames

    engine, config = context.engine, context.config
    key = key or current_key(engine, context.database_url, context.rules)
    cache = FrameCache(context.cache_dir)

    def everything() -> Frames:
        return cached_frames(engine, context.database_url, context.rules, context.cache_dir, key)

    def activity(name: str) -> Source:
        def load() -> dict[str, pd.DataFrame]:
            table = cache.load_table(key, name)
            return {name: table if table is not None else everything().get(name)}

        return (name,), load

    def compliance() -> dict[str, pd.DataFrame]:
        return load_compliance_frames(engine, config)

    def health() -> dict[str, pd.DataFrame]:
        return load_health_frames(engine, config)

    def forks() -> dict[str, pd.DataFrame]:
        return {"forks": load_forks(engine, context.rules, config.organizations)}

    sources: list[Source] = [activity(name) for name in FRAME_LOADERS]
    if not cache.has(key):  # one read of the database for all three, not one each
        sources = [(tuple(FRAME_LOADERS), lambda: _as_dict(everything()))]
    sources += [
        (COMPLIANCE_FRAMES, compliance),
        (HEALTH_FRAMES, health),
        (("forks",), forks),
    ]
    return LazyFrames(sources, ResultStore.of(context.cache_dir, key, config))


def _as_dict(frames: Frames) -> dict[str, pd.DataFrame]:
    return {name: frames.get(name) for name in FRAME_LOADERS}


def context_frames(context: Context, scope: str = "all") -> Frames:
    """Every KPI input frame of an entry point's database, restricted to `scope`, read on
    first use (`version_frames`)."""
    return scoped_frames(version_frames(context), scope, context.groups)


def warm(engine: Engine, database_url: str, rules: AffiliationRules, folder: Path) -> float:
    """Load the current data version's frames into the disk cache; returns the seconds taken."""
    began = time.perf_counter()
    cached_frames(engine, database_url, rules, folder)
    return time.perf_counter() - began


__all__ = [
    "FrameCache",
    "cache_folder",
    "cached_frames",
    "context_frames",
    "current_key",
    "frames_key",
    "rules_fingerprint",
    "version_frames",
    "warm",
]
