"""`collect --workers N`: the jobs of :mod:`.jobs` on a local pool of processes (no Redis).

Each process opens the configuration and the database itself (nothing but the job's source and
target crosses a process boundary), and the phases run one after the other, so the mirrors
phase sees the repositories the GitHub listing stored.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from collectors.base import RunResult
from ospo_metrics.collect.jobs import PHASES, JobSpec, plan_phase, run_job
from ospo_metrics.context import Context, open_context
from ospo_metrics.redact import redact


@dataclass(frozen=True)
class ContextArgs:
    """How a new process opens the same context as the command that started it."""

    config_path: str | None
    demo_data_dir: str | None = None
    force_demo: bool = False

    def open(self) -> Context:
        data_dir = Path(self.demo_data_dir) if self.demo_data_dir else None
        return open_context(self.config_path, demo_data_dir=data_dir, force_demo=self.force_demo)


_context: Context | None = None


def _start(args: ContextArgs) -> None:
    global _context
    _context = args.open()


def _run(job: JobSpec) -> list[RunResult]:
    assert _context is not None, "the pool's initializer opens the context"
    try:
        return run_job(_context, job)
    except Exception as exc:  # one job's failure must not end the others
        return [
            RunResult(
                job.source, job.target, "failed", error=redact(f"{type(exc).__name__}: {exc}")
            )
        ]


def collect_with_pool(
    context: Context,
    args: ContextArgs,
    *,
    workers: int,
    source: str = "all",
    only: str | None = None,
    announce: Callable[[str], None] | None = None,
) -> list[RunResult]:
    """Every phase's jobs on `workers` processes; the results of all jobs."""
    results: list[RunResult] = []
    # spawn, not fork: a forked copy of an open database engine would share its connections.
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=get_context("spawn"), initializer=_start, initargs=(args,)
    ) as pool:
        for phase in PHASES:
            jobs = plan_phase(context, phase, source, only)
            if announce and jobs:
                announce(f"{phase}: {len(jobs)} jobs on {workers} processes")
            futures = [pool.submit(_run, job) for job in jobs]
            for future in as_completed(futures):
                results += future.result()
    return results
