"""`collect`, `demo` and `runs`: filling the database and seeing how its runs went."""

from __future__ import annotations

import argparse
import sys

from collectors.base import RunResult
from ospo_metrics.cli.common import EXIT_FAILED, EXIT_PARTIAL, EXIT_USAGE, ProgressBars
from ospo_metrics.collect import has_github_sources
from ospo_metrics.compliance.collect import COMPLIANCE_SOURCES, collect_compliance_sources
from ospo_metrics.context import Context
from ospo_metrics.redact import redact
from ospo_metrics.secrets import environment_with_secrets


def register(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    collect = commands.add_parser(
        "collect", parents=parents, help="collect data from the configured sources"
    )
    collect.add_argument(
        "source", nargs="?", default="all", choices=["all", "git", "github", *COMPLIANCE_SOURCES]
    )
    collect.add_argument(
        "--repo", help="only this repository (OWNER/NAME), GitHub organization, or `upstream`"
    )
    collect.add_argument("--no-progress", action="store_true", help="no progress bars")
    collect.add_argument(
        "--no-warm",
        action="store_true",
        help="do not load the collected data for the dashboard at the end",
    )
    collect.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="collect N repositories at once in local processes (default 1)",
    )
    collect.add_argument(
        "--queue",
        metavar="URL",
        help="enqueue one job per repository and source on RQ (redis://HOST:6379/0) for "
        "`ospo-metrics worker` processes on any machine",
    )
    collect.add_argument(
        "--no-wait",
        action="store_true",
        help="with --queue: return once the collection is enqueued",
    )
    collect.add_argument(
        "--retry-delay",
        type=int,
        default=10,
        metavar="SECONDS",
        help="with --queue: first wait before a failed job is retried (then 6x, 30x)",
    )
    collect.set_defaults(handler=collect_command)

    demo = commands.add_parser(
        "demo", parents=parents, help="build and collect the demo organization"
    )
    demo.add_argument("--data-dir", default="data", help="where the demo repositories go")
    demo.add_argument("--no-progress", action="store_true", help="no progress bars")
    demo.set_defaults(handler=demo_command, force_demo=True)

    runs = commands.add_parser("runs", parents=parents, help="recent collection runs")
    runs.set_defaults(handler=runs_command)


def collect_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.cli.names import check_collect_target
    from ospo_metrics.collect import collect_git_sources

    if getattr(args, "queue", None) or getattr(args, "workers", 1) != 1:
        from ospo_metrics.cli.queue import collect_in_jobs

        return collect_in_jobs(context, args)
    bars = ProgressBars(enabled=not getattr(args, "no_progress", False))
    source = getattr(args, "source", "all")
    only = getattr(args, "repo", None)
    check_collect_target(context, only)
    results: list[RunResult] = []
    try:
        if source in ("all", "git"):
            results += collect_git_sources(context, only=only, progress=bars.factory("commit"))
        if source in ("all", "github") and has_github_sources(context):
            from ospo_metrics.collect_github import collect_github_sources

            results += collect_github_sources(
                context,
                only=only,
                progress=bars.factory("item"),
                env=environment_with_secrets(),
                notify=lambda message: print(redact(message), file=sys.stderr, flush=True),
            )
        if source in ("all", "git") and has_github_sources(context):
            from ospo_metrics.collect.mirrors import collect_mirrors

            # After the GitHub listing: the organizations' repositories, mirrored and mined.
            mined = collect_mirrors(
                context, only=only, progress=bars.factory("commit"), env=environment_with_secrets()
            )
            results += mined
            if any(result.items_written for result in mined):
                from ospo_metrics.collect_github import collect_commit_authors

                # The new commits' authors get their GitHub logins in this collection already.
                env = environment_with_secrets()
                results += collect_commit_authors(context, only=only, env=env)
        results += collect_compliance_sources(context, source, only=only)
    finally:
        bars.close()
    if results:  # new identities join the people curation decisions say they belong to
        context.apply_curation()
    return finish_collection(context, results, args)


def finish_collection(context: Context, results: list[RunResult], args: argparse.Namespace) -> int:
    """What every way of collecting ends with: the report, the dashboard's cache, a snapshot."""
    status = report_results(results)
    if results:  # first: What changed compares snapshots, and its warmed view reads this one
        _snapshot(context)
    if results and not getattr(args, "no_warm", False):
        warm(context)
    return status


def _snapshot(context: Context) -> None:
    """Today's KPI snapshot (the What changed page compares them); taking it again the same
    day replaces it. A failure here never fails the collection."""
    from ospo_metrics.snapshots import store_snapshots

    try:
        rows = store_snapshots(context)
    except Exception as exc:  # the collection is stored; `ospo-metrics snapshot` retries
        print(f"note: no KPI snapshot was taken ({type(exc).__name__})", file=sys.stderr)
        return
    print(f"KPI snapshot of today stored ({rows} values)", file=sys.stderr)


def warm(context: Context) -> None:
    """Load what was collected once, and compute the default views from it, so the
    dashboard's next first view does not (ospo_metrics/warm.py); a failure here never fails
    the collection."""
    from ospo_metrics.warm import warm_views

    try:
        warmed = warm_views(context)
    except Exception as exc:  # the collection is stored; the dashboard loads it itself
        print(f"note: the dashboard's cache was not warmed ({type(exc).__name__})", file=sys.stderr)
        return
    print(
        f"dashboard cache warmed (frames {warmed.frames_seconds:.1f} s, "
        f"views {warmed.results_seconds:.1f} s)",
        file=sys.stderr,
    )


def demo_command(context: Context, args: argparse.Namespace) -> int:
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
    status = collect_command(context, args)
    from ospo_metrics.demo import build_demo_data

    for part, rows in build_demo_data(context).items():
        print(f"demo    {part:40} written {rows:>7}")
    return status


def report_results(results: list[RunResult]) -> int:
    """One line per run, then the errors; non-zero when a source failed or was stopped."""
    failed = [r for r in results if r.status == "failed"]
    for r in results:
        line = (
            f"{r.collector:7} {r.target:40} {r.status:10} "
            f"seen {r.items_seen:>7} written {r.items_written:>7}"
        )
        if r.requests_made:
            line += f" requests {r.requests_made} rate limit used {r.rate_limit_used}"
        line += "".join(f" {name} {count}" for name, count in r.details.items() if count)
        print(line)
    for r in failed:
        print(f"error: {r.collector} {r.target}: {redact(r.error)}", file=sys.stderr)
    for r in results:  # a run that went on past some items' errors (e.g. one package)
        if r.error and r.status not in ("failed", "partial"):
            print(f"warning: {r.collector} {r.target}: {redact(r.error)}", file=sys.stderr)
    partial = [r for r in results if r.status == "partial"]
    for r in partial:
        print(f"stopped: {r.collector} {r.target}: {redact(r.error)}", file=sys.stderr)
    if not results:
        print("nothing to collect: add repositories or organizations to the configuration")
    return EXIT_FAILED if failed else EXIT_PARTIAL if partial else 0


def runs_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.people.privacy import enabled, mask_text
    from ospo_metrics.read import load_runs

    runs = load_runs(context.engine, limit=30)
    if len(runs) and enabled(context.config):  # an error text may quote an address
        runs = runs.assign(error=runs["error"].map(mask_text))
    print(runs.to_string(index=False) if len(runs) else "no collection runs yet")
    return 0
