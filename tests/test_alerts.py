"""Alerts end to end: a real SMTP server (aiosmtpd) and an HTTP receiver on loopback, and the
fake GitHub's issue endpoints; one alert per change, digests, failures retried, no secrets."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from github_fake.server import FakeGitHub
from gitrepo import GitRepo
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ospo_metrics.collect import collect_git_sources
from ospo_metrics.context import open_context
from ospo_metrics.models import AlertEvent, AlertState, ObjectiveStatus
from ospo_metrics.strategy.alerts import channels_for, run_alerts, threshold_state
from ospo_metrics.strategy.channels import Message, webhook_payload

NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)
HOOK_SECRET = "T000/B000/s3cr3t-webhook-path-XYZ"


class Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp():
    box = Mailbox()
    with socket.socket() as probe:  # aiosmtpd's start-up check cannot use port 0
        probe.bind(("127.0.0.1", 0))
        box.port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


class Receiver(ThreadingHTTPServer):
    status = 200

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict]] = []
        super().__init__(("127.0.0.1", 0), _Hook)


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append((self.path, json.loads(body)))
        self.send_response(self.server.status)
        self.end_headers()
        self.wfile.write(b"ok" if self.server.status < 300 else b"invalid_payload")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def hook():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def github():
    from github_fake.model import GitHubModel

    model = GitHubModel()
    model.add_user("ospo-bot")
    model.add_org("acme")
    model.add_member("acme", "ospo-bot", role="admin")
    model.add_repo("acme", "ospo-alerts")
    server = FakeGitHub(model)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def commits_repo(tmp_path: Path) -> Path:
    repo = GitRepo.init(tmp_path / "widgets")
    for day in range(2, 11):  # one commit a day, 2-10 March 2026
        repo.commit(f"change {day}", {"f": f"{day}\n"}, author=("Jane", "jane@acme.com"),
                    date=f"2026-03-{day:02d}T12:00:00Z")  # fmt: skip
    return repo.path


def write_config(path: Path, db_url: str, repo: Path, alerts: str, target: int, above: int):
    path.write_text(
        f"""database: "{db_url}"
repositories:
  - path: {repo}
    name: acme/widgets
affiliation: {{organization: Acme, email_domains: [acme.com]}}
objectives:
  - id: commits
    title: Commits into widgets
    kpi: commits
    aggregation: sum_since_start
    baseline: {{value: 0, date: 2026-03-01}}
    target: {target}
    due: 2026-06-30
    owner: jane@acme.com
alerts:
{alerts}
  thresholds:
    - {{id: busy-week, kpi: commits, period: week, above: {above}, owner: jane@acme.com}}
