"""The one HTTP door to GitHub: a counted `requests.Session` for REST and GraphQL alike.

Why not PyGithub's own requester for the REST calls? It opens a session per connection that
cannot be counted without patching PyGithub globally, it retries and sleeps on rate limits by
itself (outside our injectable clock, `max_wait_seconds` and `stop` policy), and it cannot send
`If-None-Match` on list endpoints nor hand back the `ETag` of each page. So every request goes
through :class:`GitHubHttp`, which:

- sends the token (a personal token, or a GitHub App installation token that refreshes itself),
  never logging it and never putting it in an exception;
- counts REST requests, 304 answers, search requests and GraphQL points (:class:`RequestStats`);
- reads `X-RateLimit-*` and applies the wait/stop policy (:mod:`collectors.github.ratelimit`),
  honours `Retry-After` on secondary limits (403/429);
- retries 5xx answers, timeouts and dropped connections with bounded exponential backoff;
- turns 401 into :class:`AuthenticationError` naming where the credential came from, and a
  404/410/451 on a repository into :class:`RepositoryUnavailable`;
- makes conditional requests from a :class:`ConditionalCache` (a 304 costs no rate limit) and
  follows `Link: rel="next"` pagination at 100 items per page.

PyGithub still types the REST payloads (see :mod:`collectors.github.rest`) and performs the
GitHub App token exchange (see :mod:`collectors.github.auth`).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests

from collectors.github.errors import (
    AuthenticationError,
    GitHubApiError,
    GitHubUnreachable,
    RateLimitStop,
    RepositoryUnavailable,
)
from collectors.github.ratelimit import RateLimiter, retry_after_seconds

log = logging.getLogger("ospo_metrics.github")

PER_PAGE = 100
UNAVAILABLE = (404, 410, 451)
TRANSIENT = (500, 502, 503, 504)
BACKOFF_CAP = 60.0
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5


@dataclass
class RequestStats:
    """What a collection cost; subtract two snapshots to get the cost of one step."""

    rest_requests: int = 0  # REST requests sent, every attempt included (search too)
    conditional: int = 0  # of which carried If-None-Match
    not_modified: int = 0  # of which GitHub answered 304 (free of rate limit)
    search_requests: int = 0  # of which went to /search (its own 30/minute budget)
    rest_units: int = 0  # core rate-limit units charged
    search_units: int = 0  # search rate-limit units charged
    graphql_requests: int = 0
    graphql_points: int = 0
    retries: int = 0

    @property
    def requests_made(self) -> int:
        return self.rest_requests + self.graphql_requests

    @property
    def rate_limit_used(self) -> int:
        return self.rest_units + self.search_units + self.graphql_points

    def snapshot(self) -> RequestStats:
        return copy.copy(self)

    def since(self, earlier: RequestStats) -> RequestStats:
        return RequestStats(
            **{name: getattr(self, name) - getattr(earlier, name) for name in vars(self)}
        )

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass
class ConditionalCache:
    """ETags by URL, with what the collector kept from each answer, stored in run cursors.

    Only entries used in this run are written back, so URLs that disappeared age out.
    """

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    used: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, data: dict[str, Any] | None) -> ConditionalCache:
        return cls(entries=dict(data or {}))

    def get(self, key: str) -> dict[str, Any] | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.used[key] = entry
        return entry

    def put(self, key: str, etag: str | None, data: Any = None, next_url: str | None = None):
        if etag:
            entry = {"etag": etag, "data": data, "next": next_url}
            self.entries[key] = self.used[key] = entry

    def dump(self) -> dict[str, dict[str, Any]]:
        return dict(self.used)


@dataclass
class Answer:
    status: int
    body: Any
    headers: requests.structures.CaseInsensitiveDict
    url: str

    @property
    def etag(self) -> str | None:
        return self.headers.get("ETag")


@dataclass
class Page:
    fresh: bool  # False: 304, `items` is what the cache kept from the last 200
    items: list[Any]
    total: int | None = None  # search: total_count


class GitHubHttp:
    def __init__(
        self,
        base_url: str,
        graphql_url: str,
        token: Callable[[], str | None],
        limiter: RateLimiter,
        *,
        credential: str,
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff: float = 1.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.graphql_url = graphql_url
        self._token = token
        self.limiter = limiter
        self.credential = credential  # e.g. "the token in $GITHUB_TOKEN", never the token
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.stats = RequestStats()
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "ospo-metrics",
            }
        )

    # ---- REST -------------------------------------------------------------------------------

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        url = path if "://" in path else f"{self.base_url}/{path.lstrip('/')}"
        return f"{url}?{urlencode(params)}" if params else url

    def key(self, url: str) -> str:
        """The cache key of a URL: its path and query below the API root (host-independent)."""
        if url.startswith(self.base_url):
            return url[len(self.base_url) :] or "/"
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def get(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        etag: str | None = None,
        repository: str | None = None,
        expect: type | None = dict,
    ) -> Answer:
        """GET a REST resource; 304 comes back as an Answer with status 304 and no body.

        The body must be JSON of type `expect` (a list for listings): a truncated body, a
        proxy's HTML page or an empty answer with status 200 is retried like a 502, then
        reported as a :class:`GitHubApiError` for this request (the run goes on).
        """
        url = self.url(path, params)
        resource = (
            "search" if urlsplit(url).path.split("/api/v3")[-1].startswith("/search/") else "core"
        )
        headers = {"If-None-Match": etag} if etag else {}
        attempt = 0
        while True:
            response = self._follow(url, resource, headers)
            status = response.status_code
            if status == 304:
                return Answer(304, None, response.headers, url)
            if status in UNAVAILABLE and repository:
                raise RepositoryUnavailable(repository, status)
            if status >= 400:
                raise GitHubApiError(
                    f"GitHub answered {status} to GET {self.key(url).split('?')[0]}: "
                    f"{_message(response)}",
                    status,
                )
            body, problem = _json_body(response, expect)
            if problem is None:
                return Answer(status, body, response.headers, url)
            if attempt >= self.max_retries:
                raise GitHubApiError(
                    f"GitHub answered GET {self.key(url).split('?')[0]} with {problem}, "
                    f"{attempt + 1} times; not used (the next run asks again)"
                )
            self._backoff(attempt, f"{problem} from {self.key(url).split('?')[0]}")
            attempt += 1

    def _follow(self, url: str, resource: str, headers: dict[str, str]) -> requests.Response:
        """Send a GET, following redirects only within GitHub's own host.

        GitHub redirects renamed repositories on the same host. A redirect elsewhere is not
        GitHub answering (a captive portal, a misconfigured proxy): what it answers is not
        used, so an empty `[]` from there cannot pass for "no releases".
        """
        home = urlsplit(self.base_url).netloc.lower()
        for _ in range(MAX_REDIRECTS + 1):
            response = self._send("GET", url, resource, headers=headers)
            if response.status_code not in REDIRECTS or "Location" not in response.headers:
                return response
            target = urljoin(url, response.headers["Location"])
            if urlsplit(target).netloc.lower() != home:
                raise GitHubApiError(
                    f"GitHub redirected GET {self.key(url).split('?')[0]} to another host "
                    f"({urlsplit(target).netloc}); not followed (check `github.base_url` and "
                    "any proxy in between)"
                )
            url = target
        raise GitHubApiError(f"too many redirects from GET {self.key(url).split('?')[0]}")

    def pages(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        cache: ConditionalCache | None = None,
        project: Callable[[list[Any]], Any] = lambda items: items,
        repository: str | None = None,
        unwrap: str | None = None,
    ) -> Iterator[Page]:
        """Every page of a list, following `Link: rel="next"`; 304 pages come from the cache."""
        url: str | None = self.url(path, {**(params or {}), "per_page": PER_PAGE})
        while url:
            key = self.key(url)
            entry = cache.get(key) if cache else None
            answer = self.get(
                url,
                etag=entry["etag"] if entry else None,
                repository=repository,
                expect=dict if unwrap else list,
            )
            if answer.status == 304 and entry is not None:
                yield Page(fresh=False, items=entry["data"])
                url = entry.get("next")
                continue
            body = answer.body
            items = body.get(unwrap) or [] if unwrap else body
            next_url = _next_link(answer.headers.get("Link"))
            if next_url is None and len(items) >= PER_PAGE:
                # A full page without `Link: rel="next"`: a proxy may have dropped the header.
                # Asking for the next page costs one request; trusting it would lose the rest.
                next_url = _page_after(url)
            if cache is not None:
                cache.put(key, answer.etag, project(items), next_url)
            total = body.get("total_count") if unwrap and isinstance(body, dict) else None
            yield Page(fresh=True, items=items, total=total)
            url = next_url

    def send_json(self, method: str, path: str, body: dict[str, Any]) -> Any:
        """POST or PATCH a JSON body (the alerts' issues and comments); returns the answer's
        JSON. An error status raises :class:`GitHubApiError` naming the request, never the
        credential. Transient answers (502, 503) are retried like reads: GitHub rejects the
        request before acting on it in those cases, so a retry does not write twice."""
        url = self.url(path)
        response = self._send(method, url, "core", json=body)
        if response.status_code >= 400:
            raise GitHubApiError(
                f"GitHub answered {response.status_code} to {method} {self.key(url)}: "
                f"{_message(response)}",
                response.status_code,
            )
        try:
            return response.json()
        except ValueError:
            raise GitHubApiError(f"GitHub answered {method} {self.key(url)} with no JSON") from None

    # ---- GraphQL ----------------------------------------------------------------------------

    def graphql(self, query: str, variables: dict[str, Any]) -> tuple[dict, list[dict]]:
        """Run a query; returns (data, errors) with rate-limit errors already handled."""
        for attempt in range(self.max_retries + 1):
            response = self._send(
                "POST", self.graphql_url, "graphql", json={"query": query, "variables": variables}
            )
            if response.status_code >= 400:
                raise GitHubApiError(
                    f"GitHub GraphQL answered {response.status_code}: {_message(response)}"
                )
            try:
                body = response.json()
            except ValueError:  # a proxy's HTML error page: as transient as a 502
                if attempt >= self.max_retries:
                    raise GitHubApiError("GitHub GraphQL answered something not JSON") from None
                self._backoff(attempt, "GraphQL answer not JSON")
                continue
            errors = body.get("errors") or []
            data = body.get("data") or {}
            if any(error.get("type") == "RATE_LIMITED" for error in errors):
                reset = response.headers.get("X-RateLimit-Reset")
                self.limiter.exhausted("graphql", float(reset) if reset else None)
                continue
            cost = (data.get("rateLimit") or {}).get("cost")
            self.stats.graphql_points += int(cost) if cost is not None else 1
            if errors and not data and attempt < self.max_retries and _transient(errors):
                # "Something went wrong while executing your query": GitHub's own timeout.
                self._backoff(attempt, "GraphQL error: " + errors[0].get("message", "")[:120])
                continue
            return data, errors
        raise GitHubApiError("GitHub GraphQL kept failing; giving up after retries")

    # ---- plumbing ---------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        resource: str,
        *,
        headers: dict[str, str] | None = None,
        json: Any = None,
    ) -> requests.Response:
        secondary_attempts = 0
        attempt = 0
        while True:
            self.limiter.before_request(resource)
            request_headers = dict(headers or {})
            token = self._token()
            if token:
                request_headers["Authorization"] = f"token {token}"
            self._count_sent(resource, request_headers)
            try:
                response = self.session.request(
                    method,
                    url,
                    headers=request_headers,
                    json=json,
                    timeout=self.timeout,
                    allow_redirects=False,  # see _follow
                )
            except (
                requests.Timeout,
                requests.ConnectionError,
                requests.exceptions.ChunkedEncodingError,  # the connection dropped mid-answer
            ) as exc:
                if attempt >= self.max_retries:
                    raise GitHubUnreachable(
                        f"GitHub did not answer {method} {self.key(url).split('?')[0]} after "
                        f"{attempt + 1} attempts ({type(exc).__name__}); check `github.base_url` "
                        f"({self.base_url}) and that this machine can reach it"
                    ) from None
                self._backoff(attempt, f"{type(exc).__name__} on {self.key(url).split('?')[0]}")
                attempt += 1
                continue
            self.limiter.observe(response.headers, resource)
            status = response.status_code
            if status == 401:
                raise AuthenticationError(
                    f"GitHub rejected {self.credential} (HTTP 401 {_message(response)}): it is "
                    "invalid, expired or revoked. Provide a valid credential and run again."
                )
            if status in (403, 429) and self._limited(response, resource, secondary_attempts):
                secondary_attempts += 1
                continue
            if status in TRANSIENT and attempt < self.max_retries:
                self._backoff(attempt, f"HTTP {status} on {self.key(url).split('?')[0]}")
                attempt += 1
                continue
            self._count_charged(resource, status)
            return response

    def _limited(self, response: requests.Response, resource: str, attempts: int) -> bool:
        """Handle a 403/429 that is a rate limit (True: send again); False for a real 403."""
        headers = response.headers
        resource = headers.get("X-RateLimit-Resource") or resource
        if headers.get("X-RateLimit-Remaining") == "0" and "Retry-After" not in headers:
            reset = headers.get("X-RateLimit-Reset")
            if attempts >= self.max_retries:
                # Waited until the reset several times and GitHub still says no: stop.
                raise RateLimitStop(resource, float(reset) if reset else None, "still limited")
            self.limiter.exhausted(resource, float(reset) if reset else None)
            return True
        retry_after = retry_after_seconds(headers)
        message = _message(response).lower()
        secondary = "secondary rate limit" in message or "abuse" in message
        if retry_after is not None or response.status_code == 429 or secondary:
            if attempts >= self.max_retries:
                return False
            self.limiter.secondary(resource, retry_after, attempts)
            return True
        return False

    def _backoff(self, attempt: int, why: str) -> None:
        delay = min(BACKOFF_CAP, self.backoff * 2**attempt)
        self.stats.retries += 1
        log.info("GitHub: %s; retrying in %.1f s", why, delay)
        self.limiter.sleep(delay)

    def _count_sent(self, resource: str, headers: dict[str, str]) -> None:
        if resource == "graphql":
            self.stats.graphql_requests += 1
            return
        self.stats.rest_requests += 1
        if resource == "search":
            self.stats.search_requests += 1
        if "If-None-Match" in headers:
            self.stats.conditional += 1

    def _count_charged(self, resource: str, status: int) -> None:
        if resource == "graphql":
            return  # points are read from the answer's rateLimit.cost
        if status == 304:
            self.stats.not_modified += 1
        elif status < 500:
            if resource == "search":
                self.stats.search_units += 1
            else:
                self.stats.rest_units += 1


def _json_body(response: requests.Response, expect: type | None) -> tuple[Any, str | None]:
    """(body, None) when the answer is JSON of the expected type, else (None, the problem)."""
    if response.status_code == 204:
        return None, None
    if not response.content:
        return None, "an empty answer"
    try:
        body = response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "").split(";")[0] or "no content type"
        return None, f"something that is not JSON ({kind}, {len(response.content)} bytes)"
    if expect is not None and not isinstance(body, expect):
        return None, f"a JSON {type(body).__name__} where a {expect.__name__} was expected"
    return body, None


def _page_after(url: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query["page"] = str(int(query.get("page") or 1) + 1)
    return urlunsplit(parts._replace(query=urlencode(query)))


def _next_link(link: str | None) -> str | None:
    for part in (link or "").split(","):
        section = part.split(";")
        if len(section) >= 2 and any(s.strip() == 'rel="next"' for s in section[1:]):
            return section[0].strip().strip("<>")
    return None


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason or "no message"
    if isinstance(body, dict):
        if body.get("message"):
            return str(body["message"])[:300]
        errors = body.get("errors")
        if errors and isinstance(errors, list):
            return str(errors[0].get("message", ""))[:300]
    return response.reason or "no message"


def _transient(errors: list[dict]) -> bool:
    text = " ".join(str(error.get("message", "")) for error in errors).lower()
    return "something went wrong" in text or "timeout" in text or "timed out" in text
