"""Git collector: mines commits from a local clone or a URL cloned into a cache folder.

Reads history with `git log` only: one pass over the new commits, split into chunks that a few
`git log --no-walk --stdin` processes read in parallel, because computing diffs is what costs
and it uses every core that way. Identities go through `.mailmap` (`%aN`/`%aE`), trailers are
parsed by git itself (`%(trailers)`), and binary files count as changed files without lines.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from collectors.base import CollectorError

FIELD = "\x1f"
RECORD = "\x1e"
TRAILER_SEP = "\x1d"
_FORMAT = FIELD.join(
    [
        RECORD + "%H",
        "%P",
        "%aN",
        "%aE",
        "%aI",
        "%cN",
        "%cE",
        "%cI",
        "%(trailers:key=Signed-off-by,valueonly=true,separator=%x1d)",
        "%(trailers:key=Co-authored-by,valueonly=true,separator=%x1d)",
        "%s",
    ]
)
_PERSON_RE = re.compile(r"^\s*(?P<name>.*?)\s*<(?P<email>[^>]*)>\s*$")
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class GitCommit:
    """One commit as git reports it (after .mailmap), before identity resolution."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    authored_at: datetime  # aware, in the author's own offset
    committer_name: str
    committer_email: str
    committed_at: datetime
    additions: int
    deletions: int
    files_changed: int
    binary_files: int
    signed_off_by: tuple[tuple[str, str], ...]  # (name, email)
    co_authors: tuple[tuple[str, str], ...]
    subject: str

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


@dataclass(frozen=True)
class GitSource:
    """A repository to mine: `path` (a local clone) or `url` (cloned into the cache folder)."""

    name: str
    path: Path | None = None
    url: str | None = None
    refs: tuple[str, ...] = ()

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


class GitRepository:
    """A git repository on disk, read through the `git` binary."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, input_text: str | None = None) -> str:
        return run_git(["-C", str(self.path), *args], input_text=input_text)

    def resolve_refs(self, refs: Sequence[str]) -> dict[str, str]:
        """Map each ref (default: the branch HEAD points at) to the commit it points to."""
        names = list(refs) or [self.git("symbolic-ref", "--short", "HEAD").strip()]
        tips: dict[str, str] = {}
        for name in names:
            try:
                tips[name] = self.git(
                    "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"
                ).strip()
            except CollectorError:
                raise CollectorError(
                    f"{self.path}: ref {name!r} does not exist; check `refs` in the config"
                ) from None
        return tips

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

    def new_commits(self, tips: Sequence[str], known_tips: Sequence[str]) -> list[str]:
        """Commits reachable from `tips` but not from `known_tips`, oldest first."""
        args = ["rev-list", "--reverse", *tips]
        still_there = self.existing(known_tips)
        if still_there:
            args += ["--not", *still_there]
        return self.git(*args).split()

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
        """Yield parsed commits in chunks, read by up to `jobs` parallel `git log` processes.

        Chunks come back in completion order, not history order: the store does not care, and
        waiting for order would idle a core.
        """
        if not shas:
            return
        jobs = max(1, jobs or min(4, os.cpu_count() or 1))
        chunks: queue.Queue[list[str] | None] = queue.Queue()
        for start in range(0, len(shas), CHUNK_SIZE):
            chunks.put(list(shas[start : start + CHUNK_SIZE]))
        results: queue.Queue[list[GitCommit] | BaseException | None] = queue.Queue(maxsize=jobs * 2)
        stop = threading.Event()
        mailmap = self.mailmap_options()

        def worker() -> None:
            try:
                while not stop.is_set():
                    try:
                        chunk = chunks.get_nowait()
                    except queue.Empty:
                        break
                    output = run_git(
                        [
                            *mailmap,
                            "-C",
                            str(self.path),
                            "log",
                            "--no-walk=unsorted",
                            "--stdin",
                            "--numstat",
                            "--no-color",
                            f"--format={_FORMAT}",
                        ],
                        input_text="\n".join(chunk) + "\n",
                    )
                    results.put(parse_log(output))
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


def run_git(args: Sequence[str], input_text: str | None = None) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(
            ["git", *args],
            input=input_text.encode() if input_text is not None else None,
            capture_output=True,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise CollectorError("the `git` program is not installed or not on PATH") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        command = " ".join(strip_credentials(a) if "://" in a else a for a in args[:4])
        detail = message[-1] if message else f"exit code {proc.returncode}"
        raise CollectorError(scrub_credentials(f"git {command} failed: {detail}"))
    return proc.stdout.decode("utf-8", "replace")


def parse_log(output: str) -> list[GitCommit]:
    """Parse `git log --numstat` output written with `_FORMAT`."""
    commits: list[GitCommit] = []
    for record in output.split(RECORD)[1:]:
        header, _, stats = record.partition("\n")
        fields = header.split(FIELD)
        if len(fields) != 11:
            raise CollectorError(f"unexpected git log output near {header[:80]!r}")
        additions = deletions = files = binary = 0
        for line in stats.splitlines():
            if not line:
                continue
            added, _, rest = line.partition("\t")
            removed, _, _path = rest.partition("\t")
            files += 1
            if added == "-":
                binary += 1
            else:
                additions += int(added)
                deletions += int(removed)
        commits.append(
            GitCommit(
                sha=fields[0],
                parents=tuple(fields[1].split()),
                author_name=fields[2],
                author_email=fields[3],
                authored_at=datetime.fromisoformat(fields[4]),
                committer_name=fields[5],
                committer_email=fields[6],
                committed_at=datetime.fromisoformat(fields[7]),
                additions=additions,
                deletions=deletions,
                files_changed=files,
                binary_files=binary,
                signed_off_by=_people(fields[8]),
                co_authors=_people(fields[9]),
                subject=fields[10],
            )
        )
    return commits


def _people(trailers: str) -> tuple[tuple[str, str], ...]:
    people = []
    for value in trailers.split(TRAILER_SEP):
        match = _PERSON_RE.match(value)
        if match:
            people.append((match.group("name"), match.group("email")))
    return tuple(people)


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
    if mirror.exists():
        run_git(["-C", str(mirror), "fetch", "--prune", "--quiet", "origin"])
    else:
        mirror.parent.mkdir(parents=True, exist_ok=True)
        partial = mirror.with_suffix(".partial")
        if partial.exists():
            shutil.rmtree(partial)
        # Clone under a temporary name: a half-finished clone must not look like a mirror.
        run_git(["clone", "--mirror", "--quiet", source.url, str(partial)])
        partial.rename(mirror)
    return GitRepository(mirror)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
