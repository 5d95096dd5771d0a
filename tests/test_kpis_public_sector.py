"""Public-sector KPIs on hand-written frames: publishing ratio, reuse by other organizations,
partner organizations and their share over time."""

from __future__ import annotations

import math

import pandas as pd

import kpis
from kpis.public_sector import partner_shares
from kpis.schema import Frames, frame


def repo(name, visibility="public", archived=False, fork=False, relationship="owned"):
    return {"repo": name, "relationship": relationship, "visibility": visibility,
            "is_archived": archived, "is_fork": fork, "checked_through": None}  # fmt: skip


def license_row(name, spdx, at, match="exact"):
    return {"repo": name, "check": "LICENSE", "observed_at": at, "present": spdx is not None,
            "path": "LICENSE" if spdx else None, "license": spdx,
            "license_match": match if spdx else None}  # fmt: skip


def values(kpi_id, frames, period="month"):
    table = kpis.series(kpi_id, frames, period)
    return {f"{d:%Y-%m-%d}": v for d, v in zip(table["period_start"], table["value"], strict=True)}


def test_publishing_ratio_counts_private_repositories_against_us() -> None:
    repos = frame(
        "repositories",
        [
            repo("acme/a"),  # MIT from January: published
            repo("acme/b"),  # BUSL (not OSI) in January, Apache-2.0 from February
            repo("acme/c"),  # public, never got a license
            repo("acme/secret", visibility="private"),  # unpublished: counts against us
            repo("acme/old", archived=True),  # archived: out of the denominator
            repo("acme/fork", fork=True),  # a fork: out
            repo("python/cpython", relationship="upstream"),  # not ours: out
        ],
    )
    checks = frame(
        "file_checks",
        [
            license_row("acme/a", "MIT", "2025-01-10T00:00:00Z"),
            license_row("acme/b", "BUSL-1.1", "2025-01-10T00:00:00Z"),
            license_row("acme/b", "Apache-2.0", "2025-02-03T00:00:00Z"),
            license_row("acme/c", None, "2025-01-10T00:00:00Z"),
            license_row("acme/old", "MIT", "2025-01-10T00:00:00Z"),
        ],
    )
    data = Frames(repositories=repos, file_checks=checks)
    # Denominator 4 (a, b, c, secret). January: a -> 25 %; February: a and b -> 50 %.
    assert values("publishing_ratio", data) == {"2025-01-01": 25.0, "2025-02-01": 50.0}


def test_publishing_ratio_without_observations_has_no_value() -> None:
    data = Frames(repositories=frame("repositories", [repo("acme/a")]))
    assert values("publishing_ratio", data) == {}


def contribution(
    person, org, at, employee=False, repo="acme/a", kind="commit", bot=False, relationship="owned"
):
    return {"repo": repo, "relationship": relationship, "kind": kind, "person_id": person,
            "occurred_at": at, "actor": "bot" if bot else "human", "is_bot": bot,
            "organization": org, "is_employee": employee,
            "affiliation_known": org not in ("Unknown",)}  # fmt: skip


CONTRIBUTIONS = kpis.contributions_frame(
    [
        # January: 2 by Acme (ours), 2 by Red Hat, 1 by Bund, 1 independent, 1 unknown, 1 bot.
        contribution(1, "Acme", "2025-01-02T10:00:00Z", employee=True),
        contribution(1, "Acme", "2025-01-03T10:00:00Z", employee=True, kind="review"),
        contribution(2, "Red Hat", "2025-01-04T10:00:00Z"),
        contribution(3, "Red Hat", "2025-01-05T10:00:00Z", kind="issue"),
        contribution(4, "Bund", "2025-01-06T10:00:00Z", kind="comment"),
        contribution(5, "Independent", "2025-01-07T10:00:00Z"),
        contribution(6, "Unknown", "2025-01-08T10:00:00Z"),
        contribution(7, "Bot", "2025-01-09T10:00:00Z", bot=True),
        # Upstream work by a partner's person is not reuse of *our* code.
        contribution(2, "Red Hat", "2025-01-10T10:00:00Z", repo="py/cpython",
                     relationship="upstream"),
        # March: 1 by Bund, 1 by Acme. February is quiet.
        contribution(4, "Bund", "2025-03-02T10:00:00Z"),
        contribution(1, "Acme", "2025-03-03T10:00:00Z", employee=True),
    ]
)  # fmt: skip
FRAMES = Frames(contributions=CONTRIBUTIONS)


def test_reuse_counts_contributions_by_other_organizations() -> None:
    assert values("external_organization_contributions", FRAMES) == {
        "2025-01-01": 3.0,
        "2025-02-01": 0.0,
        "2025-03-01": 1.0,
    }


