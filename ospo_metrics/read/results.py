"""Results computed from one data version, kept on disk so that a new process reuses them.

A page's KPI series, tiles, objectives and tables depend on the data version, the
configuration and the code. The in-memory memo (`memo.py`) already computes each of them
once per process. This store keeps them beside the frames in `data_dir/cache`, so the first
view in a new dashboard process, or the next `ospo-metrics kpis`, reads them instead of
computing them again. `warm`, which `collect` runs at its end, fills the store.

What a result depends on is in the key:
- the frames key: database, data version, affiliation rules, frames layout;
- a fingerprint of the whole configuration;
- a fingerprint of the code (every module of `kpis` and `ospo_metrics`);
- the scope;
- the memo key (KPI, period, range, hour and the like).

A memo key holding something without a stable text form (an object with no fields to
describe it) is not stored: that result stays in memory only, so it can never be mistaken
for another.

The files are pickles written by this process's own code in the app's own data folder (mode
0600, replaced atomically). Like the Arrow frames beside them, they only ever save time: a
file that cannot be read or written is ignored, and the result is computed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

MISSING = object()
_PLAIN = (str, int, float, bool, type(None))
_PACKAGES = ("kpis", "ospo_metrics")


def stable_text(value: Any) -> str | None:
    """A text naming `value` the same way in every process; None when there is none."""
    if isinstance(value, _PLAIN):
        return repr(value)
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date | dt.time | dt.timedelta):
        return f"{type(value).__name__}:{value.isoformat()}"
    if isinstance(value, tuple | list):
        parts = [stable_text(v) for v in value]
        return None if None in parts else f"({','.join(parts)})"  # type: ignore[arg-type]
    if isinstance(value, frozenset | set):
        parts = [stable_text(v) for v in value]
        return None if None in parts else "{" + ",".join(sorted(parts)) + "}"  # type: ignore[arg-type]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [(f.name, stable_text(getattr(value, f.name))) for f in dataclasses.fields(value)]
        if any(text is None for _, text in fields):
            return None
        return f"{type(value).__qualname__}[{','.join(f'{n}={t}' for n, t in fields)}]"
    return None


@functools.cache
def code_fingerprint() -> str:
    """A hash of every module of the KPI and read code: a new version computes afresh."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[2]
    for package in _PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def config_fingerprint(config: Any) -> str:
    """A hash of the whole configuration (objectives, groups, policy, health rules...)."""
    dump = getattr(config, "model_dump_json", None)
    text = dump() if dump is not None else repr(config)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _trusted(path: Path) -> bool:
    """Only files this user wrote and nobody else can change are unpickled (unpickling runs
    code): a file planted in a shared data folder is ignored, never loaded."""
    try:
        status = path.stat()
    except OSError:
        return False
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


@dataclass(frozen=True)
class ResultStore:
    """The stored results of one frames key, configuration, code and scope."""

    folder: Path  # data_dir/cache/results-<frames key>
    namespace: str  # configuration, code and scope, hashed

    @classmethod
    def of(cls, cache_dir: Path, frames_key: str, config: Any, scope: str = "all") -> ResultStore:
        text = f"{config_fingerprint(config)}|{code_fingerprint()}|{scope}"
        namespace = hashlib.sha256(text.encode()).hexdigest()[:16]
        return cls(Path(cache_dir) / f"results-{frames_key}", namespace)

    def scoped(self, scope: str) -> ResultStore:
        """The store of a narrower scope of the same frames."""
        text = f"{self.namespace}|scope:{scope}"
        return ResultStore(self.folder, hashlib.sha256(text.encode()).hexdigest()[:16])

    def _path(self, key: tuple) -> Path | None:
        text = stable_text(key)
        if text is None:
            return None
        name = hashlib.sha256(f"{self.namespace}|{text}".encode()).hexdigest()[:32]
        return self.folder / f"{name}.pickle"

    def get(self, key: tuple) -> Any:
        """The stored result of `key`, or MISSING."""
        path = self._path(key)
        if path is None or not path.exists() or not _trusted(path):
            return MISSING
        try:
            with path.open("rb") as file:
                return pickle.load(file)
        except Exception:
            return MISSING

    def put(self, key: tuple, value: Any) -> None:
        path = self._path(key)
        if path is None:
            return
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, path)  # readers see a whole file or none
        except Exception:
            with contextlib.suppress(OSError):
                partial.unlink()


__all__ = ["MISSING", "ResultStore", "code_fingerprint", "config_fingerprint", "stable_text"]
