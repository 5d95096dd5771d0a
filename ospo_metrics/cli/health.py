"""`health` and `changes`: the Project health table and the week's changes on the terminal
or as CSV, the same numbers as the dashboard's pages."""

from __future__ import annotations

import argparse

import pandas as pd

from ospo_metrics.cli.common import frames_for, write_csv
from ospo_metrics.context import Context


def register(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    from ospo_metrics.health.views import SORTS

    health = commands.add_parser(
        "health",
        parents=parents,
        help="one row per repository we own: activity, staleness, responsiveness, "
        "releases, compliance, attention score",
    )
    health.add_argument("--scope", default="all", help="all | org:X | group:X | repo:X/Y")
    health.add_argument("--contains", default="", help="only repositories whose name contains")
    health.add_argument("--attention", action="store_true", help="only those needing attention")
    health.add_argument("--stale", action="store_true", help="only stale repositories")
    health.add_argument("--sort", default="attention", choices=list(SORTS))
    health.add_argument("-o", "--output", help="write the table as CSV to this file")
    health.set_defaults(handler=health_command)
    register_changes(commands, parents)


def health_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.health import views

    frames = frames_for(context, args.scope)
    table = views.health_table(frames, context.config, pd.Timestamp.now("UTC"))
    if table.empty:
        print("no repository we own has been collected yet: run `ospo-metrics collect`")
        return 0
    rows = views.filter_table(table, args.contains, args.attention, args.stale, args.sort)
    csv = views.as_csv(rows)
    if args.output:
        write_csv(context, csv, args.output)
        return 0
    brief = csv[
        [
            "repo",
            "attention_score",
            "stale",
            "open_issues",
            "open_prs",
            "ttfr_median_90d_hours",
            "last_release",
            "attention_reasons",
        ]
    ]
    with pd.option_context("display.max_colwidth", 90, "display.width", 200):
        print(brief.to_string(index=False))
    print(f"as of {views.as_of(pd.Timestamp.now('UTC')):%Y-%m-%d %H:%M} UTC; every column: -o FILE")
    return 0


def register_changes(
    commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]
) -> None:
    changes = commands.add_parser(
        "changes",
        parents=parents,
        help="the last complete week against the one before: new contributors, releases, "
        "repositories, objectives, the KPIs that moved most",
    )
    changes.add_argument("--scope", default="all", help="all | org:X | group:X | repo:X/Y")
    changes.add_argument("-o", "--output", help="write every KPI's change as CSV to this file")
    changes.set_defaults(handler=changes_command)


def changes_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.changes import weekly
    from ospo_metrics.people.privacy import hide_people

    frames = frames_for(context, args.scope)
    if frames.commits.empty and frames.issues.empty and frames.repository_details.empty:
        print("no data yet: run `ospo-metrics collect` (or `ospo-metrics demo`)")
        return 0
    changes = weekly.load_changes(context, frames, args.scope, pd.Timestamp.now("UTC"))
    if args.output:
        write_csv(context, changes.kpis, args.output)
        return 0
    weeks = changes.weeks
    print(
        f"week of {weeks.last:%Y-%m-%d} against the week of {weeks.previous:%Y-%m-%d} "
        f"(scope {args.scope}; snapshots on {changes.snapshot_days} days)"
    )

    def show(title: str, frame: pd.DataFrame, note: str = "") -> None:
        print(f"\n{title}: {note or len(frame)}")
        if len(frame) and not note:
            print(hide_people(frame, context.config).to_string(index=False))

    show(
        f"new contributors (the week before: {changes.new_contributors_before})",
        changes.new_contributors,
    )
    show("from other organizations", changes.other_organizations)
    show(f"releases (the week before: {changes.releases_before})", changes.releases)
    show("repositories created", changes.created)
    show("repositories archived", changes.archived.table, changes.archived.note)
    show("objectives whose status changed", changes.objectives.table, changes.objectives.note)
    moved = weekly.shown_moves(changes.kpis)
    columns = ["kpi", "week_before", "last_week", "change", "change_pct", "reading", "note"]
    show("KPIs that moved most", moved[columns])
    return 0
