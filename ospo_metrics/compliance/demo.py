"""The demo's compliance part: the demo repositories' files read by the real collector."""

from __future__ import annotations

from datetime import date

from ospo_metrics.context import Context


def write_compliance(context: Context, today: date) -> int:
    """Read the demo repositories' required files and licenses (their whole history)."""
    from ospo_metrics.compliance.collect import collect_compliance_sources

    return sum(r.items_written for r in collect_compliance_sources(context, "all"))
