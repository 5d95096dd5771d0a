"""Benchmark: git collector throughput against a bare `git log --numstat` over the same history.

    python benchmarks/git_ingest.py [PATH] [--database URL] [--jobs N] [--commits N]

Without PATH, a synthetic repository (50,000 commits by default) is generated once under
data/bench/ and reused. Prints commits/second of the full collector (parse + identities +
store) for a first run, the time of an incremental run with nothing new, and the ratio to
one bare `git log --numstat` pass, which is the physical limit of one core computing diffs.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from collectors.git import GitSource
from ospo_metrics.collect_git import collect_git
from ospo_metrics.db import open_database
from ospo_metrics.gitgen import synthetic_history, write_repository
from ospo_metrics.identity import BotRules


def generated_repository(commits: int) -> Path:
    path = Path("data") / "bench" / f"repo-{commits}"
    marker = path / ".ospo-bench-complete"
    if not marker.exists():
        end = datetime.now(UTC)
        start = end - timedelta(days=365 * 6)
        print(f"generating a {commits:,}-commit repository in {path} …", flush=True)
        began = time.perf_counter()
        write_repository(path, synthetic_history(commits, seed=1, start=start, end=end))
        marker.write_text("ok\n")
        print(f"  generated in {time.perf_counter() - began:.1f} s", flush=True)
    return path


def time_git_log(path: Path) -> tuple[float, int]:
    began = time.perf_counter()
    proc = subprocess.run(
        ["git", "-C", str(path), "log", "--numstat", "--format=%H"],
        stdout=subprocess.PIPE,
        check=True,
    )
    elapsed = time.perf_counter() - began
    count = int(
        subprocess.run(
            ["git", "-C", str(path), "rev-list", "--count", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    del proc
    return elapsed, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, help="a git repository (default: generated)")
    parser.add_argument("--commits", type=int, default=50_000, help="size of the generated repo")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--jobs", type=int, default=None, help="parallel git log processes")
    args = parser.parse_args()

    path = args.path or generated_repository(args.commits)
    log_seconds, count = time_git_log(path)
    print(f"repository: {path} ({count:,} commits)")
    print(f"bare git log --numstat: {log_seconds:.2f} s = {count / log_seconds:,.0f} commits/s")

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/bench.db"
        engine = open_database(url)
        source = GitSource(name="bench/repo", path=path)
        began = time.perf_counter()
        first = collect_git(
            engine, source, bots=BotRules.from_config(), cache_dir=Path(tmp), jobs=args.jobs
        )
        first_seconds = time.perf_counter() - began
        if first.status != "ok":
            raise SystemExit(f"collector failed: {first.error}")
        began = time.perf_counter()
        second = collect_git(
            engine, source, bots=BotRules.from_config(), cache_dir=Path(tmp), jobs=args.jobs
        )
        second_seconds = time.perf_counter() - began
        engine.dispose()

    rate = first.items_written / first_seconds
    print(
        f"collector, first run: {first_seconds:.2f} s = {rate:,.0f} commits/s "
        f"({first.items_written:,} commits stored in {url.split(':')[0]})"
    )
    print(f"collector / bare git log: {log_seconds / first_seconds:.2f}x")
    print(f"collector, incremental run with nothing new: {second_seconds:.3f} s ({second.status})")


if __name__ == "__main__":
    main()