""",
        encoding="utf-8",
    )
    return path


def alerts_section(smtp, hook, github=None, mode="immediate") -> str:
    text = f"""  mode: {mode}
  dashboard_url: https://ospo.acme.example
  email: {{host: 127.0.0.1, port: {smtp.port}, starttls: false, from: ospo@acme.com}}
  webhooks: [{{name: team, url_env: TEAM_HOOK, format: teams}}]
  default: [webhook:team]"""
    if github is not None:
        text += (
            "\n  github: {repository: acme/ospo-alerts}"
            "\n  owners: {jane@acme.com: [email:jane@acme.com, webhook:team, github]}"
        )
    return text


def env_for(hook, github=None) -> dict[str, str]:
    env = {"TEAM_HOOK": f"http://127.0.0.1:{hook.server_address[1]}/{HOOK_SECRET}"}
    if github is not None:
        env["GITHUB_TOKEN"] = github.token
    return env


def run(config: Path, env: dict, now=NOW, dry_run=False):
    context = open_context(config, env=env)
    try:
        return run_alerts(context, now=now, env=env, dry_run=dry_run)
    finally:
        context.engine.dispose()


def collect(config: Path, env: dict) -> None:
    context = open_context(config, env=env)
    collect_git_sources(context)
    context.engine.dispose()


def test_a_change_is_announced_once_by_email_and_webhook(
    db_url, tmp_path, commits_repo, smtp, hook
):
    env = env_for(hook)
    config = write_config(
        tmp_path / "ospo.yml", db_url, commits_repo, alerts_section(smtp, hook), 1000, 100
    )
    collect(config, env)
    first = run(config, env)
    # First sight: states stored, nothing announced (switching alerts on floods nobody).
    assert first.changes == [] and first.sent == [] and first.statuses == 1
    assert run(config, env).changes == []

    # The target drops to 3: met; the threshold drops to 0: the last complete week is above.
    write_config(config, db_url, commits_repo, alerts_section(smtp, hook), 3, 0)
    preview = run(config, env, dry_run=True)
    assert {(s, st) for s, _, st, _ in preview.changes} == {
        ("objective:commits", "met"),
        ("threshold:busy-week", "above"),
    }
    assert smtp.messages == [] and hook.posts == [], "a dry run sends nothing"
    second = run(config, env)
    assert sorted(second.changes) == preview.changes, "the dry run stored nothing"
    assert second.failed == []
    # E-mail to the owner (an address) plus the default webhook, for each of the 2 changes.
    assert len(smtp.messages) == 2 and len(hook.posts) == 2
    recipients, mail = next(m for m in smtp.messages if "Commits into widgets" in m[1]["Subject"])
    assert recipients == ["jane@acme.com"] and mail["From"] == "ospo@acme.com"
    assert "was " in mail["Subject"] and "met" in mail["Subject"]
    body = mail.get_payload()
    assert "https://ospo.acme.example/objectives" in body and "ospo-metrics objectives" in body
    path, card = hook.posts[0]
    assert path == f"/{HOOK_SECRET}" and card["@type"] == "MessageCard" and card["title"]

    # Never repeated: the next runs find nothing new and send nothing.
    assert run(config, env).changes == [] and run(config, env).sent == []
    assert len(smtp.messages) == 2 and len(hook.posts) == 2
    context = open_context(config, env=env)
    with Session(context.engine) as session:
        assert session.scalar(select(func.count()).select_from(AlertEvent)) == 4
        assert session.scalar(select(func.count()).where(AlertEvent.sent_at.is_(None))) == 0
        history = session.scalars(select(ObjectiveStatus)).all()
        assert [(h.week_start, h.status) for h in history] == [(dt.date(2026, 3, 16), "met")]
        # Nothing secret stored: the webhook URL is read from the environment when sending.
        stored = " ".join(
            str(e.channel) + e.message + (e.error or "")
            for e in session.scalars(select(AlertEvent))
        )
        assert HOOK_SECRET not in stored
    context.engine.dispose()


def test_failed_delivery_is_kept_and_retried_without_leaking_the_url(
    tmp_path, commits_repo, smtp, hook
):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    env = env_for(hook)
    config = write_config(
        tmp_path / "ospo.yml", db_url, commits_repo, alerts_section(smtp, hook), 1000, 100
    )
    collect(config, env)
    run(config, env)
    write_config(config, db_url, commits_repo, alerts_section(smtp, hook), 3, 100)
    hook.status = 500
    failed = run(config, env)
    assert len(failed.failed) == 1 and "HTTP 500" in failed.failed[0]
    assert HOOK_SECRET not in " ".join(failed.failed)
    assert len(smtp.messages) == 1, "the e-mail went out; only the webhook failed"
    hook.status = 200
    retried = run(config, env)
    assert retried.changes == [] and len(retried.sent) == 1 and retried.failed == []
    assert len(hook.posts) == 2 and len(smtp.messages) == 1  # the failed post, then the retry


def test_weekly_digest_groups_changes_and_waits_seven_days(tmp_path, commits_repo, smtp, hook):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    env = env_for(hook)
    section = alerts_section(smtp, hook, mode="digest")
    config = write_config(tmp_path / "ospo.yml", db_url, commits_repo, section, 1000, 100)
    collect(config, env)
    run(config, env)
    write_config(config, db_url, commits_repo, section, 3, 0)
    run(config, env)
    assert len(smtp.messages) == 1 and len(hook.posts) == 1, "one digest per channel"
    assert "2 changes" in smtp.messages[0][1]["Subject"]
    # Two days later the threshold recovers: the change waits for the digest...
    write_config(config, db_url, commits_repo, section, 3, 100)
    held = run(config, env, now=NOW + dt.timedelta(days=2))
    assert len(held.changes) == 2 and held.sent == [] and len(held.held) == 2
    # ...which goes out once the last one is 7 days old.
    later = run(config, env, now=NOW + dt.timedelta(days=7))
    assert len(later.sent) == 2 and len(hook.posts) == 2


def test_github_issue_opened_then_updated(tmp_path, commits_repo, smtp, hook, github):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    env = env_for(hook, github)
    section = alerts_section(smtp, hook, github)
    config = write_config(tmp_path / "ospo.yml", db_url, commits_repo, section, 1000, 100)
    config.write_text(
        config.read_text().replace("database:", f"github: {{base_url: {github.url}}}\ndatabase:")
    )
    collect(config, env)
    run(config, env)
    config.write_text(config.read_text().replace("target: 1000", "target: 3"))
    opened = run(config, env)
    assert opened.failed == [] and any(line.startswith("github:") for line in opened.sent)
    repo = github.model.get_repo("acme", "ospo-alerts")
    (issue,) = repo.issues()
    assert issue.title.startswith("[ospo-metrics] Commits into widgets: met")
    assert [label.name for label in issue.labels] == ["ospo-metrics"]
    # The objective slips back: the same issue is updated and commented on, not opened again.
    config.write_text(config.read_text().replace("target: 3", "target: 1000"))
    updated = run(config, env)
    assert updated.failed == []
    assert len(repo.issues()) == 1 and repo.issues()[0].title.endswith("(was met)")
    assert len(repo.issues()[0].comments) == 1
    context = open_context(config, env=env)
    with Session(context.engine) as session:
        assert session.get(AlertState, "objective:commits").github_issue == issue.number
    context.engine.dispose()


def test_routing_and_threshold_states():
    from ospo_metrics.config import config_from_mapping

    config = config_from_mapping(
        {
            "alerts": {
                "email": {"host": "h", "from": "o@a.c"},
                "webhooks": [{"name": "ops", "url_env": "OPS"}],
                "owners": {"Priya": ["webhook:ops"]},
                "default": ["webhook:ops"],
            }
        }
    ).alerts
    assert channels_for(config, "Priya") == ["webhook:ops"]
    assert channels_for(config, "omar@acme.com") == ["webhook:ops", "email:omar@acme.com"]
    assert channels_for(config, None) == ["webhook:ops"]
    assert threshold_state(None, 5, None) == "no data"
    assert threshold_state(5.0, 5, None) == "ok" and threshold_state(5.1, 5, None) == "above"
    assert threshold_state(4.9, None, 5) == "below"
    slack = webhook_payload(config.webhooks[0], Message("s", "Title", "line"))
    assert slack == {"text": "*Title*\nline"}


def test_cli_dry_run_and_snapshot_history(tmp_path, commits_repo, smtp, hook, capsys, monkeypatch):
    from ospo_metrics.cli import main

    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    config = write_config(
        tmp_path / "ospo.yml", db_url, commits_repo, alerts_section(smtp, hook), 1000, 100
    )
    for name, value in env_for(hook).items():
        monkeypatch.setenv(name, value)
    collect(config, env_for(hook))
    assert main(["--config", str(config), "alerts", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "no changes since the last run" in out and "stored" not in out
    assert main(["--config", str(config), "snapshot"]) == 0
    assert "stored 1 objective statuses" in capsys.readouterr().out
    context = open_context(config, env={})
    from ospo_metrics.read.strategy import load_status_history

    history = load_status_history(context.engine)
    context.engine.dispose()
    assert history["objective"].tolist() == ["commits"]
    assert history["status"].iloc[0] == "missed"  # today is past the due date, 9 of 1000
    assert smtp.messages == [] and hook.posts == []
