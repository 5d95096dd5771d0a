"""Unit tests of the GitHub collector's pure parts: cursors, search windows, rate-limit policy,
normalization of accounts, pagination links and the request budget of GraphQL queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from collectors.github.cursor import plan
from collectors.github.errors import RateLimitStop
from collectors.github.history import RepoProbe
from collectors.github.http import ConditionalCache, RequestStats, _next_link
from collectors.github.items import Activity, Actor, IssueItem, UpstreamPull, first_response_at
from collectors.github.queries import MAX_REQUESTS, ItemRef, ProbePart, probe_query
from collectors.github.ratelimit import RateLimiter
from collectors.github.upstream import (
    MAX_QUERY_LENGTH,
    UpstreamSearch,
    author_batches,
    search_windows,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def t(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def test_bots_are_one_login_whichever_api_named_them():
    rest = Actor.from_rest({"login": "dependabot[bot]", "type": "Bot"})
    graphql = Actor.from_graphql({"login": "dependabot", "__typename": "Bot"})
    assert rest == graphql == Actor("dependabot[bot]", is_bot=True)
    assert Actor.from_graphql({"login": "alice", "__typename": "User"}) == Actor("alice")
    assert Actor.from_graphql(None) is None  # a deleted ("ghost") account


def test_first_response_skips_the_author_and_bots():
    author, bot, other = Actor("alice"), Actor("ci[bot]", is_bot=True), Actor("bob")
    activities = [
        Activity("comment", 1, author, t(1)),
        Activity("comment", 2, bot, t(2)),
        Activity("comment", 3, Actor("renovate-bot"), t(3)),  # a bot by configuration
        Activity("review", 4, other, t(5), "APPROVED"),
        Activity("comment", 5, Actor("BOB"), t(4)),
    ]

    def is_bot(actor: Actor) -> bool:
        return actor.is_bot or actor.login.endswith("-bot")

    assert first_response_at(Actor("Alice"), activities, is_bot) == t(4)
    assert first_response_at(author, activities[:3], is_bot) is None


def _probe(**kw) -> RepoProbe:
    return RepoProbe("acme/api", **kw)


def test_plan_fetches_only_items_whose_stored_version_differs():
    probe = _probe(
        pulls={1: t(3), 2: t(2)},
        issues={3: t(5)},
        pulls_newest=t(3),
        issues_newest=t(5),
        releases=[2, "v1.1", "2025-01-01T00:00:00Z"],
    )
    cursor = {"pulls": "2025-01-01T01:00:00Z", "community_pushed_at": "2025-01-01T00:00:00Z"}
    work = plan("acme/api", cursor, probe, {1: t(3), 3: t(4)}, is_fork=False, pushed_at=T0)
    assert work is not None
    assert work.refs == [ItemRef("acme/api", 2, True), ItemRef("acme/api", 3, False)]
    assert work.cursor["pulls"] == "2025-01-01T03:00:00Z"
    assert work.cursor["issues"] == "2025-01-01T05:00:00Z"
    assert work.releases and not work.community and work.review_comments


def test_plan_is_none_for_an_unchanged_repository():
    cursor = {
        "pulls": "2025-01-01T03:00:00Z",
        "issues": "2025-01-01T05:00:00Z",
        "releases": [0, None, None],
    }
    probe = _probe(pulls={1: t(3)}, pulls_newest=t(3), issues_newest=None, releases=[0, None, None])
    assert plan("acme/api", cursor, probe, {1: t(3)}, is_fork=True, pushed_at=T0) is None
    # A push re-reads the community profile (not for forks, which GitHub gives none).
    pushed = plan("acme/api", cursor, probe, {1: t(3)}, is_fork=False, pushed_at=t(9))
    assert pushed is not None and pushed.community and not pushed.refs


def test_probe_cost_fits_one_point_and_uses_no_unused_variables():
    parts = [ProbePart(f"r{i}", "acme", f"repo{i}") for i in range(37)]
    query, variables = probe_query(parts)
    assert query.count("repository(") == 37 and len(variables) == 74
    assert MAX_REQUESTS >= 37 * 4  # four flat connections per repository: one point
    follow = ProbePart("r0", "acme", "x", meta=False, pulls_first=None, issues_after="abc")
    query, variables = probe_query([follow])
    assert "pullRequests" not in query and variables["ia0"] == "abc"
    assert "$s0" not in query  # no since filter asked, none declared


def test_author_batches_respect_the_query_length_limit():
    logins = [f"user-number-{i:03}" for i in range(60)]
    fixed = "type:pr -org:acme -org:acme-labs updated:2025-01-01T00:00:00Z..2026-01-01T00:00:00Z"
    batches = author_batches(logins, fixed)
    assert sorted(x for b in batches for x in b) == sorted(logins)
    for batch in batches:
        query = fixed + "".join(f" author:{login}" for login in batch)
        assert len(query) <= MAX_QUERY_LENGTH


def test_search_windows_start_new_logins_at_since_and_known_ones_at_the_last_search():
    since = T0
    cursor = {"until": "2025-06-01T00:00:00Z", "logins": ["alice"]}
    windows = search_windows(cursor, ["alice", "bob"], since)
    assert windows == [(["bob"], since), (["alice"], datetime(2025, 5, 31, tzinfo=UTC))]
    assert search_windows({}, ["alice"], since) == [(["alice"], since)]


class _FakeSearch:
    """A search API holding `n` results spread evenly over a year, capped like GitHub's."""

    def __init__(self, n: int) -> None:
        self.times = [T0 + timedelta(days=365 * k / n) for k in range(n)]
        self.queries: list[str] = []

    def search_pulls(self, query: str):
        self.queries.append(query)
        lo, hi = query.rsplit("updated:", 1)[1].split("..")
        lo_t = datetime.fromisoformat(lo.replace("Z", "+00:00"))
        hi_t = datetime.fromisoformat(hi.replace("Z", "+00:00"))
        found = [k for k, when in enumerate(self.times) if lo_t <= when <= hi_t]
        for start in range(0, min(len(found), 1000), 100):
            yield len(found), [_pull(k) for k in found[start : start + 100]]


