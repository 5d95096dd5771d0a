"""The fake GitHub HTTP server: auth, rate limits, conditional requests, faults, request log."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import re
import socket
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import git_http, rest
from .generate import generate_org
from .model import GitHubModel, User, iso

RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes "
    "before you try again. If you reach out to GitHub Support for help, please "
    "include the request ID {rid}."
)
GRAPHQL_502 = (
    "Something went wrong while executing your query. This may be the result of a "
    "timeout, or it could be a GitHub bug. Please include `{rid}` when reporting "
    "this issue."
)

#: fault kinds accepted by :meth:`Faults.add`
FAULT_KINDS = (
    "rate_limit",
    "secondary_rate_limit",
    "429",
    "500",
    "502",
    "503",
    "slow",
    "not_found",
    "unauthorized",
    "status",
)


# --------------------------------------------------------------------------- request log


@dataclass
class RequestRecord:
    """One request as the server saw it."""

    method: str
    path: str  # without query string and without the /api/v3 prefix ("/graphql" for GraphQL)
    query: dict[str, str]
    status: int = 0
    route: str | None = None  # REST route template, e.g. "/repos/{owner}/{repo}/issues"
    repo: str | None = None  # "owner/name" a repository route targeted
    token: str | None = None  # None = unauthenticated
    resource: str = "core"  # core | search | graphql | none (not rate limited)
    conditional: bool = False  # sent If-None-Match / If-Modified-Since
    not_modified: bool = False  # answered 304
    rate_cost: int = 0  # rate-limit units charged (REST 1, GraphQL points, 0 for 304)
    graphql_cost: int | None = None  # GraphQL points of the query
    graphql_valid: bool | None = None
    graphql_query: str | None = None
    graphql_errors: list[dict[str, Any]] | None = None
    fault: str | None = None  # injected fault kind that answered/delayed this request
    enterprise_prefix: bool = False  # came in under /api/v3 or /api/graphql
    started: float = 0.0
    duration: float = 0.0

    @property
    def is_graphql(self) -> bool:
        return self.path == "/graphql"


# --------------------------------------------------------------------------- faults


@dataclass
class Fault:
    kind: str
    path: re.Pattern[str]
    method: str | None = None
    times: int | None = 1  # None = forever
    skip: int = 0  # let this many matching requests through first
    delay: float = 0.0  # for "slow" (seconds)
    retry_after: int = 1  # Retry-After for secondary limits / 429
    reset_in: int = 1  # X-RateLimit-Reset offset for "rate_limit"
    status: int | None = None  # for "status"
    body: Any = None  # for "status"
    token: str | None = None
    body_pattern: re.Pattern[str] | None = None  # match against the request body (GraphQL)
    fired: int = 0
    seen: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times


class Faults:
    """Injectable failures, matched by method + path regex (re.search on the normalised path,
    e.g. ``/repos/acme/api/issues`` or ``/graphql``), each firing ``times`` times."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.items: list[Fault] = []

    def add(
        self,
        kind: str,
        path: str = ".*",
        *,
        method: str | None = None,
        times: int | None = 1,
        skip: int = 0,
        delay: float = 0.0,
        retry_after: int = 1,
        reset_in: int = 1,
        status: int | None = None,
        body: Any = None,
        token: str | None = None,
        body_contains: str | None = None,
    ) -> Fault:
        """Register a fault. ``kind`` is one of :data:`FAULT_KINDS`:

        - ``rate_limit``: 403 "API rate limit exceeded", X-RateLimit-Remaining 0, reset in
          ``reset_in`` s (the bucket itself is not drained);
        - ``secondary_rate_limit``: 403 secondary limit with ``Retry-After: retry_after``;
        - ``429``: 429 secondary limit with ``Retry-After``;
        - ``500``/``502``/``503``: server errors (GraphQL 502 has GitHub's timeout body);
        - ``slow``: sleep ``delay`` s, then answer normally (client timeouts);
        - ``not_found``: 404 (e.g. a repository deleted mid-run);
        - ``unauthorized``: 401 Bad credentials;
        - ``status``: any ``status`` with JSON ``body``.
        ``body_contains`` (regex) restricts to requests whose body matches (GraphQL queries).
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {FAULT_KINDS}")
        f = Fault(
            kind=kind,
            path=re.compile(path),
            method=method.upper() if method else None,
            times=times,
            skip=skip,
            delay=delay,
            retry_after=retry_after,
            reset_in=reset_in,
            status=status,
            body=body,
            token=token,
            body_pattern=re.compile(body_contains) if body_contains else None,
        )
        with self._lock:
            self.items.append(f)
        return f

    def clear(self) -> None:
        with self._lock:
            self.items.clear()

    def match(self, method: str, path: str, token: str | None, body: str) -> Fault | None:
        with self._lock:
            for f in self.items:
                if f.exhausted or (f.method and f.method != method):
                    continue
                if not f.path.search(path):
                    continue
                if f.token is not None and f.token != token:
                    continue
                if f.body_pattern is not None and not f.body_pattern.search(body):
                    continue
                f.seen += 1
                if f.seen <= f.skip:
                    continue
                f.fired += 1
                return f
        return None

    @property
    def pending(self) -> list[Fault]:
        return [f for f in self.items if not f.exhausted]


# --------------------------------------------------------------------------- rate limits


@dataclass
class Bucket:
    limit: int
    window: float
    used: int = 0
    reset: float = 0.0  # epoch seconds

    def refresh(self, now: float) -> None:
        if now >= self.reset:
            self.used = 0
            self.reset = now + self.window

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def as_json(self) -> dict[str, int]:
        return {
            "limit": self.limit,
            "used": self.used,
            "remaining": self.remaining,
            "reset": math.ceil(self.reset),
        }


@dataclass
class Identity:
    token: str | None
    user: User | None
    is_app: bool = False

    @property
    def key(self) -> str:
        return self.token or "anonymous"


# --------------------------------------------------------------------------- server


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    app: FakeGitHub

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.open_connections: set[socket.socket] = set()
        self.conn_lock = threading.Lock()

    def close_open_connections(self) -> None:
        """Drop keep-alive connections so a stopped server really stops answering."""
        with self.conn_lock:
            conns = list(self.open_connections)
            self.open_connections.clear()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes: without TCP_NODELAY, Nagle + delayed ACK
        # add ~40 ms to every keep-alive request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.conn_lock:
            self.server.open_connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.conn_lock:
                self.server.open_connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _go(self) -> None:
        try:
            self.server.app._handle(self)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _go


class FakeGitHub:
    """A real HTTP server on 127.0.0.1 speaking GitHub REST v3 + GraphQL over one model.

    ``FakeGitHub(model=None, tokens=("ghp_fake_token",), ...)``; ``start()``/``stop()`` or use
    as a context manager. ``url`` is ``http://127.0.0.1:PORT`` (the REST base; GraphQL at
    ``url + "/graphql"``; GitHub Enterprise layout under ``url + "/api/v3"`` and
    ``url + "/api/graphql"``). See the package docstring for the full API.
    """

    DEFAULT_TOKEN = "ghp_fake_token"

    def __init__(
        self,
        model: GitHubModel | None = None,
        *,
        tokens: Iterable[str] | None = (DEFAULT_TOKEN,),
        core_limit: int = 5000,
        graphql_limit: int = 5000,
        search_limit: int = 30,
        unauthenticated_limit: int = 60,
        unauthenticated_search_limit: int = 10,
        reset_after_seconds: float = 3600.0,
        search_reset_after_seconds: float = 60.0,
        schema_path: str | Path | None = None,
        installation_id: int = 12345678,
        clock: Callable[[], float] | None = None,
    ):
        self.model = model if model is not None else generate_org()
        #: accepted tokens; None = accept any token
        token_list = list(tokens) if tokens is not None else []
        self.valid_tokens: set[str] | None = set(token_list) if tokens is not None else None
        #: token -> login of the user the token belongs to (default: first org admin/member)
        self.token_users: dict[str, str] = {}
        self.core_limit = core_limit
        self.graphql_limit = graphql_limit
        self.search_limit = search_limit
        self.unauthenticated_limit = unauthenticated_limit
        self.unauthenticated_search_limit = unauthenticated_search_limit
        self.reset_after_seconds = reset_after_seconds
        self.search_reset_after_seconds = search_reset_after_seconds
        self.schema_path = schema_path
        self.installation_id = installation_id
        #: installation id -> org login for the GitHub App endpoints
        self.installations: dict[int, str] = {}
        if self.model.primary_org:
            self.installations[installation_id] = self.model.primary_org
        self.app_tokens: dict[str, datetime] = {}
        self.faults = Faults()
        self.requests: list[RequestRecord] = []
        self.invalid_graphql: list[dict[str, Any]] = []
        self.internal_errors: list[str] = []
        self._clock = clock or time.time
        self._clock_offset = 0.0
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._overrides: dict[tuple[str, str], int] = {}
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""
        #: git over smart HTTP (see git_http.py): every request, and whether public
        #: repositories need credentials too
        self.git_requests: list[git_http.GitRequest] = []
        self.git_auth_required = False
        self._git_tmp: tempfile.TemporaryDirectory | None = None
        #: a token the server accepts (the first of ``tokens``)
        self.token = token_list[0] if token_list else self.DEFAULT_TOKEN

    # ---- lifecycle
    def start(self) -> FakeGitHub:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        httpd.app = self
        self._httpd = httpd
        self.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-github",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd.close_open_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None
        if self._git_tmp is not None:
            self._git_tmp.cleanup()
            self._git_tmp = None

    def empty_git_dir(self) -> Path:
        """The empty repository served for model repositories without a `git_dir`."""
        with self._lock:
            if self._git_tmp is None:
                self._git_tmp = tempfile.TemporaryDirectory(prefix="fake-github-git-")
            return git_http.empty_repository(Path(self._git_tmp.name))

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    @property
    def enterprise_url(self) -> str:
        """GitHub Enterprise Server layout: REST at /api/v3, GraphQL at /api/graphql."""
        return f"{self.url}/api/v3"

    # ---- clock
    def now(self) -> float:
        return self._clock() + self._clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Move the server's rate-limit clock forward (e.g. past a reset) without sleeping."""
        self._clock_offset += seconds

    # ---- rate limits
    def _limit_for(self, ident: Identity, resource: str) -> tuple[int, float]:
        override = self._overrides.get((ident.key, resource))
        if resource == "search":
            limit = self.search_limit if ident.token else self.unauthenticated_search_limit
            window = self.search_reset_after_seconds
        elif resource == "graphql":
            limit, window = self.graphql_limit, self.reset_after_seconds
        else:
            limit = self.core_limit if ident.token else self.unauthenticated_limit
            window = self.reset_after_seconds
        return (override if override is not None else limit), window

    def bucket(self, token: str | None = None, resource: str = "core") -> Bucket:
        """The live rate-limit bucket of ``token`` (None = unauthenticated) for a resource."""
        ident = Identity(token, None)
        with self._lock:
            key = (ident.key, resource)
            b = self._buckets.get(key)
            limit, window = self._limit_for(ident, resource)
            if b is None:
                b = Bucket(limit=limit, window=window)
                self._buckets[key] = b
            b.limit = limit
            b.window = window
            b.refresh(self.now())
            return b

    def set_rate_limit(
        self,
        token: str | None = None,
        *,
        limit: int | None = None,
        remaining: int | None = None,
        resource: str = "core",
        reset_in: float | None = None,
    ) -> Bucket:
        """Budget control: e.g. ``set_rate_limit(tok, limit=50)`` cuts a run after 50 calls;
        ``remaining=0, reset_in=2`` exhausts it now until 2 s from now."""
        ident = Identity(token, None)
        with self._lock:
            if limit is not None:
                self._overrides[(ident.key, resource)] = limit
            b = self.bucket(token, resource)
            if remaining is not None:
                b.used = max(0, b.limit - remaining)
            if reset_in is not None:
                b.reset = self.now() + reset_in
            return b

    def reset_rate_limits(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._overrides.clear()

    def rate_limit_json(self, token: str | None) -> dict[str, Any]:
        res = {name: self.bucket(token, name).as_json() for name in ("core", "search", "graphql")}
        now = math.ceil(self.now() + 3600)
        for extra, lim in (
            ("integration_manifest", 5000),
            ("source_import", 100),
            ("code_scanning_upload", 1000),
            ("code_search", 10),
            ("actions_runner_registration", 10000),
            ("scim", 15000),
            ("dependency_snapshots", 100),
            ("audit_log", 1750),
        ):
            res[extra] = {"limit": lim, "used": 0, "remaining": lim, "reset": now}
        return {"resources": res, "rate": res["core"]}

    # ---- request log helpers
    def count(
        self,
        path: str | None = None,
        *,
        method: str | None = None,
        route: str | None = None,
        status: int | None = None,
        resource: str | None = None,
        token: str | None = None,
        graphql: bool | None = None,
        not_modified: bool | None = None,
        repo: str | None = None,
    ) -> int:
        """Number of logged requests matching all given filters (``path`` is a regex searched
        in the normalised path)."""
        return len(
            self.find(
                path,
                method=method,
                route=route,
                status=status,
                resource=resource,
                token=token,
                graphql=graphql,
                not_modified=not_modified,
                repo=repo,
            )
        )

    def find(
        self,
        path: str | None = None,
        *,
        method: str | None = None,
        route: str | None = None,
        status: int | None = None,
        resource: str | None = None,
        token: str | None = None,
        graphql: bool | None = None,
        not_modified: bool | None = None,
        repo: str | None = None,
    ) -> list[RequestRecord]:
        rx = re.compile(path) if path else None
        with self._lock:
            recs = list(self.requests)
        out = []
        for r in recs:
            if rx and not rx.search(r.path):
                continue
            if method and r.method != method.upper():
                continue
            if route and r.route != route:
                continue
            if status is not None and r.status != status:
                continue
            if resource and r.resource != resource:
                continue
            if token is not None and r.token != token:
                continue
            if graphql is not None and r.is_graphql != graphql:
                continue
            if not_modified is not None and r.not_modified != not_modified:
                continue
            if repo is not None and (r.repo or "").lower() != repo.lower():
                continue
            out.append(r)
        return out

    @property
    def rest_requests(self) -> list[RequestRecord]:
        return self.find(graphql=False)

    @property
    def graphql_requests(self) -> list[RequestRecord]:
        return self.find(graphql=True)

    def count_not_modified(self) -> int:
        return self.count(not_modified=True)

    def graphql_points(self, token: str | None = None) -> int:
        """Total GraphQL points charged (optionally for one token)."""
        return sum(r.rate_cost for r in self.find(graphql=True, token=token))

    def rate_units(self, resource: str = "core", token: str | None = None) -> int:
        """Total rate-limit units charged for a resource (REST: requests that were not 304)."""
        return sum(r.rate_cost for r in self.find(resource=resource, token=token))

    def stats(self) -> dict[str, int]:
        recs = self.find()
        return {
            "requests": len(recs),
            "rest": sum(1 for r in recs if not r.is_graphql),
            "graphql": sum(1 for r in recs if r.is_graphql),
            "search": sum(1 for r in recs if r.resource == "search"),
            "not_modified": sum(1 for r in recs if r.not_modified),
            "conditional": sum(1 for r in recs if r.conditional),
            "core_units": sum(r.rate_cost for r in recs if r.resource == "core"),
            "search_units": sum(r.rate_cost for r in recs if r.resource == "search"),
            "graphql_points": sum(r.rate_cost for r in recs if r.is_graphql),
            "rate_limited": sum(
                1
                for r in recs
                if r.status in (403, 429)
                and r.fault in (None, "rate_limit", "secondary_rate_limit", "429")
            ),
            "errors": sum(1 for r in recs if r.status >= 400),
            "faults": sum(1 for r in recs if r.fault),
            "invalid_graphql": sum(1 for r in recs if r.graphql_valid is False),
        }

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.invalid_graphql.clear()

    # ---- identity
    def _identify(self, auth: str | None, path: str) -> Identity | str:
        """Identity, or an error string ("bad" -> 401, "jwt" for app JWT auth)."""
        if not auth:
            return Identity(None, None)
        parts = auth.split(None, 1)
        if len(parts) != 2 or parts[0].lower() not in ("token", "bearer"):
            return "bad"
        tok = parts[1].strip()
        if parts[0].lower() == "bearer" and tok.count(".") == 2:
            return "jwt"  # a GitHub App JWT (signature not checked)
        if tok in self.app_tokens:
            if self.app_tokens[tok] < datetime.fromtimestamp(self.now(), UTC):
                return "bad"
            return Identity(tok, self._app_bot(), is_app=True)
        if self.valid_tokens is not None and tok not in self.valid_tokens:
            return "bad"
        login = self.token_users.get(tok)
        user = self.model.get_user(login) if login else self._default_viewer()
        return Identity(tok, user)

    def _default_viewer(self) -> User | None:
        m = self.model
        if m.primary_org and m.get_org(m.primary_org):
            org = m.org
            admins = [u for u in org.members if u.login.lower() in org.admins]
            if admins or org.members:
                return (admins or org.members)[0]
        return next((u for u in m.users.values() if not u.is_bot), None)

    def _app_bot(self) -> User:
        bot = self.model.get_user("ospo-metrics-app[bot]")
        if bot is None:
            with self.model.lock:
                bot = self.model.add_bot("ospo-metrics-app[bot]", id=987654321)
        return bot

    # ---- HTTP plumbing
    def _send(
        self,
        h: _Handler,
        rec: RequestRecord,
        status: int,
        body: Any,
        headers: dict[str, str],
        head_only: bool = False,
    ) -> None:
        if body is None:
            data = b""
        elif isinstance(body, bytes):
            data = body
        else:
            data = json.dumps(body, separators=(",", ":")).encode()
        rec.status = status
        self._log(rec)  # before answering: a client may inspect the log right after
        h.send_response(status)
        if data or status not in (204, 304):
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(0 if head_only else len(data)))
        h.end_headers()
        if not head_only and data:
            h.wfile.write(data)

    def _rate_headers(self, b: Bucket, resource: str) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(b.limit),
            "X-RateLimit-Remaining": str(b.remaining),
            "X-RateLimit-Reset": str(math.ceil(b.reset)),
            "X-RateLimit-Used": str(b.used),
            "X-RateLimit-Resource": resource,
        }

    def _base_headers(self, rid: str, ident: Identity | None) -> dict[str, str]:
        out = {
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            "X-GitHub-Request-Id": rid,
            "Vary": "Accept, Authorization, Cookie, X-GitHub-OTP",
            "Access-Control-Expose-Headers": "ETag, Link, Location, Retry-After, "
            "X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, "
            "X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, "
            "X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, Deprecation, "
            "Sunset",
        }
        if ident is not None and ident.token and not ident.is_app:
            out["X-OAuth-Scopes"] = "read:org, repo"
            out["X-Accepted-OAuth-Scopes"] = "repo"
        return out

    def _handle(self, h: _Handler) -> None:
        split = urlsplit(h.path)
        raw_path = split.path or "/"
        if git_http.is_git_path(raw_path):
            git_http.serve_git(self, h, raw_path, split.query)
            return
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        length = int(h.headers.get("Content-Length") or 0)
        raw_body = h.rfile.read(length) if length else b""
        method = h.command.upper()
        prefix = ""
        path = raw_path
        if path == "/api/graphql":
            prefix, path = "/api", "/graphql"
        elif path.startswith("/api/v3/") or path == "/api/v3":
            prefix, path = "/api/v3", path[len("/api/v3") :] or "/"
        if len(path) > 1:
            path = path.rstrip("/")
        rid = f"{next(self._ids):04X}:{abs(hash(raw_path)) % 0xFFFF:04X}:FAKE"
        rec = RequestRecord(
            method=method,
            path=path,
            query=query,
            enterprise_prefix=bool(prefix),
            started=time.time(),
        )
        api_base = self.url + ("/api/v3" if prefix else "")
        auth = h.headers.get("Authorization")
        token_guess = auth.split(None, 1)[1].strip() if auth and " " in auth else None
        try:
            self._dispatch(h, rec, method, path, query, raw_body, rid, api_base, auth, token_guess)
        except (BrokenPipeError, ConnectionResetError):
            raise
        except Exception as exc:  # a bug in the fake: answer 500 and remember it
            tb = traceback.format_exc()
            self.internal_errors.append(f"{method} {h.path}: {exc!r}\n{tb}")
            print(tb, file=sys.stderr)
            if rec.status == 0:
                self._send(
                    h,
                    rec,
                    500,
                    {"message": "Server Error (fake bug)", "documentation_url": rest.DOCS},
                    {},
                )
        finally:
            self._log(rec)

    def _log(self, rec: RequestRecord) -> None:
        with self._lock:
            if rec.duration == 0.0:
                rec.duration = max(1e-9, time.time() - rec.started)
                self.requests.append(rec)

    def _dispatch(
        self,
        h: _Handler,
        rec: RequestRecord,
        method: str,
        path: str,
        query: dict[str, str],
        raw_body: bytes,
        rid: str,
        api_base: str,
        auth: str | None,
        token_guess: str | None,
    ) -> None:
        body_text = raw_body.decode("utf-8", "replace")
        is_graphql = path == "/graphql"
        rec.resource = (
            "graphql"
            if is_graphql
            else "search"
            if path.startswith("/search/")
            else "none"
            if path == "/rate_limit" or path.startswith("/app")
            else "core"
        )
        if is_graphql:
            try:
                rec.graphql_query = json.loads(body_text).get("query")
            except (ValueError, AttributeError):
                rec.graphql_query = None
        # faults first (a slow fault delays and then falls through)
        fault = self.faults.match(method, path, token_guess, body_text)
        if fault is not None:
            rec.fault = fault.kind
            if fault.kind == "slow":
                time.sleep(fault.delay)
            else:
                self._answer_fault(h, rec, fault, rid, token_guess, is_graphql)
                return
        ident = self._identify(auth, path)
        if ident == "jwt":
            self._app_endpoints(h, rec, method, path, rid, api_base)
            return
        if ident == "bad" or not isinstance(ident, Identity):
            anon = self.bucket(None, "core")
            rec.token = token_guess
            self._send(
                h,
                rec,
                401,
                {"message": "Bad credentials", "documentation_url": rest.DOCS, "status": "401"},
                {**self._base_headers(rid, None), **self._rate_headers(anon, "core")},
            )
            return
        rec.token = ident.token
        if is_graphql:
            self._graphql(h, rec, method, raw_body, rid, ident)
            return
        if path.startswith("/app"):
            self._send(
                h,
                rec,
                401,
                {
                    "message": "A JSON web token could not be decoded",
                    "documentation_url": "https://docs.github.com/rest",
                },
                self._base_headers(rid, ident),
            )
            return
        self._rest(h, rec, method, path, query, rid, api_base, ident, raw_body)

    def _answer_fault(
        self,
        h: _Handler,
        rec: RequestRecord,
        f: Fault,
        rid: str,
        token: str | None,
        is_graphql: bool,
    ) -> None:
        resource = rec.resource if rec.resource != "none" else "core"
        b = self.bucket(token if token and self._token_ok(token) else None, resource)
        headers = {**self._base_headers(rid, None), **self._rate_headers(b, resource)}
        if f.kind == "rate_limit":
            headers.update(
                {
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Used": str(b.limit),
                    "X-RateLimit-Reset": str(math.ceil(self.now() + f.reset_in)),
                }
            )
            self._send(
                h,
                rec,
                403,
                {"message": self._limit_message(token), "documentation_url": RATE_DOCS},
                headers,
            )
        elif f.kind in ("secondary_rate_limit", "429"):
            headers["Retry-After"] = str(f.retry_after)
            self._send(
                h,
                rec,
                403 if f.kind == "secondary_rate_limit" else 429,
                {
                    "message": SECONDARY_MESSAGE.format(rid=rid),
                    "documentation_url": "https://docs.github.com/free-pro-team@latest/rest/"
                    "overview/rate-limits-for-the-rest-api"
                    "#about-secondary-rate-limits",
                },
                headers,
            )
        elif f.kind in ("500", "502", "503"):
            status = int(f.kind)
            if is_graphql and status == 502:
                body: Any = {"data": None, "errors": [{"message": GRAPHQL_502.format(rid=rid)}]}
            else:
                body = {
                    "message": {
                        500: "Server Error",
                        502: "Bad Gateway",
                        503: "Service Unavailable",
                    }[status]
                }
            self._send(h, rec, status, body, headers)
        elif f.kind == "not_found":
            self._send(
                h,
                rec,
                404,
                {"message": "Not Found", "documentation_url": rest.DOCS, "status": "404"},
                headers,
            )
        elif f.kind == "unauthorized":
            self._send(
                h,
                rec,
                401,
                {"message": "Bad credentials", "documentation_url": rest.DOCS, "status": "401"},
                headers,
            )
        else:  # "status"
            self._send(
                h,
                rec,
                f.status or 500,
                f.body if f.body is not None else {"message": "Injected fault"},
                headers,
            )

    def _token_ok(self, token: str) -> bool:
        return self.valid_tokens is None or token in self.valid_tokens or token in self.app_tokens

    def _limit_message(self, token: str | None) -> str:
        """GitHub's primary rate-limit message for a token (or for the client IP)."""
        if token and self._token_ok(token):
            ident = self._identify(f"token {token}", "/")
            if isinstance(ident, Identity) and ident.user is not None:
                return f"API rate limit exceeded for user ID {ident.user.id}."
        return (
            "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
            "Authenticated requests get a higher rate limit. Check out the documentation "
            "for more details.)"
        )

    def _charge(self, ident: Identity, resource: str, units: int) -> Bucket | None:
        """Take ``units`` from the bucket; None when not enough remain."""
        with self._lock:
            b = self.bucket(ident.token, resource)
            if b.remaining <= 0 or b.remaining < units:
                return None
            b.used += units
            return b

    # ---- REST
    def _rest(
        self,
        h: _Handler,
        rec: RequestRecord,
        method: str,
        path: str,
        query: dict[str, str],
        rid: str,
        api_base: str,
        ident: Identity,
        raw_body: bytes = b"",
    ) -> None:
        headers = self._base_headers(rid, ident)
        resource = rec.resource
        reading = method in ("GET", "HEAD")
        found = rest.match_route(path) if reading else rest.match_write_route(method, path)
        if found is not None:
            rec.route = found[0].template
        if found is None:
            b = self._charge(ident, "core", 1) if resource != "none" else None
            if b is not None:
                rec.rate_cost = 1
            bb = b or self.bucket(ident.token, "core")
            headers.update(self._rate_headers(bb, "core"))
            self._send(
                h,
                rec,
                404,
                {"message": "Not Found", "documentation_url": rest.DOCS, "status": "404"},
                headers,
            )
            return
        route, params = found
        ctx = rest.RestContext(
            model=self.model,
            render=rest.Renderer(self.model, api_base, authenticated=ident.token is not None),
            base=api_base,
            path=path,
            query=query,
            authenticated=ident.token is not None,
            viewer=ident.user if ident.token else None,
            rate_limit_json=lambda: self.rate_limit_json(ident.token),
            method=method,
            body=raw_body,
        )
        try:
            with self.model.lock:
                result = rest.dispatch(ctx, route, params)
        except rest.HttpError as err:
            result = rest.RestResult(err.status, err.body)
        rec.repo = ctx.repo_name
        data = (
            b"" if result.body is None else json.dumps(result.body, separators=(",", ":")).encode()
        )
        headers.update(result.headers)
        conditional = bool(h.headers.get("If-None-Match") or h.headers.get("If-Modified-Since"))
        rec.conditional = conditional
        if result.status == 200:
            etag = f'W/"{hashlib.sha256(data).hexdigest()}"'
            lm = result.last_modified or self.model.last_modified
            headers["ETag"] = etag
            headers["Last-Modified"] = format_datetime(lm.astimezone(UTC), usegmt=True)
            headers["Cache-Control"] = "private, max-age=60, s-maxage=60"
            if self._not_modified(h, etag, lm) and resource != "none":
                b = self.bucket(ident.token, resource)
                headers.update(self._rate_headers(b, resource))
                rec.not_modified = True
                self._send(h, rec, 304, None, headers)
                return
        if resource == "none":
            b = self.bucket(ident.token, "core")
            headers.update(self._rate_headers(b, "core"))
        else:
            charged = self._charge(ident, resource, 1)
            if charged is None:
                b = self.bucket(ident.token, resource)
                headers.update(self._rate_headers(b, resource))
                for k in ("Link", "ETag", "Last-Modified", "Cache-Control"):
                    headers.pop(k, None)
                self._send(
                    h,
                    rec,
                    403,
                    {"message": self._limit_message(ident.token), "documentation_url": RATE_DOCS},
                    headers,
                )
                return
            rec.rate_cost = 1
            headers.update(self._rate_headers(charged, resource))
        self._send(
            h,
            rec,
            result.status,
            data if result.body is not None else None,
            headers,
            head_only=method == "HEAD",
        )

    @staticmethod
    def _not_modified(h: _Handler, etag: str, last_modified: datetime) -> bool:
        inm = h.headers.get("If-None-Match")
        if inm:
            tags = [t.strip() for t in inm.split(",")]
            bare = etag[2:] if etag.startswith("W/") else etag
            return "*" in tags or any(
                t in (etag, bare) or t.removeprefix("W/") == bare for t in tags
            )
        ims = h.headers.get("If-Modified-Since")
        if ims:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return last_modified.replace(microsecond=0) <= since
        return False

    # ---- GraphQL
    def schema(self):
        from .graphql_api import load_schema

        return load_schema(self.schema_path)

    def _graphql(
        self,
        h: _Handler,
        rec: RequestRecord,
        method: str,
        raw_body: bytes,
        rid: str,
        ident: Identity,
    ) -> None:
        from .graphql_api import SchemaMissing, run_query

        headers = self._base_headers(rid, ident)
        b = self.bucket(ident.token, "graphql")
        if method != "POST":
            headers.update(self._rate_headers(b, "graphql"))
            self._send(
                h, rec, 404, {"message": "Not Found", "documentation_url": rest.DOCS}, headers
            )
            return
        if ident.token is None:
            self._send(
                h,
                rec,
                401,
                {
                    "message": "This endpoint requires you to be authenticated.",
                    "documentation_url": "https://docs.github.com/graphql/guides/"
                    "forming-calls-with-graphql#authenticating-with-graphql",
                },
                headers,
            )
            return
        try:
            payload = json.loads(raw_body or b"null")
        except ValueError:
            headers.update(self._rate_headers(b, "graphql"))
            self._send(
                h,
                rec,
                400,
                {
                    "message": "Problems parsing JSON",
                    "documentation_url": "https://docs.github.com/graphql",
                },
                headers,
            )
            return
        try:
            schema = self.schema()
        except SchemaMissing as exc:
            self.internal_errors.append(str(exc))
            self._send(h, rec, 500, {"message": str(exc)}, headers)
            return
        charged: dict[str, Any] = {}

        def charge(cost: int, dry_run: bool) -> dict[str, Any] | None:
            with self._lock:
                bucket = self.bucket(ident.token, "graphql")
                if not dry_run:
                    if bucket.remaining <= 0 or bucket.remaining < cost:
                        return None
                    bucket.used += cost
                charged["bucket"] = bucket
                return {
                    "cost": cost,
                    "limit": bucket.limit,
                    "remaining": bucket.remaining,
                    "used": bucket.used,
                    "nodeCount": 0,
                    "resetAt": iso(datetime.fromtimestamp(math.ceil(bucket.reset), UTC)),
                }

        outcome = run_query(
            schema,
            payload,
            model=self.model,
            viewer=ident.user,
            is_app=ident.is_app,
            charge=charge,
            viewer_id=ident.user.id if ident.user else None,
        )
        rec.graphql_valid = outcome.valid
        rec.graphql_cost = outcome.cost if outcome.valid and not outcome.rate_limited else None
        rec.rate_cost = outcome.cost
        if outcome.errors:
            rec.graphql_errors = outcome.errors
        if not outcome.valid:
            with self._lock:
                self.invalid_graphql.append({"query": rec.graphql_query, "errors": outcome.errors})
        if outcome.internal_errors:
            self.internal_errors.extend(outcome.internal_errors)
        headers.update(self._rate_headers(self.bucket(ident.token, "graphql"), "graphql"))
        self._send(h, rec, 200, outcome.body, headers)

    # ---- GitHub App
    def _app_endpoints(
        self, h: _Handler, rec: RequestRecord, method: str, path: str, rid: str, api_base: str
    ) -> None:
        headers = self._base_headers(rid, None)
        rec.token = "jwt"
        app = {
            "id": 424242,
            "slug": "ospo-metrics",
            "node_id": "MDM6QXBwNDI0MjQy",
            "name": "OSPO Metrics",
            "description": "",
            "external_url": "https://example.com",
            "html_url": "https://github.com/apps/ospo-metrics",
            "owner": rest.Renderer(self.model, api_base).user(self.model.org)
            if self.model.primary_org
            else None,
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            "permissions": {
                "metadata": "read",
                "contents": "read",
                "issues": "read",
                "pull_requests": "read",
                "members": "read",
            },
            "events": [],
        }
        m = re.fullmatch(r"/app/installations/(\d+)/access_tokens", path)
        if path == "/app" and method == "GET":
            self._send(h, rec, 200, app, headers)
            return
        if path == "/app/installations" and method == "GET":
            self._send(
                h,
                rec,
                200,
                [self._installation(i, api_base, app) for i in self.installations],
                headers,
            )
            return
        m3 = re.fullmatch(r"/(?:orgs/([^/]+)|repos/([^/]+)/[^/]+)/installation", path)
        if m3 and method == "GET":
            owner = (m3.group(1) or m3.group(2)).lower()
            for inst_id, login in self.installations.items():
                if login.lower() == owner:
                    self._send(h, rec, 200, self._installation(inst_id, api_base, app), headers)
                    return
        m2 = re.fullmatch(r"/app/installations/(\d+)", path)
        if m2 and method == "GET" and int(m2.group(1)) in self.installations:
            self._send(h, rec, 200, self._installation(int(m2.group(1)), api_base, app), headers)
            return
        if m and method == "POST" and int(m.group(1)) in self.installations:
            n = len(self.app_tokens) + 1
            tok = "ghs_" + hashlib.sha1(f"{self.url}:{n}".encode()).hexdigest()[:36]
            expires = datetime.fromtimestamp(self.now(), UTC).replace(microsecond=0) + timedelta(
                hours=1
            )
            self.app_tokens[tok] = expires
            self._send(
                h,
                rec,
                201,
                {
                    "token": tok,
                    "expires_at": iso(expires),
                    "permissions": app["permissions"],
                    "repository_selection": "all",
                },
                headers,
            )
            return
        self._send(
            h,
            rec,
            404,
            {"message": "Not Found", "documentation_url": rest.DOCS, "status": "404"},
            headers,
        )

    def _installation(self, inst_id: int, api_base: str, app: dict[str, Any]) -> dict[str, Any]:
        org = self.model.get_org(self.installations[inst_id])
        r = rest.Renderer(self.model, api_base)
        return {
            "id": inst_id,
            "account": r.user(org),
            "app_id": app["id"],
            "app_slug": app["slug"],
            "target_id": org.id if org else None,
            "target_type": "Organization",
            "repository_selection": "all",
            "access_tokens_url": f"{api_base}/app/installations/{inst_id}/access_tokens",
            "repositories_url": f"{api_base}/installation/repositories",
            "html_url": f"https://github.com/organizations/{org.login if org else ''}"
            f"/settings/installations/{inst_id}",
            "permissions": app["permissions"],
            "events": [],
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            "single_file_name": None,
            "suspended_at": None,
            "suspended_by": None,
        }
