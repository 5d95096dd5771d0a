"""Benchmark: git collector throughput on SQLite and PostgreSQL, side by side with a bare
`git log --numstat`, GrimoireLab Perceval and PyDriller over the same history.

    python benchmarks/git_ingest.py [PATH] [--postgres URL] [--jobs N] [--commits N]
                                    [--no-perceval] [--pydriller N]

PATH is a git repository (bare or not): use a real public project's full history (at least
15,000 commits; generated histories have unrealistically cheap diffs). Without PATH, a
synthetic repository (50,000 commits by default) is generated once under data/bench/.

Each tool reads the default branch's whole history once, one after the other:
- bare `git log --numstat`: one git process with the collector's pinned diff settings, the
  cost of computing every diff once on one core;
- the collector: parse, resolve identities and store, first run into an empty database
  (a temporary SQLite file, and a schema of its own in `--postgres` when given), then an
  incremental run with nothing new;
- Perceval (`perceval.backends.core.git.Git`, no update): its own `git log` and parser,
  items counted, nothing stored;
- PyDriller (when installed and `--pydriller N` > 0): the first N commits with their line
  counts, since it runs git once per commit; its rate is extrapolated from those.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from collectors.git import _LOG_ARGS, GitRepository, GitSource, _git_command
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


def time_git_log(path: Path, branch: str) -> float:
    command, env = _git_command(["-C", str(path), *_LOG_ARGS, branch], pinned=True)
    began = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run(command, env=env, stdout=sink, check=True)
    return time.perf_counter() - began


def time_collector(path: Path, url: str, jobs: int | None) -> tuple[float, int, float]:
    engine = open_database(url)
    source = GitSource(name="bench/repo", path=path)
    with tempfile.TemporaryDirectory() as cache:
        began = time.perf_counter()
        first = collect_git(
            engine, source, bots=BotRules.from_config(), cache_dir=Path(cache), jobs=jobs
        )
        seconds = time.perf_counter() - began
        if first.status != "ok":
            raise SystemExit(f"collector failed: {first.error}")
        began = time.perf_counter()
        again = collect_git(
            engine, source, bots=BotRules.from_config(), cache_dir=Path(cache), jobs=jobs
        )
        unchanged = time.perf_counter() - began
        assert again.status == "unchanged", again.status
    engine.dispose()
    return seconds, first.items_written, unchanged


def time_postgres(path: Path, admin_url: str, jobs: int | None) -> tuple[float, int, float]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    schema = f"ospo_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'create schema "{schema}"'))
    try:
        separator = "&" if "?" in admin_url else "?"
        return time_collector(path, f"{admin_url}{separator}options=-csearch_path%3D{schema}", jobs)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()


def time_perceval(path: Path, branch: str) -> tuple[float, int] | None:
    try:
        from perceval.backends.core.git import Git
    except ImportError:
        return None
    gitdir = GitRepository(path).git("rev-parse", "--absolute-git-dir").strip()  # it wants a mirror
    began = time.perf_counter()
    count = sum(1 for _ in Git(uri=str(path), gitpath=gitdir).fetch(
        branches=[branch], no_update=True
    ))  # fmt: skip
    return time.perf_counter() - began, count


def time_pydriller(path: Path, branch: str, limit: int) -> tuple[float, int] | None:
    try:
        from pydriller import Repository
    except ImportError:
        return None
    began = time.perf_counter()
    count = 0
    for commit in Repository(str(path), only_in_branch=branch, order="reverse").traverse_commits():
        _ = (commit.insertions, commit.deletions, commit.files, commit.author.email)
        count += 1
        if count >= limit:
            break
    return time.perf_counter() - began, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, help="a git repository (default: generated)")
    parser.add_argument("--commits", type=int, default=50_000, help="size of the generated repo")
    parser.add_argument("--postgres", help="PostgreSQL URL; a schema of its own is made there")
    parser.add_argument("--jobs", type=int, default=None, help="parallel git log processes")
    parser.add_argument("--no-perceval", action="store_true", help="skip Perceval")
    parser.add_argument("--pydriller", type=int, default=0, help="PyDriller on N commits")
    args = parser.parse_args()

    path = (args.path or generated_repository(args.commits)).resolve()
    repo = GitRepository(path)
    branch = repo.default_ref()
    count = int(repo.git("rev-list", "--count", branch))
    print(f"repository: {path}, branch {branch}: {count:,} commits")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    rows: list[tuple[str, float, int]] = []

    def report(name: str, seconds: float, commits: int) -> None:
        rows.append((name, seconds, commits))
        print(f"  {name:34} {seconds:8.2f} s {commits:>8,} commits {commits / seconds:8,.0f}/s")

    report("bare git log --numstat (1 process)", time_git_log(path, branch), count)
    with tempfile.TemporaryDirectory() as tmp:
        seconds, written, unchanged = time_collector(path, f"sqlite:///{tmp}/bench.db", args.jobs)
    report("collector, SQLite", seconds, written)
    print(f"    incremental run with nothing new: {unchanged:.3f} s")
    if args.postgres:
        seconds, written, unchanged = time_postgres(path, args.postgres, args.jobs)
        report("collector, PostgreSQL", seconds, written)
        print(f"    incremental run with nothing new: {unchanged:.3f} s")
    if not args.no_perceval:
        measured = time_perceval(path, branch)
        if measured:
            report("Perceval (parse only, no store)", *measured)
        else:
            print("  Perceval: not installed (pip install -r requirements-dev.txt)")
    if args.pydriller:
        measured = time_pydriller(path, branch, args.pydriller)
        if measured:
            report(f"PyDriller (first {measured[1]:,} commits)", *measured)
        else:
            print("  PyDriller: not installed (pip install pydriller)")
    print(f"machine load average {os.getloadavg()[0]:.1f} at the end")

    rates = {name: commits / seconds for name, seconds, commits in rows}
    sqlite = rates["collector, SQLite"]
    print("ratios (commits/s):")
    for name, rate in rates.items():
        if name != "collector, SQLite":
            print(f"  collector on SQLite / {name}: {sqlite / rate:.2f}x")
    if "collector, PostgreSQL" in rates:
        postgres = rates["collector, PostgreSQL"]
        for name in ("bare git log --numstat (1 process)", "collector, SQLite"):
            print(f"  collector on PostgreSQL / {name}: {postgres / rates[name]:.2f}x")


if __name__ == "__main__":
    main()
