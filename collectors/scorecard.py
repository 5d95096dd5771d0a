"""OpenSSF Scorecard results: files written by `scorecard --format json`, and the public REST API.

Both speak the same JSON (Scorecard's "JSON v2"): ``date``, ``repo.name`` and ``repo.commit``,
``scorecard.version``, the aggregate ``score`` and ``checks[]`` with ``name``, ``score``,
``reason``, ``details`` and ``documentation.url``. A check scores 0..10, or -1 when Scorecard
could not tell (no releases to sign, an API error): -1 is kept as such, never read as 0.

A file is parsed whole before anything is returned, so a malformed one yields nothing but its
name and the reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from collectors.base import CollectorError

AGGREGATE = "aggregate"
INCONCLUSIVE = -1.0
# Scorecard names repositories by host and path: github.com/ossf/scorecard.
_REPO_RE = re.compile(r"^(?:https?://)?(?P<host>[^/\s]+)/(?P<path>[^\s]+?)(?:\.git)?/?$")


class ScorecardFormatError(CollectorError):
    """A Scorecard result that cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class ScorecardCheckResult:
    name: str
    score: float  # -1 (inconclusive) .. 10
    reason: str | None
    details: tuple[str, ...]
    documentation: str | None


@dataclass(frozen=True)
class ScorecardResult:
    """One Scorecard run over one repository."""

    repository: str  # as Scorecard names it: github.com/OWNER/NAME
    run_date: date
    score: float
    checks: tuple[ScorecardCheckResult, ...]
    scorecard_version: str | None = None
    commit: str | None = None

    @property
    def full_name(self) -> str:
        """OWNER/NAME (the path after the host), how repositories are named here."""
        match = _REPO_RE.match(self.repository)
        return match["path"] if match else self.repository

    @property
    def host(self) -> str | None:
        match = _REPO_RE.match(self.repository)
        return match["host"].lower() if match else None


def _fail(source: str, reason: str) -> ScorecardFormatError:
    return ScorecardFormatError(f"{source}: not a Scorecard JSON result: {reason}")


def _score(value: Any, source: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(source, f"{where} is {value!r}, not a number")
    score = float(value)
    if score != INCONCLUSIVE and not 0 <= score <= 10:
        raise _fail(source, f"{where} is {score:g}, outside -1 and 0..10")
    return score


def _date(value: Any, source: str) -> date:
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, "`date` is missing")
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _fail(source, f"`date` {text!r} is not a date") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).date()


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def parse_scorecard(data: Any, source: str) -> ScorecardResult:
    """Read one result (already decoded JSON); `source` names it in error messages."""
    if not isinstance(data, dict):
        raise _fail(source, "the top level is not an object")
    repo = data.get("repo")
    name = repo.get("name") if isinstance(repo, dict) else None
    if not isinstance(name, str) or not _REPO_RE.match(name.strip()):
        raise _fail(source, "`repo.name` is missing or not like github.com/OWNER/NAME")
    checks = data.get("checks")
    if not isinstance(checks, list):
        raise _fail(source, "`checks` is missing or not a list")
    results = []
    for i, check in enumerate(checks):
        if not isinstance(check, dict) or not isinstance(check.get("name"), str):
            raise _fail(source, f"checks[{i}] has no name")
        details = check.get("details") or []
        if not isinstance(details, list):
            raise _fail(source, f"checks[{i}].details is not a list")
        documentation = check.get("documentation")
        results.append(
            ScorecardCheckResult(
                name=check["name"].strip(),
                score=_score(check.get("score"), source, f"checks[{i}].score"),
                reason=_text(check.get("reason")),
                details=tuple(str(d) for d in details),
                documentation=_text(documentation.get("url"))
                if isinstance(documentation, dict)
                else None,
            )
        )
    version = data.get("scorecard")
    return ScorecardResult(
        repository=name.strip(),
        run_date=_date(data.get("date"), source),
        score=_score(data.get("score"), source, "`score`"),
        checks=tuple(results),
        scorecard_version=_text(version.get("version")) if isinstance(version, dict) else None,
        commit=_text(repo.get("commit")),
    )


def read_scorecard_file(path: Path) -> list[ScorecardResult]:
    """The results in one file: a JSON object, or JSON lines (one result per line, as
    `scorecard` writes for several repositories)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScorecardFormatError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(str(path), "the file is not UTF-8 text (binary?)") from None
    if not text.strip():
        raise _fail(str(path), "the file is empty")
    try:
        return [parse_scorecard(json.loads(text), str(path))]
    except json.JSONDecodeError as whole:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2 or not _is_json(lines[0]):
            raise _fail(str(path), f"invalid JSON ({whole.msg} at line {whole.lineno})") from None
        results = []
        for number, line in enumerate(lines, 1):
            try:
                results.append(parse_scorecard(json.loads(line), f"{path}:{number}"))
            except json.JSONDecodeError as exc:
                raise _fail(f"{path}:{number}", f"invalid JSON ({exc.msg})") from None
        return results


def _is_json(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


class ScorecardApi:
    """The public Scorecard REST API: `GET {base}/projects/github.com/{owner}/{name}`."""

    def __init__(self, base_url: str, *, timeout: float = 30.0, session=None) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        self.requests_made = 0

    def latest(self, full_name: str, host: str = "github.com") -> ScorecardResult | None:
        """The newest published result of a repository; None when Scorecard has none (404)."""
        import requests

        url = f"{self.base_url}/projects/{host}/{full_name}"
        self.requests_made += 1
        try:
            answer = self.session.get(url, timeout=self.timeout)
        except requests.RequestException as exc:
            raise CollectorError(
                f"{full_name}: the Scorecard API at {self.base_url} is unreachable "
                f"({type(exc).__name__}); check `compliance.scorecard.api_url`"
            ) from None
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise CollectorError(
                f"{full_name}: the Scorecard API answered HTTP {answer.status_code}"
            )
        try:
            data = answer.json()
        except ValueError:
            raise _fail(url, "the API answer is not JSON") from None
        return parse_scorecard(data, url)
