"""The GitHub collector against the fake GitHub: exact rows, incremental re-runs, KPIs.

Runs on SQLite and PostgreSQL (the `engine` fixture); every collection also checks that the
fake saw only queries GitHub's schema accepts and hit no bug of its own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from github_fake import generate_org
from github_fake.model import PullRequest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from test_github_helpers import (
    collect,
    counts,
    dump,
    expected_counts,
    expected_first_response,
    expected_upstream,
    failed,
    make_context,
    stats_delta,
)

from kpis.responsiveness import change_requests_accepted, time_to_first_response
from kpis.upstream import upstream_prs_opened
from ospo_metrics.models import Affiliation, CollectionRun, Comment, Issue, Person, Repository
from ospo_metrics.read import load_frames


@pytest.fixture
def gh(github_server_factory):
    return github_server_factory(generate_org("acme", n_repos=12, seed=7))


def test_full_collection_gives_exact_rows(engine, gh):
    model = gh.model
    context = make_context(engine, gh)
    results = collect(context, gh)
    assert failed(results) == []
    expected = expected_counts(model)
    upstream = expected_upstream(model)
    with Session(engine) as db:
        owned = db.scalar(select(func.count()).where(Repository.relationship == "owned"))
        assert owned == expected["repositories"]
        kinds = dict(db.execute(select(Comment.kind, func.count()).group_by(Comment.kind)).all())
        issues = db.execute(
            select(Repository.full_name, Repository.relationship, Issue).join(
                Repository, Issue.repository_id == Repository.id
            )
        ).all()
        people = {p.id: p for p in db.scalars(select(Person)).all()}
    assert kinds == {k: expected[k] for k in ("comment", "review", "review_comment")}
    owned_items = [(name, row) for name, rel, row in issues if rel == "owned"]
    assert sum(not row.is_pull_request for _, row in owned_items) == expected["issues"]
    assert sum(row.is_pull_request for _, row in owned_items) == expected["pulls"]
    assert {(name, row.number) for name, rel, row in issues if rel == "upstream"} == upstream
    assert counts(engine)["releases"] == expected["releases"]

    # Every field of every owned item, first response (no bots, not the author) included.
    for name, row in owned_items:
        item = model.get_repo(name).items[row.number]
        assert people[row.author_id].login == item.author.login
        assert row.state == ("merged" if getattr(item, "merged_at", None) else item.state)
        assert row.is_draft == bool(getattr(item, "draft", False))
        assert row.labels == [label.name for label in item.labels]
        assert _utc(row.created_at) == item.created_at
        assert _utc(row.closed_at) == item.closed_at
        assert _utc(row.first_response_at) == expected_first_response(item)

    # One bot is one person, flagged, whichever API named it (REST "x[bot]", GraphQL "x").
    bots = [p for p in people.values() if p.is_bot]
    assert sorted(p.login for p in bots) == sorted(
        {u.login.lower() for u in model.users.values() if u.is_bot}
        & {p.login for p in people.values()}
    )
    assert all(p.login.endswith("[bot]") for p in bots)


def test_repository_metadata_and_compliance(engine, gh):
    model = gh.model
    collect(make_context(engine, gh), gh)
    rows = dump(engine)
    repos = {row[1]: row for row in rows["repositories"]}
    checks = {
        (name, check): (passed, detail) for name, check, passed, detail in rows["compliance_checks"]
    }
    with Session(engine) as db:
        stored = {r.full_name: r for r in db.scalars(select(Repository)).all()}
    for repo in model.org.repos:
        row = stored[repo.full_name]
        assert (row.is_fork, row.is_archived, row.visibility) == (
            repo.fork,
            repo.archived,
            repo.visibility,
        )
        assert row.license_spdx == (
            (repo.license_spdx or "NOASSERTION") if repo.has_file("LICENSE") else None
        )
        assert (row.stars, row.forks, row.watchers) == (repo.stars, repo.forks, repo.watchers)
        assert row.topics == repo.topics and row.default_branch == repo.default_branch
        assert row.unavailable_reason is None
        if repo.fork:
            assert not any(name == repo.full_name for name, _ in checks)
            continue
        for check in ("README", "CONTRIBUTING", "CODE_OF_CONDUCT", "SECURITY", "ISSUE_TEMPLATE"):
            assert checks[(repo.full_name, check)][0] == repo.has_file(check), check
        passed, detail = checks[(repo.full_name, "LICENSE")]
        assert passed == repo.has_file("LICENSE")
        assert detail == ((repo.license_spdx or "NOASSERTION") if passed else None)
    assert repos  # organizations and repositories joined by login
    assert rows["organizations"] == [("github", "acme", model.org.name, "owned", model.org.id)]


def test_unchanged_second_run_is_cheap_and_writes_nothing(engine, gh):
    context = make_context(engine, gh)
    collect(context, gh)
    before = dump(engine)
    runs_before = _run_count(engine)
    results, delta = stats_delta(gh, lambda: collect(context, gh))
    assert dump(engine) == before
    assert all(r.items_written == 0 for r in results), results
    # Only the organization and the upstream search leave a run: unchanged repositories don't.
    assert [r.target for r in results] == ["org:acme", "upstream"]
    assert _run_count(engine) == runs_before + 2
    n_repos = len(gh.model.org.repos)
    assert delta["core_units"] == 0  # every REST request was conditional and answered 304
    assert delta["conditional"] == delta["not_modified"] == delta["rest"] - delta["search"]
    assert delta["graphql_points"] <= 1  # one probe query covers the 12 repositories
    assert delta["rest"] - delta["search"] + delta["graphql_points"] < n_repos


def test_new_comment_is_picked_up_by_the_next_run(engine, gh):
    model = gh.model
    context = make_context(engine, gh)
    collect(context, gh)
    issue = next(
        i
        for r in model.org.repos
        for i in r.items.values()
        if not i.is_pull_request and not i.comments and i.state == "open"
    )
    outsider = next(
        u
        for u in model.users.values()
        if not u.is_bot and u is not issue.author and not model.org.is_member(u.login)
    )
    model.add_comment(issue, outsider, "Same here")
    results, delta = stats_delta(gh, lambda: collect(context, gh))
    assert [r.target for r in results] == ["org:acme", issue.repo.full_name, "upstream"]
    assert delta["graphql_points"] == 2  # the probe, then the one changed issue
    with Session(engine) as db:
        row = db.scalars(
            select(Issue)
            .join(Repository, Issue.repository_id == Repository.id)
            .where(Repository.full_name == issue.repo.full_name, Issue.number == issue.number)
        ).one()
        comments = db.scalars(select(Comment.source_id).where(Comment.issue_id == row.id)).all()
    assert comments == [issue.comments[-1].id]
    assert _utc(row.first_response_at) == issue.comments[-1].created_at
    # A third run is back to unchanged.
    results = collect(context, gh)
    assert [r.target for r in results] == ["org:acme", "upstream"]


def test_membership_affiliations_and_kpis(engine, gh):
    model = gh.model
    member = model.org.members[1]
    upstream_repo = model.get_repo("python/cpython")
    fresh = model.add_pull(upstream_repo, "Fix a leak", member)  # created now
    context = make_context(engine, gh, affiliation={"organization": "Acme"})
    collect(context, gh)
    today = datetime.now(UTC).date()
    with engine.connect() as db:
        memberships = db.execute(
            select(Person.login, Affiliation.valid_from, Affiliation.valid_to)
            .join(Person, Affiliation.person_id == Person.id)
            .where(Affiliation.source == "org_membership")
        ).all()
    assert sorted(login for login, _, _ in memberships) == sorted(
        u.login.lower() for u in model.org.members
    )
    # The first listing cannot tell when anyone joined: members are members without a start.
    assert {(start, end) for _, start, end in memberships} == {(None, None)}

    # Someone who appears on a later listing joined since the previous one: dated from today.
    newcomer = model.add_user("newcomer")
    model.add_member(model.org, newcomer)
    collect(context, gh)
    with engine.connect() as db:
        newcomer_rows = db.execute(
            select(Affiliation.valid_from, Affiliation.valid_to)
            .join(Person, Affiliation.person_id == Person.id)
            .where(Affiliation.source == "org_membership", Person.login == "newcomer")
        ).all()
    assert newcomer_rows == [(today, None)]

    frames = load_frames(engine, context.rules)
    issues = frames.issues
    # Upstream pull requests by employees: every member's in the search window (members since
    # before the first listing), the fresh one included.
    since = datetime(2022, 1, 1, tzinfo=UTC)
    expected = {(fresh.repo.full_name, fresh.number)} | {
        (i.repo.full_name, i.number)
        for m in model.org.members
        for i in model.items_by_author.get(m.login.lower(), [])
        if i.is_pull_request and i.repo.owner is not model.org and i.created_at >= since
    }
    opened = upstream_prs_opened(frames, "month")
    assert opened.sum() == len(expected)
    employee_upstream = issues[
        (issues["relationship"] == "upstream") & issues["author_is_employee"]
    ]
    assert set(zip(employee_upstream["repo"], employee_upstream["number"], strict=True)) == expected

    # Change requests accepted per month = merged pull requests by humans in owned repos.
    merged = pd.Series(
        [
            pd.Timestamp(pr.merged_at).tz_convert(None).to_period("M").start_time
            for r in model.org.repos
            for pr in r.pulls()
            if pr.merged_at and not pr.author.is_bot
        ]
    ).value_counts()
    accepted = change_requests_accepted(frames, "month")
    assert accepted.to_dict() == {k: float(v) for k, v in merged.items()}

    # Time to first response: per month of creation, the median over the items answered.
    responded = pd.DataFrame(
        [
            {
                "month": pd.Timestamp(i.created_at).tz_convert(None).to_period("M").start_time,
                "hours": (expected_first_response(i) - i.created_at).total_seconds() / 3600,
            }
            for r in model.org.repos
            for i in r.items.values()
            if not i.author.is_bot and expected_first_response(i) is not None
        ]
    )
    expected_ttfr = responded.groupby("month")["hours"].median()
    ttfr = time_to_first_response(frames, "month").dropna()
    assert len(expected_ttfr) > 3
    assert ttfr.to_dict() == pytest.approx(expected_ttfr.to_dict())


def test_explicit_repository_and_unavailable_ones(engine, gh):
    model = gh.model
    outside = model.add_repo("python", "typeshed")
    model.add_issue(outside, "Stubs for X", model.org.members[0])
    context = make_context(
        engine,
        gh,
        repositories=[{"github": "python/typeshed"}, {"github": "acme/does-not-exist"}],
    )
    results = collect(context, gh)
    by_target = {r.target: r for r in results}
    assert by_target["acme/does-not-exist"].status == "failed"
    assert "not found" in by_target["acme/does-not-exist"].error
    assert by_target["python/typeshed"].status == "ok"
    with engine.connect() as db:
        reasons = dict(
            db.execute(select(Repository.full_name, Repository.unavailable_reason)).all()
        )
        typeshed = db.scalar(
            select(func.count())
            .select_from(Issue)
            .join(Repository)
            .where(Repository.full_name == "python/typeshed")
        )
    assert "not found" in reasons["acme/does-not-exist"]
    assert reasons["python/typeshed"] is None and typeshed == 1

    # A repository deleted upstream is marked as no longer listed; the others carry on.
    gone = next(r for r in model.org.repos if r.items)
    model.delete_repo(gone)
    model.add_issue(next(r for r in model.org.repos if not r.fork), "New", model.org.members[0])
    results = collect(context, gh)
    with engine.connect() as db:
        reason = db.scalar(
            select(Repository.unavailable_reason).where(Repository.full_name == gone.full_name)
        )
    assert "no longer listed" in reason
    assert any(r.status == "ok" and r.target.startswith("acme/") for r in results)


def test_only_one_repository(engine, gh):
    repo = next(r for r in gh.model.org.repos if r.items)
    context = make_context(engine, gh)
    results = collect(context, gh, only=repo.full_name)
    forks = {"forks:repositories"} if repo.forks else set()  # its fork listing, if any
    assert {r.target for r in results} == {repo.full_name, "repositories", *forks}
    with engine.connect() as db:
        names = db.scalars(select(Repository.full_name)).all()
    assert names == [repo.full_name]


def test_pull_request_with_many_comments_and_reviews_pages_nested_connections(engine, gh):
    model = gh.model
    repo = next(r for r in model.org.repos if not r.fork)
    author, reviewer = model.org.members[0], model.org.members[1]
    pr = model.add_pull(repo, "Big one", author, at=datetime.now(UTC) - timedelta(days=2))
    for k in range(130):
        model.add_comment(pr, reviewer, f"comment {k}")
    for _ in range(105):
        model.add_review(pr, reviewer, "COMMENTED")
    collect(make_context(engine, gh), gh)
    with engine.connect() as db:
        kinds = dict(
            db.execute(
                select(Comment.kind, func.count())
                .join(Issue)
                .join(Repository)
                .where(Repository.full_name == repo.full_name, Issue.number == pr.number)
                .group_by(Comment.kind)
            ).all()
        )
    assert kinds == {"comment": 130, "review": 105}


def _utc(value):
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _run_count(engine) -> int:
    with engine.connect() as db:
        return db.scalar(select(func.count()).select_from(CollectionRun))


def test_pull_request_rows_match_graphql_and_rest_views(engine, gh):
    """Pull requests key on (repository, number): a PR seen by search and by GraphQL is one row."""
    model = gh.model
    member = model.org.members[0]
    repo = next(r for r in model.org.repos if not r.fork)
    own = model.add_pull(repo, "Own change", member)
    assert isinstance(own, PullRequest)
    collect(make_context(engine, gh), gh)
    with engine.connect() as db:
        rows = db.execute(select(Repository.full_name, Issue.number).join(Repository)).all()
    assert len(rows) == len(set(rows))
