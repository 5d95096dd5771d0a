"""The week's changes on hand-made frames and snapshots: what is new, what moved, and where
the week before's value as reported then differs from now."""

from __future__ import annotations

import pandas as pd

import kpis
from kpis.objectives import STATUSES
from kpis.schema import frame
from ospo_metrics.changes.weekly import weekly_changes
from ospo_metrics.snapshots import ARCHIVED, OBJECTIVE, STATE

T = pd.Timestamp
NOW = T("2026-03-11T09:00Z")  # Wednesday: last week is 2026-03-02..08, the one before 02-23..


def commit(day: str, author: int, organization: str, employee: bool) -> dict:
    return {
        "repo": "acme/a",
        "authored_at": f"{day}T12:00:00Z",
        "author_id": author,
        "is_bot": False,
        "is_merge": False,
        "organization": organization,
        "is_employee": employee,
        "signed_off": False,
        "relationship": "owned",
    }


def release(tag: str, day: str, pre: bool = False) -> dict:
    return {"repo": "acme/a", "tag": tag, "published_at": T(f"{day}T10:00Z"), "is_prerelease": pre}


def repository(repo: str, created: str) -> dict:
    return {
        "repo": repo,
        "relationship": "owned",
        "is_archived": False,
        "is_fork": False,
        "created_at": T(created, tz="UTC"),
        "pushed_at": pd.NaT,
        "topics": "",
        "stale_after_days": 180.0,
        "stale_exempt_until": pd.NaT,
        "stale_exempt_reason": None,
    }


FRAMES = kpis.Frames(
    commits=kpis.commits_frame(
        [
            commit("2026-02-24", 1, "Acme", True),
            commit("2026-03-03", 1, "Acme", True),
            commit("2026-03-04", 2, "Globex", False),
            commit("2026-03-05", 3, "Independent", False),
        ]
    ),
    releases=frame(
        "releases",
        [
            release("v1", "2026-02-25"),
            release("v2", "2026-03-03"),
            release("v2.1-rc", "2026-03-04", pre=True),
        ],
    ),
    repository_details=frame(
        "repository_details",
        [repository("acme/a", "2025-01-01"), repository("acme/b", "2026-03-03")],
    ),
)
NAMES = pd.DataFrame(
    {"person_id": [1, 2, 3], "name": ["Jane Doe", "Omar Said", ""], "login": [None, None, "indie"]}
)


def snapshot(kpi, scope, period, start, taken, value) -> dict:
    return {
        "kpi": kpi,
        "scope": scope,
        "period": period,
        "period_start": T(start),
        "taken_on": T(taken),
        "value": value,
    }


SNAPSHOTS = pd.DataFrame(
    [
        # Monday 03-02 reported no commit for the week of 02-23 (its commit arrived later).
        snapshot("commits", "all", "week", "2026-02-23", "2026-03-02", 0.0),
        snapshot("commits", "all", "week", "2026-03-02", "2026-03-09", 3.0),
        snapshot("active_contributors", "all", "week", "2026-02-23", "2026-03-02", 1.0),
        snapshot(
            OBJECTIVE,
            "objective:o1",
            STATE,
            "2026-03-02",
            "2026-03-02",
            float(STATUSES.index("at risk")),
        ),
        snapshot(
            OBJECTIVE,
            "objective:o1",
            STATE,
            "2026-03-09",
            "2026-03-09",
            float(STATUSES.index("on track")),
        ),
        snapshot(
            OBJECTIVE,
            "objective:o2",
            STATE,
            "2026-03-02",
            "2026-03-02",
            float(STATUSES.index("met")),
        ),
        snapshot(
            OBJECTIVE,
            "objective:o2",
            STATE,
            "2026-03-09",
            "2026-03-09",
            float(STATUSES.index("met")),
        ),
        snapshot(ARCHIVED, "repo:acme/a", STATE, "2026-03-09", "2026-03-09", 1.0),
    ]
)


def test_weekly_changes_on_a_hand_made_week():
    changes = weekly_changes(FRAMES, SNAPSHOTS, NAMES, NOW, {"o1": "Answer faster"})
    assert changes.weeks.last == T("2026-03-02") and changes.weeks.previous == T("2026-02-23")
    new = changes.new_contributors
    assert new["name"].tolist() == ["Omar Said", "indie"]  # Jane's first was the week before
    assert new["organization"].tolist() == ["Globex", "Independent"]
    assert changes.new_contributors_before == 1
    # "Independent" is not an organization.
    assert changes.other_organizations.to_dict("records") == [
        {"organization": "Globex", "new_contributors": 1}
    ]
    assert changes.releases["tag"].tolist() == ["v2.1-rc", "v2"] and changes.releases_before == 1
    assert changes.created["repo"].tolist() == ["acme/b"]
    assert changes.archived.table["repo"].tolist() == ["acme/a"] and not changes.archived.note
    assert changes.objectives.table.to_dict("records") == [
        {
            "objective": "o1",
            "title": "Answer faster",
            "status_before": "at risk",
            "status_after": "on track",
        }
    ]
    moves = changes.kpis.set_index("kpi")
    commits = moves.loc["commits"]
    assert (commits["week_before"], commits["last_week"], commits["change"]) == (1, 3, 2)
    assert commits["change_pct"] == 200.0 and commits["reading"] == "better"
    assert commits["history_changed"] and commits["week_before_as_reported"] == 0.0
    assert "reported as 0 then and is 1 now" in commits["note"]
    active = moves.loc["active_contributors"]  # 1 person, then 3: reported the same, 1
    assert (active["week_before"], active["last_week"]) == (1, 3)
    assert not active["history_changed"] and active["note"] == ""
    assert "no snapshot of the week before" in moves.loc["committers", "note"]
    # From nothing to something first (no percentage), then by the size of the move.
    table = changes.kpis[changes.kpis["change"] != 0]
    from_nothing = table["week_before"] == 0
    assert from_nothing.any() and not from_nothing[from_nothing.idxmin() :].any()
    pct = table.loc[~from_nothing, "change_pct"].abs()
    assert pct.is_monotonic_decreasing and pct.iloc[0] == 200.0
    assert changes.snapshot_days == 2


def test_without_snapshots_the_states_say_why():
    changes = weekly_changes(FRAMES, SNAPSHOTS.head(0), NAMES, NOW, {})
    assert "no snapshot from before last week" in changes.archived.note
    assert "no snapshot from before last week" in changes.objectives.note
    assert changes.kpis["history_changed"].sum() == 0
    assert len(changes.new_contributors) == 2  # from the data, not the snapshots
