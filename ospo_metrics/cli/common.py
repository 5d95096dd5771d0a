"""Helpers every command module shares: exit codes, output files, dates, progress, frames."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from collectors.base import ProgressCallback
from kpis.schema import Frames
from ospo_metrics.context import Context

EXIT_USAGE = 2
EXIT_FAILED = 1
EXIT_PARTIAL = 3  # stopped early (rate limit): what was collected is kept; run again later

# Given a target name, returns a progress callback, or None.
ProgressFactory = Callable[[str], ProgressCallback | None]


def date_arg(text: str) -> date:
    """An argparse type for YYYY-MM-DD dates, with a message that says what is expected."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-31") from None


def write_output(text: str, output: str | None) -> None:
    """Write to the file named by `-o`, or to standard output."""
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def write_csv(context: Context, frame: pd.DataFrame, output: str | None) -> None:
    """Write a table as CSV (see ospo_metrics.export), people pseudonymized in privacy mode:
    every CLI export goes through here."""
    from ospo_metrics.export import to_csv
    from ospo_metrics.people.privacy import hide_people

    write_output(to_csv(hide_people(frame, context.config)), output)


def frames_for(context: Context, scope: str = "all") -> Frames:
    """Every KPI input frame of the current data, restricted to `scope` (which must exist)."""
    from ospo_metrics import read
    from ospo_metrics.cli.names import check_scope

    check_scope(context, scope)

    return read.context_frames(context, scope)


class ProgressBars:
    """tqdm bars on a terminal (one per target), nothing otherwise; close them at the end."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bars: list = []

    def factory(self, unit: str) -> ProgressFactory:
        def progress(name: str) -> ProgressCallback | None:
            if not self.enabled:
                return None
            from tqdm import tqdm

            bar = tqdm(desc=name, unit=unit, leave=True)
            self.bars.append(bar)

            def update(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            return update

        return progress

    def close(self) -> None:
        for bar in self.bars:
            bar.close()
