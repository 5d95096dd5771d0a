"""Project health KPIs on hand-made frames: stale repositories, release frequency and cadence,
the per-repository groupings of existing KPIs, and the attention score."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import kpis
from kpis.community import contributor_absence_factor_by_repo, elephant_factor_by_repo
from kpis.health import (
    HealthRules,
    release_cadence_by_repo,
    repository_health,
    stale_status,
)
from kpis.responsiveness import open_items_by_repo, time_to_first_response_by_repo
from kpis.schema import frame

T = pd.Timestamp


def commit(repo: str, day: str, author: int, organization: str = "Acme", bot: bool = False):
    return {
        "repo": repo,
        "authored_at": f"{day}T12:00:00Z",
        "author_id": author,
        "is_bot": bot,
        "is_merge": False,
        "organization": organization,
        "is_employee": organization == "Acme",
        "signed_off": False,
        "relationship": "owned",
    }


def details(repo: str, **fields) -> dict:
    row = {
        "repo": repo,
        "relationship": "owned",
        "is_archived": False,
        "is_fork": False,
        "created_at": T("2025-01-01", tz="UTC"),
        "pushed_at": pd.NaT,
        "topics": "",
        "stale_after_days": 30.0,
        "stale_exempt_until": pd.NaT,
        "stale_exempt_reason": None,
    }
    row.update(fields)
    return row


def item(repo, number, created, *, response=None, state="open", pr=False, bot=False):
    return {
        "repo": repo,
        "number": number,
        "is_pull_request": pr,
        "author_id": 100 + number,
        "author_login": f"u{number}",
        "author_is_bot": bot,
        "author_is_employee": False,
        "state": state,
        "created_at": T(created),
        "closed_at": pd.NaT,
        "merged_at": pd.NaT,
        "first_response_at": T(response) if response else pd.NaT,
        "is_draft": False,
        "relationship": "owned",
    }


# a: last commit 2026-01-01; b: no commit, pushed 2026-03-01; c: archived; d: quiet since
# 2025-06-01 but exempt until 2026-12-31; e: a fork.
FRAMES = kpis.Frames(
    commits=kpis.commits_frame(
        [
            commit("acme/a", "2025-12-01", 1),
            commit("acme/a", "2026-01-01", 2, bot=True),  # a bot's commit is activity too
            commit("acme/c", "2025-01-02", 1),
            commit("acme/d", "2025-06-01", 1),
        ]
    ),
    repository_details=frame(
        "repository_details",
        [
            details("acme/a", created_at=pd.NaT),
            details("acme/b", pushed_at=T("2026-03-01T00:00Z")),
            details("acme/c", is_archived=True),
            details(
                "acme/d",
                topics="feature-complete",
                stale_exempt_until=T("2026-12-31", tz="UTC"),
                stale_exempt_reason="finished",
            ),
            details("acme/e", is_fork=True),
        ],
    ),
)


def test_stale_status_counts_commits_and_pushes_and_honours_exemptions():
    status = stale_status(FRAMES, [T("2026-03-15", tz="UTC"), T("2027-02-01", tz="UTC")])
    march = status[status["moment"] == T("2026-03-15", tz="UTC")].set_index("repo")
    # c is archived and e a fork: the rule does not apply to them.
    assert list(march.index) == ["acme/a", "acme/b", "acme/d"]
    # a: 2026-01-01T12:00 to 2026-03-15T00:00 is 72.5 days; b: 14 days since its push.
    assert march.loc["acme/a", "idle_days"] == 72.5
    assert march.loc["acme/b", "idle_days"] == 14.0
    assert march["stale"].to_dict() == {"acme/a": True, "acme/b": False, "acme/d": False}
    assert march["exempt"].to_dict() == {"acme/a": False, "acme/b": False, "acme/d": True}
    later = status[status["moment"] == T("2027-02-01", tz="UTC")].set_index("repo")
    assert later["stale"].to_dict() == {"acme/a": True, "acme/b": True, "acme/d": True}


def test_stale_repositories_per_month():
    table = kpis.series("stale_repositories", FRAMES, "month")
    values = dict(zip(table["period_start"].dt.strftime("%Y-%m"), table["value"], strict=True))
    # Judged at each month's end. b (created 2025-01-01, no commit) is stale from January 2025
    # until its push of 2026-03-01; a (no creation date: born with its first commit on
    # 2025-12-01 at noon) is 30.5 days quiet at the ends of December and January (its bot
    # commit of 2026-01-01 is activity) and stale from then on; d is exempt throughout. The
    # newest data is b's push: March is judged at that moment, like February's end.
    assert values["2025-01"] == 1
    assert values["2025-11"] == 1
    assert values["2025-12"] == 2
    assert values["2026-01"] == 2
    assert values["2026-02"] == 1
    assert values["2026-03"] == 1
    assert min(values) == "2025-01" and max(values) == "2026-03"
    assert kpi_direction("stale_repositories") == "down"


def kpi_direction(kpi_id: str) -> str:
    return kpis.get(kpi_id).direction


def test_release_frequency_and_cadence():
    releases = frame(
        "releases",
        [
            {
                "repo": "acme/a",
                "tag": "v1",
                "published_at": T("2026-01-01T00:00Z"),
                "is_prerelease": False,
            },
            {
                "repo": "acme/a",
                "tag": "v2-rc",
                "published_at": T("2026-01-05T00:00Z"),
                "is_prerelease": True,
            },
            {
                "repo": "acme/a",
                "tag": "v2",
                "published_at": T("2026-01-11T00:00Z"),
                "is_prerelease": False,
            },
            {
                "repo": "acme/a",
                "tag": "v3",
                "published_at": T("2026-02-10T00:00Z"),
                "is_prerelease": False,
            },
            {
                "repo": "acme/b",
                "tag": "v0.1",
                "published_at": T("2025-01-10T00:00Z"),
                "is_prerelease": False,
            },
        ],
    )
    data = kpis.Frames(releases=releases)
    table = kpis.series("release_frequency", data, "month", start="2025-12-01", end="2026-02-28")
    assert table["value"].tolist() == [0.0, 2.0, 1.0]  # the pre-release is not a release
    cadence = release_cadence_by_repo(data, T("2026-03-01", tz="UTC")).set_index("repo")
    assert cadence.loc["acme/a", "last_release"] == "v3"
    assert cadence.loc["acme/a", "release_gap_days"] == 20.0  # median of 10 and 30 days
    assert cadence.loc["acme/a", "releases_365d"] == 3
    assert math.isnan(cadence.loc["acme/b", "release_gap_days"])  # one release: no gap
    assert cadence.loc["acme/b", "releases_365d"] == 0
    assert kpis.get("release_frequency").chaoss.endswith("metric-release-frequency/")


def test_grouped_variants_give_the_period_kpis_values():
    commits = kpis.commits_frame(
        [
            commit("acme/x", "2026-03-02", 1),
            commit("acme/x", "2026-03-03", 1),
            commit("acme/x", "2026-03-04", 1),
            commit("acme/x", "2026-03-05", 2, organization="Globex"),
            commit("acme/x", "2026-03-06", 3, organization="Initech"),
            commit("acme/y", "2026-03-02", 4, organization="Globex"),
            commit("acme/y", "2026-03-03", 5, organization="Globex"),
            commit("acme/y", "2026-03-04", 6, organization="Initech"),
            commit("acme/y", "2026-03-05", 7, organization="Initech"),
            commit("acme/y", "2026-03-06", 8, organization="Independent"),
        ]
    )
    issues = kpis.issues_frame(
        [
            item("acme/x", 1, "2026-03-02T00:00Z", response="2026-03-02T02:00Z"),
            item("acme/x", 2, "2026-03-03T00:00Z", response="2026-03-03T10:00Z"),
            item("acme/x", 3, "2026-03-04T00:00Z"),  # no response: left out of the median
            item("acme/y", 4, "2026-03-04T00:00Z", response="2026-03-05T00:00Z"),
            item("acme/y", 5, "2026-03-04T00:00Z", response="2026-03-04T01:00Z", bot=True),
        ]
    )
    data = kpis.Frames(commits=commits, issues=issues)
    week = (T("2026-03-02", tz="UTC"), T("2026-03-09", tz="UTC"))
    # x: person 1 wrote 3 of 5; y: 5 people with 1 each, 3 needed for half of 5.
    caf = contributor_absence_factor_by_repo(data, *week).to_dict()
    assert caf == {"acme/x": 1.0, "acme/y": 3.0}
    # x: Acme 3 of 5; y: Globex 2, Initech 2 of 4 organization commits ("Independent" is none).
    assert elephant_factor_by_repo(data, *week).to_dict() == {"acme/x": 1.0, "acme/y": 1.0}
    ttfr = time_to_first_response_by_repo(data, *week).to_dict()
    assert ttfr == {"acme/x": 6.0, "acme/y": 24.0}  # median of 2 h and 10 h; the bot's left out
    # The same numbers as the weekly KPIs of each repository alone.
    for repo in ("acme/x", "acme/y"):
        alone = kpis.Frames(
            commits=commits[commits["repo"] == repo].reset_index(drop=True),
            issues=issues[issues["repo"] == repo].reset_index(drop=True),
        )
        for kpi_id, values in (
            ("contributor_absence_factor", caf),
            ("time_to_first_response", ttfr),
        ):
            weekly = kpis.series(kpi_id, alone, "week", start="2026-03-02", end="2026-03-02")
            assert weekly["value"].iloc[0] == values[repo]


def test_open_items_and_their_median_age():
    issues = kpis.issues_frame(
        [
            item("acme/x", 1, "2026-03-01T00:00Z"),
            item("acme/x", 2, "2026-03-05T00:00Z", pr=True),
            item("acme/x", 3, "2026-03-07T00:00Z", pr=True),
            item("acme/x", 4, "2026-03-08T00:00Z", state="closed"),
            item("acme/x", 5, "2026-03-08T00:00Z", bot=True),
        ]
    )
    table = open_items_by_repo(kpis.Frames(issues=issues), T("2026-03-11", tz="UTC"))
    assert table.to_dict("records") == [
        {"repo": "acme/x", "open_issues": 1, "open_prs": 2, "open_median_age_days": 6.0}
    ]


def test_repository_health_scores_and_explains():
    as_of = T("2026-03-15", tz="UTC")
    issues = kpis.issues_frame(
        [
            # b: answered after 100 h (over the 48-hour target), and one waiting since March 10.
            item("acme/b", 1, "2026-03-01T00:00Z", response="2026-03-05T04:00Z", state="closed"),
            item("acme/b", 2, "2026-03-10T00:00Z"),
            item("acme/b", 3, "2026-03-14T12:00Z"),  # 12 h old: not late yet
        ]
    )
    data = kpis.Frames(
        commits=FRAMES.commits, issues=issues, repository_details=FRAMES.repository_details
    )
    table = repository_health(data, as_of, HealthRules()).set_index("repo")
    assert list(table.index) == ["acme/b", "acme/a", "acme/c", "acme/d", "acme/e"]
    assert table.loc["acme/a", "attention_score"] == 3
    assert table.loc["acme/a", "attention_reasons"] == (
        "stale: no commit or push for 72 days (limit 30) (+3)"
    )
    assert table.loc["acme/b", "attention_score"] == 4
    assert table.loc["acme/b", "attention_reasons"] == (
        "1 open item waiting over 48 h for a first response (+2); "
        "median first response 100 h over 90 days (target 48 h) (+2)"
    )
    assert table.loc["acme/b", "ttfr_median_90d_hours"] == 100.0
    assert table.loc["acme/c", "stale_note"] == "archived"
    assert table.loc["acme/c", "attention_score"] == 0
    assert table.loc["acme/d", "stale_note"] == "exempt until 2026-12-31: finished"
    assert not table.loc["acme/d", "stale"]
    assert table.loc["acme/e", "stale_note"] == "fork"
    # The sparkline: 12 complete weeks before the week of 2026-03-09 ... none with commits.
    assert table.loc["acme/a", "activity"] == [0.0] * 12


def test_repository_health_of_nothing_is_empty():
    assert repository_health(kpis.Frames(), T("2026-03-15", tz="UTC")).empty
    assert kpis.series("stale_repositories", kpis.Frames(), "week").empty
    # Only an archived repository: activity, but nothing the stale rule applies to.
    archived = kpis.Frames(
        commits=FRAMES.commits[FRAMES.commits["repo"] == "acme/c"],
        repository_details=FRAMES.repository_details.iloc[[2]],
    )
    table = kpis.series("stale_repositories", archived, "month")
    assert len(table) and (table["value"] == 0).all()


@pytest.mark.parametrize("kpi_id", ["release_frequency", "stale_repositories"])
def test_new_kpis_are_registered_with_their_definition(kpi_id):
    kpi = kpis.get(kpi_id)
    assert kpi.definition and kpi.unit and kpi.group == "health"
