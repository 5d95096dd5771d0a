"""Benchmark: git collector throughput on SQLite and PostgreSQL, side by side with a bare
`git log --numstat`, GrimoireLab Perceval and PyDriller over the same history.

    python benchmarks/git_ingest.py [PATH] [--postgres URL] [--jobs N] [--commits N]
                                    [--no-perceval] [--pydriller N] [--repeat N]

PATH is a git repository (bare or not): use a real public project's full history (at least
15,000 commits; generated histories have unrealistically cheap diffs). Without PATH, a
synthetic repository (50,000 commits by default) is generated once under data/bench/.

Each tool reads the default branch's whole history once, one after the other. Two figures
per tool: wall-clock time, and CPU time (the process, the git processes it ran, and for
PostgreSQL the server backends that served it). On a shared, loaded machine the wall clock
mostly measures the neighbours; CPU time measures the work, so its ratios are the ones to quote.
`not git` is the CPU time outside git processes: parsing, identities and storing (for Perceval,
its parser), the part where the databases differ; git's own share varies by several percent
from run to run, as much as the whole difference between SQLite and PostgreSQL.
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
import resource
import statistics
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

GIT_LOG = "bare git log --numstat (1 process)"
SQLITE = "collector, SQLite"
POSTGRES = "collector, PostgreSQL"


def own_cpu() -> float:
    """CPU seconds of this process and of the children it has waited for (git)."""
    return self_cpu() + git_cpu()


def self_cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def git_cpu() -> float:
    """CPU seconds of the children this process has waited for: the git processes."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def backend_cpu(admin_url: str | None, application: str) -> float:
    """CPU seconds of the PostgreSQL backends serving `application` (same machine only)."""
    if admin_url is None:
        return 0.0
    engine = create_engine(admin_url)
    with engine.connect() as connection:
        pids = connection.execute(
            text("select pid from pg_stat_activity where application_name = :name"),
            {"name": application},
        ).scalars()
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # another machine, or the backend is gone
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    engine.dispose()
    return total


class Clock:
    """Wall and CPU time of a block (CPU: own, children's and PostgreSQL backends'), and the
    part of that CPU time the git processes took."""

    def __init__(self, admin_url: str | None = None, application: str = "") -> None:
        self.admin_url, self.application = admin_url, application
        self.wall = self.cpu = self.git = 0.0

    def __enter__(self) -> Clock:
        self._cpu = own_cpu() + backend_cpu(self.admin_url, self.application)
        self._git = git_cpu()
        self._wall = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = own_cpu() + backend_cpu(self.admin_url, self.application) - self._cpu
        self.git = git_cpu() - self._git


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


def time_git_log(path: Path, branch: str) -> Clock:
    command, env = _git_command(["-C", str(path), *_LOG_ARGS, branch], pinned=True)
    with Clock() as clock, open(os.devnull, "wb") as sink:
        subprocess.run(command, env=env, stdout=sink, check=True)
    return clock


def time_collector(
    path: Path, url: str, jobs: int | None, admin_url: str | None = None, application: str = ""
) -> tuple[Clock, int, float]:
    """The first run into an empty database, and an incremental run with nothing new."""
    engine = open_database(url)
    source = GitSource(name="bench/repo", path=path)
    with tempfile.TemporaryDirectory() as cache:
        with Clock(admin_url, application) as clock:
            first = collect_git(
                engine, source, bots=BotRules.from_config(), cache_dir=Path(cache), jobs=jobs
            )
        if first.status != "ok":
            raise SystemExit(f"collector failed: {first.error}")
        began = time.perf_counter()
        again = collect_git(
            engine, source, bots=BotRules.from_config(), cache_dir=Path(cache), jobs=jobs
        )
        unchanged = time.perf_counter() - began
        assert again.status == "unchanged", again.status
    engine.dispose()
    return clock, first.items_written, unchanged


def time_postgres(path: Path, admin_url: str, jobs: int | None) -> tuple[Clock, int, float]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    schema = f"ospo_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'create schema "{schema}"'))
    separator = "&" if "?" in admin_url else "?"
    url = f"{admin_url}{separator}options=-csearch_path%3D{schema}&application_name={schema}"
    try:
        return time_collector(path, url, jobs, admin_url, schema)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()


