"""`kpis`, `export` and `snapshot`: KPI values on the terminal, as CSV, and frozen."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

import kpis
from ospo_metrics.cli.common import EXIT_USAGE, date_arg, frames_for, write_csv
from ospo_metrics.context import Context

PERIOD_CHOICES = ["week", "month", "quarter"]
BUSINESS_HELP = (
    "time to first response and time to close in business hours (the `service_levels:` calendar)"
)


def _calendar(context: Context, args: argparse.Namespace, frames: kpis.Frames, kpi: kpis.KPI):
    """The business calendar when `--business-hours` asks for it and the KPI measures hours."""
    if not getattr(args, "business_hours", False) or not kpi.business_time:
        return None
    from ospo_metrics.strategy.service_levels import calendars

    return calendars(context.config, frames.issues["repo"].unique())


def register(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    kpi_list = commands.add_parser(
        "kpis", parents=parents, help="list KPIs with their latest values"
    )
    kpi_list.add_argument("--period", default="week", choices=PERIOD_CHOICES)
    kpi_list.add_argument("--scope", default="all", help="all | org:X | repo:X/Y | group:X")
    kpi_list.add_argument("--business-hours", action="store_true", help=BUSINESS_HELP)
    kpi_list.set_defaults(handler=kpis_command)

    export = commands.add_parser(
        "export", parents=parents, help="write a KPI series, every KPI, or a table as CSV"
    )
    what = export.add_subparsers(dest="what", required=True, metavar="WHAT")
    kpi = what.add_parser("kpi", parents=parents, help="one KPI's series, up to today")
    kpi.add_argument("kpi_id")
    kpi.add_argument("--period", default="week", choices=PERIOD_CHOICES)
    kpi.add_argument("--scope", default="all")
    kpi.add_argument("-o", "--output", help="file to write (default: standard output)")
    kpi.add_argument("--business-hours", action="store_true", help=BUSINESS_HELP)
    kpi.set_defaults(handler=export_kpi)
    by_kind = what.add_parser(
        "contributors",
        parents=parents,
        help="contributors per period and kind of contribution (commit, review, comment, ...)",
    )
    by_kind.add_argument("--period", default="month", choices=PERIOD_CHOICES)
    by_kind.add_argument("--scope", default="all")
    by_kind.add_argument("-o", "--output")
    by_kind.set_defaults(handler=export_contributors)
    bulk = what.add_parser("kpis", parents=parents, help="every KPI's series for one scope")
    bulk.add_argument("--period", default="week", choices=PERIOD_CHOICES)
    bulk.add_argument("--scope", default="all")
    bulk.add_argument("-o", "--output", help="file to write (default: standard output)")
    bulk.set_defaults(handler=export_all_kpis)
    from ospo_metrics.read.exports import EXPORTS

    for name, spec in EXPORTS.items():
        table = what.add_parser(name, parents=parents, help=f"the {spec.title.lower()} table")
        table.add_argument("--scope", default="all")
        if spec.when:
            table.add_argument("--since", type=date_arg, help="first day (YYYY-MM-DD)")
            table.add_argument("--until", type=date_arg, help="last day (YYYY-MM-DD)")
        table.add_argument("-o", "--output", help="file to write (default: standard output)")
        table.set_defaults(handler=export_table_command, table=name)

    warm = commands.add_parser(
        "warm",
        parents=parents,
        help="load the current data once for the dashboard and the CLI (collect does it too)",
    )
    warm.set_defaults(handler=warm_command)

    snapshot = commands.add_parser(
        "snapshot", parents=parents, help="store KPI values for week-on-week views"
    )
    snapshot.add_argument("--period", default="week", choices=PERIOD_CHOICES)
    snapshot.set_defaults(handler=snapshot_command)


def kpis_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics import read
    from ospo_metrics.warm import latest_values

    frames = frames_for(context, args.scope)
    if read.is_empty(frames, "commits", "issues"):
        print("no data yet: run `ospo-metrics collect` (or `ospo-metrics demo`)")
        return 0
    now = pd.Timestamp.now(tz="UTC")
    rows = []
    values = latest_values(
        frames, args.period, now, lambda kpi: _calendar(context, args, frames, kpi)
    )
    for kpi, calendar, change, coverage in values:
        rows.append(
            {
                "kpi": kpi.id,
                "period_start": change.period_start,
                "value": None if change.value is None else round(change.value, 2),
                "change": None if change.delta is None else round(change.delta, 2),
                "unit": "business hours" if calendar is not None else kpi.unit,
                "good": kpi.direction,
                # Beside every KPI resting on affiliation: how much of its input has one.
                "affiliation_known_%": None if coverage is None else round(coverage, 1),
            }
        )
    print(pd.DataFrame(rows).to_string(index=False))
    print(excluded_line(frames))
    return 0


def excluded_line(frames: kpis.Frames) -> str:
    """What people KPIs leave out (bots, and AI agents unless counted), over all the data."""
    from ospo_metrics.people.views import excluded_table

    table = excluded_table(frames)
    if table.empty:
        return "excluded from people KPIs: nothing (no bot or AI-agent contributions)"
    totals = table.groupby("actor")["contributions"].sum()
    words = {"bot": "by bots", "ai_agent": "by AI agents"}
    parts = [f"{int(n):,} {words.get(actor, actor)}" for actor, n in totals.items()]
    return "excluded from people KPIs: contributions " + ", ".join(parts)


def _series(
    kpi_id: str, frames: kpis.Frames, scope: str, period: str, calendar=None
) -> pd.DataFrame:
    """The KPI's series up to today (report.series), with the affiliation coverage beside
    a KPI that rests on affiliation."""
    from ospo_metrics.report.series import kpi_series

    now = pd.Timestamp.now(tz="UTC")
    kpi = kpis.get(kpi_id)
    frame = kpi_series(kpi.id, frames, scope, period, now, calendar=calendar)
    if kpi.coverage and len(frame):
        coverage = kpi_series(kpi.coverage, frames, scope, period, now, start=None)
        by_start = dict(zip(coverage["period_start"], coverage["value"], strict=True))
        frame["affiliation_coverage"] = frame["period_start"].map(by_start)
    return frame


def export_kpi(context: Context, args: argparse.Namespace) -> int:
    kpi = kpis.get(args.kpi_id)
    if args.period not in kpi.periods:
        raise kpis.UnknownKPIError(f"KPI {kpi.id!r} is not available per {args.period}")
    frames = frames_for(context, args.scope)
    if args.business_hours and not kpi.business_time:
        print(f"error: {kpi.id} is not measured in hours: --business-hours does not apply",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    calendar = _calendar(context, args, frames, kpi)
    write_csv(context, _series(kpi.id, frames, args.scope, args.period, calendar), args.output)
    return 0


def export_contributors(context: Context, args: argparse.Namespace) -> int:
    """Distinct contributors per period and kind (kpis.contributors.contributors_by_kind)."""
    from kpis.contributors import contributors_by_kind

    table = contributors_by_kind(frames_for(context, args.scope), args.period)
    table.insert(0, "scope", args.scope)
    write_csv(context, table, args.output)
    return 0


def export_all_kpis(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.report.series import all_kpi_series

    frames = frames_for(context, args.scope)
    now = pd.Timestamp.now(tz="UTC")
    write_csv(context, all_kpi_series(frames, args.scope, args.period, now), args.output)
    return 0


def export_table_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.read.exports import export_table

    frames = frames_for(context, args.scope)
    table = export_table(
        context,
        frames,
        args.table,
        args.scope,
        getattr(args, "since", None),
        getattr(args, "until", None),
    )
    write_csv(context, table, args.output)
    return 0


def warm_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.warm import warm_views

    warmed = warm_views(context)
    print(
        f"frames of the current data ready in {context.cache_dir} "
        f"({warmed.frames_seconds:.1f} s), the default views' results "
        f"({warmed.results_seconds:.1f} s)"
    )
    return 0


def snapshot_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.snapshots import store_snapshots

    count = store_snapshots(context, args.period)
    print(f"stored {count} KPI values (today's snapshot; `collect` takes one too)")
    if context.config.objectives:
        from ospo_metrics.strategy.alerts import record_objective_statuses
        from ospo_metrics.strategy.objectives import evaluate_objectives

        now = pd.Timestamp.now(tz="UTC")
        views = evaluate_objectives(
            list(context.config.objectives), frames_for(context), context.groups, now
        )
        stored = record_objective_statuses(context, views, now.to_pydatetime())
        print(f"stored {stored} objective statuses for this week")
    return 0
