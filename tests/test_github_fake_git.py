"""The fake GitHub serves real git repositories over smart HTTP (`git http-backend`), with
GitHub's authentication rules: tests clone through HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

import requests
from github_fake import FakeGitHub
from github_fake.model import GitHubModel
from gitrepo import GitRepo


def _git(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    base.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
    return subprocess.run(
        ["git", *args], capture_output=True, text=True, env={**base, **(env or {})}, check=False
    )


def _header(token: str) -> dict[str, str]:
    value = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: Basic {value}",
    }


def _model(tmp_path: Path, visibility: str = "public") -> GitHubModel:
    model = GitHubModel()
    model.add_org("acme")
    work = GitRepo.init(tmp_path / "work")
    work.commit("first", {"README.md": "hi\n"})
    work.commit("second", {"a.py": "x = 1\n"})
    model.add_repo("acme", "tool", git_dir=work.path / ".git", visibility=visibility)
    return model


def test_a_public_repository_clones_over_http_and_the_listing_gives_its_url(tmp_path):
    with FakeGitHub(_model(tmp_path)) as server:
        listed = requests.get(
            f"{server.url}/orgs/acme/repos", headers={"Authorization": f"token {server.token}"}
        ).json()
        assert listed[0]["clone_url"] == f"{server.url}/acme/tool.git"
        done = _git("clone", "--mirror", "--quiet", listed[0]["clone_url"], str(tmp_path / "m"))
        assert done.returncode == 0, done.stderr
        log = _git("-C", str(tmp_path / "m"), "log", "--format=%s", "main")
        assert log.stdout.split() == ["second", "first"]
        assert any(r.path.endswith("git-upload-pack") for r in server.git_requests)
        assert sum(r.bytes_sent for r in server.git_requests) > 0


def test_enterprise_listings_give_clone_urls_on_the_web_host(tmp_path):
    with FakeGitHub(_model(tmp_path)) as server:
        listed = requests.get(
            f"{server.enterprise_url}/orgs/acme/repos",
            headers={"Authorization": f"token {server.token}"},
        ).json()
        assert listed[0]["clone_url"] == f"{server.url}/acme/tool.git"


def test_private_repositories_need_a_valid_token(tmp_path):
    with FakeGitHub(_model(tmp_path, visibility="private")) as server:
        url = f"{server.url}/acme/tool.git"
        anonymous = _git("clone", "--mirror", "--quiet", url, str(tmp_path / "a"))
        assert anonymous.returncode != 0
        assert server.git_requests[-1].status == 401
        wrong = _git("clone", "--mirror", "--quiet", url, str(tmp_path / "b"), env=_header("bad"))
        assert wrong.returncode != 0
        good = _git("clone", "--mirror", "-q", url, str(tmp_path / "c"), env=_header(server.token))
        assert good.returncode == 0, good.stderr


def test_unknown_repositories_and_pushes_are_refused(tmp_path):
    with FakeGitHub(_model(tmp_path)) as server:
        missing = _git("clone", "--mirror", "--quiet", f"{server.url}/acme/nope.git", "x")
        assert missing.returncode != 0
        assert server.git_requests[-1].status == 404
        answer = requests.get(f"{server.url}/acme/tool.git/info/refs?service=git-receive-pack")
        assert answer.status_code == 403
