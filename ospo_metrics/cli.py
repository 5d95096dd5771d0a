"""`ospo-metrics`: check the configuration, collect, build the demo, list and export KPIs.

Every failure a user can cause (bad config, unreachable database, unknown KPI, failed source)
ends with a one-paragraph message and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

import kpis
from collectors.base import RunResult
from ospo_metrics.config import ConfigError
from ospo_metrics.context import Context, open_context
from ospo_metrics.db import DatabaseError
from ospo_metrics.export import to_csv
from ospo_metrics.scope import ScopeError
from ospo_metrics.secrets import SecretsError, environment_with_secrets

EXIT_USAGE = 2
EXIT_FAILED = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ospo-metrics", description="Open source program office metrics."
    )
    parser.add_argument(
        "--config",
        help="configuration file (default: $OSPO_CONFIG, else ./ospo.yml, else the demo)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("check-config", help="validate the configuration and report every error")

    collect = commands.add_parser("collect", help="collect data from the configured sources")
    collect.add_argument("source", nargs="?", default="all", choices=["all", "git", "github"])
    collect.add_argument(
        "--repo", help="only this repository (OWNER/NAME), GitHub organization, or `upstream`"
    )
    collect.add_argument("--no-progress", action="store_true", help="no progress bars")

    demo = commands.add_parser("demo", help="build and collect the demo organization")
    demo.add_argument("--data-dir", default="data", help="where the demo repositories go")
    demo.add_argument("--no-progress", action="store_true", help="no progress bars")

    kpi_list = commands.add_parser("kpis", help="list KPIs with their latest values")
    kpi_list.add_argument("--period", default="week", choices=["week", "month", "quarter"])
    kpi_list.add_argument("--scope", default="all", help="all | org:X | repo:X/Y | group:X")

    export = commands.add_parser("export", help="write a KPI series or a table as CSV")
    what = export.add_subparsers(dest="what", required=True, metavar="WHAT")
    kpi = what.add_parser("kpi", help="one KPI's series")
    kpi.add_argument("kpi_id")
    kpi.add_argument("--period", default="week", choices=["week", "month", "quarter"])
    kpi.add_argument("--scope", default="all")
    kpi.add_argument("-o", "--output", help="file to write (default: standard output)")
    table = what.add_parser("commits", help="the commits table")
    table.add_argument("--scope", default="all")
    table.add_argument("--since", type=_date, help="first day (YYYY-MM-DD)")
    table.add_argument("--until", type=_date, help="last day (YYYY-MM-DD)")
    table.add_argument("-o", "--output")

    objectives = commands.add_parser("objectives", help="objectives: current value and status")
    objectives.add_argument("-o", "--output", help="write the table as CSV to this file")

    report = commands.add_parser("report", help="the executive impact summary as HTML")
    report.add_argument("-o", "--output", help="file to write (default: standard output)")

    snapshot = commands.add_parser("snapshot", help="store KPI values for week-on-week views")
    snapshot.add_argument("--period", default="week", choices=["week", "month", "quarter"])

    commands.add_parser("runs", help="recent collection runs")
    return parser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-31") from None


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check-config":
            return _check_config(args)
        context = open_context(
            args.config,
            demo_data_dir=Path(getattr(args, "data_dir", "data")),
            force_demo=args.command == "demo",
        )
        handler = {
            "collect": _collect,
            "demo": _demo,
            "kpis": _kpis,
            "export": _export,
            "snapshot": _snapshot,
            "objectives": _objectives,
            "report": _report_html,
            "runs": _runs,
        }[args.command]
        return handler(context, args)
    except (ConfigError, DatabaseError, ScopeError, SecretsError, kpis.UnknownKPIError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(
            "interrupted: what was collected so far is kept; run again to resume", file=sys.stderr
        )
        return 130


def _check_config(args: argparse.Namespace) -> int:
    import os

    from ospo_metrics.config import load_config
    from ospo_metrics.context import find_config_file

    path = find_config_file(args.config, os.environ)
    if path is None:
        print("no configuration file (./ospo.yml or $OSPO_CONFIG): the demo configuration is used")
        return 0
    load_config(path)
    print(f"{path}: OK")
    return 0


def _collect(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.collect import collect_git_sources

    show_progress = not getattr(args, "no_progress", False) and sys.stderr.isatty()
    bars = []

    def progress_in(unit: str):
        def progress(name: str):
            if not show_progress:
                return None
            from tqdm import tqdm

            bar = tqdm(desc=name, unit=unit, leave=True)
            bars.append(bar)

            def update(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            return update

        return progress

    source = getattr(args, "source", "all")
    only = getattr(args, "repo", None)
    results: list[RunResult] = []
    try:
        if source in ("all", "git"):
            results += collect_git_sources(context, only=only, progress=progress_in("commit"))
        if source in ("all", "github") and _has_github_sources(context):
            from ospo_metrics.collect_github import collect_github_sources

            results += collect_github_sources(
                context,
                only=only,
                progress=progress_in("item"),
                env=environment_with_secrets(),
                notify=lambda message: print(message, file=sys.stderr, flush=True),
            )
    finally:
        for bar in bars:
            bar.close()
    return _report(results)


def _demo(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.context import foreign_repositories

    others = foreign_repositories(context)
    if others:
        print(
            f"error: the database already holds {len(others)} repositories that are not the "
            f"demo's (e.g. {others[0]}); the demo would mix with them. Unset DATABASE_URL "
            "(the demo then uses its own file under the data folder) or point it elsewhere.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return _collect(context, args)


def _has_github_sources(context: Context) -> bool:
    config = context.config
    return bool(
        config.organizations
        or config.upstream.repositories
        or any(entry.kind == "github" for entry in config.repositories)
    )


def _report(results: list[RunResult]) -> int:
    failed = [r for r in results if r.status == "failed"]
    for r in results:
        line = (
            f"{r.collector:7} {r.target:40} {r.status:10} "
            f"seen {r.items_seen:>7} written {r.items_written:>7}"
        )
        if r.requests_made:
            line += f" requests {r.requests_made} rate limit used {r.rate_limit_used}"
        print(line)
    for r in failed:
        print(f"error: {r.collector} {r.target}: {r.error}", file=sys.stderr)
    for r in results:
        if r.status == "partial":
            print(f"stopped: {r.collector} {r.target}: {r.error}", file=sys.stderr)
    if not results:
        print("nothing to collect: add repositories or organizations to the configuration")
    return EXIT_FAILED if failed else 0


def _frames(context: Context, scope: str):
    from ospo_metrics.queries import load_frames, scoped_frames

    return scoped_frames(load_frames(context.engine, context.rules), scope, context.groups)


def _kpis(context: Context, args: argparse.Namespace) -> int:
    frames = _frames(context, args.scope)
    if frames.commits.empty and frames.issues.empty:
        print("no data yet: run `ospo-metrics collect` (or `ospo-metrics demo`)")
        return 0
    now = pd.Timestamp.now(tz="UTC")
    rows = []
    for kpi in kpis.REGISTRY.values():
        change = kpis.latest_change(kpis.series(kpi.id, frames, args.period), now)
        rows.append(
            {
                "kpi": kpi.id,
                "period_start": change.period_start,
                "value": None if change.value is None else round(change.value, 2),
                "change": None if change.delta is None else round(change.delta, 2),
                "unit": kpi.unit,
                "good": kpi.direction,
            }
        )
    print(pd.DataFrame(rows).to_string(index=False))
    return 0


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _export(context: Context, args: argparse.Namespace) -> int:
    if args.what == "kpi":
        kpi = kpis.get(args.kpi_id)
        frame = kpis.series(kpi.id, _frames(context, args.scope), args.period)
        frame.insert(0, "kpi", kpi.id)
        frame.insert(1, "scope", args.scope)
        frame.insert(2, "period", args.period)
        frame["unit"] = kpi.unit
        _write(to_csv(frame), args.output)
        return 0
    from ospo_metrics.queries import load_commits_table, rows_in

    table = rows_in(
        load_commits_table(context.engine, context.rules),
        args.scope,
        context.groups,
        when="authored_at",
        since=args.since,
        until=args.until,
    )
    _write(to_csv(table), args.output)
    return 0


def _objective_views(context: Context, frames, now: pd.Timestamp) -> list:
    from ospo_metrics.objectives import evaluate_objectives

    return evaluate_objectives(list(context.config.objectives), frames, context.groups, now)


def _objectives(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.objectives import objectives_table
    from ospo_metrics.queries import load_frames

    if not context.config.objectives:
        print("no objectives in the configuration (see `objectives:` in ospo.example.yml)")
        return 0
    now = pd.Timestamp.now(tz="UTC")
    views = _objective_views(context, load_frames(context.engine, context.rules), now)
    table = objectives_table(views)
    if args.output:
        _write(to_csv(table), args.output)
    for row in table.itertuples():
        print(f"{row.status:10} {row.objective:30} {row.explanation}")
    return 0


def _report_html(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.queries import load_frames
    from ospo_metrics.report import impact_summary, render_html

    frames = load_frames(context.engine, context.rules)
    now = pd.Timestamp.now(tz="UTC")
    views = _objective_views(context, frames, now)
    summary = impact_summary(frames, views, now, context.organization_name, context.is_demo)
    _write(render_html(summary), args.output)
    return 0


def _snapshot(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.snapshots import store_snapshots

    count = store_snapshots(context, args.period)
    print(f"stored {count} KPI values")
    return 0


def _runs(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.queries import load_runs

    runs = load_runs(context.engine, limit=30)
    print(runs.to_string(index=False) if len(runs) else "no collection runs yet")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
