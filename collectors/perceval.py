"""GrimoireLab Perceval output: `perceval git URI --json-line` and `perceval github OWNER REPO
--category issue|pull_request` (JSON lines, or Perceval's default indented JSON stream).

Every Perceval item is an envelope (`backend_name`, `category`, `origin`, `uuid`,
`updated_on`) around the source's raw `data`. Git commits become the git collector's own
`GitCommit`, GitHub issues and pull requests the GitHub collector's `IssueItem`, so the store
writes them exactly as a collection would.

The git collector's definitions hold here too, so both give the same rows:
- a merge commit counts no lines and no files (Perceval prints its combined diff, `git log
  -c`); a binary file counts as a file and a binary file, no lines;
- the subject is git's `%s`: the first paragraph of the message, its lines joined by a space;
- Signed-off-by and Co-authored-by are read from the message's trailer block as git reads it
  (the last paragraph, not the subject; all trailer lines, or a `Signed-off-by: ` and at
  least a quarter of trailer lines), not from Perceval's own lists, which take any
  `Key: value` line anywhere in the message; a value without `<e-mail>` is no one.
What cannot match: Perceval runs `git log -C`, so a file copied from a file changed in the
same commit counts only its difference to that file, where the git collector counts all its
lines as added; the data holds no way back. Such commits are counted (`copies`). Identities
are those Perceval printed: its bare clone applies the repository's `.mailmap` at HEAD, as
the git collector does, but not a `mailmap.file` of the collecting machine.

A file is parsed whole before anything is returned, so a malformed one yields nothing but its
name and the reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from collectors.base import CollectorError
from collectors.github.items import Activity, Actor, IssueItem, parse_time
from collectors.gitlog import GitCommit, clean_email, clean_name, trailer_people

_PERSON_RE = re.compile(r"^\s*(?P<name>.*?)\s*<(?P<email>[^>]*)>\s*$")
_SHA_RE = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
# git's trailer token: letters, digits and '-', then optional blanks, then the separator.
_TRAILER_RE = re.compile(r"^(?P<key>[A-Za-z0-9-]+)[ \t]*:(?P<value>.*)$")
_GIT_PREFIXES = ("Signed-off-by: ", "(cherry picked from commit ")
SUPPORTED = {("git", "commit"), ("github", "issue"), ("github", "pull_request")}


class PercevalFormatError(CollectorError):
    """A Perceval file that cannot be read; the message names the file and the reason."""


@dataclass
class PercevalFile:
    """What one Perceval file holds, by the repository it came from (its `origin`)."""

    commits: dict[str, list[GitCommit]] = field(default_factory=dict)
    issues: dict[str, list[IssueItem]] = field(default_factory=dict)
    copies: int = 0  # commits whose line counts are Perceval's (`-C` copies), see above

    @property
    def count(self) -> int:
        return sum(map(len, self.commits.values())) + sum(map(len, self.issues.values()))


def repository_name(origin: str) -> str:
    """OWNER/NAME of a Perceval origin (`https://github.com/o/r(.git)`); the folder name of a
    local path or `file://` URL."""
    parts = urlsplit(origin)
    path = parts.path.rstrip("/").removesuffix(".git")
    segments = [s for s in path.split("/") if s]
    if parts.scheme in ("http", "https", "ssh", "git") and len(segments) >= 2:
        return "/".join(segments[-2:])
    return segments[-1] if segments else origin


def _items(text: str, source: str) -> list[tuple[int, dict[str, Any]]]:
    """Every JSON object of the file with the line it starts on: one per line, or Perceval's
    indented objects in a row."""
    decoder = json.JSONDecoder()
    items, position = [], 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return items
        start = text.count("\n", 0, position) + 1
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            line = text.count("\n", 0, exc.pos) + 1
            raise PercevalFormatError(
                f"{source}: line {line}: not JSON ({exc.msg}); is the file complete?"
            ) from None
        if not isinstance(item, dict):
            raise PercevalFormatError(
                f"{source}: line {start}: a {type(item).__name__}, not a Perceval item"
            )
        items.append((start, item))


def _need(data: dict, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        raise ValueError(f"{where}: `{key}` is {value!r}")
    return value


def _person(text: str) -> tuple[str, str]:
    match = _PERSON_RE.match(text)
    if not match:
        return clean_name(text), ""
    return clean_name(match["name"]), clean_email(match["email"])


def _git_date(text: str) -> datetime:
    # `git log --pretty=fuller`: "Mon Dec 7 13:17:58 2026 +0100", in the author's offset.
    return datetime.strptime(" ".join(text.split()), "%a %b %d %H:%M:%S %Y %z")


def subject(message: str) -> str:
    """git's `%s`: the first paragraph, its lines right-trimmed and joined by a space."""
    lines = message.lstrip("\n").split("\n")
    out = []
    for line in lines:
        if not line.strip():
            break
        out.append(line.rstrip())
    return " ".join(out)


