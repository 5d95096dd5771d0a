"""A fake OpenSSF Scorecard REST API on 127.0.0.1: `GET /projects/{host}/{owner}/{name}`
answers with a stored result in Scorecard's JSON, 404 for a repository without one."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeScorecardApi:
    def __init__(self) -> None:
        self.results: dict[str, dict[str, Any]] = {}  # "github.com/owner/name" -> result
        self.status: dict[str, int] = {}  # forced HTTP status per repository
        self.requests: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append(self.path)
                prefix = "/projects/"
                key = self.path[len(prefix) :] if self.path.startswith(prefix) else ""
                status = fake.status.get(key)
                if status:
                    self._send(status, {"code": status, "message": "server error"})
                elif key in fake.results:
                    self._send(200, fake.results[key])
                else:
                    self._send(404, {"code": 404, "message": "fetching result: not found"})

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeScorecardApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def result(full_name: str, day: str, score: float, checks: dict[str, float]) -> dict:
    """A result in Scorecard's JSON v2 shape."""
    return {
        "date": day,
        "repo": {"name": f"github.com/{full_name}", "commit": "0" * 40},
        "scorecard": {"version": "v5.1.1", "commit": "1" * 40},
        "score": score,
        "checks": [
            {
                "details": None,
                "score": value,
                "reason": f"{name} reason",
                "name": name,
                "documentation": {"url": f"https://example.org/{name}", "short": name},
            }
            for name, value in checks.items()
        ],
        "metadata": None,
    }