def time_perceval(path: Path, branch: str) -> tuple[Clock, int] | None:
    try:
        from perceval.backends.core.git import Git
    except ImportError:
        return None
    gitdir = GitRepository(path).git("rev-parse", "--absolute-git-dir").strip()  # it wants a mirror
    with Clock() as clock:
        items = Git(uri=str(path), gitpath=gitdir).fetch(branches=[branch], no_update=True)
        count = sum(1 for _ in items)
    return clock, count


def time_pydriller(path: Path, branch: str, limit: int) -> tuple[Clock, int] | None:
    try:
        from pydriller import Repository
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        # PyDriller wants a work tree's repository: a shared clone borrows the objects.
        clone = Path(tmp) / "clone"
        subprocess.run(
            ["git", "clone", "--quiet", "--shared", "--no-checkout", str(path), str(clone)],
            check=True,
        )
        count = 0
        with Clock() as clock:
            for commit in Repository(str(clone), only_in_branch=branch).traverse_commits():
                _ = (commit.insertions, commit.deletions, commit.files, commit.author.email)
                count += 1
                if count >= limit:
                    break
    return clock, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, help="a git repository (default: generated)")
    parser.add_argument("--commits", type=int, default=50_000, help="size of the generated repo")
    parser.add_argument("--postgres", help="PostgreSQL URL; a schema of its own is made there")
    parser.add_argument("--jobs", type=int, default=None, help="parallel git log processes")
    parser.add_argument("--no-perceval", action="store_true", help="skip Perceval")
    parser.add_argument("--pydriller", type=int, default=0, help="PyDriller on N commits")
    parser.add_argument("--repeat", type=int, default=1, help="runs of git log and collector")
    args = parser.parse_args()

    path = (args.path or generated_repository(args.commits)).resolve()
    repo = GitRepository(path)
    branch = repo.default_ref()
    count = int(repo.git("rev-list", "--count", branch))
    print(f"repository: {path}, branch {branch}: {count:,} commits")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    print(
        f"  {'':36} {'wall s':>8} {'commits':>8} {'/s wall':>8} {'CPU s':>8} {'/CPU s':>8} "
        f"{'not git':>8}"
    )
    rates: dict[str, tuple[float, float]] = {}

    def report(name: str, clock: Clock, commits: int) -> None:
        rates[name] = (commits / clock.wall, commits / clock.cpu)
        print(
            f"  {name:36} {clock.wall:8.2f} {commits:8,} {commits / clock.wall:8,.0f} "
            f"{clock.cpu:8.2f} {commits / clock.cpu:8,.0f} {clock.cpu - clock.git:8.2f}"
        )

    # git log and the collector on each database take turns, `--repeat` times: medians.
    runs: dict[str, list[tuple[Clock, int]]] = {}
    unchanged: dict[str, float] = {}
    for _ in range(args.repeat):
        runs.setdefault(GIT_LOG, []).append((time_git_log(path, branch), count))
        with tempfile.TemporaryDirectory() as tmp:
            clock, written, again = time_collector(path, f"sqlite:///{tmp}/bench.db", args.jobs)
        runs.setdefault(SQLITE, []).append((clock, written))
        unchanged[SQLITE] = again
        if args.postgres:
            clock, written, again = time_postgres(path, args.postgres, args.jobs)
            runs.setdefault(POSTGRES, []).append((clock, written))
            unchanged[POSTGRES] = again
    for name, measured in runs.items():
        median = Clock()
        median.wall = statistics.median(clock.wall for clock, _ in measured)
        median.cpu = statistics.median(clock.cpu for clock, _ in measured)
        median.git = statistics.median(clock.git for clock, _ in measured)
        report(name, median, measured[0][1])
        if name in unchanged:
            print(f"    incremental run with nothing new: {unchanged[name]:.3f} s")
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
    print(f"machine: load average {os.getloadavg()[0]:.1f} at the end")

    print("ratios of commits/s (wall clock, CPU time):")
    for ours in (SQLITE, POSTGRES):
        if ours not in rates:
            continue
        for name, (wall, cpu) in rates.items():
            if name != ours and not (ours.endswith("SQLite") and name.endswith("PostgreSQL")):
                print(
                    f"  {ours} / {name}: {rates[ours][0] / wall:.2f}x, {rates[ours][1] / cpu:.2f}x"
                )


if __name__ == "__main__":
    main()