def trailers(message: str) -> list[tuple[str, str]]:
    """(key, value) of the message's trailer block, found as git finds it (trailer.c): the
    last paragraph after the subject's, when it is all trailers (and continuation lines), or
    has a git-generated one (`Signed-off-by: `) and trailers are at least a quarter of it."""
    lines = message.rstrip().lstrip("\n").split("\n")
    first_end = next((i for i, line in enumerate(lines) if not line.strip()), None)
    if first_end is None:
        return []  # only a subject: git reads no trailers there
    start = len(lines)
    while start > first_end and lines[start - 1].strip():
        start -= 1
    found: list[tuple[str, str]] = []
    trailer = other = 0
    generated = False
    last = None  # the kind of the last line that is not a continuation
    for line in lines[start:]:
        match = _TRAILER_RE.match(line)
        if line.startswith(_GIT_PREFIXES) or match:
            generated = generated or line.startswith(_GIT_PREFIXES)
            trailer, last = trailer + 1, "trailer"
            found += [(match["key"], match["value"].strip())] if match else []
        elif line[:1].isspace() and last == "trailer":
            if found:  # unfolded into the trailer above, as `unfold=true` prints it
                key, value = found[-1]
                found[-1] = (key, f"{value} {line.strip()}".strip())
        else:
            other += 1
            last = last if line[:1].isspace() else "other"
    if (trailer and not other) or (generated and trailer * 3 >= other):
        return found
    return []


def _people_of(pairs: list[tuple[str, str]], key: str) -> tuple[tuple[str, str], ...]:
    return trailer_people("\n".join(v for k, v in pairs if k.lower() == key.lower()))


def _commit(data: dict) -> tuple[GitCommit, bool]:
    sha = _need(data, "commit", str, "commit")
    if not _SHA_RE.fullmatch(sha):
        raise ValueError(f"commit: {sha[:80]!r} is not a commit id")
    where = f"commit {sha[:12]}"
    parents = tuple(_need(data, "parents", list, where))
    author_name, author_email = _person(_need(data, "Author", str, where))
    committer_name, committer_email = _person(_need(data, "Commit", str, where))
    additions = deletions = files = binary = 0
    copied = False
    if len(parents) < 2:  # the git collector counts no lines for a merge
        for entry in _need(data, "files", list, where):
            files += 1
            copied = copied or str(entry.get("action", "")).startswith("C")
            added, removed = entry.get("added", "-"), entry.get("removed", "-")
            if added == "-" or removed == "-":
                binary += 1
            else:
                additions += int(added)
                deletions += int(removed)
    message = data.get("message") or ""
    if not isinstance(message, str):
        raise ValueError(f"{where}: `message` is {message!r}")
    found = trailers(message)
    commit = GitCommit(
        sha=sha,
        parents=parents,
        author_name=author_name,
        author_email=author_email,
        authored_at=_git_date(_need(data, "AuthorDate", str, where)),
        committer_name=committer_name,
        committer_email=committer_email,
        committed_at=_git_date(_need(data, "CommitDate", str, where)),
        additions=additions,
        deletions=deletions,
        files_changed=files,
        binary_files=binary,
        signed_off_by=_people_of(found, "Signed-off-by"),
        co_authors=_people_of(found, "Co-authored-by"),
        subject=subject(message),
    )
    return commit, copied


