"""The `git log` record format and its parser, hardened against metadata git lets through.

Fields are separated by NUL, and every record starts with one: git prints names, e-mails,
subjects and trailers as C strings, so no field can contain a NUL, whatever bytes a crafted
commit object holds (`\\x1f`, `\\x1e`, newlines in trailers are all just text here). Each
record is exactly `len(FIELDS)` fields followed by its `--numstat` block.

Dates are read raw (epoch seconds and `+hhmm`), never as ISO text: git prints a year-10000
date or a `+9999` zone in ISO form that no parser accepts. When git cannot read an identity
at all (a NUL byte inside it: git then prints the placeholder itself, e.g. a literal `%aN`),
the raw commit object is read instead and parsed leniently. Such repairs are listed in
`GitCommit.repairs`, so a run can say how many commits it had to repair.

Names and e-mails lose control characters and are cut to the database's column sizes here,
once, so the same commit gives the same row on SQLite and PostgreSQL.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from collectors.base import CollectorError

NAME_MAX = 255  # people.name, identities.name
EMAIL_MAX = 320  # commits.author_email, identities.value

FIELDS = (
    "%H",
    "%P",
    "%aN",
    "%aE",
    "%ad",
    "%cN",
    "%cE",
    "%cd",
    # Unfolded trailer values are single lines, so a newline separates them safely.
    "%(trailers:key=Signed-off-by,valueonly=true,unfold=true,separator=%x0a)",
    "%(trailers:key=Co-authored-by,valueonly=true,unfold=true,separator=%x0a)",
    "%s",
)
LOG_FORMAT = "%x00" + "%x00".join(FIELDS) + "%x00"
# The options that go with LOG_FORMAT: raw dates ("<epoch> <+hhmm>") for %ad and %cd.
LOG_OPTIONS = ("--date=raw", f"--format={LOG_FORMAT}")

_SHA_RE = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_PERSON_RE = re.compile(r"^\s*(?P<name>.*?)\s*<(?P<email>[^>]*)>\s*$")
_RAW_IDENT_RE = re.compile(
    r"^(?P<name>[^<]*)<(?P<email>[^>]*)>\s*(?P<epoch>\d+)?\s*(?P<zone>[+-]\d{4})?"
)
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # the date of last resort


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
    repairs: tuple[str, ...] = ()  # what could not be read as is, e.g. "author date"

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


def clean_name(value: str) -> str:
    """A display name without control characters, cut to the column size."""
    if not value.isprintable():
        value = _CONTROL_RE.sub("", value)
    return value.strip()[:NAME_MAX]


def clean_email(value: str) -> str:
    if not value.isprintable():
        value = _CONTROL_RE.sub("", value)
    return value.strip()[:EMAIL_MAX]


_ZONES: dict[str, timezone | None] = {}


def _zone(text: str) -> timezone | None:
    """The offset of `+hhmm`, or None when it is not a real one (e.g. `+9999`)."""
    if text not in _ZONES:
        match = re.fullmatch(r"([+-])(\d\d)(\d\d)", text)
        zone = None
        if match and int(match.group(3)) < 60 and int(match.group(2)) < 24:
            minutes = int(match.group(2)) * 60 + int(match.group(3))
            zone = timezone(timedelta(minutes=-minutes if match.group(1) == "-" else minutes))
        _ZONES[text] = zone
    return _ZONES[text]


def moment(epoch: str, zone: str) -> tuple[datetime | None, bool]:
    """The instant of a raw git date, in its own offset when that offset is a real one.

    Returns (None, _) when the instant cannot be represented (past year 9999), and
    (moment, False) when the zone was impossible (e.g. `+9999`) and UTC was used instead.
    """
    offset = _zone(zone)
    try:
        return datetime.fromtimestamp(int(epoch), offset or UTC), offset is not None
    except (ValueError, OverflowError, OSError):
        pass
    try:  # in range in UTC, not in its own offset (9999-12-31 at +01:00)
        return datetime.fromtimestamp(int(epoch), UTC), False
    except (ValueError, OverflowError, OSError):
        return None, False


def _raw_date(text: str) -> tuple[datetime | None, bool]:
    epoch, _, zone = text.partition(" ")
    return moment(epoch, zone)


@dataclass
class _Ident:
    name: str
    email: str
    when: datetime | None
    zone_ok: bool


def _ident(name: str, email: str, date: str) -> _Ident | None:
    """An identity as git printed it, or None when git could not read it."""
    epoch, _, zone = date.partition(" ")
    if not (epoch.isdigit() and epoch.isascii() and len(zone) == 5):
        return None  # git printed its placeholders: the ident line is broken
    when, zone_ok = _raw_date(date)
    return _Ident(clean_name(name), clean_email(email), when, zone_ok)


def raw_ident(commit_object: bytes, header: str) -> _Ident:
    """Lenient reading of an `author`/`committer` line of a raw commit object."""
    text = ""
    for line in commit_object.split(b"\n"):
        if not line:
            break  # end of the headers
        if line.startswith(header.encode() + b" "):
            text = line[len(header) + 1 :].replace(b"\x00", b"").decode("utf-8", "replace")
            break
    match = _RAW_IDENT_RE.match(text)
    if not match:
        return _Ident(clean_name(text), "", None, False)
    when, zone_ok = (None, False)
    if match.group("epoch"):
        when, zone_ok = moment(match.group("epoch"), match.group("zone") or "+0000")
    return _Ident(clean_name(match.group("name")), clean_email(match.group("email")), when, zone_ok)


class LogStream:
    """Parses `git log` output written with `LOG_OPTIONS` as it arrives.

    `read_object(sha)` returns a raw commit object; it is called only for commits whose
    identities git could not print.
    """

    def __init__(self, read_object: Callable[[str], bytes] | None = None) -> None:
        self.read_object = read_object
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._tokens: list[str] = []
        self._partial = ""  # the text after the last NUL: a token not complete yet
        self._started = False

    def feed(self, data: bytes) -> list[GitCommit]:
        """The commits completed by `data` (a record ends when the next one starts)."""
        return self.feed_text(self._decoder.decode(data))

    def feed_text(self, text: str) -> list[GitCommit]:
        parts = (self._partial + text).split("\x00")
        self._partial = parts.pop()
        self._tokens.extend(parts)
        return self._records()

    def close(self) -> list[GitCommit]:
        """The last commits; raises when the output ended inside a record."""
        self._tokens.append(self._partial + self._decoder.decode(b"", final=True))
        self._partial = ""
        commits = self._records()
        if self._tokens:
            raise CollectorError(f"unexpected git log output near {self._tokens[0][:80]!r}")
        return commits

    def _records(self) -> list[GitCommit]:
        if not self._started and self._tokens:
            if self._tokens[0].strip():
                raise CollectorError(f"unexpected git log output near {self._tokens[0][:80]!r}")
            del self._tokens[0]
            self._started = True
        width = len(FIELDS) + 1  # the fields, then the numstat block up to the next record
        complete = len(self._tokens) // width * width
        commits = [
            _commit(self._tokens[start : start + width], self.read_object)
            for start in range(0, complete, width)
        ]
        del self._tokens[:complete]
        return commits


def parse_log(output: str, read_object: Callable[[str], bytes] | None = None) -> list[GitCommit]:
    """Parse a whole `git log --numstat` output written with `LOG_OPTIONS`."""
    stream = LogStream(read_object)
    return stream.feed_text(output) + stream.close()


def _commit(tokens: list[str], read_object: Callable[[str], bytes] | None) -> GitCommit:
    sha, parents, a_name, a_email, a_date, c_name, c_email, c_date, sob, coauth, subject, stats = (
        tokens
    )
    if not _SHA_RE.fullmatch(sha):
        raise CollectorError(f"unexpected git log output near {sha[:80]!r}")
    repairs: list[str] = []
    author = _ident(a_name, a_email, a_date)
    committer = _ident(c_name, c_email, c_date)
    if author is None or committer is None:
        raw = read_object(sha) if read_object else b""
        if author is None:
            author = raw_ident(raw, "author")
            repairs.append("author identity")
        if committer is None:
            committer = raw_ident(raw, "committer")
            repairs.append("committer identity")
    for role, ident in (("author", author), ("committer", committer)):
        if ident.when is None:
            repairs.append(f"{role} date")
        elif not ident.zone_ok:
            repairs.append(f"{role} time zone")
    # An unreadable date borrows the other one: the best guess of when the commit was made.
    authored = author.when or committer.when or EPOCH
    committed = committer.when or author.when or EPOCH
    additions, deletions, files, binary = numstat(stats)
    return GitCommit(
        sha=sha,
        parents=tuple(parents.split()),
        author_name=author.name,
        author_email=author.email,
        authored_at=authored,
        committer_name=committer.name,
        committer_email=committer.email,
        committed_at=committed,
        additions=additions,
        deletions=deletions,
        files_changed=files,
        binary_files=binary,
        signed_off_by=trailer_people(sob),
        co_authors=trailer_people(coauth),
        subject=subject,
        repairs=tuple(repairs),
    )


def numstat(block: str) -> tuple[int, int, int, int]:
    """(additions, deletions, files, binary files) of a `--numstat` block."""
    additions = deletions = files = binary = 0
    for line in block.split("\n"):
        if not line:
            continue
        added, _, rest = line.partition("\t")
        removed = rest.partition("\t")[0]
        files += 1
        if added == "-":
            binary += 1
        else:
            additions += int(added)
            deletions += int(removed)
    return additions, deletions, files, binary


def trailer_people(trailers: str) -> tuple[tuple[str, str], ...]:
    people = []
    for value in trailers.split("\n"):
        match = _PERSON_RE.match(value)
        if match:
            people.append((clean_name(match.group("name")), clean_email(match.group("email"))))
    return tuple(people)
