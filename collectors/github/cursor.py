"""What a repository's cursor means, and what a probe says is left to do.

A repository cursor (stored in its last finished run) is a small JSON mapping:

- `pulls`, `issues`: the newest `updatedAt` seen; the next probe lists items from there on;
- `releases`: `[count, newest tag, its updatedAt]` -- the releases are re-read only when this
  signature changes;
- `community_etag`, `community_pushed_at`: the community profile is re-read (conditionally)
  only after a push, because only a push can add or remove the files it reports;
- `review_comments`: the newest review-comment `updated_at`, the `since` of the next listing;
- `meta_etag`: for repositories listed one by one, the ETag of their metadata.

Pure functions over plain data, so the rules are tested without HTTP or a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from collectors.github.history import RepoProbe
from collectors.github.items import iso, parse_time
from collectors.github.queries import ItemRef


@dataclass
class Plan:
    refs: list[ItemRef]  # items whose stored version differs from GitHub's
    cursor: dict[str, Any]  # the cursor to store once everything is written
    releases: bool  # re-read the releases
    community: bool  # re-read the community profile
    review_comments: bool  # list review comments since the cursor


def plan(
    full_name: str,
    cursor: Mapping[str, Any],
    probe: RepoProbe,
    stored: Mapping[int, datetime | None],
    *,
    is_fork: bool,
    pushed_at: datetime | None,
) -> Plan | None:
    """The work a probe asks for; None when the repository is unchanged (no run needed).

    `stored` maps item numbers to the `updatedAt` already in the database: an item whose
    version is stored is skipped, which is what lets an interrupted run resume item by item.
    """
    refs = [
        ItemRef(full_name, number, is_pull)
        for is_pull, changed in ((True, probe.pulls), (False, probe.issues))
        for number, updated in sorted(changed.items())
        if stored.get(number) != updated
    ]
    new = dict(cursor)
    for key, newest in (("pulls", probe.pulls_newest), ("issues", probe.issues_newest)):
        old = parse_time(cursor.get(key))
        if newest is not None and (old is None or newest > old):
            new[key] = iso(newest)
    # Pull requests changed since the cursor may have new review comments; this holds after
    # an interruption too, when their new versions were stored but the cursor was not.
    pulls_since = parse_time(cursor.get("pulls"))
    review_comments = any(pulls_since is None or t > pulls_since for t in probe.pulls.values())
    # Nothing to read when there are no releases (GitHub keeps no record of deleted ones).
    releases = probe.releases != cursor.get("releases") and bool(
        probe.releases and probe.releases[0]
    )
    # GitHub serves no community profile for forks.
    community = not is_fork and cursor.get("community_pushed_at") != iso(pushed_at)
    if not refs and not releases and not community and new == dict(cursor):
        return None
    new["releases"] = probe.releases
    return Plan(refs, new, releases, community, review_comments)