def _activity(kind: str, raw: dict, time_key: str) -> Activity | None:
    created = parse_time(raw.get(time_key))
    if created is None or not isinstance(raw.get("id"), int):
        return None  # a pending review has no submission time: invisible, as on GitHub
    state = raw.get("state") if kind == "review" else None
    return Activity(kind, raw["id"], Actor.from_rest(raw.get("user")), created, state)


def _issue(data: dict, category: str) -> IssueItem:
    number = _need(data, "number", int, category)
    where = f"{category} #{number}"
    is_pull = category == "pull_request" or isinstance(data.get("pull_request"), dict)
    merged_at = parse_time(
        data.get("merged_at") or (data.get("pull_request") or {}).get("merged_at")
    )
    state = _need(data, "state", str, where)
    activities = [
        activity
        for kind, key, stamp in (
            ("comment", "comments_data", "created_at"),
            ("review", "reviews_data", "submitted_at"),
            ("review_comment", "review_comments_data", "created_at"),
        )
        for raw in data.get(key) or ()
        if isinstance(raw, dict) and (activity := _activity(kind, raw, stamp))
    ]
    labels = [label["name"] for label in data.get("labels") or () if isinstance(label, dict)]
    return IssueItem(
        number=number,
        platform_id=data.get("id") if isinstance(data.get("id"), int) else None,
        is_pull_request=is_pull,
        title=str(data.get("title") or ""),
        author=Actor.from_rest(data.get("user")),
        state="merged" if merged_at else state,
        is_draft=bool(data.get("draft")),
        labels=labels,
        created_at=parse_time(_need(data, "created_at", str, where)),
        updated_at=parse_time(data.get("updated_at")),
        closed_at=parse_time(data.get("closed_at")),
        merged_at=merged_at,
        html_url=data.get("html_url"),
        activities=activities,
    )


def parse_perceval(text: str, source: str) -> PercevalFile:
    """Parse a whole Perceval output; raises PercevalFormatError naming `source` and the item."""
    out = PercevalFile()
    for line, item in _items(text, source):
        backend = str(item.get("backend_name", "")).lower()
        category = item.get("category")
        if (backend, category) not in SUPPORTED:
            raise PercevalFormatError(
                f"{source}: line {line}: {item.get('backend_name')!r} {category!r} is not a "
                "Perceval git commit, GitHub issue or GitHub pull request"
            )
        data, origin = item.get("data"), item.get("origin")
        if not isinstance(data, dict) or not isinstance(origin, str) or not origin:
            raise PercevalFormatError(f"{source}: line {line}: no `data` or `origin`")
        updated = item.get("updated_on")
        if not isinstance(item.get("uuid"), str) or not isinstance(updated, int | float):
            raise PercevalFormatError(
                f"{source}: line {line}: no `uuid` or `updated_on`: not a Perceval envelope"
            )
        try:
            if backend == "git":
                commit, copied = _commit(data)
                out.commits.setdefault(origin, []).append(commit)
                out.copies += copied
            else:
                out.issues.setdefault(origin, []).append(_issue(data, category))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise PercevalFormatError(f"{source}: line {line}: {exc}") from None
    if not out.count:
        raise PercevalFormatError(f"{source}: no Perceval items in the file")
    return out


def read_perceval_file(path: Path) -> PercevalFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PercevalFormatError(f"{path}: cannot read the file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PercevalFormatError(
            f"{path}: not UTF-8 text (byte {exc.start}): not a Perceval JSON output"
        ) from None
    return parse_perceval(text, str(path))
