"""Benchmark: one collection of many repositories by 1, 2 and 4 RQ workers (issue 7).

    python benchmarks/workers.py [--repos 1000] [--commits 20] [--workers 1 2 4] \
        [--postgres postgresql+psycopg://postgres@127.0.0.1/test] [--redis redis://127.0.0.1:6379/0]

Generates REPOS small git repositories (COMMITS commits each, four authors, written with
`git fast-import`) under a temporary folder, lists them as `path:` repositories in a config,
and for each worker count: empties a PostgreSQL schema of its own, starts that many real
`ospo-metrics worker` processes, runs `ospo-metrics collect --queue` (one `git` and one `files`
job per repository) and prints wall time, jobs per second and the CPU seconds of the workers
and of the PostgreSQL server, so the limit can be named: the workers' CPU (git and Python),
the database, or the machine's cores. A second, unchanged collection with the largest worker
count shows what a run with nothing new costs.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from sqlalchemy import create_engine, text  # noqa: E402

AUTHORS = [("Ann", "ann@acme.example"), ("Bo", "bo@gmail.com"), ("Cy", "cy@initech.example")]
CLI = "import sys; from ospo_metrics.cli import main; sys.exit(main(sys.argv[1:]))"


def make_repository(path: Path, commits: int, seed: int) -> None:
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    lines = []
    start = 1_700_000_000 + seed * 3600
    for n in range(commits):
        name, email = AUTHORS[(n + seed) % len(AUTHORS)]
        body = "".join(f"line {i} of {n}\n" for i in range(n % 7 + 1))
        message = f"change {n}\n"
        lines += [
            "commit refs/heads/main",
            f"committer {name} <{email}> {start + n * 600} +0000",
            f"data {len(message)}",
            message.rstrip("\n"),
        ]
        lines += [f"M 644 inline file{n % 5}.txt", f"data {len(body.encode())}", body]
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet"],
        input="\n".join(lines).encode() + b"\n",
        check=True,
    )
    subprocess.run(["git", "-C", str(path), "symbolic-ref", "HEAD", "refs/heads/main"], check=True)


def server_cpu() -> float:
    """CPU seconds used so far by every PostgreSQL backend process (from /proc)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/comm") as handle:
                if not handle.read().startswith("postgres"):
                    continue
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / ticks
    return total


def children_cpu() -> float:
    """CPU seconds of finished child processes and the processes they waited for."""
    import resource

    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return child.ru_utime + child.ru_stime


def run_collection(env: dict[str, str], redis: str, workers: int) -> tuple[float, float, int]:
    before_children = children_cpu()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CLI, "worker", "--queue", redis, "--name", f"bench-{n}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for n in range(workers)
    ]
    time.sleep(2)  # the workers import and register before the clock starts
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CLI, "collect", "--queue", redis, "--no-progress", "--no-warm"],
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)  # a warm shutdown: idle workers exit at once
    for process in processes:
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:  # once seen at 40 repositories; say so, go on
            print(f"worker {process.pid} ignored SIGTERM for 60 s: killed", file=sys.stderr)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    jobs = sum(1 for line in done.stdout.splitlines() if line[:6] in ("git   ", "files "))
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
    return wall, children_cpu() - before_children, jobs


@contextmanager
def _fresh_schema(admin) -> Iterator[str]:
    """A PostgreSQL schema of its own for one measured collection, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'create schema "{schema}"'))
    try:
        yield schema
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'drop schema "{schema}" cascade'))


def _env(config: Path, schema: str, postgres: str) -> dict[str, str]:
    return {
        **os.environ,
        "OSPO_CONFIG": str(config),
        "OSPO_QUEUE_NAME": f"bench-{schema}",
        "DATABASE_URL": f"{postgres}?options=-csearch_path%3D{schema}",
        "PYTHONPATH": str(ROOT),
    }


def run_local(env: dict[str, str]) -> tuple[float, float, int]:
    """The same collection as one plain `collect` process: what the queue's overhead adds to."""
    before = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CLI, "collect", "--no-progress", "--no-warm"],
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
    jobs = sum(1 for line in done.stdout.splitlines() if line[:6] in ("git   ", "files "))
    return wall, children_cpu() - before, jobs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--no-local", dest="local", action="store_false", help="skip the plain-collect baseline"
    )
    args = parser.parse_args()
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with tempfile.TemporaryDirectory(prefix="ospo-queue-bench-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        entries = []
        for n in range(args.repos):
            path = root / "repos" / f"r{n:04d}.git"
            make_repository(path, args.commits, n)
            entries.append(f"  - path: {path}\n    name: bench/r{n:04d}\n")
        print(f"generated {args.repos} repositories in {time.perf_counter() - started:.1f} s")
        config = root / "ospo.yml"
        config.write_text(
            f"data_dir: {root / 'data'}\n"
            "affiliation:\n  organization: Acme\n  email_domains: [acme.example]\n"
            "repositories:\n" + "".join(entries)
        )
        print("| workers | jobs | wall s | jobs/s | speed-up | workers' CPU s | PostgreSQL CPU s |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        base = None
        if args.local:
            with _fresh_schema(admin) as schema:
                env = _env(config, schema, args.postgres)
                pg_before = server_cpu()
                wall, cpu, jobs = run_local(env)
                print(
                    f"| no queue (plain collect) | {jobs} | {wall:.1f} | {jobs / wall:.1f} | "
                    f"| {cpu:.1f} | {server_cpu() - pg_before:.1f} |",
                    flush=True,
                )
        for count in args.workers:
            with _fresh_schema(admin) as schema:
                env = _env(config, schema, args.postgres)
                pg_before = server_cpu()
                wall, cpu, jobs = run_collection(env, args.redis, count)
                pg = server_cpu() - pg_before
                base = base or wall
                print(
                    f"| {count} | {jobs} | {wall:.1f} | {jobs / wall:.1f} | {base / wall:.2f}x "
                    f"| {cpu:.1f} | {pg:.1f} |",
                    flush=True,
                )
                if count == args.workers[-1]:
                    wall, cpu, jobs = run_collection(env, args.redis, count)
                    print(
                        f"| {count} (unchanged re-run) | {jobs} | {wall:.1f} | {jobs / wall:.1f} "
                        f"| | {cpu:.1f} | |",
                        flush=True,
                    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
