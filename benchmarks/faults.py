"""Benchmark: how many fault classes and kill points the collectors survive.

    python benchmarks/faults.py [--kill-points 8] [--no-postgres]

Survived means: after the fault, the next clean run converges to the same database as a run
that never saw it, compared table by table on natural keys.

- HTTP fault classes: every case of tests/test_fault_suite.py (401, 403 with reset, 403/429
  with Retry-After, 5xx, timeout, reset mid-body, truncated JSON, HTML 200, empty 200, a dict
  for a list, missing Link, a cut page, a redirect to another host, a transient 404 on a
  sub-resource, a review comment without pull_request_url), through the fault-injecting proxy
  in front of the loopback fake GitHub;
- git fault classes: every case of tests/test_fault_suite_git.py (shallow clone, force-push,
  empty repository, detached HEAD, hostile metadata), on real repositories;
- kill points: a GitHub collection in a child process is killed with SIGKILL after the k-th
  request the proxy forwarded, for k spread over a whole run, on SQLite and PostgreSQL; the
  next run (in this process) must converge.

Every figure is counted; nothing is extrapolated.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import test_fault_suite  # noqa: E402
from fault_proxy import FaultProxy  # noqa: E402
from github_fake import FakeGitHub, generate_org  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from test_fault_suite import PAGE, SEED, cases  # noqa: E402
from test_fault_suite_git import CASES as GIT_CASES  # noqa: E402
from test_fault_suite_git import collect as collect_git  # noqa: E402
from test_fault_suite_git import git_dump  # noqa: E402
from test_github_helpers import TOKEN_ENV, Sleeper, collect, dump, make_context  # noqa: E402

import collectors.github.http as http  # noqa: E402
from ospo_metrics.db import open_database  # noqa: E402

POSTGRES = os.environ.get(
    "OSPO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CHILD = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [sys.argv[3], sys.argv[3] + "/tests"]
    import collectors.github.http as http
    http.PER_PAGE = int(sys.argv[4])
    from ospo_metrics.collect_github import collect_github_sources
    from ospo_metrics.config import config_from_mapping
    from ospo_metrics.context import Context
    from ospo_metrics.db import open_database
    engine = open_database(sys.argv[1])
    config = config_from_mapping({
        "github": {"base_url": sys.argv[2], "token_env": "OSPO_TEST_GITHUB_TOKEN"},
        "organizations": ["acme"], "upstream": {"since": "2022-01-01"},
        "affiliation": {"organization": "Acme"},
    })
    import os
    collect_github_sources(Context(config=config, engine=engine, database_url=sys.argv[1]),
                           env={"OSPO_TEST_GITHUB_TOKEN": os.environ["OSPO_TEST_GITHUB_TOKEN"]},
                           sleep=lambda seconds: None)
    """
)


def run(engine, gh: FakeGitHub, proxy: FaultProxy, timeout: float = 30.0):
    return collect(
        make_context(engine, gh, base_url=proxy.url), gh, sleep=Sleeper(gh), timeout=timeout
    )


def clean(results) -> bool:
    return all(r.status in ("ok", "unchanged") for r in results)


def http_faults(
    gh: FakeGitHub, proxy: FaultProxy, reference: dict, folder: Path
) -> tuple[int, list]:
    repos = list(gh.model.org.repos)
    release = next(r for r in repos if len(r.releases) > PAGE)
    comment = next(
        r
        for r in repos
        if sum(len(getattr(i, "review_comments", ())) for i in r.items.values()) > PAGE
    )
    test_fault_suite.RELEASE_REPO_ID, test_fault_suite.COMMENT_REPO_ID = release.id, comment.id
    survived, failed = 0, []
    for case in cases(release.full_name, comment.full_name):
        engine = open_database(f"sqlite:///{folder / f'http-{uuid.uuid4().hex}.db'}")
        try:
            proxy.clear()
            for kind, path, options in case.rules:
                proxy.add(kind, path, **options)
            run(engine, gh, proxy, case.timeout)
            proxy.clear()
            ok = clean(run(engine, gh, proxy)) and dump(engine) == reference
        except Exception as exc:  # a traceback is a fault not survived
            ok = False
            print(f"  {case.name}: {type(exc).__name__}: {exc}")
        finally:
            proxy.clear()
            engine.dispose()
        survived += ok
        if not ok:
            failed.append(case.name)
        print(f"  {'ok  ' if ok else 'FAIL'} {case.name}")
    return survived, failed


