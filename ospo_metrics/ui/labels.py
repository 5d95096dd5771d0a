"""Readable column headers for tables on the pages (`progress_pct` reads "Progress (%)").

CSV files keep the machine names, so scripts reading them do not break when a label is
reworded; the pages show these labels instead.
"""

from __future__ import annotations

import re

COLUMN_LABELS = {
    "repo": "Repository",
    "kpi": "KPI",
    "sha": "Commit",
    "html_url": "Link",
    "url": "Link",
    "prs_opened": "PRs opened",
    "prs_merged": "PRs merged",
    "prs_open": "PRs open",
    "pr_merge_rate_pct": "Merge rate (%)",
    "is_pull_request": "Pull request",
    "is_employee": "Employee",
    "author_is_employee": "Author is an employee",
    "author_is_bot": "Author is a bot",
    "is_bot": "Bot",
    "is_merge": "Merge commit",
    "is_draft": "Draft",
    "is_prerelease": "Pre-release",
    "is_archived": "Archived",
    "is_fork": "Fork",
    "license_spdx": "License (SPDX)",
    "ttfr_hours": "Time to first response (h)",
    "ttfr_median_90d_hours": "Time to first response, median 90 days (h)",
    "median_hours_to_merge": "Median time to merge (h)",
    "time_elapsed_pct": "Time elapsed (%)",
    "progress_pct": "Progress (%)",
    "coverage_pct": "Coverage (%)",
    "signed_off": "DCO signed off",
    "dco": "DCO",
    "sbom": "SBOM",
    "id": "Id",
    # Project health
    "attention_score": "Attention score",
    "attention_reasons": "Why it needs attention",
    "activity": "Commits per week (last 12 weeks)",
    "commits_per_week_last_12": "Commits per week (last 12 weeks)",
    "last_commit_at": "Last commit",
    "last_push_at": "Last push",
    "stale_note": "Stale rule",
    "open_prs": "Open PRs",
    "open_median_age_days": "Open items' median age (days)",
    "waiting_over_target": "Waiting past the response target",
    "contributor_absence_factor_90d": "Contributor absence factor (90 days)",
    "elephant_factor_90d": "Elephant factor (90 days)",
    "last_release_at": "Last release date",
    "release_gap_days": "Median days between releases",
    "compliance_gaps": "Failing compliance checks",
    "published_at": "Published",
    "response_hours": "Time to first response (h)",
    "waiting_hours": "Waiting for a response (h)",
}
_WORDS = {"prs": "PRs", "pr": "PR", "kpi": "KPI", "ttfr": "time to first response"}


def column_label(name: str) -> str:
    """The header shown for a column: a known label, else the name in words."""
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    unit = ""
    for suffix, text in (("_pct", " (%)"), ("_hours", " (h)"), ("_days", " (days)")):
        if name.endswith(suffix):
            name, unit = name[: -len(suffix)], text
    words = [_WORDS.get(word, word) for word in re.split(r"_+", name) if word]
    if not words:
        return unit.strip()
    text = " ".join(words)
    return text[0].upper() + text[1:] + unit
