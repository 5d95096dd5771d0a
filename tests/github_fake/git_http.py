"""Git over smart HTTP for the fake GitHub: real repositories served by `git http-backend` (CGI).

A model repository with a `git_dir` (a bare or non-bare repository on disk) is clonable at
`{server}/{owner}/{name}.git` (one without serves an empty repository, as a new GitHub
repository is), as on GitHub and GitHub Enterprise Server (the web host, not the
API root). Only fetches are served (`git-upload-pack`); pushes are refused.

Authentication is checked like GitHub's: HTTP Basic with the token as the password (any user
name, e.g. `x-access-token`) or as the user name. Private repositories, and every repository
when `FakeGitHub.git_auth_required` is set, answer 401 with a `WWW-Authenticate: Basic`
challenge without valid credentials; a wrong token is 401 too. Every request is counted in
`FakeGitHub.git_requests` (method, path, status, bytes sent, the Authorization header seen).
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Repository
    from .server import FakeGitHub

GIT_PATH_RE = re.compile(
    r"^/(?P<owner>[A-Za-z0-9_.-]+)/(?P<name>[A-Za-z0-9_.-]+?)\.git"
    r"(?P<rest>/(?:info/refs|git-upload-pack|git-receive-pack|HEAD|objects/.*))$"
)


@dataclass
class GitRequest:
    method: str
    path: str
    status: int
    bytes_sent: int
    authorization: str | None
    repo: str | None


def empty_repository(folder: Path) -> Path:
    """A bare repository without commits under `folder` (made once)."""
    path = folder / "empty.git"
    if not path.exists():
        subprocess.run(["git", "init", "--bare", "--quiet", str(path)], check=True)
    return path


def is_git_path(path: str) -> bool:
    return GIT_PATH_RE.match(path) is not None


def _read_body(handler: Any) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()  # the blank line after the last chunk
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def _token_of(authorization: str | None) -> str | None:
    """The token in `Basic base64(user:token)` (or `token` as the user), or `Bearer/token X`."""
    if not authorization or " " not in authorization:
        return None
    scheme, value = authorization.split(None, 1)
    if scheme.lower() in ("bearer", "token"):
        return value.strip()
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(value.strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return password or user or None


def _authorized(app: FakeGitHub, token: str | None) -> bool:
    if token is None:
        return False
    if token in app.app_tokens:
        return True
    return app.valid_tokens is None or token in app.valid_tokens


def serve_git(app: FakeGitHub, handler: Any, path: str, query: str) -> None:
    """Answer one smart-HTTP request through `git http-backend`."""
    body = _read_body(handler)
    match = GIT_PATH_RE.match(path)
    assert match is not None
    authorization = handler.headers.get("Authorization")
    repo: Repository | None = app.model.get_repo(match["owner"], match["name"])
    record = GitRequest(handler.command, path, 0, 0, authorization, repo and repo.full_name)
    try:
        if repo is None:
            _plain(handler, record, 404, b"Repository not found.\n")
            return
        token = _token_of(authorization)
        needs_auth = repo.private or app.git_auth_required
        if (needs_auth or authorization) and not _authorized(app, token):
            _plain(
                handler,
                record,
                401,
                b"Invalid username or token.\n" if authorization else b"Authentication required\n",
                {"WWW-Authenticate": 'Basic realm="GitHub"'},
            )
            return
        if "receive-pack" in match["rest"] or "receive-pack" in query:
            _plain(handler, record, 403, b"Pushes are not accepted here.\n")
            return
        git_dir = Path(repo.git_dir) if repo.git_dir is not None else app.empty_git_dir()
        _cgi(handler, record, git_dir, match["rest"], query, body)
    finally:
        with app._lock:
            app.git_requests.append(record)


def _plain(
    handler: Any,
    record: GitRequest,
    status: int,
    text: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    for key, value in {"Content-Type": "text/plain", **(headers or {})}.items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(text)))
    handler.end_headers()
    handler.wfile.write(text)
    record.status, record.bytes_sent = status, len(text)


def _cgi(
    handler: Any, record: GitRequest, git_dir: Path, rest: str, query: str, body: bytes
) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GIT_PROJECT_ROOT": str(git_dir.parent),
        "GIT_HTTP_EXPORT_ALL": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "REQUEST_METHOD": handler.command,
        "PATH_INFO": f"/{git_dir.name}{rest}",
        "QUERY_STRING": query,
        "CONTENT_TYPE": handler.headers.get("Content-Type", ""),
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_USER": "fake",
        "HTTP_CONTENT_ENCODING": handler.headers.get("Content-Encoding", ""),
        "HTTP_GIT_PROTOCOL": handler.headers.get("Git-Protocol", ""),
        "GIT_PROTOCOL": handler.headers.get("Git-Protocol", ""),
    }
    proc = subprocess.run(
        ["git", "http-backend"], input=body, capture_output=True, env=env, check=False
    )
    head, _, payload = proc.stdout.partition(b"\r\n\r\n")
    if not _:
        head, _, payload = proc.stdout.partition(b"\n\n")
    status, headers = 200, []
    for line in head.decode("latin-1").splitlines():
        key, _, value = line.partition(":")
        if key.lower() == "status":
            status = int(value.strip().split()[0])
        elif key:
            headers.append((key.strip(), value.strip()))
    if proc.returncode != 0 and status == 200:
        status, payload, headers = 500, proc.stderr, [("Content-Type", "text/plain")]
    handler.send_response(status)
    for key, value in headers:
        if key.lower() != "content-length":
            handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)
    record.status, record.bytes_sent = status, len(payload)
