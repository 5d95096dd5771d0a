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
    frames: Frames, as_of: pd.Timestamp, extra: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """HTML sections for the report: ``extra`` (e.g. the maturity stage) then public sector."""
    return (*extra, public_sector_html(public_sector_summary(frames, as_of)))