def git_faults(folder: Path) -> tuple[int, list]:
    survived, failed = 0, []
    for name, build in GIT_CASES.items():
        case_dir = folder / f"git-{uuid.uuid4().hex}"
        case_dir.mkdir()
        path, repair = build(case_dir)
        engine = open_database(f"sqlite:///{case_dir / 'faulted.db'}")
        reference = open_database(f"sqlite:///{case_dir / 'reference.db'}")
        try:
            collect_git(engine, path, case_dir)
            repair()
            again = collect_git(engine, path, case_dir)
            collect_git(reference, path, case_dir / "fresh")
            ok = again.status == "ok" and git_dump(engine) == git_dump(reference)
        except Exception as exc:
            ok = False
            print(f"  {name}: {type(exc).__name__}: {exc}")
        finally:
            engine.dispose()
            reference.dispose()
        survived += ok
        if not ok:
            failed.append(name)
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    return survived, failed


def kill_points(
    gh: FakeGitHub, proxy: FaultProxy, reference: dict, url: str, points: list[int]
) -> tuple[int, list]:
    survived, failed = 0, []
    for point in points:
        database = url(point)
        proxy.clear()
        proxy.requests.clear()
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, database, proxy.url, str(ROOT), str(PAGE)],
            env={**os.environ, TOKEN_ENV: gh.token},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 300
        while len(proxy.requests) < point and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        killed = child.poll() is None
        if killed:
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
        at = len(proxy.requests)  # answered before the kill (a few may race the signal)
        engine = open_database(database)
        try:
            ok = clean(run(engine, gh, proxy)) and dump(engine) == reference
        except Exception as exc:
            ok = False
            print(f"  kill at request {point}: {type(exc).__name__}: {exc}")
        finally:
            engine.dispose()
        survived += ok
        if not ok:
            failed.append(point)
        how = f"killed after {at} answered requests" if killed else "finished before"
        print(f"  {'ok  ' if ok else 'FAIL'} kill point {point} ({how})")
    return survived, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kill-points", type=int, default=8)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it goes, even in a file
    http.PER_PAGE = PAGE
    gh = FakeGitHub(generate_org("acme", n_repos=6, seed=SEED))
    gh.start()
    proxy = FaultProxy(gh.url, clock=gh.now).start()
    admin = None if args.no_postgres else create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    schemas: list[str] = []
    began = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            engine = open_database(f"sqlite:///{folder / 'reference.db'}")
            proxy.requests.clear()
            assert clean(run(engine, gh, proxy)), "the reference run failed"
            total = len(proxy.requests)
            reference = dump(engine)
            engine.dispose()

            print(f"HTTP fault classes (a clean run made {total} requests):")
            http_ok, http_failed = http_faults(gh, proxy, reference, folder)
            n_http = http_ok + len(http_failed)
            print("git fault classes:")
            git_ok, git_failed = git_faults(folder)
            n_git = git_ok + len(git_failed)

            points = sorted(
                {
                    max(1, round(total * (i + 1) / (args.kill_points + 1)))
                    for i in range(args.kill_points)
                }
            )
            backends = {
                "SQLite": lambda k: f"sqlite:///{folder / f'kill-{k}-{uuid.uuid4().hex}.db'}"
            }
            if admin is not None:

                def postgres(_k: int) -> str:
                    schema = f"t_faults_{uuid.uuid4().hex[:10]}"
                    with admin.connect() as connection:
                        connection.execute(text(f'create schema "{schema}"'))
                    schemas.append(schema)
                    return f"{POSTGRES}?options=-csearch_path%3D{schema}"

                backends["PostgreSQL"] = postgres
            kill_ok, kill_total = 0, 0
            for label, url in backends.items():
                print(f"kill points on {label} (SIGKILL after request k of {total}):")
                ok, bad = kill_points(gh, proxy, reference, url, points)
                kill_ok += ok
                kill_total += ok + len(bad)
    finally:
        proxy.stop()
        gh.stop()
        if admin is not None:
            with admin.connect() as connection:
                for schema in schemas:
                    connection.execute(text(f'drop schema "{schema}" cascade'))
            admin.dispose()
    print()
    print(f"HTTP fault classes survived: {http_ok}/{n_http}")
    print(f"git fault classes survived:  {git_ok}/{n_git}")
    print(f"kill points survived:        {kill_ok}/{kill_total} ({', '.join(backends)})")
    print(f"wall time: {time.perf_counter() - began:.0f} s")
    if http_failed or git_failed or kill_ok < kill_total:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
