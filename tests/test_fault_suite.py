"""The standing fault suite: every HTTP fault class, then a clean run, then the same database.

Each case runs a GitHub collection through a fault-injecting proxy (tests/fault_proxy.py) in
front of the loopback fake GitHub, checks the run ended with results (never a traceback),
then runs a clean collection and compares the database, table by table on natural keys, with
one made by a collection that never saw a fault. Pages are 2 items long here, so listings of
a small organization still span several pages and pagination faults have pages to lose.

`benchmarks/faults.py` runs the same cases (and kill points) and prints how many survived.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fault_proxy import FaultProxy
from github_fake import FakeGitHub, generate_org
from test_github_helpers import Sleeper, collect, dump, make_context

from ospo_metrics.db import open_database

SEED = 29
PAGE = 2
RELEASE_REPO_ID = COMMENT_REPO_ID = 0  # set by the `world` fixture


@dataclass(frozen=True)
class Case:
    """One fault class: proxy rules (kind, path pattern, options) and a client timeout."""

    name: str
    rules: tuple[tuple[str, str, dict[str, Any]], ...]
    timeout: float = 30.0


def cases(release_repo: str, comment_repo: str) -> list[Case]:
    # Later pages come from `Link` headers, which name repositories and organizations by id.
    releases = f"^/(repos/{release_repo}|repositories/{RELEASE_REPO_ID})/releases$"
    comments = f"^/(repos/{comment_repo}|repositories/{COMMENT_REPO_ID})/pulls/comments$"
    org_repos = "^/(orgs/acme|organizations/\\d+)/repos$"
    limited = {"X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "5000"}
    return [
        Case(
            "401", (("status", org_repos, {"status": 401, "body": {"message": "Bad credentials"}}),)
        ),
        Case(
            "403 with reset",
            (
                (
                    "status",
                    "^/graphql$",
                    {
                        "status": 403,
                        "headers": {**limited, "X-RateLimit-Reset": "+120"},
                        "body": {"message": "API rate limit exceeded"},
                    },
                ),
            ),
        ),
        Case(
            "403 with Retry-After",
            (
                (
                    "status",
                    releases,
                    {
                        "status": 403,
                        "headers": {"Retry-After": "3"},
                        "body": {"message": "You have exceeded a secondary rate limit."},
                    },
                ),
            ),
        ),
        Case(
            "429 with Retry-After",
            (("status", org_repos, {"status": 429, "headers": {"Retry-After": "2"}}),),
        ),
        Case(
            "5xx",
            (
                ("status", "^/graphql$", {"status": 502, "times": 2}),
                ("status", releases, {"status": 503, "times": None}),  # fails for good
            ),
        ),
        Case("timeout", (("timeout", org_repos, {"delay": 1.2}),), timeout=0.5),
        Case(
            "reset mid-body",
            (("reset_mid_body", "^/orgs/acme/members$", {}), ("reset_mid_body", releases, {})),
        ),
        Case(
            "truncated JSON",
            (
                ("truncated_json", org_repos, {"skip": 1}),
                ("truncated_json", releases, {"times": None}),
            ),
        ),
        Case("HTML 200", (("html_200", releases, {"times": None}), ("html_200", org_repos, {}))),
        Case("empty 200", (("empty_200", releases, {"times": None}),)),
        Case("dict for a list", (("dict_for_list", releases, {"times": None}),)),
        Case("missing Link", (("missing_link", org_repos, {}), ("missing_link", releases, {}))),
        # A cut first page: the next clean run gets a 304 on it, and only the organization's
        # repository count shows the listing is short.
        Case("short page without Link", (("short_page", org_repos, {}),)),
        Case("redirect to another host", (("redirect_other_host", releases, {"times": None}),)),
        Case(
            "transient 404 on a sub-resource",
            (("status", comments, {"status": 404, "body": {"message": "Not Found"}}),),
        ),
        Case("review comment without pull_request_url", (("no_pull_request_url", comments, {}),)),
    ]


@pytest.fixture(scope="module")
def world(github_schema) -> Iterator[dict[str, Any]]:
    """The fake GitHub, the proxy in front of it, and the database a clean run makes."""
    gh = FakeGitHub(generate_org("acme", n_repos=6, seed=SEED))
    gh.start()
    proxy = FaultProxy(gh.url, clock=gh.now).start()
    repos = list(gh.model.org.repos)
    release_repo = next(r for r in repos if len(r.releases) > PAGE)
    comment_repo = next(
        r
        for r in repos
        if sum(len(getattr(i, "review_comments", ())) for i in r.items.values()) > PAGE
    )
    global RELEASE_REPO_ID, COMMENT_REPO_ID
    RELEASE_REPO_ID, COMMENT_REPO_ID = release_repo.id, comment_repo.id
    release_repo, comment_repo = release_repo.full_name, comment_repo.full_name
    world = {"gh": gh, "proxy": proxy, "release_repo": release_repo, "comment_repo": comment_repo}
    try:
        yield world
    finally:
        proxy.stop()
        gh.stop()


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr("collectors.github.http.PER_PAGE", PAGE)


def run(engine, world, *, timeout: float = 30.0):
    gh, proxy = world["gh"], world["proxy"]
    context = make_context(engine, gh, base_url=proxy.url)
    return collect(context, gh, sleep=Sleeper(gh), timeout=timeout)


@pytest.fixture(scope="module")
def reference(world, tmp_path_factory) -> dict:
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('ref') / 'reference.db'}")
    import collectors.github.http as http

    saved, http.PER_PAGE = http.PER_PAGE, PAGE
    try:
        results = run(engine, world)
    finally:
        http.PER_PAGE = saved
    assert [r for r in results if r.status not in ("ok", "unchanged")] == []
    yield dump(engine)
    engine.dispose()


def case_ids() -> list[str]:
    return [case.name for case in cases("o/r", "o/r")]


@pytest.mark.parametrize("index", range(len(case_ids())), ids=case_ids())
def test_fault_then_clean_run_converges(index, world, reference, tmp_path):
    case = cases(world["release_repo"], world["comment_repo"])[index]
    proxy: FaultProxy = world["proxy"]
    engine = open_database(f"sqlite:///{tmp_path / 'faulted.db'}")
    try:
        proxy.clear()
        rules = [proxy.add(kind, path, **options) for kind, path, options in case.rules]
        results = run(engine, world, timeout=case.timeout)  # must not raise
        assert results, "the run reported what it did"
        assert all(rule.fired for rule in rules), f"{case.name}: a fault never fired"
        for result in results:
            if result.error:
                assert "Traceback" not in result.error
        proxy.clear()
        clean = run(engine, world)
        assert [r for r in clean if r.status not in ("ok", "unchanged")] == [], clean
        assert dump(engine) == reference, f"{case.name}: the clean run did not converge"
    finally:
        proxy.clear()
        engine.dispose()


def test_a_transient_404_never_retires_an_explicit_repository(world, tmp_path):
    """A `github:` repository whose review comments answered 404 once is not "gone": the next
    run re-reads it (its metadata without the ETag, which would answer 304 for ever)."""
    gh, proxy = world["gh"], world["proxy"]
    name = world["comment_repo"]

    def context(engine):
        return make_context(
            engine, gh, base_url=proxy.url, organizations=[], repositories=[{"github": name}]
        )

    reference_engine = open_database(f"sqlite:///{tmp_path / 'reference.db'}")
    engine = open_database(f"sqlite:///{tmp_path / 'faulted.db'}")
    try:
        proxy.clear()
        collect(context(reference_engine), gh)
        expected = dump(reference_engine)
        rule = proxy.add(
            "status",
            f"^/(repos/{name}|repositories/{COMMENT_REPO_ID})/pulls/comments$",
            status=404,
            body={"message": "Not Found"},
        )
        collect(context(engine), gh)
        assert rule.fired == 1
        proxy.clear()
        for _ in range(2):
            collect(context(engine), gh)
        assert dump(engine) == expected
        assert {row[2]: row[-1] for row in dump(engine)["repositories"]}[name] is None
    finally:
        proxy.clear()
        engine.dispose()
        reference_engine.dispose()
