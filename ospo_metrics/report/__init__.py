"""What the OSPO hands to others: the executive impact report (HTML, PDF, its numbers as CSV)
and the analyst's KPI series, built the same way for the pages and the CLI."""

from ospo_metrics.report.html import render_html
from ospo_metrics.report.impact import (
    COMPLIANCE_KPI,
    HEADLINE_KPIS,
    Headline,
    ImpactSummary,
    impact_numbers,
    impact_summary,
    objectives_as_of,
)
from ospo_metrics.report.pdf import PdfError, html_to_pdf
from ospo_metrics.report.windows import DEFAULT_WINDOW, Window, window_for, windows

__all__ = [
    "COMPLIANCE_KPI",
    "DEFAULT_WINDOW",
    "HEADLINE_KPIS",
    "Headline",
    "ImpactSummary",
    "PdfError",
    "Window",
    "html_to_pdf",
    "impact_numbers",
    "impact_summary",
    "objectives_as_of",
    "render_html",
    "window_for",
    "windows",
]