def test_partner_organizations_are_distinct_other_organizations() -> None:
    assert values("partner_organizations", FRAMES) == {
        "2025-01-01": 2.0,
        "2025-02-01": 0.0,
        "2025-03-01": 1.0,
    }


def test_partner_share_of_contributions() -> None:
    share = values("partner_contribution_share", FRAMES)
    # January: 3 of 7 counted contributions (the bot and upstream left out); March 1 of 2.
    assert share["2025-01-01"] == 100 * 3 / 7
    assert math.isnan(share["2025-02-01"])
    assert share["2025-03-01"] == 50.0


def test_partner_shares_over_time() -> None:
    table = partner_shares(FRAMES, "month")
    assert table.to_dict("records") == [
        {"period_start": pd.Timestamp("2025-01-01"), "organization": "Red Hat",
         "contributions": 2, "share_pct": 28.6},
        {"period_start": pd.Timestamp("2025-01-01"), "organization": "Bund",
         "contributions": 1, "share_pct": 14.3},
        {"period_start": pd.Timestamp("2025-03-01"), "organization": "Bund",
         "contributions": 1, "share_pct": 50.0},
    ]  # fmt: skip
    assert partner_shares(kpis.empty_frames(), "month").empty


def test_report_section_lists_partners_of_complete_periods_escaped() -> None:
    from ospo_metrics.report.public_sector import public_sector_html, public_sector_summary

    rows = [
        contribution(2, "<Red Hat>", "2025-01-04T10:00:00Z"),
        contribution(1, "Acme", "2025-01-05T10:00:00Z", employee=True),
        contribution(2, "<Red Hat>", "2025-02-04T10:00:00Z"),  # the running month: left out
    ]
    data = Frames(contributions=kpis.contributions_frame(rows))
    summary = public_sector_summary(data, pd.Timestamp("2025-02-10", tz="UTC"), "month")
    assert summary.values["partner_organizations"].value == 1.0
    assert summary.shares["share_pct"].tolist() == [50.0]
    page = public_sector_html(summary)
    assert "&lt;Red Hat&gt;" in page and "<Red Hat>" not in page
    assert "50.0 %" in page


def fork(
    name,
    owner,
    at,
    *,
    kind="User",
    ours=False,
    employee=False,
    bot=False,
    deleted=None,
    repo_name="acme/tool",
    relationship="owned",
):
    return {"repo": repo_name, "relationship": relationship, "fork": f"{owner}/{name}",
            "owner_login": owner, "owner_type": kind, "created_at": at, "deleted_at": deleted,
            "owner_is_ours": ours, "is_bot": bot,
            "organization": owner if kind == "Organization" else ("Acme" if employee else None),
            "is_employee": employee}  # fmt: skip


def test_external_forks_count_outside_accounts_by_fork_date() -> None:
    forks = frame(
        "forks",
        [
            fork("tool", "alice", "2025-01-06T10:00:00Z", employee=True),  # ours: out
            fork("tool", "acme-labs", "2025-01-07T10:00:00Z", kind="Organization", ours=True),
            fork("tool", "bob", "2025-01-08T10:00:00Z"),  # an outside user: in
            fork("tool", "city-of-x", "2025-01-31T23:59:59Z", kind="Organization"),  # in
            fork("tool", "dependabot[bot]", "2025-01-09T00:00:00Z", kind="Bot", bot=True),
            # Deleted since, still made in February: in. An upstream repository's fork: out.
            fork("tool", "carol", "2025-02-01T00:00:00Z", deleted="2025-03-01T00:00:00Z"),
            fork(
                "cpython",
                "dave",
                "2025-02-02T00:00:00Z",
                repo_name="python/cpython",
                relationship="upstream",
            ),
            # Alice left Acme before forking again (affiliation of the fork date): in, in April.
            fork("lib", "alice", "2025-04-02T00:00:00Z", repo_name="acme/lib"),
        ],
    )
    data = Frames(forks=forks)
    # January: bob, city-of-x = 2; February: carol = 1; March: none = 0; April: alice = 1.
    assert values("external_forks", data) == {
        "2025-01-01": 2,
        "2025-02-01": 1,
        "2025-03-01": 0,
        "2025-04-01": 1,
    }
    assert values("external_forks", data, "quarter") == {"2025-01-01": 3, "2025-04-01": 1}


def test_external_forks_without_forks_is_empty() -> None:
    assert values("external_forks", Frames()) == {}
    definition = kpis.get("external_forks")
    assert definition.unit == "forks" and definition.higher_is_better
    assert "metric-technical-forks" in definition.chaoss
