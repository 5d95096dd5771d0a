"""The strategy sections of the executive report: what the report adds besides its own
headlines and objectives (the public-sector view; the OSPO maturity stage when assessed).

One function builds them for the dashboard's report download and for `ospo-metrics report`,
so both print the same; each section is a self-contained HTML fragment, text escaped.
"""

from __future__ import annotations

import pandas as pd

from kpis.schema import Frames
from ospo_metrics.report.public_sector import public_sector_html, public_sector_summary


def strategy_sections(
    frames: Frames, as_of: pd.Timestamp, assessments: list | None = None
) -> tuple[str, ...]:
    """HTML sections for the report: the maturity stage (when ``assessments`` are given, from
    ``read.strategy.load_assessments``) and the public-sector view."""
    from ospo_metrics.strategy.maturity import maturity_html

    maturity = () if assessments is None else (maturity_html(assessments),)
    return (*maturity, public_sector_html(public_sector_summary(frames, as_of)))
