"""Benchmark: what the GitHub collector costs in rate limit, counted against the fake GitHub.

    python benchmarks/github_budget.py [--repos 500] [--seed 1] [--database URL]

Generates an organization with `generate_org(n_repos=...)` in the test server (tests/github_fake,
a real HTTP server on 127.0.0.1 answering GitHub's REST and GraphQL), runs a first full
collection and then an unchanged second run into a temporary SQLite database, and prints for
each run what the server counted: REST requests (and rate-limit units), GraphQL points,
304 answers, search requests, wall time. Nothing is extrapolated: every figure is counted.

The budget question is GitHub's: REST (`core`) and GraphQL each allow 5,000 per hour for a
token; search 30 per minute. Search waits (its one-minute window) are simulated: the injected
sleep moves the server's clock, so they cost no wall time and are reported separately.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from github_fake import FakeGitHub, generate_org  # noqa: E402

from ospo_metrics.collect_github import collect_github_sources  # noqa: E402
from ospo_metrics.config import config_from_mapping  # noqa: E402
from ospo_metrics.context import Context  # noqa: E402
from ospo_metrics.db import open_database  # noqa: E402

HOURLY_BUDGET = 5000


def run(gh: FakeGitHub, context: Context, label: str) -> dict[str, float]:
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # simulated: the server's clock moves instead
        waits.append(seconds)
        gh.advance_clock(seconds)

    before = gh.stats()
    seen = len(gh.requests)
    began = time.perf_counter()
    results = collect_github_sources(
        context, env={"GITHUB_TOKEN": gh.token}, sleep=sleep, clock=gh.now
    )
    wall = time.perf_counter() - began
    after = gh.stats()
    delta = {key: after[key] - before[key] for key in after}
    problems = [r for r in results if r.status in ("failed", "partial")]
    if problems or gh.invalid_graphql or gh.internal_errors:
        raise SystemExit(f"{label}: collection problems: {problems[:3]} {gh.invalid_graphql[:1]}")
    core = delta["rest"] - delta["search"]
    print(f"\n{label}")
    print(f"  REST requests        {core:>7,}  (rate-limit units {delta['core_units']:,})")
    print(f"  GraphQL points       {delta['graphql_points']:>7,}  ({delta['graphql']:,} queries)")
    print(
        f"  304 Not Modified     {delta['not_modified']:>7,}  (of {delta['conditional']:,} "
        "conditional requests)"
    )
    print(f"  search requests      {delta['search']:>7,}")
    print(f"  wall time            {wall:>7.1f} s  (+ {sum(waits):,.0f} s simulated waits)")
    print(f"  runs recorded        {len(results):>7,}")
    routes: dict[str, int] = {}
    for record in gh.requests[seen:]:
        route = record.route or record.path
        routes[route] = routes.get(route, 0) + 1
    for route, n in sorted(routes.items(), key=lambda kv: -kv[1]):
        print(f"    {n:>6,}  {route}")
    return {**delta, "core": core, "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    args = parser.parse_args()

    began = time.perf_counter()
    model = generate_org("acme", n_repos=args.repos, seed=args.seed)
    repos = model.org.repos
    items = sum(len(r.items) for r in repos)
    print(
        f"organization acme: {len(repos)} repositories, {items:,} issues and pull requests, "
        f"{len(model.org.members)} members (generated in {time.perf_counter() - began:.1f} s)"
    )
    with tempfile.TemporaryDirectory() as tmp, FakeGitHub(model) as gh:
        url = args.database or f"sqlite:///{Path(tmp) / 'budget.db'}"
        engine = open_database(url)
        config = config_from_mapping(
            {
                "github": {"base_url": gh.url},
                "organizations": ["acme"],
                # The generated history ends mid-2025: search all of it.
                "upstream": {"since": "2022-01-01"},
                "affiliation": {"organization": "Acme"},
            }
        )
        context = Context(config=config, engine=engine, database_url=url)
        first = run(gh, context, "first full collection")
        second = run(gh, context, "unchanged second run")
        engine.dispose()

    fits = first["core"] <= HOURLY_BUDGET and first["graphql_points"] <= HOURLY_BUDGET
    per_repo = (second["core"] - second["not_modified"] + second["graphql_points"]) / len(repos)
    print(
        f"\nfirst run within one hour of a {HOURLY_BUDGET:,}/hour budget: "
        f"{'yes' if fits else 'NO'} (REST {first['core']:,} of {HOURLY_BUDGET:,}, "
        f"GraphQL {first['graphql_points']:,} of {HOURLY_BUDGET:,})"
    )
    print(
        f"unchanged re-run: {second['graphql_points']} GraphQL points + "
        f"{second['not_modified']} free 304s for {len(repos)} repositories "
        f"({per_repo:.3f} charged units per repository)"
    )


if __name__ == "__main__":
    main()
