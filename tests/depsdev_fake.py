"""A fake deps.dev API v3 on 127.0.0.1: `GET /v3/systems/{system}/packages/{name}` answers in
deps.dev's GetPackage JSON; an unknown package is a 404 like deps.dev's, and a package can be
made to answer an HTTP error or a raw body (not JSON, the wrong shape)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote


def package(system: str, name: str, versions: list[tuple[str, str | None, bool]]) -> dict:
    """A GetPackage answer: versions as (version, publishedAt or None, isDefault)."""
    items = []
    for version, published, default in versions:
        item: dict[str, Any] = {
            "versionKey": {"system": system, "name": name, "version": version},
            "isDefault": default,
            "isDeprecated": False,
        }
        if published is not None:
            item["publishedAt"] = published
        items.append(item)
    return {"packageKey": {"system": system, "name": name}, "versions": items}


class FakeDepsDev:
    def __init__(self) -> None:
        self.packages: dict[tuple[str, str], dict] = {}  # (SYSTEM, name) -> answer
        self.status: dict[tuple[str, str], int] = {}  # forced HTTP status
        self.raw: dict[tuple[str, str], bytes] = {}  # forced 200 body
        self.requests: list[str] = []  # raw paths, as sent
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append(self.path)
                parts = self.path.split("/")
                # ['', 'v3', 'systems', SYSTEM, 'packages', NAME]
                if len(parts) != 6 or parts[1:3] != ["v3", "systems"] or parts[4] != "packages":
                    self._send(404, b'{"code":5,"message":"Not Found"}')
                    return
                key = (parts[3].upper(), unquote(parts[5]))
                if key in fake.status:
                    self._send(fake.status[key], b'{"code":13,"message":"internal error"}')
                elif key in fake.raw:
                    self._send(200, fake.raw[key])
                elif key in fake.packages:
                    self._send(200, json.dumps(fake.packages[key]).encode())
                else:
                    self._send(404, b'{"code":5,"message":"package not found"}')

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def add(self, system: str, name: str, versions: list[tuple[str, str | None, bool]]) -> None:
        self.packages[(system, name)] = package(system, name, versions)

    def __enter__(self) -> FakeDepsDev:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
