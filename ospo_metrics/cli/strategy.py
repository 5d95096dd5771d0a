"""`objectives` and `report`: where the objectives stand, and the executive impact summary."""

from __future__ import annotations

import argparse

import pandas as pd

from kpis.schema import Frames
from ospo_metrics.cli.common import frames_for, write_csv, write_output
from ospo_metrics.context import Context
from ospo_metrics.people import privacy


def register(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    objectives = commands.add_parser(
        "objectives", parents=parents, help="objectives: current value and status"
    )
    objectives.add_argument("-o", "--output", help="write the table as CSV to this file")
    objectives.set_defaults(handler=objectives_command)

    report = commands.add_parser(
        "report", parents=parents, help="the executive impact summary as HTML"
    )
    report.add_argument("-o", "--output", help="file to write (default: standard output)")
    report.set_defaults(handler=report_command)


def _objective_views(context: Context, frames: Frames, now: pd.Timestamp) -> list:
    from ospo_metrics.objectives import evaluate_objectives

    return evaluate_objectives(list(context.config.objectives), frames, context.groups, now)


def objectives_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.objectives import objectives_table

    if not context.config.objectives:
        print("no objectives in the configuration (see `objectives:` in ospo.example.yml)")
        return 0
    now = pd.Timestamp.now(tz="UTC")
    views = _objective_views(context, frames_for(context), now)
    table = objectives_table(views)
    if args.output:
        write_csv(context, table, args.output)
    for row in table.itertuples():
        print(f"{row.status:10} {row.objective:30} {row.explanation}")
    from ospo_metrics.strategy.goals import ROLLUP_RULE, goal_summaries

    print("\ngoals:")
    for goal in goal_summaries(views):
        print(f"{goal.status:10} {goal.goal:30} {goal.objectives} objective(s)")
    print(f"({ROLLUP_RULE})")
    return 0


def report_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.report import impact_summary, render_html

    frames = frames_for(context)
    now = pd.Timestamp.now(tz="UTC")
    views = _objective_views(context, frames, now)
    summary = impact_summary(
        frames,
        views,
        now,
        context.organization_name,
        context.is_demo,
        privacy.enabled(context.config),
    )
    write_output(render_html(summary), args.output)
    return 0
