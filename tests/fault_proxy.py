"""A fault-injecting HTTP proxy on loopback in front of the fake GitHub (no tests here).

The collector talks to the proxy exactly as it would to GitHub (its `github.base_url`); the
proxy forwards every request to the fake server and, when a rule matches, breaks the answer the
way real networks and servers do. Rules match the request path (a regular expression, searched
in the path without its query) and fire `times` times after letting `skip` matching requests
through.

Fault kinds (:data:`KINDS`):

- ``status``: an error answer of the rule's status, headers and JSON body (401, 403 with a
  reset, 403/429 with Retry-After, 5xx, 404 ...);
- ``timeout``: wait `delay` seconds before answering (longer than the client's timeout);
- ``reset_mid_body``: the headers and half the body, then the connection is reset (RST);
- ``truncated_json``: the real answer with its body cut in half (Content-Length matches);
- ``html_200``: a proxy's HTML error page with status 200;
- ``empty_200``: status 200 and no body;
- ``dict_for_list``: a JSON object where the API answers a list;
- ``missing_link``: the real answer without its `Link` header (pagination lost);
- ``short_page``: the real list without its last item and without `Link` (a cut listing);
- ``redirect_other_host``: a 307 to another host (a second loopback server answering `[]`);
- ``no_pull_request_url``: the real list of review comments, without `pull_request_url`.

`Link` headers of forwarded answers are rewritten to point at the proxy, so every page of a
listing passes through it.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

KINDS = (
    "status",
    "timeout",
    "reset_mid_body",
    "truncated_json",
    "html_200",
    "empty_200",
    "dict_for_list",
    "missing_link",
    "short_page",
    "redirect_other_host",
    "no_pull_request_url",
)


@dataclass
class Rule:
    kind: str
    path: re.Pattern[str]
    times: int | None = 1  # None: for ever
    skip: int = 0
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0
    seen: int = 0
    fired: int = 0

    def take(self, path: str) -> bool:
        if not self.path.search(path):
            return False
        self.seen += 1
        if self.seen <= self.skip or (self.times is not None and self.fired >= self.times):
            return False
        self.fired += 1
        return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (its timeout, a SIGKILL) closes the socket under our answer:
        # expected here, so not printed. Anything else is printed as usual.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FaultProxy:
    def __init__(self, upstream: str, *, clock: Callable[[], float] = time.time) -> None:
        self.upstream = upstream.rstrip("/")
        self.clock = clock  # the fake's clock, for X-RateLimit-Reset
        self.rules: list[Rule] = []
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status) as answered
        self._lock = threading.Lock()
        self._servers: list[_Server] = []
        self.url = ""
        self.other_host = ""

    # ---- rules ------------------------------------------------------------------------------

    def add(self, kind: str, path: str, **options: Any) -> Rule:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        rule = Rule(kind, re.compile(path), **options)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def _rule_for(self, path: str) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.take(path):
                    return rule
        return None

    # ---- life -------------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                proxy._handle(self)

            def do_POST(self) -> None:
                proxy._handle(self)

        class Elsewhere(BaseHTTPRequestHandler):
            """The host a hostile redirect points at: answers `[]` to everything."""

            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"[]")

        main = _Server(("127.0.0.1", 0), Handler)
        other = _Server(("127.0.0.1", 0), Elsewhere)
        self._servers = [main, other]
        for server in self._servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{main.server_address[1]}"
        # Another host name as well as another port: "localhost" is not "127.0.0.1".
        self.other_host = f"http://localhost:{other.server_address[1]}"
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []

    # ---- forwarding -------------------------------------------------------------------------

    def _forward(self, h: BaseHTTPRequestHandler, body: bytes) -> tuple[int, list, bytes]:
        target = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        headers = {k: v for k, v in h.headers.items() if k.lower() not in ("host", "connection")}
        try:
            connection.request(h.command, h.path, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            answer_headers = [
                (k, v.replace(self.upstream, self.url) if k.lower() == "link" else v)
                for k, v in response.getheaders()
                if k.lower() not in ("connection", "transfer-encoding", "content-length")
            ]
            return response.status, answer_headers, data
        finally:
            connection.close()

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        path = urlsplit(h.path).path
        rule = self._rule_for(path)
        kind = rule.kind if rule else None
        if kind == "timeout":
            time.sleep(rule.delay)
        if kind == "status":
            headers = {"Content-Type": "application/json; charset=utf-8", **rule.headers}
            if "X-RateLimit-Reset" in headers and headers["X-RateLimit-Reset"].startswith("+"):
                headers["X-RateLimit-Reset"] = str(
                    int(self.clock() + float(headers["X-RateLimit-Reset"]))
                )
            data = json.dumps(rule.body if rule.body is not None else {"message": "fault"}).encode()
            return self._answer(h, rule.status, list(headers.items()), data)
        if kind == "html_200":
            page = b"<html><body><h1>502 Bad Gateway</h1>upstream timed out</body></html>"
            return self._answer(h, 200, [("Content-Type", "text/html")], page)
        if kind == "empty_200":
            return self._answer(h, 200, [("Content-Type", "application/json")], b"")
        if kind == "redirect_other_host":
            location = self.other_host + h.path
            return self._answer(h, 307, [("Location", location)], b"")
        status, headers, data = self._forward(h, body)
        if kind == "truncated_json":
            data = data[: max(1, len(data) // 2)]
        elif kind == "dict_for_list":
            data = json.dumps(
                {"message": "not a list", "items": json.loads(data or b"[]")}
            ).encode()
        elif kind in ("missing_link", "short_page"):
            headers = [(k, v) for k, v in headers if k.lower() != "link"]
            if kind == "short_page":
                data = json.dumps(json.loads(data)[:-1]).encode()
        elif kind == "no_pull_request_url":
            items = json.loads(data or b"[]")
            for item in items if isinstance(items, list) else []:
                item.pop("pull_request_url", None)
            data = json.dumps(items).encode()
        elif kind == "reset_mid_body":
            return self._reset(h, status, headers, data)
        self._answer(h, status, headers, data)

    def _answer(self, h: BaseHTTPRequestHandler, status: int, headers: list, data: bytes) -> None:
        with self._lock:
            self.requests.append((h.command, urlsplit(h.path).path, status))
        h.send_response(status)
        for key, value in headers:
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
        h.wfile.flush()

    def _reset(self, h: BaseHTTPRequestHandler, status: int, headers: list, data: bytes) -> None:
        with self._lock:
            self.requests.append((h.command, urlsplit(h.path).path, -1))
        h.send_response(status)
        for key, value in headers:
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data[: len(data) // 2])
        h.wfile.flush()
        # SO_LINGER 0: close() sends a RST instead of a FIN, as a dropped connection does.
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.close_connection = True
        h.connection.close()

    def count(self, path: str = "", status: int | None = None) -> int:
        pattern = re.compile(path)
        with self._lock:
            return sum(
                1
                for _, p, s in self.requests
                if pattern.search(p) and (status is None or s == status)
            )
