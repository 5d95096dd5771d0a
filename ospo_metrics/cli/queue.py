"""`collect --workers N | --queue URL` and `worker`: collection spread over processes and machines.

The plan and the jobs are in :mod:`ospo_metrics.collect.jobs`; the local pool in
:mod:`ospo_metrics.collect.pool`, the RQ queue in :mod:`ospo_metrics.collect.queue`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ospo_metrics.cli.collect import finish_collection
from ospo_metrics.cli.common import EXIT_USAGE
from ospo_metrics.context import Context, find_config_file
from ospo_metrics.redact import redact

MAX_WORKERS = 64


def register(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    worker = commands.add_parser(
        "worker",
        parents=parents,
        help="run collection jobs from the task queue (any number, on any machine)",
    )
    worker.add_argument("--queue", required=True, metavar="URL", help="redis://HOST:6379/0")
    worker.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    worker.add_argument(
        "--maintenance-interval",
        type=int,
        default=60,
        metavar="SECONDS",
        help="how often this worker looks for jobs of killed workers (default 60)",
    )
    worker.add_argument(
        "--heartbeat", type=int, default=30, metavar="SECONDS", help=argparse.SUPPRESS
    )
    worker.add_argument("--name", help="the worker's name in RQ (default: host and pid)")
    worker.set_defaults(handler=worker_command)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def collect_in_jobs(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.collect import queue

    source = getattr(args, "source", "all")
    only = getattr(args, "repo", None)
    if args.queue:
        if args.workers != 1:
            _say("error: --workers is for local processes; with --queue, start more workers")
            return EXIT_USAGE
        try:
            connection = queue.connect(args.queue)
        except queue.QueueError as exc:
            _say(f"error: {exc}")
            return EXIT_USAGE
        collection_id = queue.enqueue_collection(
            connection, source=source, only=only, retry_delay=max(1, args.retry_delay)
        )
        _say(f"collection {collection_id} enqueued on {queue.masked(args.queue)}")
        if args.no_wait:
            _say("its runs appear in `ospo-metrics runs` and on the Data sources page")
            return 0
        results = queue.wait_for(connection, collection_id, announce=_say)
        return finish_collection(context, results, args)
    if not 1 <= args.workers <= MAX_WORKERS:
        _say(f"error: --workers must be between 1 and {MAX_WORKERS}, not {args.workers}")
        return EXIT_USAGE
    from ospo_metrics.collect.pool import ContextArgs, collect_with_pool

    config = getattr(args, "config", None)
    spec = ContextArgs(
        config_path=str(Path(config).resolve()) if config else None,
        demo_data_dir=str(Path(getattr(args, "data_dir", "data")).resolve()),
        force_demo=getattr(args, "force_demo", False),
    )
    results = collect_with_pool(
        context, spec, workers=args.workers, source=source, only=only, announce=_say
    )
    if results:
        context.apply_curation()
    return finish_collection(context, results, args)


def worker_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.collect import queue

    try:
        connection = queue.connect(args.queue)
    except queue.QueueError as exc:
        _say(f"error: {exc}")
        return EXIT_USAGE
    # Jobs use this context (each forked work horse inherits it); a fallback opens the same file.
    path = find_config_file(getattr(args, "config", None), os.environ)
    if path is not None:
        os.environ["OSPO_CONFIG"] = str(Path(path).resolve())
    # Imported once here, so each job's forked work horse starts with them loaded.
    import ospo_metrics.collect.jobs
    import ospo_metrics.collect.mirrors
    import ospo_metrics.collect_github
    import ospo_metrics.compliance.files  # noqa: F401

    database = context.engine.url.render_as_string(hide_password=True)
    _say(f"worker on {queue.masked(args.queue)}, database {redact(database)}")
    queue.run_worker(
        connection,
        context,
        burst=args.burst,
        maintenance_interval=max(1, args.maintenance_interval),
        job_monitoring_interval=max(1, args.heartbeat),
        name=args.name,
    )
    return 0
