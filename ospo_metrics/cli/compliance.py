"""`import` and `compliance`: load Scorecard (and other) files, and print or export the
compliance matrix, the fix-first list, coverage and Scorecard views as the page shows them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ospo_metrics.cli.collect import report_results
from ospo_metrics.cli.common import EXIT_USAGE, frames_for, write_csv
from ospo_metrics.context import Context
from ospo_metrics.people.privacy import hide_people

VIEWS = (
    "matrix",
    "fix-first",
    "coverage",
    "scorecard",
    "scorecard-checks",
    "dependencies",
    "never-contributed",
    "upstream-dependencies",
    "libyears",
    "libyears-dependencies",
)


def register(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    importer = commands.add_parser(
        "import", parents=parents, help="import files other tools wrote (Scorecard, SBOM, Perceval)"
    )
    what = importer.add_subparsers(dest="what", required=True, metavar="WHAT")
    scorecard = what.add_parser(
        "scorecard", parents=parents, help="`scorecard --format json` files or folders of them"
    )
    scorecard.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    scorecard.set_defaults(handler=import_scorecard)
    sbom = what.add_parser(
        "sbom", parents=parents, help="SPDX 2.3 or CycloneDX 1.4-1.6 JSON files or folders"
    )
    sbom.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    sbom.add_argument("--repo", help="OWNER/NAME the SBOMs describe (when they do not say)")
    sbom.set_defaults(handler=import_sbom)
    perceval = what.add_parser(
        "perceval",
        parents=parents,
        help="GrimoireLab Perceval output: `perceval git URI --json-line`, "
        "`perceval github OWNER REPO --category issue|pull_request`",
    )
    perceval.add_argument("paths", nargs="+", type=Path, metavar="FILE")
    perceval.add_argument(
        "--repo", help="the repository name to store them under (default: from their origin)"
    )
    perceval.set_defaults(handler=import_perceval)

    report = commands.add_parser(
        "compliance", parents=parents, help="the compliance matrix and views, as on the page"
    )
    report.add_argument("view", nargs="?", default="matrix", choices=VIEWS)
    report.add_argument("--scope", default="all", help="all | org:X | repo:X/Y | group:X")
    report.add_argument("-o", "--output", help="CSV file to write (default: a table on screen)")
    report.set_defaults(handler=compliance_command)


def _missing(paths: list[Path]) -> list[Path]:
    return [path for path in paths if not path.exists()]


def import_scorecard(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.compliance.scorecard import import_scorecard_files

    missing = _missing(args.paths)
    if missing:
        print(f"error: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return EXIT_USAGE
    return report_results(import_scorecard_files(context.engine, args.paths))


def import_sbom(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.compliance.sbom import import_sbom_files

    missing = _missing(args.paths)
    if missing:
        print(f"error: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return EXIT_USAGE
    return report_results(import_sbom_files(context.engine, args.paths, args.repo))


def import_perceval(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.collect.perceval import import_perceval_files

    missing = _missing(args.paths)
    if missing:
        print(f"error: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return EXIT_USAGE
    results = import_perceval_files(context.engine, args.paths, context.bots, args.repo)
    if any(result.status == "ok" for result in results):
        context.apply_curation()  # new identities join the people decisions put them with
    return report_results(results)


def compliance_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.compliance.read import UpstreamMapError, load_upstream_map
    from ospo_metrics.compliance.views import compliance_view

    try:
        mapping = load_upstream_map(context.config)
    except UpstreamMapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    table = compliance_view(frames_for(context, args.scope), args.view, mapping)
    table = hide_people(table, context.config)
    if args.output:
        write_csv(context, table, args.output)
    else:
        print(table.to_string(index=False) if len(table) else f"no {args.view} data for this scope")
    return 0
