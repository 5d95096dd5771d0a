"""`collect --queue URL` and `worker --queue URL`: the jobs of :mod:`.jobs` on RQ (Redis).

The command that enqueues sends only job names (source and target) through Redis, never a
secret: each worker reads its own configuration, database URL and tokens from its own machine.
A phase's jobs are enqueued by a phase job that runs on a worker, once the previous phase's jobs
have all ended (RQ dependencies that allow failure), so the mirrors phase sees the listing.

Failures: a job that raises is retried with backoff (RQ's Retry; a worker with the scheduler
re-enqueues it) and each failed attempt is recorded in `collection_runs`. A killed worker's job
stays "started" until its heartbeat expires (about a minute); then a live worker's maintenance
hands it to the same retry, and since collection is idempotent and resumable the database ends
as an uninterrupted run's.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict
from urllib.parse import urlsplit

from collectors.base import RunResult
from ospo_metrics.collect.jobs import PHASES, JobSpec, plan_phase, run_job
from ospo_metrics.context import Context, open_context
from ospo_metrics.redact import redact

# The queue's name: several installations (or test runs) can share one Redis with their own.
QUEUE_ENV = "OSPO_QUEUE_NAME"
DEFAULT_QUEUE = "ospo-metrics"
KEY_PREFIX = "ospo-metrics:collection:"
KEEP_SECONDS = 7 * 24 * 3600  # how long a collection's results stay readable in Redis
JOB_TIMEOUT = 6 * 3600  # a first mirror of a very large repository can take hours
SCHEMES = ("redis", "rediss", "unix")


class QueueError(Exception):
    """The task queue cannot be used: a bad URL, or Redis does not answer."""


def masked(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return redact(url)
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return redact(parts._replace(netloc=netloc).geturl())


def connect(url: str):
    """A Redis connection to `url`, checked with a PING."""
    from redis import Redis
    from redis.exceptions import RedisError

    if urlsplit(url).scheme not in SCHEMES:
        raise QueueError(
            f"--queue {masked(url)!r} is not a Redis URL: use redis://HOST:6379/0 "
            "(rediss:// with TLS, unix:///path/to/socket)"
        )
    try:
        connection = Redis.from_url(url, socket_connect_timeout=5)
        connection.ping()
    except (RedisError, ValueError, OSError) as exc:
        raise QueueError(
            f"the task queue at {masked(url)} does not answer ({type(exc).__name__}: "
            f"{redact(exc)}); is Redis running there?"
        ) from None
    return connection


def _queue(connection):
    from rq import Queue

    return Queue(os.environ.get(QUEUE_ENV) or DEFAULT_QUEUE, connection=connection)


def _retry(first_delay: int):
    from rq import Retry

    return Retry(max=3, interval=[first_delay, first_delay * 6, first_delay * 30])


def enqueue_collection(
    connection, *, source: str = "all", only: str | None = None, retry_delay: int = 10
) -> str:
    """Start a collection on the queue; returns its id (see :func:`wait_for`)."""
    collection_id = uuid.uuid4().hex[:16]
    connection.set(KEY_PREFIX + collection_id + ":state", "queued", ex=KEEP_SECONDS)
    _queue(connection).enqueue(
        phase_job,
        PHASES[0],
        source,
        only,
        collection_id,
        retry_delay,
        job_timeout=600,
        retry=_retry(retry_delay),
        description=f"ospo-metrics collection {collection_id}: plan {PHASES[0]}",
    )
    return collection_id


# ---- jobs (run on a worker; module-level so RQ can import them) --------------------------


_worker_context: Context | None = None


def _context() -> Context:
    """The worker's context: opened once by `ospo-metrics worker` before any job (each job's
    forked work horse inherits it, with the engine's connections disposed), else opened now."""
    return _worker_context if _worker_context is not None else open_context()


def _connection():
    from rq import get_current_job

    return get_current_job().connection


def phase_job(
    phase: str, source: str, only: str | None, collection_id: str, retry_delay: int
) -> int:
    """Plan `phase`, enqueue its jobs, and the next phase after them; returns the job count."""
    from rq.job import Dependency

    connection = _connection()
    queue = _queue(connection)
    context = _context()
    jobs = plan_phase(context, phase, source, only)
    connection.set(KEY_PREFIX + collection_id + ":state", phase, ex=KEEP_SECONDS)
    enqueued = [
        queue.enqueue(
            collect_job,
            job.source,
            job.target,
            collection_id,
            job_timeout=JOB_TIMEOUT,
            retry=_retry(retry_delay),
            on_failure=failure_callback(),
            description=f"ospo-metrics collection {collection_id}: {job.label}",
        )
        for job in jobs
    ]
    following = PHASES.index(phase) + 1
    after = Dependency(jobs=enqueued, allow_failure=True) if enqueued else None
    if following < len(PHASES):
        queue.enqueue(
            phase_job,
            PHASES[following],
            source,
            only,
            collection_id,
            retry_delay,
            depends_on=after,
            job_timeout=600,
            retry=_retry(retry_delay),
            description=f"ospo-metrics collection {collection_id}: plan {PHASES[following]}",
        )
    else:
        queue.enqueue(
            finish_job,
            collection_id,
            depends_on=after,
            job_timeout=3600,
            retry=_retry(retry_delay),
            description=f"ospo-metrics collection {collection_id}: finish",
        )
    return len(enqueued)


