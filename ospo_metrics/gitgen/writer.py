"""Writes git repositories fast: one `git fast-import` stream instead of a commit per process.

`write_repository` turns any sequence of `GenCommit` into a real repository, keeping dates,
time zones, authors, committers, trailers, merges and binary files exactly.
"""

from __future__ import annotations

import contextlib
import math
import os
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# New text content, bytes for a binary file, or None to delete the path.
FileContent = str | bytes | None


@dataclass(frozen=True)
class GenCommit:
    """One commit to write. Dates must be timezone-aware; their UTC offset is stored as is.

    ``branch`` None means the repository's main branch. The first commit on another branch
    forks from the main branch's tip at that point of the sequence; later ones continue it.
    ``merge_of`` is the index (in the sequence) of an earlier commit to merge in as second
    parent. Like ``git fast-import`` itself, a merge's tree is its first parent's tree plus
    ``changes`` -- so a merge must carry the merged-in changes if the result should contain
    them (:func:`synthetic_history` does).
    """

    author_name: str
    author_email: str
    authored_at: datetime
    message: str
    changes: Mapping[str, FileContent] = field(default_factory=dict)
    committer_name: str | None = None
    committer_email: str | None = None
    committed_at: datetime | None = None
    branch: str | None = None
    merge_of: int | None = None


@dataclass(frozen=True)
class Identity:
    """A name and email as they appear in a commit."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


# Real GitHub identities of the usual automation accounts (the numeric ids are GitHub's), so
# bot detection is exercised with the addresses it meets in real repositories.
DEPENDABOT = Identity("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
RENOVATE = Identity("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com")
GITHUB_ACTIONS = Identity(
    "github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"
)
# Committer of everything merged, squashed or edited through the GitHub web interface.
GITHUB_WEB = Identity("GitHub", "noreply@github.com")


def git_env() -> dict[str, str]:
    """Environment for git subprocesses that ignores the user's and the system's git config.

    Inherited ``GIT_*`` variables are dropped too: inside a git hook ``GIT_DIR`` would
    otherwise redirect every command to the wrong repository.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
    return env


# --------------------------------------------------------------------------- writing


def _check_ident_part(value: str, what: str) -> str:
    if any(ch in value for ch in "<>\n\0"):
        raise ValueError(f"{what} {value!r} must not contain '<', '>', a newline or NUL")
    return value


def _ident(kind: bytes, name: str, email: str, when: datetime) -> bytes:
    """An ``author``/``committer`` line in fast-import's raw date format."""
    offset = when.utcoffset()
    if offset is None:
        raise ValueError(f"{kind.decode()} date {when.isoformat()} has no timezone")
    seconds = int(offset.total_seconds())
    if seconds % 60:
        raise ValueError(f"UTC offset of {when.isoformat()} is not a whole number of minutes")
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    name = _check_ident_part(name, "name").strip()
    email = _check_ident_part(email, "email").strip()
    who = f"{name} <{email}>" if name else f"<{email}>"
    stamp = math.floor(when.timestamp())
    return b"%s %s %d %s%02d%02d\n" % (kind, who.encode(), stamp, sign.encode(), hours, minutes)


def _quote_path(path: str) -> bytes:
    """Path for an M/D command: C-style quoted when fast-import would misread it."""
    if not path or path.startswith("/") or "\0" in path or path.endswith("/"):
        raise ValueError(f"invalid path {path!r}")
    if "\n" in path or path.startswith('"') or "\\" in path:
        escaped = path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'.encode()
    return path.encode()


def _data(payload: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(payload), payload)


def _serialize(
    commit: GenCommit,
    ref: bytes,
    index: int,
    source: bytes | None,
    merge: int | None,
    extra: Mapping[str, FileContent],
) -> bytes:
    """One ``commit`` command; ``source`` is the ``from`` operand (b"" to omit it)."""
    committed_at = commit.committed_at or commit.authored_at
    message = commit.message if commit.message.endswith("\n") else commit.message + "\n"
    parts = [
        # Marks are index + 1, because fast-import reserves mark 0.
        b"commit %s\nmark :%d\n" % (ref, index + 1),
        _ident(b"author", commit.author_name, commit.author_email, commit.authored_at),
        _ident(
            b"committer",
            commit.committer_name if commit.committer_name is not None else commit.author_name,
            commit.committer_email or commit.author_email,
            committed_at,
        ),
        _data(message.encode()),
    ]
    if source:
        parts.append(b"from %s\n" % source)
    if merge is not None:
        parts.append(b"merge :%d\n" % (merge + 1))
    for changes in (extra, commit.changes):
        for path, content in changes.items():
            quoted = _quote_path(path)
            if content is None:
                parts.append(b"D %s\n" % quoted)
                continue
            payload = content.encode() if isinstance(content, str) else bytes(content)
            mode = b"100755" if path.endswith(".sh") else b"100644"
            parts.append(b"M %s inline %s\n" % (mode, quoted))
            parts.append(_data(payload))
    parts.append(b"\n")
    return b"".join(parts)


