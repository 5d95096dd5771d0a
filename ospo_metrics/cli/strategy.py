"""`objectives`, `report` and `upstream`: where the objectives stand, the executive impact
summary (HTML, PDF, its numbers), and upstream contributions per project or person."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

import kpis
from kpis.schema import Frames
from ospo_metrics.cli.common import EXIT_FAILED, EXIT_USAGE, frames_for, write_csv, write_output
from ospo_metrics.context import Context
from ospo_metrics.people import privacy


def register(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    objectives = commands.add_parser(
        "objectives", parents=parents, help="objectives: current value and status"
    )
    objectives.add_argument("-o", "--output", help="write the table as CSV to this file")
    objectives.add_argument(
        "--misses",
        action="store_true",
        help="list the items that missed each service-level objective's target, with links",
    )
    objectives.set_defaults(handler=objectives_command)

    report = commands.add_parser(
        "report",
        parents=parents,
        help="the executive impact summary over one window: HTML (default), PDF or its numbers",
    )
    report.add_argument(
        "--window",
        default="t12m",
        help="t12m (trailing 12 months, default), ytd (year to date), or a quarter: 2026Q3",
    )
    output = report.add_mutually_exclusive_group()
    output.add_argument("--pdf", action="store_true", help="print it to PDF with Chromium")
    output.add_argument("--numbers", action="store_true", help="the numbers behind it, as CSV")
    report.add_argument("-o", "--output", help="file to write (default: standard output)")
    report.set_defaults(handler=_usage_errors(report_command))

    upstream = commands.add_parser(
        "upstream",
        parents=parents,
        help="upstream contributions over one window, per project or per person, as CSV",
    )
    upstream.add_argument("table", choices=["projects", "people"], nargs="?", default="projects")
    upstream.add_argument("--window", default="t12m", help="t12m, ytd or a quarter: 2026Q3")
    upstream.add_argument("-o", "--output", help="file to write (default: standard output)")
    upstream.set_defaults(handler=_usage_errors(upstream_command))

    alerts = commands.add_parser(
        "alerts",
        parents=parents,
        help="tell owners about objectives that changed status and KPIs past a threshold",
    )
    alerts.add_argument(
        "--dry-run", action="store_true", help="show what would be sent; store and send nothing"
    )
    alerts.set_defaults(handler=alerts_command)

    public = commands.add_parser(
        "public-sector",
        parents=parents,
        help="public-sector KPIs: publishing ratio, reuse, partner organizations",
    )
    public.add_argument("--period", default="quarter", choices=["week", "month", "quarter"])
    public.add_argument("--scope", default="all", help="all | org:X | repo:X/Y | group:X")
    public.add_argument("-o", "--output", help="write the partners' shares as CSV to this file")
    public.set_defaults(handler=public_sector_command)


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
    if args.misses:
        _print_misses(context, views, now)
    return 0


def _print_misses(context: Context, views: list, now: pd.Timestamp) -> None:
    from ospo_metrics.strategy.service_levels import is_sla, misses

    for view in (v for v in views if is_sla(v)):
        objective = view.objective
        late = misses(context.config, view, frames_for(context, objective.scope), now)
        hours = "business hours" if objective.business_hours else "hours"
        print(f"\n{objective.id}: {len(late)} item(s) over {objective.target:g} {hours}")
        for row in late.itertuples():
            waiting = " (still waiting)" if row.open else ""
            print(f"  {row.hours:8.1f} h  {row.link}{waiting}")


class WindowError(ValueError):
    """An unknown --window; the message lists the known ones."""


def _window(key: str, now: pd.Timestamp):
    from ospo_metrics.report import windows

    found = windows(now)
    for window in found:
        if window.key == key:
            return window
    known = ", ".join(w.key for w in found)
    raise WindowError(f"unknown window {key!r}; choose one of {known}")


def _usage_errors(handler):
    """A handler that reports a WindowError as a usage error (exit 2), not a traceback."""

    def run(context: Context, args: argparse.Namespace) -> int:
        try:
            return handler(context, args)
        except WindowError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE

    return run


def report_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.read.strategy import load_assessments
    from ospo_metrics.report import PdfError, html_to_pdf, impact_numbers, render_html
    from ospo_metrics.report.current import summary_of

    frames = frames_for(context)
    now = pd.Timestamp.now(tz="UTC")
    window = _window(args.window, now)
    summary = summary_of(context, frames, window.key, now, load_assessments(context.engine))
    if args.numbers:
        write_csv(context, impact_numbers(summary), args.output)
        return 0
    document = render_html(summary)
    if not args.pdf:
        write_output(document, args.output)
        return 0
    try:
        pdf = html_to_pdf(document)
    except PdfError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.output:
        Path(args.output).write_bytes(pdf)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(pdf)
    return 0


def upstream_command(context: Context, args: argparse.Namespace) -> int:
    from kpis.upstream import upstream_people_table, upstream_projects_table

    frames = frames_for(context)
    window = _window(args.window, pd.Timestamp.now(tz="UTC"))
    table = upstream_projects_table if args.table == "projects" else upstream_people_table
    write_csv(context, table(frames, window.start, window.end), args.output)
    print(f"{args.table} for {window.stated()}", file=sys.stderr)
    return 0


def public_sector_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.formatting import format_value
    from ospo_metrics.report.public_sector import NOT_MEASURED, public_sector_summary

    frames = frames_for(context, args.scope)
    summary = public_sector_summary(frames, pd.Timestamp.now(tz="UTC"), args.period)
    print(f"last complete {args.period}:")
    for kpi_id, change in summary.values.items():
        unit = kpis.get(kpi_id).unit
        print(f"  {kpi_id:40} {format_value(change.value, unit)}")
    if summary.shares.empty:
        print("no contributions by people of other organizations yet")
    else:
        last = summary.shares["period_start"].max()
        print(f"partner organizations, {args.period} starting {last:%Y-%m-%d}:")
        for row in summary.shares[summary.shares["period_start"] == last].itertuples():
            print(f"  {row.organization:40} {row.contributions:6} {row.share_pct:5.1f} %")
    print(NOT_MEASURED)
    if args.output:
        write_csv(context, summary.shares, args.output)
    return 0


def alerts_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.strategy.alerts import run_alerts

    config = context.config.alerts
    if not (context.config.objectives or config.thresholds):
        print("nothing to watch: no objectives and no `alerts.thresholds` in the configuration")
        return 0
    report = run_alerts(context, dry_run=args.dry_run)
    owner = privacy.mask_text if privacy.enabled(context.config) else str
    verb = "would send" if args.dry_run else "new"
    if not report.changes:
        print("no changes since the last run")
    for subject, previous, state, channel in report.changes:
        print(f"{verb}: {subject}: {previous or '-'} -> {state} to {owner(channel)}")
    for line in report.sent:
        print(f"sent: {owner(line)}")
    for channel in report.held:
        print(f"digest: {owner(channel)} got one less than 7 days ago; the changes wait")
    for line in report.failed:
        print(f"failed: {owner(line)} (kept; the next run retries)", file=sys.stderr)
    if not args.dry_run:
        print(f"{report.statuses} objective status(es) stored for this week")
    return EXIT_FAILED if report.failed else 0
