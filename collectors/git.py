"""Git collector: mines commits from a local clone or a URL cloned into a cache folder.

Reads history with `git log` only: one pass over the new commits, split into chunks that a few
`git log --no-walk --stdin` processes read in parallel, because computing diffs is what costs
and it uses every core that way. Identities go through `.mailmap` (`%aN`/`%aE`), trailers are
parsed by git itself (`%(trailers)`), and binary files count as changed files without lines.
The record format and its parser live in `collectors.gitlog`.

Mining commands read no user or system git configuration, and pin every setting that changes
what `git log --numstat` prints (rename detection, diff algorithm, root diffs, textconv...):
the same history gives the same line counts on every machine. Commands that talk to a remote
(clone, fetch) keep the user's configuration, where credential helpers and proxies live.
"""

from __future__ import annotations

import base64
import hashlib
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from collectors.base import CollectorError
from collectors.gitlog import LOG_OPTIONS, GitCommit, LogStream, parse_log

__all__ = ["GitCommit", "GitRepository", "GitSource", "parse_log", "prepare_repository"]

CHUNK_SIZE = 2000

# Settings that change what `git log --numstat` prints, pinned to git's own defaults, so a
# user's or repository's configuration never changes line counts (issue: diff.renames).
MINING_CONFIG = (
    "diff.renames=true",  # rename detection on, copies off: a moved file is not all new lines
    "diff.renameLimit=1000",
    "diff.algorithm=myers",
    "diff.ignoreSubmodules=none",
    "log.showRoot=true",  # the root commit's files count as added
    "log.showSignature=false",  # no gpg output inside the records
    "core.quotePath=true",  # paths with newlines stay on one line
    "core.attributesFile=" + os.devnull,  # no ~/.config/git/attributes (binary, -diff)
    "i18n.logOutputEncoding=UTF-8",
)
MINING_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_NO_REPLACE_OBJECTS": "1",  # `git replace` must not rewrite the history we read
    # Block-buffered output even into a pipe: by default git flushes `git log` after every
    # commit there, one write for git and one read and parse call for us per commit (about
    # 450 bytes each), which cost the collector more CPU than parsing the records does.
    "GIT_FLUSH": "0",
}
# What `git log` is told besides the format: no external diff or textconv filters.
_LOG_ARGS = ("log", "--numstat", "--no-color", "--no-ext-diff", "--no-textconv", *LOG_OPTIONS)

ShallowPolicy = Literal["refuse", "unshallow"]


class EmptyRepository(CollectorError):
    """The repository has no commits yet: nothing to collect, which is not a failure."""


class ShallowRepository(CollectorError):
    """The clone's history is cut; collecting it would store a wrong boundary commit."""


@dataclass(frozen=True)
class GitSource:
    """A repository to mine: `path` (a local clone) or `url` (cloned into the cache folder)."""

    name: str
    path: Path | None = None
    url: str | None = None
    refs: tuple[str, ...] = ()
    # A shallow clone: refuse it (default), or fetch its whole history first.
    shallow: ShallowPolicy = "refuse"

    @property
    def display_source(self) -> str:
        """Where the repository comes from, with any credentials in a URL removed."""
        if self.url:
            return strip_credentials(self.url)
        return str(self.path)


_CREDENTIALS_RE = re.compile(r"(?<=://)[^/@\s]+@")


def scrub_credentials(text: str) -> str:
    """Remove `user:token@` from every URL in a message (git echoes URLs in its errors)."""
    return _CREDENTIALS_RE.sub("", text)


def strip_credentials(url: str) -> str:
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return url


