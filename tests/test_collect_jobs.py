"""Collection as jobs (issue 7): a local process pool, and RQ workers on the real Redis.

The world: the fake GitHub serving organization `acme` (two repositories, mirrored over smart
HTTP with authentication) plus one local `path:` repository. Whatever runs the jobs (one
process, a pool, two workers, a worker killed mid-job), the database ends table by table equal
to a plain sequential `collect`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from conftest import POSTGRES_URL, _postgres_admin
from github_fake import FakeGitHub
from gitrepo import GitRepo
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, aliased
from test_github_helpers import dump
from test_mirrors import TOKEN, organization, write_config

from ospo_metrics.cli import main
from ospo_metrics.collect import queue
from ospo_metrics.collect.jobs import JobSpec, plan_phase, target_lock
from ospo_metrics.context import open_context
from ospo_metrics.db import open_database
from ospo_metrics.models import CollectionRun, Commit, Person, Repository

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("OSPO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    try:
        queue.connect(REDIS_URL)
    except queue.QueueError as exc:  # a missing Redis fails the run, never skips it
        pytest.fail(f"{exc}; scripts/test.sh starts redis-server on 127.0.0.1:6379")
    return REDIS_URL


@pytest.fixture
def queue_name(monkeypatch) -> str:
    name = f"ospo-test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv(queue.QUEUE_ENV, name)
    return name


def other_database(kind: str, tmp_path: Path):
    """A second empty database of the same kind (the reference collection goes there)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'reference.db'}", lambda: None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = _postgres_admin()
    with admin.connect() as connection:
        connection.execute(text(f'create schema "{schema}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()

    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}", drop


@pytest.fixture
def world(tmp_path, monkeypatch, github_schema):
    """(server, config): acme on the fake GitHub, and a local repository beside it."""
    server = FakeGitHub(organization(tmp_path), tokens=(TOKEN,))
    server.git_auth_required = True
    server.start()
    tool = GitRepo.init(tmp_path / "src" / "tool")
    for n in range(4):
        tool.commit(f"tool {n}", {"t.txt": f"{n}\n"}, author=("Erin", "erin@acme.example"))
    config = write_config(
        tmp_path,
        server.url,
        f"repositories:\n  - path: {tool.path}\n    name: acme/tool\n",
    )
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    yield server, config
    server.stop()


# Surrogate ids differ with the order in which processes met people: compare what they name.
COMMIT_COLUMNS = [
    c
    for c in Commit.__table__.columns
    if c.name not in ("id", "repository_id", "author_id", "committer_id")
]


def git_dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every table by natural keys, commits with their author's and committer's person."""
    tables = dump(engine)
    author, committer = aliased(Person), aliased(Person)
    statement = (
        select(Repository.full_name, author.name, committer.name, *COMMIT_COLUMNS)
        .join(Repository, Commit.repository_id == Repository.id)
        .outerjoin(author, Commit.author_id == author.id)
        .outerjoin(committer, Commit.committer_id == committer.id)
    )
    with Session(engine) as session:
        rows = session.execute(statement)
        tables["commits"] = sorted((tuple(str(v) for v in row) for row in rows), key=repr)
    return tables


def kind_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def reference_dump(monkeypatch, db_url: str, tmp_path: Path) -> dict:
    """The database a plain sequential `collect` leaves, in a database of the same kind."""
    url, drop = other_database(kind_of(db_url), tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        assert main(["collect", "--no-progress", "--no-warm"]) == 0
        engine = open_database(url)
        tables = git_dump(engine)
        engine.dispose()
    finally:
        drop()
    monkeypatch.setenv("DATABASE_URL", db_url)
    return tables


def current_dump(db_url: str) -> dict:
    engine = open_database(db_url)
    try:
        return git_dump(engine)
    finally:
        engine.dispose()


def test_the_plan_has_one_job_per_repository_and_source(world, db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    context = open_context()
    assert plan_phase(context, "sources") == [JobSpec("git", "acme/tool"), JobSpec("github", "*")]
    assert plan_phase(context, "mirrors") == []  # nothing listed yet
    assert main(["collect", "github", "--no-progress", "--no-warm"]) == 0
    assert sorted(plan_phase(context, "mirrors")) == [
        JobSpec("mirror", "acme/gadget"),
        JobSpec("mirror", "acme/widget"),
    ]
    files = [j for j in plan_phase(context, "compliance") if j.source == "files"]
    assert sorted(j.target for j in files) == ["acme/gadget", "acme/tool", "acme/widget"]
    assert plan_phase(context, "mirrors", only="acme/widget") == [JobSpec("mirror", "acme/widget")]
    context.engine.dispose()


def test_a_local_pool_ends_as_a_sequential_collection(world, db_url, monkeypatch, tmp_path, capsys):
    expected = reference_dump(monkeypatch, db_url, tmp_path)
    assert expected["commits"], "the reference collected commits"
    assert main(["collect", "--workers", "2", "--no-progress", "--no-warm"]) == 0
    assert current_dump(db_url) == expected
    # A second pooled run writes nothing.
    capsys.readouterr()
    assert main(["collect", "--workers", "2", "--no-progress", "--no-warm"]) == 0
    out = capsys.readouterr().out
    assert all(" written       0" in line for line in out.splitlines() if line[:4] in ("git ",))
    assert current_dump(db_url) == expected


def test_one_lock_holder_at_a_time(world, db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    contexts = [open_context(), open_context()]
    order: list[str] = []
    held = threading.Event()

    def first() -> None:
        with target_lock(contexts[0], "collect:git:acme/tool"):
            order.append("first in")
            held.set()
            time.sleep(0.5)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(10)
    with target_lock(contexts[1], "collect:git:acme/tool"):
        order.append("second in")
    with target_lock(contexts[1], "collect:git:acme/other"):  # another target: no wait
        pass
    thread.join()
    assert order == ["first in", "first out", "second in"]
    for context in contexts:
        context.engine.dispose()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://127.0.0.1:6379", "is not a Redis URL"),
        ("redis://:s3cret-password@127.0.0.1:1/0", "does not answer"),
    ],
)
def test_a_bad_queue_gives_a_clear_error(world, tmp_path, monkeypatch, capsys, url, says):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'q.db'}")
    assert main(["collect", "--queue", url, "--no-progress"]) == 2
    assert main(["worker", "--queue", url]) == 2
    err = capsys.readouterr().err
    assert says in err and "s3cret-password" not in err and "Traceback" not in err


def test_workers_out_of_range_are_refused(world, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'q.db'}")
    assert main(["collect", "--workers", "0"]) == 2
    assert "--workers must be between 1 and 64" in capsys.readouterr().err


def start_worker(db_url: str, redis_url: str, *extra: str) -> subprocess.Popen:
    """A real `ospo-metrics worker` process (its own process group, to kill it whole)."""
    code = "import sys; from ospo_metrics.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen(
        [sys.executable, "-c", code, "worker", "--queue", redis_url, *extra],
        env={**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def stop(workers: list[subprocess.Popen]) -> list[int | None]:
    """SIGTERM (a warm shutdown), as systemd sends it; the exit codes, None for a worker that
    had to be killed after 20 s."""
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
    codes: list[int | None] = []
    for worker in workers:
        try:
            codes.append(worker.wait(20))
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            codes.append(None)
    return codes


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_workers_end_as_a_sequential_collection(
    world, db_url, redis_url, queue_name, monkeypatch, tmp_path, capsys
):
    expected = reference_dump(monkeypatch, db_url, tmp_path)
    capsys.readouterr()
    workers = [start_worker(db_url, redis_url) for _ in range(2)]
    try:
        status = main(["collect", "--queue", redis_url, "--no-progress", "--no-warm"])
    finally:
        codes = stop(workers)
    out = capsys.readouterr()
    assert status == 0, out
    assert codes == [0, 0], "workers that ran jobs stop when told to (within 20 s)"
    assert current_dump(db_url) == expected
    lines = [line for line in out.out.splitlines() if line.startswith("git ")]
    assert len(lines) == 3, out.out  # acme/tool, and the two mirrored repositories


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_killed_worker_loses_nothing(world, db_url, redis_url, queue_name, monkeypatch, tmp_path):
    server, _config = world
    expected = reference_dump(monkeypatch, db_url, tmp_path)
    # The GitHub job stalls on its first GraphQL request: the worker is killed inside it.
    server.faults.add("slow", r"^/graphql", delay=20, times=1)
    connection = queue.connect(redis_url)
    collection = queue.enqueue_collection(connection, retry_delay=1)
    first = start_worker(db_url, redis_url, "--heartbeat", "1")
    engine = open_database(db_url)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as c:
                running = c.execute(
                    select(CollectionRun.target).where(
                        CollectionRun.status == "running", CollectionRun.collector == "github"
                    )
                ).all()
            if running:
                break
            time.sleep(0.2)
        assert running, "the worker started collecting"
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        # A second worker finds the job abandoned once its heartbeat expires (about a
        # minute, RQ's floor) and retries it; the collection then runs to its end.
        second = start_worker(db_url, redis_url, "--maintenance-interval", "2", "--heartbeat", "1")
        try:
            queue.wait_for(connection, collection, poll=0.5, timeout=300)
        finally:
            stop([second])
    finally:
        engine.dispose()
    assert current_dump(db_url) == expected


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_failing_job_is_recorded_and_retried(world, db_url, redis_url, queue_name, monkeypatch):
    from rq import Queue

    monkeypatch.setenv("DATABASE_URL", db_url)
    connection = queue.connect(redis_url)
    rq_queue = Queue(queue_name, connection=connection)
    job = rq_queue.enqueue(
        queue.collect_job,
        "nonsense",
        "acme/tool",
        "c0ffee",
        retry=queue._retry(30),
        on_failure=queue.failure_callback(),
    )
    worker = start_worker(db_url, redis_url)
    engine = open_database(db_url)
    try:
        deadline = time.monotonic() + 60
        rows = []
        while time.monotonic() < deadline and not rows:
            with engine.connect() as c:
                rows = c.execute(
                    select(CollectionRun.collector, CollectionRun.status, CollectionRun.error)
                ).all()
            time.sleep(0.2)
    finally:
        stop([worker])
        engine.dispose()
    assert rows and rows[0][:2] == ("nonsense", "failed")
    assert "unknown source" in rows[0][2] and "3 retries left" in rows[0][2]
    job.refresh()
    assert job.get_status() == "scheduled"  # waiting for its retry
