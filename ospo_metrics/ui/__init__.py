"""The pages' widget kit: cached loaders, filters kept in the URL, KPI tiles, charts, tables.

Pages call these and `kpis`; all reshaping for display lives in these small modules so pages
stay a few lines. Import it as `from ospo_metrics import ui`; the modules are an inside matter:

- `data`: the app context and cached frames;  `state`: filters in the URL, kept across pages;
- `tiles`, `charts`: KPI tiles and charts;  `widgets`, `labels`: tables, CSV, empty states;
- `status`: objectives' status words and colours;  `filters`: the export tables' filters.
"""

from ospo_metrics.read import is_empty, series
from ospo_metrics.report import ImpactSummary
from ospo_metrics.ui.charts import kpi_trend, objective_chart, partner_share_chart, series_figure
from ospo_metrics.ui.data import (
    ATTENTION_STATUSES,
    commits_table,
    context,
    ensure_first_data,
    frames,
    issues_table,
    now,
    objectives,
    repositories,
    sources,
    status_history,
    unavailable,
)
from ospo_metrics.ui.filters import (
    ISSUE_KINDS,
    RELATIONSHIPS,
    STATES,
    commit_details,
    commits_csv,
    filter_commits,
    filter_issues,
    issue_details,
    issues_csv,
)
from ospo_metrics.ui.labels import column_label
from ospo_metrics.ui.maturity import (
    maturity_assessments,
    maturity_chart,
    maturity_history,
    maturity_line,
    save_maturity,
)
from ospo_metrics.ui.service import sla_misses
from ospo_metrics.ui.state import (
    PERIOD_WORDS,
    PERIODS,
    checkbox,
    choice,
    date_filter,
    kpi_picker,
    period_picker,
    remember,
    scope_picker,
    url_choice,
    url_value,
)
from ospo_metrics.ui.status import (
    OBJECTIVE_COLUMNS,
    STATUS_COLOURS,
    STATUS_ICONS,
    compliance_line,
    objectives_summary,
    status_badge,
)
from ospo_metrics.ui.tiles import count_tile, excluded_note, kpi_tile, kpi_tiles, style
from ospo_metrics.ui.untrusted import plain, problem
from ospo_metrics.ui.widgets import (
    csv_button,
    demo_banner,
    empty_state,
    file_name,
    lazy_csv_button,
    private,
    shown_people,
    shown_text,
    table,
)


def impact_summary() -> ImpactSummary:
    """The executive summary over the default window (trailing 12 months), as of now."""
    from ospo_metrics.report import DEFAULT_WINDOW, window_for
    from ospo_metrics.ui.impact import summary

    return summary(window_for(DEFAULT_WINDOW, now()))


__all__ = [
    "ATTENTION_STATUSES",
    "ISSUE_KINDS",
    "OBJECTIVE_COLUMNS",
    "PERIODS",
    "PERIOD_WORDS",
    "RELATIONSHIPS",
    "STATES",
    "STATUS_COLOURS",
    "STATUS_ICONS",
    "checkbox",
    "choice",
    "column_label",
    "commit_details",
    "commits_csv",
    "commits_table",
    "compliance_line",
    "context",
    "count_tile",
    "csv_button",
    "date_filter",
    "demo_banner",
    "empty_state",
    "ensure_first_data",
    "excluded_note",
    "file_name",
    "filter_commits",
    "filter_issues",
    "frames",
    "impact_summary",
    "is_empty",
    "issue_details",
    "issues_csv",
    "issues_table",
    "kpi_picker",
    "kpi_tile",
    "kpi_tiles",
    "kpi_trend",
    "lazy_csv_button",
    "maturity_assessments",
    "maturity_chart",
    "maturity_history",
    "maturity_line",
    "now",
    "objective_chart",
    "objectives",
    "objectives_summary",
    "partner_share_chart",
    "period_picker",
    "plain",
    "private",
    "problem",
    "remember",
    "repositories",
    "save_maturity",
    "scope_picker",
    "series",
    "series_figure",
    "shown_people",
    "shown_text",
    "sla_misses",
    "sources",
    "status_badge",
    "status_history",
    "style",
    "table",
    "unavailable",
    "url_choice",
    "url_value",
]
