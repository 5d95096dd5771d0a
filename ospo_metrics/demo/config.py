"""The demo organization's configuration: its repositories, groups, affiliation and objectives.

Each demo part (see :mod:`ospo_metrics.demo.parts`) may add to this mapping, so the
configuration and the data it measures are built by the same hands.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ospo_metrics.demo.repositories import (
    _MAREK,
    _MAREK_HIRED,
    _MAREK_LEFT,
    _PRIYA,
    _PRIYA_JOINED,
    DEMO_COMPANY,
    DEMO_DOMAIN,
    DEMO_ORG_LOGIN,
    PARTNER_ORGANIZATIONS,
    DemoRepository,
)


def _quarter_end(day: date) -> date:
    month = ((day.month - 1) // 3 + 1) * 3
    following = date(day.year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def demo_config(repos: list[DemoRepository], today: date) -> dict[str, Any]:
    """The configuration mapping (``ospo.yml`` shape) for the demo repositories ``repos``.

    See :func:`_objectives` for the objectives.
    """

    def days_ago(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    return {
        "demo": True,
        "repositories": [
            {"path": str(Path(repo.path).resolve()), "name": repo.full_name} for repo in repos
        ],
        "groups": {"cloud": [f"{DEMO_ORG_LOGIN}/cloud-*"]},
        "affiliation": {
            "organization": DEMO_COMPANY,
            "email_domains": [DEMO_DOMAIN],
            "domain_organizations": dict(PARTNER_ORGANIZATIONS),
            "people": [
                {
                    "name": _PRIYA[0].name,
                    "emails": [_PRIYA[0].email],
                    "employments": [{"from": days_ago(_PRIYA_JOINED)}],
                },
                {
                    "name": _MAREK[0].name,
                    "emails": [_MAREK[0].email],
                    "employments": [{"from": days_ago(_MAREK_HIRED), "to": days_ago(_MAREK_LEFT)}],
                },
            ],
        },
        "bots": {"logins": ["renovate-bot"], "patterns": ["*[bot]"]},
        "objectives": _objectives(today),
        # `spec` is finished on purpose (topic feature-complete); `legacy-tool` is just stale.
        "health": {
            "stale_after_days": 180,
            "exemptions": [
                {
                    "topic": "feature-complete",
                    "reason": "finished specification: changes go to the next major version",
                    "until": (today + timedelta(days=365)).isoformat(),
                }
            ],
        },
    }


def _objective(
    id_: str,
    title: str,
    kpi: str,
    scope: str,
    baseline: float,
    target: float,
    goal: str,
    aggregation: str,
    baseline_date: date,
    due: date,
) -> dict[str, Any]:
    return {
        "id": id_,
        "aggregation": aggregation,
        "title": title,
        "kpi": kpi,
        "scope": scope,
        "baseline": {"value": baseline, "date": baseline_date.isoformat()},
        "target": target,
        "due": due.isoformat(),
        "goal": goal,
    }


def _objectives(today: date) -> list[dict[str, Any]]:
    """Objectives in every status, under each of the OSPO book's impact goals.

    Baselines are the generated data's values about half a year before ``today`` (measured with
    the real KPI code on the full-scale demo); most targets are due at the end of the quarter
    about half a year after ``today``, with margins wide enough that each objective keeps its
    status whatever day the demo is built: met, on track (2), at risk, off track (2), missed
    (due at the end of the last quarter) and no data (a repository created last week).
    """
    start = today - timedelta(days=182)
    due = _quarter_end(today + timedelta(days=182))
    last_quarter_end = _quarter_end(_quarter_end(today) - timedelta(days=92))
    cloud, docs = "group:cloud", f"repo:{DEMO_ORG_LOGIN}/docs"
    sdk = f"repo:{DEMO_ORG_LOGIN}/cloud-sdk-rust"
    return [
        _objective(
            "ttfr-cloud",
            "Answer issues and pull requests on the cloud projects within 15 hours",
            "time_to_first_response",
            cloud,
            20,
            15,
            "community",
            "median_90d",
            start,
            due,
        ),
        _objective(
            "merged-prs",
            "Merge 300 pull requests in our repositories",
            "change_requests_accepted",
            "all",
            0,
            300,
            "community",
            "sum_since_start",
            start,
            due,
        ),
        _objective(
            "docs-response",
            "Answer documentation issues within 16 hours (90-day median)",
            "time_to_first_response",
            docs,
            60,
            16,
            "community",
            "median_90d",
            last_quarter_end - timedelta(days=365),
            last_quarter_end,
        ),
        _objective(
            "upstream-merged",
            "Get 60 of our pull requests merged upstream",
            "upstream_prs_merged",
            "all",
            0,
            60,
            "ecosystem",
            "sum_since_start",
            start,
            due,
        ),
        _objective(
            "cloud-commits",
            "760 commits into the cloud projects before the due date",
            "commits",
            cloud,
            0,
            760,
            "organizational",
            "sum_since_start",
            start,
            due,
        ),
        _objective(
            "dco-signoff",
            "Raise DCO sign-offs to 60% of commits (90-day median)",
            "dco_signoff_rate",
            "all",
            36,
            60,
            "organizational",
            "median_90d",
            start,
            due,
        ),
        _objective(
            "cloud-outside-contributions",
            "Make the cloud projects less dependent on Acme engineers",
            "employee_commit_share",
            cloud,
            74,
            65,
            "partner",
            "latest",
            start,
            due,
        ),
        _objective(
            "sdk-partners",
            "Review partners' pull requests to the new Rust SDK within a day",
            "time_to_first_response",
            sdk,
            48,
            24,
            "partner",
            "median_90d",
            start,
            due,
        ),
    ]
