"""The fake GitHub server speaks GitHub's REST v3 and GraphQL dialects well enough for PyGithub
and for a GraphQL collector: pagination, conditional requests, rate limits, faults, schema
validation and cost accounting, all over one model."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from github import Auth, Github, GithubException, GithubRetry, RateLimitExceededException
from github_fake import FakeGitHub, PullRequest, generate_org

# The lead may also list this plugin in tests/conftest.py; registering twice is harmless.
pytest_plugins = ["github_fake.fixtures"]


def client(server: FakeGitHub, base: str | None = None, **kw: Any) -> Github:
    kw.setdefault("retry", None)
    return Github(
        auth=Auth.Token(server.token),
        base_url=base or server.url,
        seconds_between_requests=None,
        seconds_between_writes=None,
        **kw,
    )


def auth(server: FakeGitHub, token: str | None = None) -> dict[str, str]:
    return {"Authorization": f"token {token or server.token}"}


def gql(
    server: FakeGitHub, query: str, variables: dict[str, Any] | None = None, url: str | None = None
) -> dict[str, Any]:
    r = requests.post(
        url or server.graphql_url,
        json={"query": query, "variables": variables},
        headers={"Authorization": f"bearer {server.token}"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return r.json()


def busy_repo(server: FakeGitHub, min_items: int = 8):
    return next(
        r for r in server.model.org.repos if len(r.items) >= min_items and r.pulls() and r.releases
    )


# --------------------------------------------------------------------------- REST via PyGithub


def test_org_repos_paginate_over_link_headers(github_server_factory):
    model = generate_org("acme", n_repos=130, seed=3)
    server = github_server_factory(model)
    g = client(server, per_page=100)
    repos = list(g.get_organization("acme").get_repos(type="all"))
    assert sorted(r.full_name for r in repos) == sorted(r.full_name for r in model.org.repos)
    assert server.count(route="/orgs/{org}/repos") == 2
    assert {r.visibility for r in repos} >= {"public", "private"}

    first = requests.get(
        f"{server.url}/orgs/acme/repos", params={"per_page": 50}, headers=auth(server), timeout=10
    )
    link = first.headers["Link"]
    assert (
        f'<{server.url}/organizations/{model.org.id}/repos?per_page=50&page=2>; rel="next"' in link
    )
    assert 'rel="last"' in link and "page=3" in link
    second = requests.get(link.split(";")[0].strip("<>"), headers=auth(server), timeout=10)
    assert second.status_code == 200 and len(second.json()) == 50
    assert 'rel="prev"' in second.headers["Link"] and 'rel="first"' in second.headers["Link"]


def test_issues_pulls_reviews_releases_contributors(github_server):
    server = github_server
    repo_model = busy_repo(server)
    g = client(server)
    repo = g.get_repo(repo_model.full_name)
    assert repo.id == repo_model.id and repo.default_branch == repo_model.default_branch

    issues = list(repo.get_issues(state="all"))
    assert [i.number for i in issues] == sorted(repo_model.items, reverse=True)
    for issue in issues:
        item = repo_model.items[issue.number]
        assert (issue.pull_request is not None) == item.is_pull_request
        assert issue.user.login == item.author.login
        assert issue.user.type == ("Bot" if item.author.is_bot else "User")
        assert issue.comments == len(item.comments)
        assert issue.updated_at >= issue.created_at

    raw = requests.get(
        f"{server.url}/repos/{repo_model.full_name}/issues",
        params={"state": "all", "per_page": 100},
        headers=auth(server),
        timeout=10,
    ).json()
    sample = raw[0]
    assert sample["created_at"].endswith("Z") and sample["repository_url"].startswith(server.url)
    assert set(sample["user"]) >= {
        "login",
        "id",
        "node_id",
        "type",
        "html_url",
        "url",
        "avatar_url",
        "site_admin",
    }

    pulls = list(repo.get_pulls(state="all", sort="updated", direction="desc"))
    assert [p.number for p in pulls] == [
        p.number
        for p in sorted(repo_model.pulls(), key=lambda p: (p.updated_at, p.number), reverse=True)
    ]
    pr_model = max(repo_model.pulls(), key=lambda p: len(p.reviews))
    pr = repo.get_pull(pr_model.number)
    assert pr.merged == (pr_model.merged_at is not None)
    reviews = list(pr.get_reviews())
    assert [(r.id, r.state, r.user.login) for r in reviews] == [
        (r.id, r.state, r.author.login) for r in pr_model.reviews
    ]
    comments = list(repo.get_issue(pr_model.number).get_comments())
    assert [c.id for c in comments] == [c.id for c in pr_model.comments]

    releases = list(repo.get_releases())
    assert [r.tag_name for r in releases] == [
        r.tag_name for r in sorted(repo_model.releases, key=lambda r: r.created_at, reverse=True)
    ]
    contributors = list(repo.get_contributors())
    assert [(c.login, c.contributions) for c in contributors] == [
        (login, n) for login, n in repo_model.contributors()
    ]


def test_license_and_community_profile(github_server):
    server = github_server
    model = server.model
    g = client(server)
    licensed = next(r for r in model.org.repos if r.license_spdx not in (None, "NOASSERTION"))
    unlicensed = next(r for r in model.org.repos if not r.has_file("LICENSE"))
    assert g.get_repo(licensed.full_name).get_license().license.spdx_id == licensed.license_spdx
    assert g.get_repo(licensed.full_name).license.spdx_id == licensed.license_spdx
    with pytest.raises(GithubException) as exc:
        g.get_repo(unlicensed.full_name).get_license()
    assert exc.value.status == 404
    assert g.get_repo(unlicensed.full_name).license is None

    _, profile = g.requester.requestJsonAndCheck(
        "GET", f"/repos/{licensed.full_name}/community/profile"
    )
    files = profile["files"]
    assert files["license"]["spdx_id"] == licensed.license_spdx
    assert (files["readme"] is not None) == licensed.has_file("README")
    assert (files["contributing"] is not None) == licensed.has_file("CONTRIBUTING")
    assert (files["code_of_conduct"] is not None) == licensed.has_file("CODE_OF_CONDUCT")
    assert 0 <= profile["health_percentage"] <= 100


def test_search_upstream_pull_requests(github_server):
    server = github_server
    model = server.model
    member = next(
        u
        for u in model.org.members
        if any(
            i.is_pull_request and i.repo.owner.login != "acme"
            for i in model.items_by_author.get(u.login.lower(), [])
        )
    )
    expected = sorted(
        (i.repo.full_name, i.number)
        for i in model.items_by_author[member.login.lower()]
        if i.is_pull_request and i.repo.owner.login != "acme"
    )
    g = client(server)
    found = g.search_issues(f"type:pr author:{member.login} -org:acme")
    assert found.totalCount == len(expected)
    assert sorted((i.repository.full_name, i.number) for i in found) == expected
    assert all(i.pull_request is not None for i in found)

    lo = (datetime.now(UTC) - timedelta(days=5000)).date().isoformat()
    r = requests.get(
        f"{server.url}/search/issues",
        headers=auth(server),
        timeout=10,
        params={"q": f"is:pr author:{member.login} -org:acme created:{lo}..2100-01-01"},
    )
    body = r.json()
    assert body["total_count"] == len(expected) and body["incomplete_results"] is False
    assert r.headers["X-RateLimit-Resource"] == "search"
    assert body["items"][0]["repository_url"].startswith(f"{server.url}/repos/")


# --------------------------------------------------------------------------- HTTP semantics


def test_etag_304_does_not_cost_rate_limit(github_server):
    server = github_server
    repo = busy_repo(server)
    url = f"{server.url}/repos/{repo.full_name}/issues"
    first = requests.get(url, params={"state": "all"}, headers=auth(server), timeout=10)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Last-Modified"].endswith("GMT")
    remaining = int(first.headers["X-RateLimit-Remaining"])

    again = requests.get(
        url, params={"state": "all"}, timeout=10, headers={**auth(server), "If-None-Match": etag}
    )
    assert again.status_code == 304 and again.content == b""
    assert int(again.headers["X-RateLimit-Remaining"]) == remaining
    assert server.count_not_modified() == 1

    server.model.add_comment(repo.items[max(repo.items)], server.model.org.members[0], "ping")
    changed = requests.get(
        url, params={"state": "all"}, timeout=10, headers={**auth(server), "If-None-Match": etag}
    )
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert int(changed.headers["X-RateLimit-Remaining"]) == remaining - 1
    assert server.rate_units("core") == 2


def test_rate_limit_exhaustion_and_reset(github_server):
    server = github_server
    server.set_rate_limit(server.token, limit=3)
    url = f"{server.url}/orgs/acme"
    for expected_remaining in (2, 1, 0):
        r = requests.get(url, headers=auth(server), timeout=10)
        assert r.status_code == 200
        assert int(r.headers["X-RateLimit-Remaining"]) == expected_remaining
    blocked = requests.get(url, headers=auth(server), timeout=10)
    assert blocked.status_code == 403
    assert blocked.json()["message"].startswith("API rate limit exceeded")
    assert blocked.headers["X-RateLimit-Remaining"] == "0"
    assert blocked.headers["X-RateLimit-Used"] == "3"
    assert int(blocked.headers["X-RateLimit-Reset"]) > time.time()
    with pytest.raises(RateLimitExceededException):
        client(server).get_organization("acme")

    # /rate_limit itself is free and reports the exhausted core bucket
    rl = requests.get(f"{server.url}/rate_limit", headers=auth(server), timeout=10).json()
    assert rl["resources"]["core"]["remaining"] == 0 and rl["rate"]["limit"] == 3

    server.advance_clock(3601)
    assert requests.get(url, headers=auth(server), timeout=10).status_code == 200


def test_short_reset_window_lets_pygithub_wait(github_server_factory):
    server = github_server_factory(reset_after_seconds=1.0)
    server.set_rate_limit(server.token, limit=1)
    g = client(server, retry=GithubRetry(total=3))
    assert g.get_organization("acme").login == "acme"
    started = time.monotonic()
    assert g.get_organization("acme").login == "acme"  # 403, waits for reset, retries
    assert time.monotonic() - started >= 0.5
    assert server.count(status=403) >= 1


def test_secondary_limit_429_and_retry_after(github_server):
    server = github_server
    server.faults.add("429", r"^/orgs/acme$", retry_after=1)
    r = requests.get(f"{server.url}/orgs/acme", headers=auth(server), timeout=10)
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    assert "secondary rate limit" in r.json()["message"]
    assert (
        requests.get(f"{server.url}/orgs/acme", headers=auth(server), timeout=10).status_code == 200
    )

    server.faults.add("secondary_rate_limit", r"^/orgs/acme$", retry_after=1)
    g = client(server, retry=GithubRetry(total=3, secondary_rate_wait=1))
    started = time.monotonic()
    assert g.get_organization("acme").login == "acme"
    assert time.monotonic() - started >= 0.9
    assert server.count(r"^/orgs/acme$", status=403) == 1


def test_auth_bad_token_and_anonymous(github_server):
    server = github_server
    bad = requests.get(f"{server.url}/user", headers=auth(server, "ghp_wrong"), timeout=10)
    assert bad.status_code == 401 and bad.json()["message"] == "Bad credentials"
    with pytest.raises(GithubException) as exc:
        _ = Github(auth=Auth.Token("ghp_wrong"), base_url=server.url, retry=None).get_user().login
    assert exc.value.status == 401

    anon = requests.get(f"{server.url}/orgs/acme", timeout=10)
    assert anon.status_code == 200 and anon.headers["X-RateLimit-Limit"] == "60"
    assert (
        requests.post(
            server.graphql_url, json={"query": "{ viewer { login } }"}, timeout=10
        ).status_code
        == 401
    )
    private = next(r for r in server.model.org.repos if r.private)
    assert requests.get(f"{server.url}/repos/{private.full_name}", timeout=10).status_code == 404
    me = client(server).get_user()
    assert me.login == server.model.org.members[0].login


def test_injected_faults(github_server):
    server = github_server
    repo = busy_repo(server)
    server.faults.add("500", r"/issues$", times=2)
    url = f"{server.url}/repos/{repo.full_name}/issues"
    assert [requests.get(url, headers=auth(server), timeout=10).status_code for _ in range(3)] == [
        500,
        500,
        200,
    ]

    slow = server.faults.add("slow", r"^/orgs/acme$", delay=0.6)
    with pytest.raises(requests.Timeout):
        requests.get(f"{server.url}/orgs/acme", headers=auth(server), timeout=0.2)

    server.faults.add("not_found", f"^/repos/{repo.full_name}$")
    assert (
        requests.get(
            f"{server.url}/repos/{repo.full_name}", headers=auth(server), timeout=10
        ).status_code
        == 404
    )

    fault = server.faults.add("502", "^/graphql$", body_contains="rateLimit")
    r = requests.post(
        server.graphql_url,
        json={"query": "{ rateLimit { cost } }"},
        headers=auth(server),
        timeout=10,
    )
    assert r.status_code == 502 and r.json()["data"] is None and fault.fired == 1
    assert slow.fired == 1 and server.stats()["faults"] >= 4


def test_deleted_repository_is_404_and_not_found(github_server):
    server = github_server
    repo = busy_repo(server)
    server.model.delete_repo(repo)
    r = requests.get(
        f"{server.url}/repos/{repo.full_name}/issues", headers=auth(server), timeout=10
    )
    assert r.status_code == 404 and r.json()["message"] == "Not Found"
    owner, name = repo.full_name.split("/")
    out = gql(server, f'query {{ repository(owner: "{owner}", name: "{name}") {{ name }} }}')
    assert out["data"] == {"repository": None}
    assert out["errors"][0]["type"] == "NOT_FOUND" and out["errors"][0]["path"] == ["repository"]


def test_enterprise_api_v3_prefix(github_server):
    server = github_server
    repo = busy_repo(server)
    g = client(server, base=server.enterprise_url)
    r = g.get_repo(repo.full_name)
    assert r.url.startswith(f"{server.url}/api/v3/repos/")
    assert len(list(r.get_issues(state="all"))) == len(repo.items)
    (data,) = [g.requester.graphql_query("query { viewer { login } }", {})[1]]
    assert data["data"]["viewer"]["login"] == server.model.org.members[0].login
    assert server.find(graphql=True)[0].enterprise_prefix


def test_github_app_installation_token(github_server):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    server = github_server
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    app_auth = Auth.AppAuth(424242, pem).get_installation_auth(server.installation_id)
    g = Github(auth=app_auth, base_url=server.url, retry=None, seconds_between_requests=None)
    assert g.get_organization("acme").login == "acme"
    assert server.count("/access_tokens$", method="POST", status=201) == 1
    token = next(iter(server.app_tokens))
    assert token.startswith("ghs_") and server.find("^/orgs/acme$")[0].token == token


# --------------------------------------------------------------------------- GraphQL

REPO_QUERY = """
query($o0: String!, $n0: String!, $o1: String!, $n1: String!, $a0: String, $a1: String) {
  rateLimit { cost limit remaining resetAt used nodeCount }
  r0: repository(owner: $o0, name: $n0) { ...repo }
  r1: repository(owner: $o1, name: $n1) { ...repo }
}
fragment repo on Repository {
  nameWithOwner databaseId isFork isArchived visibility defaultBranchRef { name }
  licenseInfo { spdxId key name } stargazerCount forkCount watchers { totalCount }
  repositoryTopics(first: 20) { nodes { topic { name } } }
  createdAt pushedAt updatedAt
  issues(first: 3, after: $a0, orderBy: {field: UPDATED_AT, direction: DESC},
         filterBy: {since: "2000-01-01T00:00:00Z"}) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { number databaseId title state createdAt updatedAt closedAt
      author { login __typename ... on User { databaseId } }
      labels(first: 10) { nodes { name } }
      comments(first: 2) { totalCount pageInfo { hasNextPage endCursor }
        nodes { databaseId author { login } createdAt } } }
  }
  pullRequests(first: 3, after: $a1, orderBy: {field: UPDATED_AT, direction: DESC}) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { number databaseId title state isDraft mergedAt createdAt updatedAt
      author { login __typename }
      reviews(first: 10) { totalCount nodes { databaseId state submittedAt author { login } } }
    }
  }
}
"""


def test_graphql_aliases_match_rest(github_server):
    server = github_server
    model = server.model
    a, b = [r for r in model.org.repos if len(r.items) >= 6 and r.pulls()][:2]
    variables = {"o0": "acme", "n0": a.name, "o1": "acme", "n1": b.name, "a0": None, "a1": None}
    collected: dict[str, list[dict]] = {"issues": [], "pullRequests": []}
    tracked = {"issues": ("r0", "a0"), "pullRequests": ("r1", "a1")}
    done: set[str] = set()
    pages = 0
    while len(done) < 2:
        out = gql(server, REPO_QUERY, variables)
        assert "errors" not in out, out.get("errors")
        pages += 1
        data = out["data"]
        assert data["rateLimit"]["cost"] == 1
        for conn, (alias, var) in tracked.items():
            if conn in done:
                continue
            block = data[alias][conn]
            collected[conn].extend(block["nodes"])
            if block["pageInfo"]["hasNextPage"]:
                variables[var] = block["pageInfo"]["endCursor"]
            else:
                done.add(conn)
    issues = {"r0": collected["issues"]}
    pulls = {"r1": collected["pullRequests"]}
    assert pages > 1
    assert data["r0"]["licenseInfo"] == (
        None
        if not a.has_file("LICENSE")
        else {
            "spdxId": a.license_spdx or "NOASSERTION",
            "key": a.license_key or "other",
            "name": data["r0"]["licenseInfo"]["name"],
        }
    )

    # REST view of the same repositories
    g = client(server)
    rest_issues = [
        i
        for i in g.get_repo(a.full_name).get_issues(state="all", sort="updated", direction="desc")
        if i.pull_request is None
    ]
    assert [n["number"] for n in issues["r0"]] == [i.number for i in rest_issues]
    for node, issue in zip(issues["r0"], rest_issues, strict=True):
        assert node["databaseId"] == issue.id and node["title"] == issue.title
        assert node["state"] == issue.state.upper()
        assert node["author"]["login"] == issue.user.login
        assert node["updatedAt"] == issue.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert node["comments"]["totalCount"] == issue.comments
        rest_comments = list(issue.get_comments())[:2]
        assert [c["databaseId"] for c in node["comments"]["nodes"]] == [c.id for c in rest_comments]
        assert [lab["name"] for lab in node["labels"]["nodes"]] == [
            lab.name for lab in issue.labels
        ]

    rest_pulls = list(
        g.get_repo(b.full_name).get_pulls(state="all", sort="updated", direction="desc")
    )
    assert [n["number"] for n in pulls["r1"]] == [p.number for p in rest_pulls]
    for node, pr in zip(pulls["r1"], rest_pulls, strict=True):
        assert node["databaseId"] == pr.id
        assert node["state"] == ("MERGED" if pr.merged_at else pr.state.upper())
        assert [(rv["databaseId"], rv["state"]) for rv in node["reviews"]["nodes"]] == [
            (rv.id, rv.state) for rv in pr.get_reviews()
        ]
        model_pr = b.items[node["number"]]
        assert isinstance(model_pr, PullRequest)
        expected_login = model_pr.author.graphql_login
        assert node["author"]["login"] == expected_login
        assert node["author"]["__typename"] == ("Bot" if model_pr.author.is_bot else "User")
    assert server.invalid_graphql == [] and server.internal_errors == []


def test_graphql_validation_rejects_unknown_field(github_server):
    server = github_server
    out = gql(server, '{ repository(owner: "acme", name: "x") { nameWithOwner starCount } }')
    assert "data" not in out
    assert "starCount" in out["errors"][0]["message"]
    assert out["errors"][0]["locations"]
    assert len(server.invalid_graphql) == 1
    assert server.graphql_requests[0].graphql_valid is False
    assert server.graphql_points() == 0

    syntax = gql(server, "{ viewer { login ")
    assert syntax["errors"] and len(server.invalid_graphql) == 2


def test_graphql_cost_accounting(github_server):
    server = github_server
    query = """{
      rateLimit { cost remaining used nodeCount }
      organization(login: "acme") {
        repositories(first: 100) { nodes { issues(first: 50) { nodes {
          labels(first: 60) { nodes { name } } } } } }
      }
    }"""
    out = gql(server, query)
    # 1 + 100 + 100*50 = 5101 requests -> 51 points; nodes 100 + 5000 + 300000
    assert out["data"]["rateLimit"] == {
        "cost": 51,
        "remaining": 5000 - 51,
        "used": 51,
        "nodeCount": 305_100,
    }
    cheap = gql(server, "{ rateLimit { cost remaining } viewer { login } }")
    assert cheap["data"]["rateLimit"] == {"cost": 1, "remaining": 5000 - 52}
    assert server.graphql_points() == 52
    assert server.bucket(server.token, "graphql").remaining == 4948

    missing = gql(server, '{ organization(login: "acme") { repositories { nodes { name } } } }')
    assert missing["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
    too_many = gql(
        server, '{ organization(login: "acme") { repositories(first: 101) { nodes { name } } } }'
    )
    assert too_many["errors"][0]["type"] == "EXCESSIVE_PAGINATION"
    assert server.graphql_points() == 52

    server.set_rate_limit(server.token, resource="graphql", remaining=0, reset_in=60)
    limited = gql(server, "{ viewer { login } }")
    assert limited["errors"][0]["type"] == "RATE_LIMITED"


def test_graphql_search_bot_authors_and_since(github_server):
    server = github_server
    model = server.model
    member = next(
        u
        for u in model.org.members
        if any(
            i.is_pull_request and i.repo.owner.login != "acme"
            for i in model.items_by_author.get(u.login.lower(), [])
        )
    )
    out = gql(
        server,
        """query($q: String!) { search(query: $q, type: ISSUE, first: 100) {
        issueCount pageInfo { hasNextPage }
        nodes { ... on PullRequest { number mergedAt repository { nameWithOwner } } } } }""",
        {"q": f"is:pr author:{member.login} -org:acme"},
    )
    search = out["data"]["search"]
    assert search["issueCount"] == len(search["nodes"]) > 0
    assert all(not n["repository"]["nameWithOwner"].startswith("acme/") for n in search["nodes"])

    bot_pr = next(
        i for i in model.iter_items() if i.is_pull_request and i.author.login == "dependabot[bot]"
    )
    owner, name = bot_pr.repo.full_name.split("/")
    data = gql(
        server,
        "query($o: String!, $n: String!, $k: Int!) { repository(owner: $o, "
        "name: $n) { pullRequest(number: $k) { author { login __typename } } } }",
        {"o": owner, "n": name, "k": bot_pr.number},
    )
    assert data["data"]["repository"]["pullRequest"]["author"] == {
        "login": "dependabot",
        "__typename": "Bot",
    }

    # "something changed since the last run": a new comment bumps updatedAt
    old = min((i for i in bot_pr.repo.issues()), key=lambda i: i.updated_at)
    cutoff = datetime.now(UTC).replace(microsecond=0)
    model.add_comment(old, model.org.members[0], "still relevant?")
    assert old.updated_at >= cutoff
    since = cutoff.strftime("%Y-%m-%dT%H:%M:%SZ")
    changed = gql(
        server,
        "query($s: DateTime, $o: String!, $n: String!) { repository(owner: $o, "
        "name: $n) { issues(first: 10, filterBy: {since: $s}) { nodes { number "
        "} } } }",
        {"s": since, "o": owner, "n": name},
    )
    assert changed["data"]["repository"]["issues"]["nodes"] == [{"number": old.number}]
    rest = requests.get(
        f"{server.url}/repos/{bot_pr.repo.full_name}/issues",
        params={"state": "all", "since": since},
        headers=auth(server),
        timeout=10,
    ).json()
    assert [i["number"] for i in rest] == [old.number]


def test_generate_org_is_deterministic_and_realistic():
    # Its speed is a benchmark's business (benchmarks/github_budget.py), never a timed test.
    big = generate_org("acme", n_repos=500, seed=7)
    again = generate_org("acme", n_repos=500, seed=7)

    def fingerprint(m):
        return [
            (
                r.full_name,
                r.id,
                r.license_spdx,
                r.archived,
                r.fork,
                len(r.items),
                [(i.number, i.id, i.author.login, i.updated_at) for i in r.items.values()],
            )
            for r in m.repos.values()
        ]

    assert fingerprint(big) == fingerprint(again)
    org_repos = big.org.repos
    assert len(org_repos) == 500
    assert 5 <= sum(len(r.items) for r in org_repos) / 500 <= 40
    assert any(r.license_spdx is None for r in org_repos)
    assert any(r.archived for r in org_repos) and any(r.fork for r in org_repos)
    assert big.get_user("dependabot[bot]").type == "Bot"
    for item in big.iter_items():
        assert item.updated_at >= item.newest_activity() >= item.created_at
    assert big.get_repo("kubernetes", "kubernetes") is not None
    upstream_by_members = [
        i
        for u in big.org.members
        for i in big.items_by_author.get(u.login.lower(), [])
        if i.repo.owner.login != "acme" and i.is_pull_request
    ]
    assert len(upstream_by_members) > 20


def test_model_mutations_show_up_everywhere(github_server):
    server = github_server
    model = server.model
    repo = busy_repo(server)
    member, outsider = model.org.members[1], model.get_user("dependabot[bot]")
    issue = model.add_issue(repo, "Brand new bug", member, labels=["bug"])
    pr = model.add_pull(repo, "Fix the brand new bug", member, commits=3)
    assert pr.number == issue.number + 1 == max(repo.items)
    review = model.add_review(pr, model.org.members[2], "APPROVED")
    model.add_review_comment(pr, outsider, "consider this")
    model.merge_pull(pr, by=model.org.members[2])
    model.close(issue, reason="not_planned")
    assert pr.updated_at >= review.submitted_at and pr.merged_at is not None

    g = client(server)
    rest_pr = g.get_repo(repo.full_name).get_pull(pr.number)
    assert rest_pr.merged and rest_pr.merged_by.login == model.org.members[2].login
    assert [c.user.login for c in rest_pr.get_review_comments()] == ["dependabot[bot]"]
    rest_issue = g.get_repo(repo.full_name).get_issue(issue.number)
    assert rest_issue.state == "closed" and rest_issue.state_reason == "not_planned"
    assert [lab.name for lab in rest_issue.labels] == ["bug"]
    contributions = dict(repo.contributors())
    assert contributions[member.login] >= 3

    out = gql(
        server,
        "query($o: String!, $n: String!, $k: Int!) { repository(owner: $o, "
        "name: $n) { pullRequest(number: $k) { state mergedAt reviews(first: 5) "
        "{ nodes { state author { login } } } } issue(number: 1) { number } } }",
        {"o": "acme", "n": repo.name, "k": pr.number},
    )
    node = out["data"]["repository"]["pullRequest"]
    assert node["state"] == "MERGED" and [r["state"] for r in node["reviews"]["nodes"]] == [
        "APPROVED",
        "COMMENTED",
    ]
    found = g.search_issues(f"repo:{repo.full_name} is:pr is:merged Fix the brand new bug")
    assert [i.number for i in found] == [pr.number]


def test_missing_schema_fails_in_ci_and_skips_locally(monkeypatch, tmp_path):
    from github_fake.fixtures import require_schema

    monkeypatch.setenv("GITHUB_GRAPHQL_SCHEMA", str(tmp_path / "missing.graphql"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="schema"):
        require_schema()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="npm pack @octokit/graphql-schema"):
        require_schema()