def collect_job(source: str, target: str, collection_id: str) -> int:
    """Collect one source for one target; its runs go to the database, a summary to Redis."""
    context = _context()
    results = run_job(context, JobSpec(source, target))
    _push(_connection(), collection_id, results)
    return len(results)


def finish_job(collection_id: str) -> str:
    """After the last phase: regroup people (new identities), then mark the collection done."""
    context = _context()
    context.apply_curation()
    connection = _connection()
    connection.set(KEY_PREFIX + collection_id + ":state", "done", ex=KEEP_SECONDS)
    return "done"


def failure_callback():
    from rq import Callback

    return Callback(record_failure)


def record_failure(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ's failure callback: the failed attempt as a failed run, shown on Data sources."""
    from ospo_metrics.store import finish_run, start_run

    source, target, collection_id = job.args
    retries = job.retries_left or 0
    error = redact(f"{getattr(exc_type, '__name__', exc_type)}: {exc_value}")
    error += f" (queue job {job.id}; {retries or 'no'} retries left)"
    try:
        context = _context()
        run_id = start_run(context.engine, source, target)
        finish_run(context.engine, run_id, "failed", error=error)
    except Exception:  # the database itself may be what failed; Redis keeps the job's error
        pass
    _push(connection, collection_id, [RunResult(source, target, "failed", error=error)])


def _push(connection, collection_id: str, results: list[RunResult]) -> None:
    key = KEY_PREFIX + collection_id + ":results"
    payloads = [json.dumps(asdict(r)) for r in results]
    if payloads:
        connection.rpush(key, *payloads)
        connection.expire(key, KEEP_SECONDS)


# ---- the enqueuing command's side ---------------------------------------------------------


def collection_state(connection, collection_id: str) -> str | None:
    value = connection.get(KEY_PREFIX + collection_id + ":state")
    return value.decode() if value is not None else None


def collection_results(connection, collection_id: str) -> list[RunResult]:
    """The results of every job, the last attempt of each source and target."""
    latest: dict[tuple[str, str], RunResult] = {}
    for raw in connection.lrange(KEY_PREFIX + collection_id + ":results", 0, -1):
        result = RunResult(**json.loads(raw))
        latest[(result.collector, result.target)] = result
    return list(latest.values())


def wait_for(
    connection,
    collection_id: str,
    *,
    announce: Callable[[str], None] | None = None,
    poll: float = 1.0,
    every: float = 30.0,
    timeout: float | None = None,
) -> list[RunResult]:
    """Wait until the collection's last phase has finished; its results."""
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    queue = _queue(connection)
    last = 0.0
    give_up = None if timeout is None else time.monotonic() + timeout
    while collection_state(connection, collection_id) != "done":
        if give_up is not None and time.monotonic() > give_up:
            raise TimeoutError(f"collection {collection_id} did not finish in {timeout:.0f} s")
        if announce and time.monotonic() - last >= every:
            last = time.monotonic()
            started = StartedJobRegistry(queue=queue).count
            workers = _worker_count(connection)
            note = "" if workers else " (no worker is running: start `ospo-metrics worker`)"
            announce(
                f"collection {collection_id}: {collection_state(connection, collection_id)}, "
                f"{len(queue)} queued, {started} running, "
                f"{FailedJobRegistry(queue=queue).count} failed in the queue{note}"
            )
        time.sleep(poll)
    return collection_results(connection, collection_id)


def _worker_count(connection) -> int:
    from rq import Worker

    return len(Worker.all(connection=connection))


def _worker_class() -> type:
    from rq import Worker

    class BoundedShutdownWorker(Worker):
        """RQ's worker, whose shutdown does not wait out its command listener's poll.

        RQ 3.0 polls its command channel every 60 s and, on shutdown, unsubscribes before it
        stops that thread; redis-py 8 then joins the thread without a time limit. A listener
        that saw the unsubscribe first waits the whole 60 s for a new subscription, so a
        worker told to stop (SIGTERM from systemd, a deploy) hung for a minute. The listener
        is a daemon thread: give it a second, then leave it to the process's exit.
        """

        def unsubscribe(self) -> None:
            if self.pubsub_thread:
                self.pubsub.unsubscribe()
                self.pubsub_thread.stop(timeout=1)
                self.pubsub.close()

    return BoundedShutdownWorker


def run_worker(
    connection,
    context: Context,
    *,
    burst: bool = False,
    maintenance_interval: int = 60,
    job_monitoring_interval: int = 30,
    name: str | None = None,
) -> bool:
    """Work on the queue until stopped (or, with `burst`, until it is empty)."""
    global _worker_context
    context.engine.dispose()  # each work horse is forked: it opens connections of its own
    _worker_context = context
    worker = _worker_class()(
        [_queue(connection)],
        connection=connection,
        name=name or f"ospo-metrics-{os.uname().nodename}-{os.getpid()}",
        maintenance_interval=maintenance_interval,
        job_monitoring_interval=job_monitoring_interval,
    )
    return worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")
