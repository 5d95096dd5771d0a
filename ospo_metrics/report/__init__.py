"""What the OSPO hands to others: the executive impact report (HTML, PDF) and the analyst's
KPI series and tables, built the same way for the pages and the CLI."""

from ospo_metrics.report.impact import (
    HEADLINE_KPIS,
    Headline,
    ImpactSummary,
    impact_summary,
    render_html,
)

__all__ = ["HEADLINE_KPIS", "Headline", "ImpactSummary", "impact_summary", "render_html"]
