"""GrimoireLab Perceval output: `perceval git URI --json-line` and `perceval github OWNER REPO
--category issue|pull_request` (JSON lines, or Perceval's default indented JSON stream).

Every Perceval item is an envelope (`backend_name`, `category`, `origin`, `uuid`,
`updated_on`) around the source's raw `data`. Git commits become the git collector's own
`GitCommit`, GitHub issues and pull requests the GitHub collector's `IssueItem`, so the store
writes them exactly as a collection would.

The git collector's definitions hold here too, so both give the same rows:
- a merge commit counts no lines and no files (Perceval lists its diff against the first
  parent: `git log -c`); a binary file counts as a file and a binary file, no lines;
- the subject is the first line of the message; Signed-off-by and Co-authored-by come from
  Perceval's parsed trailers.
Perceval does not apply `.mailmap`: identities are taken as Perceval printed them.

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
from collectors.gitlog import GitCommit, clean_email, clean_name

_PERSON_RE = re.compile(r"^\s*(?P<name>.*?)\s*<(?P<email>[^>]*)>\s*$")
_SHA_RE = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
SUPPORTED = {("git", "commit"), ("github", "issue"), ("github", "pull_request")}


class PercevalFormatError(CollectorError):
    """A Perceval file that cannot be read; the message names the file and the reason."""


@dataclass
class PercevalFile:
    """What one Perceval file holds, by the repository it came from (its `origin`)."""

    commits: dict[str, list[GitCommit]] = field(default_factory=dict)
    issues: dict[str, list[IssueItem]] = field(default_factory=dict)

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


def _items(text: str, source: str) -> list[dict[str, Any]]:
    """Every JSON object of the file: one per line, or Perceval's indented objects in a row."""
    decoder = json.JSONDecoder()
    items, position = [], 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return items
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            line = text.count("\n", 0, exc.pos) + 1
            raise PercevalFormatError(
                f"{source}: line {line}: not JSON ({exc.msg}); is the file complete?"
            ) from None
        if not isinstance(item, dict):
            line = text.count("\n", 0, position) + 1
            raise PercevalFormatError(
                f"{source}: line {line}: a {type(item).__name__}, not a Perceval item"
            )
        items.append(item)


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


def _commit(data: dict) -> GitCommit:
    sha = _need(data, "commit", str, "commit")
    if not _SHA_RE.fullmatch(sha):
        raise ValueError(f"commit: {sha[:80]!r} is not a commit id")
    where = f"commit {sha[:12]}"
    parents = tuple(_need(data, "parents", list, where))
    author_name, author_email = _person(_need(data, "Author", str, where))
    committer_name, committer_email = _person(_need(data, "Commit", str, where))
    additions = deletions = files = binary = 0
    if len(parents) < 2:  # the git collector counts no lines for a merge
        for entry in _need(data, "files", list, where):
            files += 1
            added, removed = entry.get("added", "-"), entry.get("removed", "-")
            if added == "-" or removed == "-":
                binary += 1
            else:
                additions += int(added)
                deletions += int(removed)
    message = data.get("message") or ""
    return GitCommit(
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
        signed_off_by=tuple(_person(p) for p in data.get("Signed-off-by") or ()),
        co_authors=tuple(_person(p) for p in data.get("Co-authored-by") or ()),
        subject=message.split("\n", 1)[0].strip(),
    )


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
    for index, item in enumerate(_items(text, source), start=1):
        backend = str(item.get("backend_name", "")).lower()
        category = item.get("category")
        if (backend, category) not in SUPPORTED:
            raise PercevalFormatError(
                f"{source}: item {index}: {item.get('backend_name')!r} {category!r} is not a "
                "Perceval git commit, GitHub issue or GitHub pull request"
            )
        data, origin = item.get("data"), item.get("origin")
        if not isinstance(data, dict) or not isinstance(origin, str) or not origin:
            raise PercevalFormatError(f"{source}: item {index}: no `data` or `origin`")
        try:
            if backend == "git":
                out.commits.setdefault(origin, []).append(_commit(data))
            else:
                out.issues.setdefault(origin, []).append(_issue(data, category))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise PercevalFormatError(f"{source}: item {index}: {exc}") from None
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