def _pull(k: int) -> UpstreamPull:
    item = IssueItem(k, k, True, "", None, "open", False, [], T0, T0, None, None, None)
    return UpstreamPull("up/stream", item)


def test_search_windows_split_until_no_result_is_cut_off():
    api = _FakeSearch(2500)
    search = UpstreamSearch(api)  # type: ignore[arg-type]
    found = list(search.pulls(["alice"], ["acme"], T0, T0 + timedelta(days=366)))
    assert len(found) == 2500 == len({p.item.number for p in found})
    assert len(api.queries) > 3


def test_rate_limiter_waits_or_stops_as_configured():
    slept: list[float] = []
    now = [1000.0]
    messages: list[str] = []
    waiter = RateLimiter("wait", 600, slept.append, lambda: now[0], messages.append)
    waiter.exhausted("core", 1100)
    assert slept == [101.0] and "waiting 101 s" in messages[0]
    with pytest.raises(RateLimitStop, match="max_wait_seconds"):
        waiter.exhausted("core", 5000)
    stopper = RateLimiter("stop", 600, slept.append, lambda: now[0])
    with pytest.raises(RateLimitStop, match="'stop'"):
        stopper.exhausted("graphql", 1100)
    waiter.secondary("core", 7, 0)
    assert slept[-1] == 7
    # A budget known to be empty waits before sending, not after a refused request.
    waiter.observe({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1010"}, "core")
    waiter.before_request("core")
    assert slept[-1] == 11.0


def test_link_header_and_conditional_cache():
    link = (
        '<https://api.github.com/x?page=2>; rel="next", '
        '<https://api.github.com/x?page=5>; rel="last"'
    )
    assert _next_link(link) == "https://api.github.com/x?page=2"
    assert _next_link('<https://api.github.com/x?page=1>; rel="prev"') is None
    cache = ConditionalCache.load({"/a": {"etag": "1"}, "/old": {"etag": "2"}})
    assert cache.get("/a") == {"etag": "1"}
    cache.put("/b", 'W/"3"', ["x"], None)
    assert set(cache.dump()) == {"/a", "/b"}  # unused entries age out


def test_request_stats_deltas():
    stats = RequestStats(rest_requests=5, graphql_points=3, rest_units=4)
    before = stats.snapshot()
    stats.rest_requests += 2
    stats.not_modified += 2
    delta = stats.since(before)
    assert (delta.rest_requests, delta.not_modified, delta.rate_limit_used) == (2, 2, 0)
