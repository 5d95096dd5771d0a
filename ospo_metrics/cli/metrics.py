"""`kpis`, `export` and `snapshot`: KPI values on the terminal, as CSV, and frozen."""

from __future__ import annotations

import argparse

import pandas as pd

import kpis
from ospo_metrics.cli.common import date_arg, frames_for, write_csv
from ospo_metrics.context import Context

PERIOD_CHOICES = ["week", "month", "quarter"]


def register(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    kpi_list = commands.add_parser(
        "kpis", parents=parents, help="list KPIs with their latest values"
    )
    kpi_list.add_argument("--period", default="week", choices=PERIOD_CHOICES)
    kpi_list.add_argument("--scope", default="all", help="all | org:X | repo:X/Y | group:X")
    kpi_list.set_defaults(handler=kpis_command)

    export = commands.add_parser(
        "export", parents=parents, help="write a KPI series or a table as CSV"
    )
    what = export.add_subparsers(dest="what", required=True, metavar="WHAT")
    kpi = what.add_parser("kpi", parents=parents, help="one KPI's series")
    kpi.add_argument("kpi_id")
    kpi.add_argument("--period", default="week", choices=PERIOD_CHOICES)
    kpi.add_argument("--scope", default="all")
    kpi.add_argument("-o", "--output", help="file to write (default: standard output)")
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
    table = what.add_parser("commits", parents=parents, help="the commits table")
    table.add_argument("--scope", default="all")
    table.add_argument("--since", type=date_arg, help="first day (YYYY-MM-DD)")
    table.add_argument("--until", type=date_arg, help="last day (YYYY-MM-DD)")
    table.add_argument("-o", "--output")
    table.set_defaults(handler=export_commits)

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
    frames = frames_for(context, args.scope)
    if frames.commits.empty and frames.issues.empty:
        print("no data yet: run `ospo-metrics collect` (or `ospo-metrics demo`)")
        return 0
    now = pd.Timestamp.now(tz="UTC")
    rows = []
    for kpi in kpis.REGISTRY.values():
        change = kpis.latest_change(kpis.series(kpi.id, frames, args.period), now)
        coverage = kpis.coverage_at(kpi.id, frames, args.period, change.period_start)
        rows.append(
            {
                "kpi": kpi.id,
                "period_start": change.period_start,
                "value": None if change.value is None else round(change.value, 2),
                "change": None if change.delta is None else round(change.delta, 2),
                "unit": kpi.unit,
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
    from kpis.contributors import excluded_contributions

    table = excluded_contributions(frames)
    if table.empty:
        return "excluded from people KPIs: nothing (no bot or AI-agent contributions)"
    totals = table.groupby("actor")["contributions"].sum()
    words = {"bot": "by bots", "ai_agent": "by AI agents"}
    parts = [f"{int(n):,} {words.get(actor, actor)}" for actor, n in totals.items()]
    return "excluded from people KPIs: contributions " + ", ".join(parts)


def export_kpi(context: Context, args: argparse.Namespace) -> int:
    kpi = kpis.get(args.kpi_id)
    frames = frames_for(context, args.scope)
    frame = kpis.with_coverage(
        kpi.id, frames, kpis.series(kpi.id, frames, args.period), args.period
    )
    frame.insert(0, "kpi", kpi.id)
    frame.insert(1, "scope", args.scope)
    frame.insert(2, "period", args.period)
    frame["unit"] = kpi.unit
    write_csv(context, frame, args.output)
    return 0


def export_contributors(context: Context, args: argparse.Namespace) -> int:
    """Distinct contributors per period and kind (kpis.contributors.contributors_by_kind)."""
    from kpis.contributors import contributors_by_kind

    table = contributors_by_kind(frames_for(context, args.scope), args.period)
    table.insert(0, "scope", args.scope)
    write_csv(context, table, args.output)
    return 0


def export_commits(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.cli.names import check_scope
    from ospo_metrics.read import load_commits_table

    check_scope(context, args.scope)

    table = load_commits_table(
        context.engine,
        context.rules,
        args.scope,
        context.groups,
        since=args.since,
        until=args.until,
    )
    write_csv(context, table, args.output)
    return 0


def warm_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics import read

    seconds = read.warm(context.engine, context.database_url, context.rules, context.cache_dir)
    print(f"frames of the current data ready in {context.cache_dir} ({seconds:.1f} s)")
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
