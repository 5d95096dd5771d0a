"""The one place that reads the database: columnar loading, KPI frames, tables, caches.

- `columnar`: a select straight into Arrow columns (ADBC), never through `Row` objects;
- `frames`: the KPI input frames, one loader per frame, scope filtered in SQL;
- `tables`: what people look at and export (commits, issues, repositories, runs, checks);
- `version`: the data version every cache is keyed on (finished runs, recorded changes);
- `cache`: the frames of the current data version on disk, warmed after a collection;
- `memo`: scoped frames and KPI series computed once per loaded frames;
- `lazy`, `results`: frames read on first use, and results kept on disk per data version;
- `details`: the details of the rows a page shows, and their lookups, kept the same way.

Import from here; the split is an inside matter.
"""

from ospo_metrics.read.cache import (
    cache_folder,
    cached_frames,
    context_frames,
    current_key,
    version_frames,
    warm,
)
from ospo_metrics.read.columnar import read_frame
from ospo_metrics.read.details import (
    ISSUE_KINDS,
    RELATIONSHIPS,
    SHOWN_ROWS,
    STATES,
    first_ids,
    issue_rows,
    lookups_of,
    shown_details,
)
from ospo_metrics.read.frames import FRAME_LOADERS, load_employments, load_frames, repository_ids
from ospo_metrics.read.lazy import FRAME_NAMES, LazyFrames
from ospo_metrics.read.memo import (
    computed,
    coverage_at,
    is_empty,
    repository_names,
    row_counts,
    scoped_frames,
    series,
)
from ospo_metrics.read.snapshots import load_snapshots
from ospo_metrics.read.tables import (
    COMMIT_TABLE_COLUMNS,
    ISSUE_TABLE_COLUMNS,
    frames_from_tables,
    load_commits_table,
    load_issues_table,
    load_person_names,
    load_repositories,
    load_runs,
    rows_in,
)
from ospo_metrics.read.version import data_version

__all__ = [
    "COMMIT_TABLE_COLUMNS",
    "FRAME_LOADERS",
    "FRAME_NAMES",
    "ISSUE_KINDS",
    "ISSUE_TABLE_COLUMNS",
    "RELATIONSHIPS",
    "SHOWN_ROWS",
    "STATES",
    "LazyFrames",
    "cache_folder",
    "cached_frames",
    "computed",
    "context_frames",
    "coverage_at",
    "current_key",
    "data_version",
    "first_ids",
    "frames_from_tables",
    "is_empty",
    "issue_rows",
    "load_commits_table",
    "load_employments",
    "load_frames",
    "load_issues_table",
    "load_person_names",
    "load_repositories",
    "load_runs",
    "load_snapshots",
    "lookups_of",
    "read_frame",
    "repository_ids",
    "repository_names",
    "row_counts",
    "rows_in",
    "scoped_frames",
    "series",
    "shown_details",
    "version_frames",
    "warm",
]