def _git(path: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(path), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=git_env(),
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


class _Stream:
    """Turns commits into a fast-import stream, tracking branch tips and merged branches.

    Side branches are written to a few recycled scratch refs (``refs/gitgen/side-N``) instead
    of one ref each: thousands of short-lived refs made fast-import spend a third of its
    time creating ref files. Unmerged side branches get their real names at the end.
    """

    def __init__(self, branch: str, mailmap: str | None) -> None:
        self.branch = branch
        self.main_ref = f"refs/heads/{branch}".encode()
        self.mailmap = mailmap
        self.tips: dict[str, int] = {}  # branch name -> index of its newest commit
        self.branch_of: list[str] = []  # branch name of every commit so far
        self.merged: set[str] = set()  # side branches whose tip has been merged somewhere
        self.slot_of: dict[str, bytes] = {}  # open side branch -> scratch ref it is written to
        self.slot_tip: dict[bytes, int] = {}  # scratch ref -> fast-import's idea of its tip
        self.free: list[bytes] = []  # scratch refs no branch uses at the moment

    def _ref(self, name: str) -> bytes:
        if name == self.branch:
            return self.main_ref
        ref = self.slot_of.get(name)
        if ref is None:
            ref = self.free.pop() if self.free else b"refs/gitgen/side-%d" % len(self.slot_tip)
            self.slot_of[name] = ref
        return ref

    def _source(self, ref: bytes, parent: int | None) -> tuple[bytes, bytes | None]:
        """Prefix command and ``from`` operand that make ``parent`` the first parent."""
        current = self.tips.get(self.branch) if ref == self.main_ref else self.slot_tip.get(ref)
        if parent is None:
            # "reset" empties a recycled scratch ref, so the commit becomes a root commit.
            return (b"reset %s\n" % ref if current is not None else b""), None
        if parent == current:
            return b"", b""  # continue: fast-import still has the tree in memory
        if parent == self.tips.get(self.branch):
            # Naming the branch copies its in-memory tree; ":mark" would re-read the tree
            # from the pack being written, which is much slower.
            return b"", self.main_ref
        return b"", b":%d" % (parent + 1)

    def chunks(self, commits: Iterable[GenCommit]) -> Iterator[bytes]:
        main, tips = self.branch, self.tips
        mailmap_pending = self.mailmap is not None
        for index, commit in enumerate(commits):
            name = commit.branch or main
            parent = tips.get(name)
            if parent is None and name != main:
                parent = tips.get(main)
            merge = commit.merge_of
            if merge is not None and not (0 <= merge < index and merge != parent):
                raise ValueError(
                    f"commit {index}: merge_of={merge} must name an earlier commit "
                    "other than the first parent"
                )
            extra: dict[str, FileContent] = {}
            if mailmap_pending and name == main:
                if ".mailmap" in commit.changes:
                    raise ValueError("mailmap given and the first commit changes .mailmap")
                extra[".mailmap"] = self.mailmap
                mailmap_pending = False
            ref = self._ref(name)
            prefix, source = self._source(ref, parent)
            yield prefix + _serialize(commit, ref, index, source, merge, extra)
            if ref != self.main_ref:
                self.slot_tip[ref] = index
            tips[name] = index
            self.branch_of.append(name)
            self.merged.discard(name)  # a merged branch that grows again is kept
            if merge is not None:
                other = self.branch_of[merge]
                if other not in (name, main) and tips.get(other) == merge:
                    self.merged.add(other)
                    self.free.append(self.slot_of.pop(other))
        for name, tip in tips.items():
            if name != main and name not in self.merged:
                yield b"reset refs/heads/%s\nfrom :%d\n\n" % (name.encode(), tip + 1)
        yield b"done\n"


def _enlarge_pipe(fd: int) -> None:
    """Use a 1 MiB pipe where Linux allows it: fewer context switches between the processes."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass  # other systems, or a lower limit: the default pipe size works, just slower


def write_repository(
    path: Path,
    commits: Iterable[GenCommit],
    branch: str = "main",
    mailmap: str | None = None,
    *,
    checkout: bool = True,
) -> None:
    """Create a git repository at ``path`` holding ``commits`` on ``branch``.

    ``path`` must not exist or be an empty directory. ``mailmap``, when given, is committed as
    ``.mailmap`` in the first commit of ``branch`` (so commit counts stay as requested).
    Side branches that end up merged leave no ref behind; unmerged ones stay as branches. With
    ``checkout`` the work tree is populated, as after a clone; without it the repository
    still works for ``git log`` and reads the committed ``.mailmap`` via ``mailmap.blob``.
    """
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise FileExistsError(f"{path} exists and is not an empty directory")
    path.mkdir(parents=True, exist_ok=True)
    _git(path, "init", "--quiet", f"--initial-branch={branch}")
    stream = _Stream(branch, mailmap)
    command = ["git", "-C", str(path), "fast-import", "--quiet", "--done", "--date-format=raw"]
    with tempfile.TemporaryFile() as errors:
        # stderr goes to a file: a pipe nobody reads could fill up and deadlock the import.
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=git_env(),
            bufsize=1 << 20,
        )
        assert process.stdin is not None
        _enlarge_pipe(process.stdin.fileno())
        try:
            for chunk in stream.chunks(commits):
                process.stdin.write(chunk)
            process.stdin.close()
        except BrokenPipeError:
            pass  # fast-import died; its exit status and message are reported below
        except BaseException:
            process.kill()
            process.wait()
            with contextlib.suppress(BrokenPipeError):  # unsent buffered bytes have no reader
                process.stdin.close()
            raise
        returncode = process.wait()
        if returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            raise RuntimeError(f"git fast-import failed ({returncode}): {message}")
    if branch not in stream.tips:
        raise ValueError(f"no commit on branch {branch!r}")
    if stream.slot_tip:
        deletions = "".join(f"delete {ref.decode()}\n" for ref in stream.slot_tip)
        _git(path, "update-ref", "--stdin", stdin=deletions)
    main_ref = f"refs/heads/{branch}"
    if checkout:
        _git(path, "reset", "--quiet", "--hard", main_ref)
    elif mailmap is not None:
        # Without a work tree git would not find .mailmap; point it at the committed file.
        _git(path, "config", "mailmap.blob", f"{main_ref}:.mailmap")
