"""The contract every collector follows: it knows its source, yields items, and never the database.

Like GrimoireLab Perceval's backends: one module per data source, items wrapped in a small
envelope-free dataclass per category, incremental runs driven by a cursor the collector itself
defines and the store keeps in `collection_runs`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# Called with (items done, items total); may raise KeyboardInterrupt to stop a run cleanly.
ProgressCallback = Callable[[int, int], None]


class CollectorError(Exception):
    """A source cannot be read; the message says what happened and what to change."""


@dataclass
class RunResult:
    """What one collection run did, for the CLI summary and the Data sources page."""

    collector: str
    target: str
    status: str  # ok | unchanged | failed | partial
    items_seen: int = 0
    items_written: int = 0
    requests_made: int = 0
    rate_limit_used: int = 0
    error: str | None = None
    details: dict[str, int] = field(default_factory=dict)
