"""The fork listing against the fake GitHub: rows, paging, idempotent and conditional re-runs,
deleted forks, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from github_fake.model import GitHubModel
from sqlalchemy import select
from test_github_helpers import collect, failed, make_context, stats_delta

from ospo_metrics.collect.github_forks import REFRESH_DAYS
from ospo_metrics.models import RepositoryFork

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def _model() -> GitHubModel:
    model = GitHubModel("acme")
    acme = model.add_org("acme", name="Acme")
    model.add_org("acme-labs")
    model.add_org("city-of-x")
    alice = model.add_user("alice")
    model.add_user("bob")
    model.add_member(acme, alice)
    tool = model.add_repo(acme, "tool", created_at=T0 - timedelta(days=400))
    model.add_repo(acme, "quiet", created_at=T0 - timedelta(days=400))
    model.fork_repo(tool, "alice", at=T0)
    model.fork_repo(tool, "bob", at=T0 + timedelta(days=1))
    model.fork_repo(tool, "city-of-x", at=T0 + timedelta(days=40))
    model.fork_repo(tool, "acme-labs", at=T0 + timedelta(days=41))
    return model


@pytest.fixture
def gh(github_server_factory):
    return github_server_factory(_model())


def _forks(engine) -> dict[str, tuple]:
    with engine.connect() as db:
        rows = db.execute(
            select(
                RepositoryFork.full_name,
                RepositoryFork.owner_login,
                RepositoryFork.owner_type,
                RepositoryFork.created_at,
                RepositoryFork.deleted_at,
            )
        ).all()
    return {
        name: (login, kind, _utc(created), deleted is not None)
        for name, login, kind, created, deleted in rows
    }


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _fork_requests(gh) -> list:
    return [r for r in gh.requests if r.route == "/repos/{owner}/{repo}/forks"]


def test_forks_are_stored_with_owner_and_date(engine, gh):
    context = make_context(engine, gh)
    results = collect(context, gh)
    assert failed(results) == []
    assert "forks:acme" in [r.target for r in results]
    assert _forks(engine) == {
        "alice/tool": ("alice", "User", T0, False),
        "bob/tool": ("bob", "User", T0 + timedelta(days=1), False),
        "city-of-x/tool": ("city-of-x", "Organization", T0 + timedelta(days=40), False),
        "acme-labs/tool": ("acme-labs", "Organization", T0 + timedelta(days=41), False),
    }
    # Only the repository with forks was asked; `quiet` (forks_count 0) cost nothing.
    assert {r.repo for r in _fork_requests(gh)} == {"acme/tool"}
    assert all(r.query.get("sort") == "oldest" for r in _fork_requests(gh))


def test_rerun_asks_nothing_then_a_refresh_costs_only_304s(engine, gh):
    context = make_context(engine, gh)
    collect(context, gh)
    before = _forks(engine)
    gh.clear_log()
    results = collect(context, gh)
    assert "forks:acme" not in [r.target for r in results]  # same count, listed just now
    assert _fork_requests(gh) == []
    assert _forks(engine) == before

    gh.advance_clock(timedelta(days=REFRESH_DAYS + 1).total_seconds())
    gh.clear_log()
    results, delta = stats_delta(gh, lambda: collect(context, gh))
    assert delta["core_units"] == 0  # nothing new anywhere: every REST answer was a 304
    run = next(r for r in results if r.target == "forks:acme")
    assert run.items_written == 0 and run.status == "unchanged"
    requests = _fork_requests(gh)
    assert len(requests) == 1 and all(r.not_modified for r in requests)
    assert all(r.rate_cost == 0 for r in requests)
    assert _forks(engine) == before


def test_pages_new_and_deleted_forks(engine, gh):
    model = gh.model
    tool = model.get_repo("acme/tool")
    for n in range(101):  # 105 forks: two pages of 100
        model.add_user(f"user{n}")
        model.fork_repo(tool, f"user{n}", at=T0 + timedelta(days=50, minutes=n))
    context = make_context(engine, gh)
    collect(context, gh)
    assert len(_forks(engine)) == 105
    pages = _fork_requests(gh)
    assert len(pages) == 2 and pages[1].query.get("page") == "2"

    model.add_user("carol")
    model.fork_repo(tool, "carol", at=T0 + timedelta(days=60))
    gh.clear_log()
    results = collect(context, gh)
    run = next(r for r in results if r.target == "forks:acme")
    assert run.items_written == 1
    first, second = _fork_requests(gh)
    assert first.not_modified and not second.not_modified  # oldest first: page 1 unchanged
    assert _forks(engine)["carol/tool"][0] == "carol"

    # A deleted fork is kept, marked; the count fell, so the listing is asked again.
    model.delete_repo("bob/tool")
    results = collect(context, gh)
    assert next(r for r in results if r.target == "forks:acme").items_written == 1
    stored = _forks(engine)
    assert len(stored) == 106 and stored["bob/tool"][3] is True
    assert sum(deleted for *_, deleted in stored.values()) == 1


def test_last_fork_deleted_is_marked_without_a_request(engine, gh):
    model = gh.model
    context = make_context(engine, gh)
    collect(context, gh)
    for name in ("alice/tool", "bob/tool", "city-of-x/tool", "acme-labs/tool"):
        model.delete_repo(name)
    gh.clear_log()
    results = collect(context, gh)
    assert next(r for r in results if r.target == "forks:acme").items_written == 4
    assert _fork_requests(gh) == []  # forks_count 0: nothing to ask
    assert all(deleted for *_, deleted in _forks(engine).values())
    results = collect(context, gh)
    assert "forks:acme" not in [r.target for r in results]


def test_a_failing_fork_listing_fails_nothing_else(engine, gh):
    gh.faults.add("status", path=r".*/forks$", status=500, times=6)  # every retry of one listing
    context = make_context(engine, gh)
    results = collect(context, gh)
    run = next(r for r in results if r.target == "forks:acme")
    assert run.details.get("failed") == 1
    assert run.status == "partial" and "acme/tool" in run.error  # Data sources shows it
    assert _forks(engine) == {}
    results = collect(context, gh)  # the next run asks again
    assert next(r for r in results if r.target == "forks:acme").status == "ok"
    assert len(_forks(engine)) == 4


def test_forks_frame_and_kpi_leave_out_our_people_and_organizations(engine, gh):
    import kpis
    from kpis.schema import Frames
    from ospo_metrics.read.forks import load_forks

    context = make_context(engine, gh, organizations=["acme", "acme-labs"])
    assert failed(collect(context, gh)) == []
    forks = load_forks(engine, context.rules, context.config.organizations)
    by_owner = forks.set_index("owner_login")
    assert by_owner.loc["alice", "is_employee"]  # a member of acme on the fork date
    assert by_owner.loc["acme-labs", "owner_is_ours"]
    assert not by_owner.loc["bob", "is_employee"] and not by_owner.loc["bob", "owner_is_ours"]
    assert by_owner.loc["city-of-x", "organization"] == "city-of-x"
    table = kpis.series("external_forks", Frames(forks=forks), "month")
    values = {f"{d:%Y-%m}": v for d, v in zip(table["period_start"], table["value"], strict=True)}
    assert values == {"2025-01": 1, "2025-02": 1}  # bob in January, city-of-x in February
