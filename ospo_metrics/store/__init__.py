"""The one place that writes collected items: upserts on natural keys, people, runs, cursors.

`upserts` holds the dialect-specific inserts every write goes through; `people` resolves
identities to people; `runs` records collection runs and their cursors; `github` holds the
GitHub collector's writes. Import from here: the split is an inside matter.
"""

from ospo_metrics.store.compliance import (
    sbom_exists,
    write_file_checks,
    write_sbom,
    write_scorecard,
)
from ospo_metrics.store.github import (
    close_memberships,
    issue_ids,
    issue_versions,
    open_memberships,
    record_memberships,
    stored_repositories,
    sync_listed_repositories,
    update_compliance,
    upsert_comments,
    upsert_organization,
    upsert_releases,
    write_issues,
)
from ospo_metrics.store.people import (
    PeopleResolver,
    clean_name,
    lookup_key,
    merge_people,
    record_link,
)
from ospo_metrics.store.registry import (
    record_registry_error,
    registry_fetched,
    write_registry_answer,
)
from ospo_metrics.store.runs import (
    RUN_FINISHED,
    finish_result,
    finish_run,
    last_cursor,
    last_cursors,
    latest_cursor,
    mark_abandoned_runs,
    record_change,
    start_run,
)
from ospo_metrics.store.snapshots import replace_snapshot
from ospo_metrics.store.upserts import ensure_repository, insert_missing, upsert, utcnow

__all__ = [
    "RUN_FINISHED",
    "PeopleResolver",
    "clean_name",
    "close_memberships",
    "ensure_repository",
    "finish_result",
    "finish_run",
    "insert_missing",
    "issue_ids",
    "issue_versions",
    "last_cursor",
    "last_cursors",
    "latest_cursor",
    "lookup_key",
    "mark_abandoned_runs",
    "merge_people",
    "open_memberships",
    "record_change",
    "record_link",
    "record_memberships",
    "record_registry_error",
    "registry_fetched",
    "replace_snapshot",
    "sbom_exists",
    "start_run",
    "stored_repositories",
    "sync_listed_repositories",
    "update_compliance",
    "upsert",
    "upsert_comments",
    "upsert_organization",
    "upsert_releases",
    "utcnow",
    "write_file_checks",
    "write_issues",
    "write_registry_answer",
    "write_sbom",
    "write_scorecard",
]
