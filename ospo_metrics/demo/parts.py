"""The demo is built from parts: each adds to the configuration and/or writes data.

A part is written once per database: a finished collection run (collector ``demo``, target
``<name> v<version>``) records it, so restarts never write it twice, and a part whose version
changed is written again (through upserts, so that converges too). To add a part, write its
function in your own module and add one :class:`DemoPart` line to :data:`DEMO_PARTS`, before
``snapshots`` (which measures everything written before it).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ospo_metrics.store import finish_run, start_run

if TYPE_CHECKING:
    from ospo_metrics.context import Context

COLLECTOR = "demo"


@dataclass(frozen=True)
class DemoPart:
    """One piece of the demo.

    `write` and `configure` name functions as ``"module:function"`` (imported when used, so
    the demo does not import every feature's module up front):

    - `write(context, today) -> int` writes the part's data and returns the rows written;
    - `configure(config, today) -> None` adds to the demo configuration mapping.
    """

    name: str
    version: int = 1
    write: str | None = None
    configure: str | None = None

    @property
    def target(self) -> str:
        return f"{self.name} v{self.version}"


DEMO_PARTS: list[DemoPart] = [
    DemoPart("git", 1, write="ospo_metrics.demo.parts:collect_git_history"),
    DemoPart("github", 1, write="ospo_metrics.demo.write_github:write_github"),
    DemoPart("upstream", 1, write="ospo_metrics.demo.upstream:write_upstream"),
    DemoPart("compliance", 1, write="ospo_metrics.compliance.demo:write_compliance"),
    # After the SBOMs: their packages' release dates (libyears), as deps.dev would give them.
    DemoPart("releases", 1, write="ospo_metrics.compliance.demo:write_releases"),
    # Who forked the demo's repositories (after the GitHub data: it forks those repositories).
    DemoPart("forks", 1, write="ospo_metrics.demo.forks:write_demo_forks"),
    DemoPart("snapshots", 1, write="ospo_metrics.demo.snapshots:write_snapshots"),
]


def _function(reference: str) -> Callable[..., Any]:
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


def configure(config: dict[str, Any], today: date) -> dict[str, Any]:
    """Let every part add to the demo configuration mapping."""
    for part in DEMO_PARTS:
        if part.configure:
            _function(part.configure)(config, today)
    return config


def collect_git_history(context: Context, today: date) -> int:
    """The demo repositories' git history, by the real git collector."""
    from ospo_metrics.collect import collect_git_sources

    return sum(result.items_written for result in collect_git_sources(context))


def done_parts(context: Context) -> set[str]:
    from ospo_metrics.models import CollectionRun

    with Session(context.engine) as session:
        return set(
            session.scalars(
                select(CollectionRun.target).where(
                    CollectionRun.collector == COLLECTOR, CollectionRun.status == "ok"
                )
            )
        )


def missing_demo_parts(context: Context) -> list[DemoPart]:
    """The parts this database has not been given yet (all of them on a first start)."""
    done = done_parts(context)
    return [part for part in DEMO_PARTS if part.target not in done]


def build_demo_data(context: Context, today: date | None = None) -> dict[str, int]:
    """Write every missing part, in order; returns the rows each wrote."""
    from ospo_metrics.demo.repositories import exclusive, existing_build_date

    today = today or existing_build_date(context.data_dir) or date.today()
    written: dict[str, int] = {}
    # Two dashboard sessions starting at once: the second waits, then finds nothing missing.
    with exclusive(context.data_dir / "demo"):
        context.sync_people()
        for part in missing_demo_parts(context):
            written[part.name] = _write_part(context, part, today)
    return written


def _write_part(context: Context, part: DemoPart, today: date) -> int:
    run_id = start_run(context.engine, COLLECTOR, part.target)
    try:
        rows = _function(part.write)(context, today) if part.write else 0
    except BaseException as exc:
        finish_run(context.engine, run_id, "failed", error=f"{type(exc).__name__}: {exc}")
        raise
    finish_run(context.engine, run_id, "ok", items_written=rows)
    return rows