def credentials_apart(url: str) -> tuple[str, dict[str, str]]:
    """Split `https://user:secret@host/…` into the URL without them and the environment that
    gives them to git as an HTTP header for that host only, so they never reach the mirror's
    `.git/config` (a 0644 file) or git's command line (the process list)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.password is None:
        return url, {}  # an ssh user name, or no user at all: nothing secret in the URL
    user, password = unquote(parts.username or ""), unquote(parts.password)
    clean = strip_credentials(url)
    basic = base64.b64encode(f"{user}:{password}".encode()).decode()
    netloc = urlsplit(clean).netloc
    return clean, {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"http.{parts.scheme}://{netloc}/.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
    }


class GitRepository:
    """A git repository on disk, read through the `git` binary."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, input_text: str | None = None) -> str:
        """Run a mining (read-only, local) git command, with the configuration pinned."""
        return run_git(["-C", str(self.path), *args], input_text=input_text, pinned=True)

    def git_bytes(self, *args: str) -> bytes:
        return run_git_bytes(["-C", str(self.path), *args], pinned=True)

    def _try(self, *args: str) -> str | None:
        try:
            return self.git(*args).strip()
        except CollectorError:
            return None

    def default_ref(self) -> str:
        """The branch HEAD points at, or `HEAD` itself when it is detached."""
        return self._try("symbolic-ref", "--quiet", "--short", "HEAD") or "HEAD"

    def branches(self) -> list[str]:
        out = self.git("for-each-ref", "--format=%(refname:short)", "refs/heads/", "refs/tags/")
        return out.split()

    def is_empty(self) -> bool:
        """True when no ref points anywhere: a new repository without a first commit."""
        return not self.git("for-each-ref", "--count=1", "--format=%(objectname)").strip()

    def resolve_refs(self, refs: Sequence[str]) -> dict[str, str]:
        """Map each ref (default: the branch HEAD points at) to the commit it points to.

        Raises `EmptyRepository` for a repository without commits, and a `CollectorError`
        that names the existing branches when a ref does not exist.
        """
        configured = bool(refs)
        names = list(refs) or [self.default_ref()]
        tips: dict[str, str] = {}
        for name in names:
            sha = self._try("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
            if sha:
                tips[name] = sha
                continue
            if self.is_empty():
                raise EmptyRepository(f"{self.path} is empty: it has no commits yet")
            known = ", ".join(self.branches()[:10]) or "none"
            if configured:
                raise CollectorError(
                    f"{self.path}: ref {name!r} does not exist (branches and tags: {known}); "
                    "check `refs` in the config"
                )
            raise CollectorError(
                f"{self.path}: HEAD points at {name!r}, which has no commits (branches and "
                f"tags: {known}); set `refs` in the config to the branches to collect"
            )
        return tips

    def _history_files(self) -> dict[str, Path]:
        """The shallow and graft files, where this repository keeps them (they may not exist)."""
        names = ("shallow", "info/grafts")
        args = [part for name in names for part in ("--git-path", name)]
        paths = [Path(line) for line in self.git("rev-parse", *args).splitlines()]
        return {
            name: p if p.is_absolute() else self.path / p
            for name, p in zip(names, paths, strict=True)
        }

    def is_shallow(self) -> bool:
        return self._history_files()["shallow"].is_file()

    def history_fingerprint(self) -> str | None:
        """A digest of what cuts or rewires history behind the tips (shallow and graft files).

        None for an ordinary repository; it changes when the clone is deepened or unshallowed,
        which moves no ref tip but changes which commits (and parents) are reachable.
        """
        digest = hashlib.sha256()
        found = False
        for name, path in self._history_files().items():
            if path.is_file():
                found = True
                digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest() if found else None

    def existing(self, shas: Sequence[str]) -> list[str]:
        """The subset of `shas` that are still commits here (history can be rewritten)."""
        if not shas:
            return []
        out = self.git("cat-file", "--batch-check", input_text="\n".join(shas) + "\n")
        return [
            line.split()[0]
            for line in out.splitlines()
            if line.endswith(" commit") or " commit " in line
        ]

    def is_ancestor(self, old: str, new: str) -> bool:
        """True when `new` contains `old`: the ref moved forward, nothing was rewritten."""
        if old == new:
            return True
        try:
            run_git(["-C", str(self.path), "merge-base", "--is-ancestor", old, new], pinned=True)
        except CollectorError:
            return False
        return True

    def new_commits(self, tips: Sequence[str], known_tips: Sequence[str]) -> list[str]:
        """Commits reachable from `tips` but not from `known_tips`, oldest first."""
        args = ["rev-list", "--reverse", *tips]
        still_there = self.existing(known_tips)
        if still_there:
            args += ["--not", *still_there]
        return self.git(*args).split()

    def reachable(self, tips: Sequence[str]) -> dict[str, str]:
        """Every commit reachable from `tips`, oldest first, with its space-separated parents."""
        out = self.git("rev-list", "--reverse", "--parents", *tips)
        reachable = {}
        for line in out.splitlines():
            sha, _, parents = line.partition(" ")
            reachable[sha] = parents
        return reachable

    def read_object(self, sha: str) -> bytes:
        """The raw commit object (for metadata `git log` cannot print)."""
        return self.git_bytes("cat-file", "commit", sha)

    def mailmap_options(self) -> list[str]:
        """Use the committed `.mailmap` even when there is no work tree to read it from."""
        has_worktree_mailmap = (self.path / ".mailmap").is_file()
        if has_worktree_mailmap:
            return []
        try:
            self.git("cat-file", "-e", "HEAD:.mailmap")
        except CollectorError:
            return []
        return ["-c", "mailmap.blob=HEAD:.mailmap"]

    def read_commits(
        self, shas: Sequence[str], jobs: int | None = None
    ) -> Iterator[list[GitCommit]]:
        """Yield parsed commits in batches of `CHUNK_SIZE`, read by up to `jobs` parallel
        `git log` processes, each streaming one contiguous range of the history.

        Few long processes rather than many short ones: each new process starts with cold
        caches, which costs more CPU than the chunking saves. Batches come back in completion
        order, not history order: the store does not care, and waiting would idle a core.
        """
        if not shas:
            return
        jobs = max(1, jobs or min(4, os.cpu_count() or 1))
        parts = max(1, min(-(-len(shas) // CHUNK_SIZE), jobs * 2))
        size = -(-len(shas) // parts)
        ranges: queue.Queue[list[str]] = queue.Queue()
        for start in range(0, len(shas), size):
            ranges.put(list(shas[start : start + size]))
        results: queue.Queue[list[GitCommit] | BaseException | None] = queue.Queue(maxsize=jobs * 2)
        stop = threading.Event()
        mailmap = self.mailmap_options()

        def worker() -> None:
            try:
                while not stop.is_set():
                    try:
                        part = ranges.get_nowait()
                    except queue.Empty:
                        break
                    for batch in self._stream_log(mailmap, part, stop):
                        results.put(batch)
            except BaseException as exc:  # handed to the consumer, which re-raises it
                results.put(exc)
            finally:
                results.put(None)

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(jobs)]
        for thread in threads:
            thread.start()
        finished = 0
        try:
            while finished < jobs:
                item = results.get()
                if item is None:
                    finished += 1
                elif isinstance(item, BaseException):
                    raise item
                else:
                    yield item
        finally:
            stop.set()
            while finished < jobs:  # drain so blocked workers can exit
                if results.get() is None:
                    finished += 1

    def _stream_log(
        self, mailmap: list[str], shas: list[str], stop: threading.Event
    ) -> Iterator[list[GitCommit]]:
        """One `git log` over `shas`, parsed while it runs, in batches of `CHUNK_SIZE`."""
        args = [*mailmap, "-C", str(self.path), *_LOG_ARGS, "--no-walk=unsorted", "--stdin"]
        command, env = _git_command(args, pinned=True)
        stream = LogStream(self.read_object)
        pending: list[GitCommit] = []
        with tempfile.TemporaryFile() as errors:
            try:
                proc = subprocess.Popen(
                    command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=env
                )
            except FileNotFoundError:
                raise CollectorError("the `git` program is not installed or not on PATH") from None
            try:
                try:  # git reads every revision before it prints anything
                    proc.stdin.write(("\n".join(shas) + "\n").encode())
                    proc.stdin.close()
                except BrokenPipeError:
                    pass  # git stopped early; its error is in `errors`
                while data := proc.stdout.read1(1 << 20):
                    if stop.is_set():
                        return
                    pending += stream.feed(data)
                    while len(pending) >= CHUNK_SIZE:
                        yield pending[:CHUNK_SIZE]
                        del pending[:CHUNK_SIZE]
                if proc.wait() != 0:
                    errors.seek(0)
                    raise git_error(args, proc.returncode, errors.read())
                pending += stream.close()
                if pending:
                    yield pending
            finally:
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
                proc.stdout.close()


@cache
def _trusted_directories() -> tuple[str, ...]:
    """The user's `safe.directory` entries: pinned commands read no user configuration, but a
    repository owned by another account that the user trusts must stay readable."""
    try:
        proc = subprocess.run(
            ["git", "config", "--includes", "--get-all", "safe.directory"],
            capture_output=True,
            cwd="/",  # outside any repository: only the system and the user's files
            env={**os.environ, "LC_ALL": "C"},
            check=False,
        )
    except FileNotFoundError:
        return ()
    return tuple(proc.stdout.decode("utf-8", "replace").splitlines())


def _git_command(
    args: Sequence[str], pinned: bool, extra_env: Mapping[str, str] | None = None
) -> tuple[list[str], dict[str, str]]:
    # `extra_env` carries what must never reach argv or a file, e.g. an Authorization header
    # as GIT_CONFIG_KEY_n/GIT_CONFIG_VALUE_n (see collectors.mirrors.auth_env).
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(extra_env or {})}
    if not pinned:
        return ["git", *args], env
    settings = [*MINING_CONFIG, *(f"safe.directory={d}" for d in _trusted_directories())]
    options = [part for setting in settings for part in ("-c", setting)]
    return ["git", *options, *args], {**env, **MINING_ENV}


def run_git_bytes(
    args: Sequence[str],
    input_text: str | None = None,
    *,
    pinned: bool = False,
    extra_env: Mapping[str, str] | None = None,
) -> bytes:
    """Run git and return its raw stdout; a failure becomes a `CollectorError` without secrets.

    `pinned` is for mining commands: no user or system configuration, and the settings that
    shape `git log` output fixed. Leave it off for commands that talk to a remote.
    """
    command, env = _git_command(args, pinned, extra_env)
    try:
        proc = subprocess.run(
            command,
            input=input_text.encode() if input_text is not None else None,
            capture_output=True,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise CollectorError("the `git` program is not installed or not on PATH") from None
    if proc.returncode != 0:
        raise git_error(args, proc.returncode, proc.stderr)
    return proc.stdout


def git_error(args: Sequence[str], returncode: int, stderr: bytes) -> CollectorError:
    """What a failed git command said, in one line, without credentials."""
    message = stderr.decode("utf-8", "replace").strip().splitlines()
    shown = " ".join(strip_credentials(a) if "://" in a else a for a in args[:4])
    detail = message[-1] if message else f"exit code {returncode}"
    return CollectorError(scrub_credentials(f"git {shown} failed: {detail}"))


def run_git(
    args: Sequence[str],
    input_text: str | None = None,
    *,
    pinned: bool = False,
    extra_env: Mapping[str, str] | None = None,
) -> str:
    return run_git_bytes(args, input_text, pinned=pinned, extra_env=extra_env).decode(
        "utf-8", "replace"
    )


def ensure_full_history(repo: GitRepository, source: GitSource) -> None:
    """Refuse a shallow clone, or fetch its whole history, as `source.shallow` says.

    A shallow clone's oldest commits look like root commits: stored as they are, each would
    carry its whole tree as one diff (hundreds of thousands of lines) and no parent.
    """
    if not repo.is_shallow():
        return
    if source.shallow == "unshallow":
        run_git(["-C", str(repo.path), "fetch", "--unshallow", "--quiet"])
        if not repo.is_shallow():
            return
    raise ShallowRepository(
        f"{source.name}: {repo.path} is a shallow clone (its history is cut), so its oldest "
        "commits would be counted wrong; run `git fetch --unshallow` there, or set "
        "`shallow: unshallow` on this repository in the config to let the collector do it"
    )


def prepare_repository(source: GitSource, cache_dir: Path) -> GitRepository:
    """Return the repository to read: the local clone, or a bare mirror refreshed from the URL."""
    if source.path is not None:
        if not source.path.exists():
            raise CollectorError(f"{source.name}: the folder {source.path} does not exist")
        repo = GitRepository(source.path)
        try:
            repo.git("rev-parse", "--git-dir")
        except CollectorError:
            raise CollectorError(f"{source.name}: {source.path} is not a git repository") from None
        return repo
    if not source.url:
        raise CollectorError(f"{source.name}: neither a path nor a URL is configured")
    mirror = cache_dir / (source.name.replace("/", "__") + ".git")
    # follow_url: a mirror cloned by an earlier version kept the credentials in its config.
    url, credentials = credentials_apart(source.url)
    refresh_mirror(mirror, url, extra_env=credentials, follow_url=True)
    return GitRepository(mirror)


def refresh_mirror(
    mirror: Path,
    url: str,
    *,
    extra_env: Mapping[str, str] | None = None,
    follow_url: bool = False,
    refspecs: Sequence[str] = (),
    head: str | None = None,
) -> bool:
    """Make `mirror` a bare mirror of `url`: fetch when it exists, else clone; True if cloned.

    `follow_url` points an existing mirror at `url` first (a renamed repository keeps its
    mirror). `extra_env` goes to git's environment only (credentials: see _git_command).
    `refspecs` limits a new mirror to those refs (GitHub's `refs/pull/*` can outweigh the
    branches), with HEAD on branch `head`; without them it is `git clone --mirror`.
    """
    if mirror.exists():
        if follow_url:
            current = run_git(["-C", str(mirror), "config", "--get", "remote.origin.url"]).strip()
            if current != url:
                run_git(["-C", str(mirror), "remote", "set-url", "origin", url])
        run_git(["-C", str(mirror), "fetch", "--prune", "--quiet", "origin"], extra_env=extra_env)
        return False
    mirror.parent.mkdir(parents=True, exist_ok=True)
    partial = mirror.with_suffix(".partial")
    if partial.exists():
        shutil.rmtree(partial)
    # Clone under a temporary name: a half-finished clone must not look like a mirror.
    if not refspecs:
        run_git(["clone", "--mirror", "--quiet", url, str(partial)], extra_env=extra_env)
        partial.rename(mirror)
        return True
    git_dir = ["-C", str(partial)]
    run_git(["init", "--bare", "--quiet", str(partial)])
    run_git([*git_dir, "config", "remote.origin.url", url])
    for spec in refspecs:
        run_git([*git_dir, "config", "--add", "remote.origin.fetch", spec])
    if head:
        run_git([*git_dir, "symbolic-ref", "HEAD", f"refs/heads/{head}"])
    run_git([*git_dir, "fetch", "--prune", "--quiet", "origin"], extra_env=extra_env)
    partial.rename(mirror)
    return True


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
