"""The GitHub collector under rate limits, faults and the various ways of signing in.

Waits never cost real time: the injected sleep records them and moves the fake server's
clock instead. Every collection checks the fake saw only valid GraphQL and no bug of its own.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from github_fake import generate_org
from test_github_helpers import (
    TOKEN_ENV,
    Sleeper,
    assert_clean,
    collect,
    counts,
    dump,
    expected_counts,
    failed,
    make_context,
)

from collectors.github.pipeline import RepositoryPipeline
from ospo_metrics.db import open_database
from ospo_metrics.export import to_csv
from ospo_metrics.read import load_frames, load_runs

SEED = 11


@pytest.fixture
def gh(github_server_factory):
    return github_server_factory(generate_org("acme", n_repos=12, seed=SEED))


@pytest.fixture
def reference(tmp_path, github_server_factory):
    """The database an uninterrupted collection of the same organization produces."""
    server = github_server_factory(generate_org("acme", n_repos=12, seed=SEED))
    engine = open_database(f"sqlite:///{tmp_path / 'reference.db'}")
    results = collect(make_context(engine, server), server)
    assert failed(results) == []
    yield dump(engine)
    engine.dispose()


@pytest.mark.parametrize(("resource", "budget", "min_stops"), [("core", 15, 2), ("graphql", 2, 1)])
def test_stopped_by_rate_limit_resumes_to_the_same_database(
    engine, gh, reference, resource, budget, min_stops
):
    gh.set_rate_limit(gh.token, limit=budget, resource=resource)
    context = make_context(engine, gh, github={"on_rate_limit": "stop"})
    stops = 0
    for _ in range(30):
        results = collect(context, gh)
        stopped = [r for r in results if r.status == "partial"]
        if not stopped:
            break
        stops += 1
        assert all("rate limit exhausted" in r.error and "run it again" in r.error for r in stopped)
        assert not [r for r in results if r.status == "failed"], results
        gh.advance_clock(3601)  # the budget resets; nothing else changes
    assert stops >= min_stops  # the budget is far below what the organization needs
    assert dump(engine) == reference
    runs = load_runs(engine, limit=1000)
    assert (runs["status"] == "partial").sum() >= stops
    assert runs["requests_made"].sum() > 0 and runs["rate_limit_used"].sum() > 0


def test_interrupted_run_keeps_its_work_and_the_next_run_completes(
    engine, gh, reference, monkeypatch
):
    finished = []
    original = RepositoryPipeline._finish

    def ctrl_c_on_the_fourth_repository(self, state, work):
        finished.append(state.full_name)
        if len(finished) == 4:
            raise KeyboardInterrupt
        return original(self, state, work)

    monkeypatch.setattr(RepositoryPipeline, "_finish", ctrl_c_on_the_fourth_repository)
    context = make_context(engine, gh)
    with pytest.raises(KeyboardInterrupt):
        collect(context, gh)
    runs = load_runs(engine)
    assert set(runs["status"]) == {"ok", "interrupted"}
    assert (runs["status"] == "ok").sum() == 3  # three repositories finished and kept
    monkeypatch.undo()
    results = collect(context, gh)
    assert failed(results) == []
    assert finished[0] not in {r.target for r in results}  # finished before: not redone
    assert dump(engine) == reference


def test_wait_policy_sleeps_until_the_reset_and_completes(engine, gh, reference):
    gh.set_rate_limit(gh.token, limit=15, resource="core")
    messages: list[str] = []
    sleeper = Sleeper(gh)
    context = make_context(engine, gh, github={"on_rate_limit": "wait", "max_wait_seconds": 7200})
    results = collect(context, gh, sleep=sleeper, notify=messages.append)
    assert failed(results) == []
    long_waits = [w for w in sleeper.waits if w > 3000]
    assert len(long_waits) >= 2 and all(w <= 3602 for w in long_waits)
    assert any("rate limit exhausted: waiting" in m for m in messages)
    assert dump(engine) == reference


def test_wait_longer_than_allowed_stops_cleanly(engine, gh):
    gh.set_rate_limit(gh.token, limit=15, resource="core")
    sleeper = Sleeper(gh)
    context = make_context(engine, gh, github={"on_rate_limit": "wait", "max_wait_seconds": 60})
    results = collect(context, gh, sleep=sleeper)
    stopped = [r for r in results if r.status == "partial"]
    assert stopped and "github.max_wait_seconds" in stopped[0].error
    assert sleeper.waits == []


def test_secondary_limits_and_server_errors_are_retried(engine, gh):
    repo = next(r for r in gh.model.org.repos if r.releases)
    gh.faults.add("429", path="^/orgs/acme/repos$", retry_after=7)
    gh.faults.add("secondary_rate_limit", path=f"^/repos/{repo.full_name}/releases$", retry_after=3)
    gh.faults.add("502", path="^/graphql$", times=2)
    gh.faults.add("503", path="^/orgs/acme/members$")
    sleeper = Sleeper(gh)
    results = collect(make_context(engine, gh), gh, sleep=sleeper)
    assert failed(results) == []
    assert 7 in sleeper.waits and 3 in sleeper.waits
    assert gh.count(status=429) == 1 and gh.count(status=502) == 2 and gh.count(status=503) == 1
    assert all(f.fired == f.times for f in gh.faults.items)
    _assert_complete(engine, gh)


def test_slow_response_past_the_timeout_is_retried(engine, gh):
    # A timeout with room for a loaded machine (2 cores shared by parallel test workers):
    # at 0.3 s, ordinary answers timed out too.
    gh.faults.add("slow", path="^/orgs/acme/repos$", delay=3.0)
    gh.faults.add("slow", path="^/graphql$", delay=3.0)
    sleeper = Sleeper(gh)
    results = collect(make_context(engine, gh), gh, sleep=sleeper, timeout=1.5)
    assert failed(results) == []
    assert [f.fired for f in gh.faults.items] == [1, 1]
    assert len([w for w in sleeper.waits if w < 5]) >= 2  # two backoffs
    _assert_complete(engine, gh)


def test_a_404_on_a_sub_resource_fails_the_run_but_not_the_repository(engine, gh):
    repo = next(r for r in gh.model.org.repos if r.releases and not r.fork)
    gh.faults.add("not_found", path=f"^/repos/{repo.full_name}/releases$")
    results = collect(make_context(engine, gh), gh)
    by_target = {r.target: r for r in results}
    assert by_target[repo.full_name].status == "failed"
    assert "404" in by_target[repo.full_name].error
    others = [r for r in results if r.target.startswith("acme/") and r.target != repo.full_name]
    assert others and all(r.status in ("ok", "unchanged") for r in others)
    # A 404 on the releases of a repository that was just probed is not "the repository is
    # gone" (issue 11): it is not marked unavailable, and the next run reads it again.
    reasons = {row[2]: row[-1] for row in dump(engine)["repositories"]}
    assert reasons[repo.full_name] is None
    results = collect(make_context(engine, gh), gh)
    assert {r.target: r.status for r in results}[repo.full_name] == "ok"
    reasons = {row[2]: row[-1] for row in dump(engine)["repositories"]}
    assert reasons[repo.full_name] is None
    _assert_complete(engine, gh)


def test_bad_token_stops_with_a_clear_message(engine, gh, caplog):
    secret = "ghp_definitelyNotValid0123456789"
    results = collect(make_context(engine, gh), gh, token=secret)
    assert [r.status for r in results] == ["failed"]
    error = results[0].error
    assert f"${TOKEN_ENV}" in error and "401" in error and "invalid, expired or revoked" in error
    assert secret not in error and secret not in caplog.text
    assert gh.count() == 1  # stops at the first answer


def test_token_appears_nowhere(tmp_path, github_server_factory, caplog):
    secret = "ghp_s3cretTokenValueThatMustNeverLeak42"
    gh = github_server_factory(generate_org("acme", n_repos=5, seed=3), tokens=(secret,))
    db_file = tmp_path / "leak.db"
    engine = open_database(f"sqlite:///{db_file}")
    caplog.set_level(logging.DEBUG)
    context = make_context(engine, gh, github={"on_rate_limit": "stop"})
    gh.set_rate_limit(secret, limit=10, resource="core")
    gh.faults.add("502", path="^/graphql$")
    stopped = collect(context, gh, token=secret)
    assert any(r.status == "partial" for r in stopped)
    gh.reset_rate_limits()
    results = collect(context, gh, token=secret)
    bad = collect(context, gh, token=secret + "x")
    assert bad[0].status == "failed"
    engine.dispose()
    texts = [caplog.text, *(str(r) for r in stopped + results + bad)]
    frames = load_frames(open_database(f"sqlite:///{db_file}"), context.rules)
    texts.append(to_csv(frames.issues))
    for path in Path(tmp_path).glob("leak.db*"):
        assert secret.encode() not in path.read_bytes()
    assert all(secret not in text for text in texts)
    assert "GET" in caplog.text or "GitHub" in caplog.text  # logs were captured


def test_enterprise_base_url(engine, gh):
    results = collect(make_context(engine, gh, base_url=gh.enterprise_url), gh)
    assert failed(results) == []
    assert gh.requests and all(r.enterprise_prefix for r in gh.requests)
    assert gh.count("^/graphql$") >= 2
    _assert_complete(engine, gh)


def test_github_app_installation(tmp_path, engine, gh):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "app.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    app = {"id": 424242, "installation_id": gh.installation_id, "private_key_file": str(key_file)}
    results = collect(make_context(engine, gh, github={"app": app}), gh, token="unused")
    assert failed(results) == []
    assert gh.count("/access_tokens$", method="POST", status=201) == 1
    tokens = {r.token for r in gh.requests if r.path != "/app/installations/12345678/access_tokens"}
    assert len(tokens) == 1 and next(iter(tokens)).startswith("ghs_")
    _assert_complete(engine, gh)

    missing = make_context(engine, gh, github={"app": {**app, "private_key_file": "nope.pem"}})
    results = collect(missing, gh)
    assert results[0].status == "failed" and "private key file" in results[0].error


def test_without_a_token_lists_repositories_and_says_so(engine, gh):
    messages: list[str] = []
    context = make_context(engine, gh)
    from ospo_metrics.collect_github import collect_github_sources

    results = collect_github_sources(
        context, env={}, sleep=Sleeper(gh), clock=gh.now, notify=messages.append
    )
    assert any("no token" in m and f"${TOKEN_ENV}" in m for m in messages)
    assert failed(results) == []
    public = [r for r in gh.model.org.repos if not r.private]
    assert counts(engine)["repositories"] >= len(public)
    assert gh.count("^/graphql$") == 0
    assert_clean(gh)


def _assert_complete(engine, gh) -> None:
    expected = expected_counts(gh.model)
    rows = dump(engine)
    kinds: dict[str, int] = {}
    for row in rows["comments"]:
        kinds[row[1]] = kinds.get(row[1], 0) + 1
    owned = [row for row in rows["repositories"] if row[0] == "acme"]
    assert len(owned) == expected["repositories"]
    assert kinds == {k: expected[k] for k in ("comment", "review", "review_comment")}
    assert len(rows["releases"]) == expected["releases"]


def test_unreachable_github_says_to_check_the_base_url(engine, gh):
    import socket

    with socket.socket() as probe:  # a loopback port with nothing listening
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    waits: list[float] = []
    results = collect(make_context(engine, gh, base_url=dead), gh, sleep=waits.append)
    assert [r.status for r in results] == ["failed"]
    error = results[0].error
    assert "did not answer" in error and "github.base_url" in error and dead in error
    assert "is the login right" not in error
    assert len(waits) >= 3, "retried with backoff before giving up"
