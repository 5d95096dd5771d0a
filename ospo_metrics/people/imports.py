"""Affiliations (and identities) from the files OSPOs already have.

- **HR CSV** (`--format hr`): one row per employment, with a header naming the columns: `email`
  and/or `login`, `organization`, `from`, `to` (ISO dates, either may be empty). A row with both
  an address and a login also says they are one person.
- **SortingHat** (`--format sortinghat`): the JSON export of GrimoireLab's identity manager
  (`uidentities` with `identities`, `enrollments` and `profile.is_bot`). The identities of one
  unique identity become one person; enrollments become dated affiliations (SortingHat's
  1900-01-01 and 2100-01-01 mean "open"); `is_bot` is kept.
- **gitdm** (`--format gitdm`): either the classic e-mail map (`address employer [< date]`: the
  employer until, not including, that date; lines without a date are the latest employer) or the
  CNCF developers-affiliations file (`login: addr!domain, ...` then indented
  `Company [from DATE] [until DATE]` lines). Domain-wide lines (no `@`) belong in the
  configuration's `affiliation.domain_organizations`; they are reported, not imported.

Every import is stored as curation rules with the source `import:<format>`. Importing again
replaces that source's earlier rules (the file is the whole truth), and curation decisions made by
a person are never touched. :class:`ImportError_` explains a file it cannot read, with the line.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ospo_metrics.people.identity import identity_key
from ospo_metrics.people.resolve import Key

FORMATS = ("hr", "sortinghat", "gitdm")
# SortingHat writes these for "no start" and "no end".
SORTINGHAT_OPEN = (date(1900, 1, 1), date(2100, 1, 1))


class ImportError_(ValueError):
    """A file that cannot be imported; the message names the file and the line."""


@dataclass(frozen=True)
class Rule:
    """A curation rule to store (see ospo_metrics.people.curation)."""

    kind: str  # same | affiliation | bot
    key: Key
    other: Key | None = None
    organization: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    value: str | None = None


@dataclass
class Imported:
    """What a file holds, ready to store, and what was left out (with why)."""

    source: str
    rules: list[Rule] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def affiliations(self) -> int:
        """Affiliations the file gives (one per person and period, whatever the identities)."""
        periods = {
            (rule.organization, rule.valid_from, rule.valid_to, self._person(rule.key))
            for rule in self.rules
            if rule.kind == "affiliation"
        }
        return len(periods)

    def _person(self, key: Key) -> Key:
        """The first identity the file joins `key` to (its `same` rules), for counting."""
        for rule in self.rules:
            if rule.kind == "same" and rule.other == key:
                return rule.key
        return key


def read_file(path: str | Path, fmt: str) -> Imported:
    """Parse `path` in format `fmt` (one of FORMATS)."""
    file = Path(path)
    if fmt not in FORMATS:
        raise ImportError_(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportError_(f"{file}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportError_(f"{file}: cannot be read ({exc})") from None
    parser = {"hr": parse_hr_csv, "sortinghat": parse_sortinghat, "gitdm": parse_gitdm}[fmt]
    return parser(text, str(file))


def _date(value: Any, where: str) -> date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ImportError_(f"{where}: {text!r} is not a date like 2024-01-31") from None


def _key(email: str | None = None, login: str | None = None) -> Key | None:
    email, login = (email or "").strip(), (login or "").strip().lstrip("@")
    if login:
        return identity_key(login=login)
    if email and "@" in email:
        return identity_key(email=email)
    return None


def _affiliations(
    keys: list[Key], organization: str, start: date | None, end: date | None
) -> list[Rule]:
    """One affiliation rule per identity the file names for the person: whichever of them
    is collected carries it (a login never seen must not lose the address's employment)."""
    return [Rule("affiliation", key, None, organization, start, end) for key in keys]


# ---- HR CSV ---------------------------------------------------------------------------------

_HEADERS = {
    "email": ("email", "e-mail", "mail", "email address"),
    "login": ("login", "github", "github login", "username"),
    "organization": ("organization", "organisation", "company", "employer", "org"),
    "from": ("from", "start", "start date", "valid_from"),
    "to": ("to", "end", "end date", "valid_to", "until"),
}


def parse_hr_csv(text: str, name: str = "<csv>") -> Imported:
    """HR CSV: email and/or login, organization, from, to (see the module doc)."""
    reader = csv.DictReader(text.splitlines())
    columns = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
    found = {
        field_name: next((columns[a] for a in aliases if a in columns), None)
        for field_name, aliases in _HEADERS.items()
    }
    if found["organization"] is None or (found["email"] is None and found["login"] is None):
        raise ImportError_(
            f"{name}:1: the header needs an `organization` column and an `email` or `login` "
            f"column (found: {', '.join(reader.fieldnames or []) or 'nothing'})"
        )
    out = Imported("import:hr")
    for number, row in enumerate(reader, start=2):
        where = f"{name}:{number}"

        def cell(column: str, current: dict = row) -> str:
            return (current.get(found[column]) or "").strip() if found[column] else ""

        email_key, login_key = _key(email=cell("email")), _key(login=cell("login"))
        organization = cell("organization")
        if not (email_key or login_key) or not organization:
            out.skipped.append(f"{where}: no address or login, or no organization")
            continue
        start, end = _date(cell("from"), where), _date(cell("to"), where)
        if start and end and end < start:
            raise ImportError_(f"{where}: `to` ({end}) is before `from` ({start})")
        keys = [key for key in dict.fromkeys((login_key, email_key)) if key]
        out.rules += _affiliations(keys, organization, start, end)
        if email_key and login_key and email_key != login_key:
            out.rules.append(Rule("same", login_key, email_key))
    return out


# ---- SortingHat -----------------------------------------------------------------------------


def _identity_keys(identity: dict) -> list[Key]:
    keys = []
    source = str(identity.get("source") or "").lower()
    if identity.get("username") and "github" in source:
        keys.append(_key(login=identity["username"]))
    if identity.get("email"):
        keys.append(_key(email=identity["email"]))
    if not keys and identity.get("name"):
        found = identity_key(email="", name=str(identity["name"]))
        keys.append(found)
    return [key for key in keys if key]


def parse_sortinghat(text: str, name: str = "<json>") -> Imported:
    """SortingHat's JSON export (see the module doc)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{name}:{exc.lineno}: not JSON ({exc.msg})") from None
    unique = data.get("uidentities") if isinstance(data, dict) else None
    if not isinstance(unique, dict):
        raise ImportError_(f"{name}: not a SortingHat export (no `uidentities` object)")
    out = Imported("import:sortinghat")
    for uuid, entry in unique.items():
        if not isinstance(entry, dict):
            out.skipped.append(f"{name}: uidentity {uuid}: not an object")
            continue
        keys: list[Key] = []
        for identity in entry.get("identities") or []:
            if isinstance(identity, dict):
                keys += _identity_keys(identity)
        keys = list(dict.fromkeys(keys))
        if not keys:
            out.skipped.append(f"{name}: uidentity {uuid}: no e-mail, GitHub login or name")
            continue
        out.rules += [Rule("same", keys[0], other) for other in keys[1:]]
        for enrollment in entry.get("enrollments") or []:
            organization = enrollment.get("organization")
            if isinstance(organization, dict):  # newer exports nest it
                organization = organization.get("name")
            if not organization:
                continue
            where = f"{name}: uidentity {uuid}"
            start, end = _date(enrollment.get("start"), where), _date(enrollment.get("end"), where)
            start = None if start == SORTINGHAT_OPEN[0] else start
            end = None if end == SORTINGHAT_OPEN[1] else end
            # SortingHat's end is the first day of the next period: ours is the last day in.
            end = end - timedelta(days=1) if end else None
            out.rules += _affiliations(keys, str(organization), start, end)
        profile = entry.get("profile")
        if isinstance(profile, dict) and profile.get("is_bot"):
            out.rules.append(Rule("bot", keys[0], value="bot"))
    return out


# ---- gitdm ----------------------------------------------------------------------------------

_LOGIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_EMAIL_MAP_RE = re.compile(r"^(\S+)\s+([^<]+?)\s*(?:<\s*(\d{4}-\d{2}-\d{2})\s*)?$")
_CNCF_PERSON_RE = re.compile(r"^([^\s:][^:]*):\s*(.*)$")
_CNCF_PERIOD_RE = re.compile(
    r"^(?P<org>.+?)(?:\s+from\s+(?P<from>\d{4}-\d{2}-\d{2}))?(?:\s+until\s+(?P<until>\d{4}-\d{2}-\d{2}))?\s*$"
)


def _lines(text: str) -> Iterable[tuple[int, str, str]]:
    """(number, the raw line, the line without comment and outer spaces)."""
    for number, raw in enumerate(text.splitlines(), start=1):
        yield number, raw, raw.split("#", 1)[0].strip()


def parse_gitdm(text: str, name: str = "<gitdm>") -> Imported:
    """gitdm's e-mail map or the CNCF developers-affiliations file (see the module doc)."""
    cncf = any(raw[:1] in ("\t", " ") and line for _, raw, line in _lines(text)) and any(
        _CNCF_PERSON_RE.match(line) and "!" in line for _, _, line in _lines(text)
    )
    return _parse_cncf(text, name) if cncf else _parse_email_map(text, name)


def _parse_email_map(text: str, name: str) -> Imported:
    out = Imported("import:gitdm")
    history: dict[str, list[tuple[date | None, str]]] = {}
    for number, _, line in _lines(text):
        if not line:
            continue
        match = _EMAIL_MAP_RE.match(line)
        if not match:
            raise ImportError_(f"{name}:{number}: expected `address employer [< YYYY-MM-DD]`")
        address, employer, until = match.groups()
        if employer.strip() in ("?", "-"):  # gitdm's "employer not known"
            out.skipped.append(f"{name}:{number}: {address}: employer not known")
            continue
        if "@" not in address:
            out.skipped.append(
                f"{name}:{number}: {address} is a whole domain: add `{address}: {employer}` "
                "under affiliation.domain_organizations in the configuration"
            )
            continue
        history.setdefault(address.lower(), []).append(
            (_date(until, f"{name}:{number}"), employer.strip())
        )
    for address, entries in history.items():
        key = _key(email=address)
        if key is None:
            continue
        # Employers in order of their end date; the undated one is the latest.
        ordered = sorted(entries, key=lambda e: (e[0] is None, e[0] or date.max))
        start: date | None = None
        for until, employer in ordered:
            end = until - timedelta(days=1) if until else None
            out.rules.append(Rule("affiliation", key, None, employer, start, end))
            start = until
    return out


def _parse_cncf(text: str, name: str) -> Imported:
    out = Imported("import:gitdm")
    keys: list[Key] = []
    for number, raw, line in _lines(text):
        if not line:
            continue
        if raw[:1] in ("\t", " "):
            if not keys:
                raise ImportError_(f"{name}:{number}: an employer line before any person line")
            match = _CNCF_PERIOD_RE.match(line)
            if match is None:
                raise ImportError_(f"{name}:{number}: expected `Company [from DATE] [until DATE]`")
            where = f"{name}:{number}"
            start = _date(match["from"], where)
            until = _date(match["until"], where)
            end = until - timedelta(days=1) if until else None  # "until" is the next day
            out.rules += _affiliations(keys, match["org"].strip(), start, end)
            continue
        match = _CNCF_PERSON_RE.match(line)
        if match is None:
            raise ImportError_(f"{name}:{number}: expected `login: address!domain, ...`")
        login, addresses = match.groups()
        login = login.strip().rstrip("*")  # `*`: the file marks people with several entries
        # The CNCF files name people by GitHub login; anything else is not a login.
        keys = [key for key in [_key(login=login)] if key and _LOGIN_RE.match(login)]
        for address in addresses.split(","):
            address = address.strip().replace("!", "@")
            found = _key(email=address) if "@" in address else None
            if found and found not in keys:
                keys.append(found)
        if not keys:
            out.skipped.append(f"{name}:{number}: no login or address")
            continue
        out.rules += [Rule("same", keys[0], other) for other in keys[1:]]
    return out
