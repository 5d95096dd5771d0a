"""Upstream contributions: pull requests by our people in repositories we do not own.

Found with the issue search API, `type:pr author:A author:B -org:OURS updated:FROM..TO`:
several authors per query (GitHub ORs repeated `author:` qualifiers; queries are capped at
256 characters), and a time window that is halved whenever it holds more than the 1,000
results search will return, so nothing is silently cut off.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from collectors.github.items import UpstreamPull, iso, parse_time
from collectors.github.rest import RestApi

MAX_QUERY_LENGTH = 256
MAX_RESULTS = 1000
# A window this short that still overflows is read as far as search allows.
MIN_WINDOW_SECONDS = 60
# Search indexes lag behind writes: each incremental search re-reads this much.
OVERLAP = timedelta(days=1)


def search_windows(
    cursor: Mapping[str, Any], logins: Iterable[str], since: datetime
) -> list[tuple[list[str], datetime]]:
    """(logins, start) pairs: new logins from `since`, known ones from the last search.

    The upstream cursor is `{"until": when the last complete search ended, "logins": [...]}`.
    """
    known = {login.lower() for login in cursor.get("logins", [])}
    until = parse_time(cursor.get("until"))
    fresh = sorted(login for login in logins if login.lower() not in known or until is None)
    old = sorted(login for login in logins if login.lower() in known and until is not None)
    windows = []
    if fresh:
        windows.append((fresh, since))
    if old and until is not None:
        windows.append((old, max(since, until - OVERLAP)))
    return windows


def author_batches(logins: Iterable[str], fixed: str) -> list[list[str]]:
    """Logins grouped so that each query (`fixed` plus `author:` terms) fits the length cap."""
    batches: list[list[str]] = []
    current: list[str] = []
    length = len(fixed)
    for login in sorted(set(logins), key=str.lower):
        term = len(f" author:{login}")
        if current and length + term > MAX_QUERY_LENGTH:
            batches.append(current)
            current, length = [], len(fixed)
        current.append(login)
        length += term
    if current:
        batches.append(current)
    return batches


class UpstreamSearch:
    def __init__(self, rest: RestApi) -> None:
        self.rest = rest

    def pulls(
        self, logins: Iterable[str], exclude_orgs: Iterable[str], start: datetime, end: datetime
    ) -> Iterator[UpstreamPull]:
        """Every pull request by `logins`, outside `exclude_orgs`, updated in [start, end]."""
        exclusions = " ".join(f"-org:{org}" for org in sorted(set(exclude_orgs)))
        window = f" updated:{iso(start)}..{iso(end)}"
        seen: set[tuple[str, int]] = set()
        for batch in author_batches(logins, f"type:pr {exclusions}{window}"):
            authors = " ".join(f"author:{login}" for login in batch)
            for pull in self._window(f"type:pr {authors} {exclusions}".strip(), start, end):
                key = (pull.repository.lower(), pull.item.number)
                if key not in seen:  # adjacent windows share their boundary second
                    seen.add(key)
                    yield pull

    def _window(self, base: str, start: datetime, end: datetime) -> Iterator[UpstreamPull]:
        pages = self.rest.search_pulls(f"{base} updated:{iso(start)}..{iso(end)}")
        total, first = next(pages, (0, []))
        if (total or 0) > MAX_RESULTS and (end - start).total_seconds() > MIN_WINDOW_SECONDS:
            pages.close()
            middle = start + (end - start) / 2
            yield from self._window(base, start, middle)
            yield from self._window(base, middle, end)
            return
        yield from first
        for _, pulls in pages:
            yield from pulls
