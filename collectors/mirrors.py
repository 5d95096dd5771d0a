"""Mirrors of GitHub repositories: bare clones under the data folder, kept by `git fetch`.

Every repository of a configured organization (and every `github:` repository) gets a bare
mirror at `ROOT/<host>/<GitHub id>.git`: keyed by the id GitHub keeps through renames and
transfers, so a renamed repository keeps its one history (the mirror's remote follows the new
clone URL). Only branches and tags are mirrored (GitHub's `refs/pull/*` would cost more than
the history we mine). Later runs only fetch. Several repositories are mirrored at once.

The credential (a token, or a GitHub App installation token) reaches git as an HTTP header in
`GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` environment variables, scoped to the
clone URL's host: never in argv (the process list), a remote URL, `.git/config` or any file,
and error texts are scrubbed of it.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from collectors.base import CollectorError
from collectors.git import refresh_mirror

REFSPECS = ("+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")

# Returns the token to send (None: anonymous); called once per repository, so a GitHub App
# installation token that expired in between is renewed.
TokenSource = Callable[[], str | None]


@dataclass(frozen=True)
class MirrorTarget:
    """A repository to mirror, as the GitHub listing described it."""

    full_name: str
    platform_id: int
    clone_url: str
    default_branch: str | None = None
    size_kb: int | None = None
    is_fork: bool = False
    is_archived: bool = False


@dataclass(frozen=True)
class MirrorPolicy:
    """Which repositories are mirrored: the `mirrors:` settings of the configuration."""

    forks: bool = False
    archived: bool = True
    max_size_kb: int | None = None

    def skip_reason(self, target: MirrorTarget) -> str | None:
        """Why `target` is not mirrored (a short label), or None to mirror it."""
        if target.is_fork and not self.forks:
            return "forks"
        if target.is_archived and not self.archived:
            return "archived"
        if self.max_size_kb is not None and (target.size_kb or 0) > self.max_size_kb:
            return "too large"
        return None


@dataclass
class Mirrored:
    """The outcome of one mirror: its path, whether it was cloned now, or what went wrong."""

    target: MirrorTarget
    path: Path
    cloned: bool = False
    error: str | None = None
    seconds: float = 0.0


def mirror_path(root: Path, clone_url: str, platform_id: int) -> Path:
    """Where a repository's mirror lives: by host (github.com or a GHES host) and GitHub id."""
    host = (urlsplit(clone_url).hostname or "github").lower()
    port = urlsplit(clone_url).port
    return root / (f"{host}_{port}" if port else host) / f"{platform_id}.git"


def auth_env(token: str | None, clone_url: str) -> dict[str, str]:
    """Environment variables that make git send `token` to the clone URL's host only."""
    if not token:
        return {}
    parts = urlsplit(clone_url)
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"http.{parts.scheme}://{parts.netloc}/.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
    }


def explain(error: str, target: MirrorTarget, credential: str) -> str:
    """A failed mirror's error with what to change (git's own words stay at the end)."""
    text = error.lower()
    # HTTP statuses as whole numbers: a port such as 40469 in the message is no 404.
    statuses = set(re.findall(r"\b[45]\d\d\b", text))
    if statuses & {"401", "403"} or any(
        sign in text for sign in ("authentication failed", "could not read username")
    ):
        hint = (
            f"GitHub refused {credential} for git: it needs read access to the repository's "
            "contents (classic token: `repo` scope for private repositories; fine-grained token "
            "or GitHub App: Contents: read)"
        )
    elif "not found" in text or "404" in statuses:
        hint = (
            f"{target.clone_url} was not found: renamed, transferred or deleted since the last "
            "listing? `ospo-metrics collect github` lists the organization again"
        )
    elif any(sign in text for sign in ("could not resolve", "connect", "timed out", "ssl")):
        hint = (
            f"could not reach {urlsplit(target.clone_url).netloc}: check the network, a proxy "
            "(https_proxy) or `github.base_url`"
        )
    else:
        hint = "git could not mirror it"
    return f"{target.full_name}: {hint} ({error})"


def mirror_one(target: MirrorTarget, root: Path, token: TokenSource, credential: str) -> Mirrored:
    """Clone or fetch one mirror; a failure is returned, not raised."""
    path = mirror_path(root, target.clone_url, target.platform_id)
    started = time.monotonic()
    secret = None
    try:
        secret = token()
        cloned = refresh_mirror(
            path,
            target.clone_url,
            extra_env=auth_env(secret, target.clone_url),
            follow_url=True,
            refspecs=REFSPECS,
            head=target.default_branch,
        )
    except CollectorError as exc:
        message = str(exc).replace(secret, "***") if secret else str(exc)
        return Mirrored(
            target, path, error=explain(message, target, credential), seconds=_since(started)
        )
    return Mirrored(target, path, cloned=cloned, seconds=_since(started))


def mirror_all(
    targets: Iterable[MirrorTarget],
    root: Path,
    token: TokenSource,
    *,
    parallel: int = 4,
    credential: str = "the credential",
) -> Iterator[Mirrored]:
    """Mirror every target, `parallel` at a time; outcomes come back as they finish, so the
    caller mines one repository while the next ones are still fetching."""
    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="mirror") as pool:
        futures = [pool.submit(mirror_one, t, root, token, credential) for t in targets]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:  # an interrupted caller: start nothing new
                future.cancel()


def _since(started: float) -> float:
    return time.monotonic() - started
