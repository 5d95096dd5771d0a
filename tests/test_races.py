"""Races: processes starting together, concurrent collections, runs of killed processes.

Real processes and threads against the real databases (SQLite file and PostgreSQL schema).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import streamlit as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from ospo_metrics.config import config_from_mapping
from ospo_metrics.db import open_database
from ospo_metrics.models import Affiliation, CollectionRun
from ospo_metrics.people.config_sync import sync_config_people
from ospo_metrics.queries import load_runs
from ospo_metrics.store import mark_abandoned_runs

ROOT = Path(__file__).resolve().parents[1]
START_TOGETHER = textwrap.dedent(
    """
    import sys, time
    from ospo_metrics.db import open_database
    url, start = sys.argv[1], float(sys.argv[2])
    while time.time() < start:
        time.sleep(0.001)
    open_database(url).dispose()
    """
)


def test_processes_starting_together_on_an_empty_database_all_migrate(db_url):
    start = time.time() + 5  # every process imports first, then all open at once
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", START_TOGETHER, db_url, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
        )
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=120)[0].decode() for process in processes]
    assert [p.returncode for p in processes] == [0] * 4, outputs
    engine = open_database(db_url)
    assert load_runs(engine).empty  # the schema is there, once
    engine.dispose()


def test_concurrent_runs_do_not_duplicate_configured_affiliations(engine):
    config = config_from_mapping(
        {
            "affiliation": {
                "organization": "Acme",
                "people": [
                    {
                        "name": f"Person {n}",
                        "emails": [f"p{n}@acme.com"],
                        "employments": [{"from": "2020-01-01"}],
                    }
                    for n in range(3)
                ],
            }
        }
    )
    bots = config.bots
    errors: list[BaseException] = []

    def sync(barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
            with Session(engine) as session, session.begin():
                sync_config_people(session, config, bots)
        except BaseException as exc:  # reported below
            errors.append(exc)

    for _ in range(4):
        barrier = threading.Barrier(4)
        threads = [threading.Thread(target=sync, args=(barrier,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        with Session(engine) as session:
            count = session.scalar(
                select(func.count()).select_from(Affiliation).where(Affiliation.source == "config")
            )
        assert count == 3


KILLED_COLLECTOR = textwrap.dedent(
    """
    import os, sys
    from ospo_metrics.db import open_database
    from ospo_metrics.store import start_run
    engine = open_database(sys.argv[1])
    start_run(engine, "git", "acme/widgets")
    print("started", flush=True)
    sys.stdin.read()  # until killed
    """
)


def test_a_run_left_running_by_a_killed_process_is_marked_abandoned(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = open_database(url)
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_COLLECTOR, url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout.readline().strip() == b"started"
    assert mark_abandoned_runs(engine) == 0  # its process is alive: still running
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    with Session(engine) as session:
        assert session.scalar(select(CollectionRun.status)) == "running"
    engine.dispose()

    # The next start (here: the dashboard's) marks it, and Data sources shows it as a problem.
    config = tmp_path / "ospo.yml"
    # The run's source is still configured (a source taken out of the config is no failure).
    config.write_text("repositories:\n  - github: acme/widgets\n", encoding="utf-8")
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        at.switch_page("pages/sources.py").run()
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
    assert not at.exception, at.exception
    assert any("abandoned" in e.value for e in at.error)
    assert any("ended without finishing" in c.value for c in at.code)
    engine = open_database(url)
    runs = load_runs(engine)
    assert list(runs["status"]) == ["abandoned"]
    engine.dispose()
