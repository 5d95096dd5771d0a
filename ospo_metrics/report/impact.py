"""The executive impact summary: one window, headline numbers with their comparison and
four-quarter trends, one compliance number, objectives by impact goal, upstream projects.

Every number and table comes from the same :class:`~ospo_metrics.report.windows.Window`:
headlines are :func:`kpis.window.window_value` over it (each KPI's own definition), the
upstream projects table counts the same pull requests by the same dates (its `prs_merged`
column sums to the headline), objectives are evaluated as of the window's end by the caller.
The page draws it with Streamlit; :mod:`ospo_metrics.report.html` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

import kpis
from kpis.periods import period_floor, shift
from kpis.schema import Frames
from kpis.upstream import upstream_projects_table
from kpis.window import window_value
from ospo_metrics.formatting import format_value
from ospo_metrics.objectives import ObjectiveView
from ospo_metrics.report.series import kpi_series
from ospo_metrics.report.windows import Window

# What an executive reads first: impact upstream, then the health of our own communities.
HEADLINE_KPIS = (
    "upstream_prs_merged",
    "upstream_merge_rate",
    "upstream_projects",
    "upstream_contributors",
    "active_contributors",
    "time_to_first_response",
)
# The one compliance number (issue 8): repositories meeting every required check.
COMPLIANCE_KPI = "policy_compliance"
TREND_QUARTERS = 4


@dataclass(frozen=True)
class Headline:
    kpi: kpis.KPI
    value: float | None
    previous: float | None  # over the window it is compared with
    trend: pd.DataFrame = field(compare=False)  # report.series rows: 4 quarters (+ running)

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class ImpactSummary:
    organization: str
    as_of: pd.Timestamp
    window: Window
    is_demo: bool
    headlines: list[Headline]
    compliance: Headline
    objectives: list[ObjectiveView]
    projects: pd.DataFrame = field(compare=False)  # kpis.upstream.PROJECT_COLUMNS
    private: bool = False  # privacy mode: people counted, never named
    # Self-contained HTML sections other parts add (public sector, maturity): see
    # ospo_metrics.report.sections.strategy_sections; rendered after the objectives.
    sections: tuple[str, ...] = ()

    def headline(self, kpi_id: str) -> Headline:
        return next(h for h in [*self.headlines, self.compliance] if h.kpi.id == kpi_id)

    def story(self) -> str:
        """The headlines as three sentences, for the top of the page and of the report."""

        def v(kpi_id: str) -> str:
            headline = self.headline(kpi_id)
            return format_value(headline.value, headline.kpi.unit)

        rate = self.headline("upstream_merge_rate").value
        merged = f"{v('upstream_prs_merged')} of their pull requests were merged" + (
            f" ({v('upstream_merge_rate')} of those settled)" if rate is not None else ""
        )
        compliance = self.compliance.value
        return (
            f"In {self.window.in_words()}, {v('upstream_contributors')} of our people contributed "
            f"pull requests to {v('upstream_projects')} upstream projects; {merged}. "
            f"{v('active_contributors')} people contributed to our own projects, and the median "
            f"first response took {v('time_to_first_response')}. "
            + (
                f"{v(COMPLIANCE_KPI)} of our repositories meet the open source policy."
                if compliance is not None
                else "Compliance is not measured yet."
            )
        )


def quarter_trend(kpi_id: str, frames: Frames, window: Window, as_of: pd.Timestamp) -> pd.DataFrame:
    """The KPI per quarter: the four quarters up to the one the window ends in (the running
    quarter flagged `partial`)."""
    last = period_floor(window.last_day, "quarter")
    first = shift(last, "quarter", -(TREND_QUARTERS - 1))
    series = kpi_series(kpi_id, frames, "all", "quarter", as_of, start=first.tz_localize("UTC"))
    if series.empty:
        return series
    starts = pd.to_datetime(series["period_start"])
    return series[(starts >= first) & (starts <= last)].reset_index(drop=True)


def _headline(kpi_id: str, frames: Frames, window: Window, as_of: pd.Timestamp) -> Headline:
    return Headline(
        kpis.get(kpi_id),
        window_value(kpi_id, frames, window.start, window.end),
        window_value(kpi_id, frames, window.previous_start, window.previous_end),
        quarter_trend(kpi_id, frames, window, as_of),
    )


def impact_summary(
    frames: Frames,
    objectives: list[ObjectiveView],
    window: Window,
    as_of: pd.Timestamp,
    organization: str,
    is_demo: bool = False,
    private: bool = False,
    sections: tuple[str, ...] = (),
) -> ImpactSummary:
    """The summary over `window`; `objectives` evaluated as of the window's end (or now);
    `sections`: HTML the report prints after the objectives (report.sections)."""
    headlines = [_headline(kpi_id, frames, window, as_of) for kpi_id in HEADLINE_KPIS]
    return ImpactSummary(
        organization=organization,
        as_of=as_of,
        window=window,
        is_demo=is_demo,
        headlines=headlines,
        compliance=_headline(COMPLIANCE_KPI, frames, window, as_of),
        objectives=objectives,
        projects=upstream_projects_table(frames, window.start, window.end),
        private=private,
        sections=tuple(sections),
    )


def objectives_as_of(window: Window, now: pd.Timestamp) -> pd.Timestamp:
    """When objectives are evaluated for this window: its last moment, or now if it runs."""
    return min(window.end - pd.Timedelta(seconds=1), now)


NUMBERS_COLUMNS = (
    "section",
    "kpi",
    "title",
    "unit",
    "window",
    "start",
    "end",
    "value",
    "partial",
)


def impact_numbers(summary: ImpactSummary) -> pd.DataFrame:
    """Every number behind the summary, one row each: the headlines over the window and the
    window compared with, then each headline's quarterly trend (the CSV of the page)."""
    window = summary.window
    rows = []
    for headline in [*summary.headlines, summary.compliance]:
        kpi = headline.kpi
        base = {"kpi": kpi.id, "title": kpi.title, "unit": kpi.unit}
        rows.append(
            base
            | {
                "section": "headline",
                "window": window.label,
                "start": window.start.date(),
                "end": window.last_day.date(),
                "value": headline.value,
                "partial": window.partial,
            }
        )
        rows.append(
            base
            | {
                "section": "compared with",
                "window": window.compared_with,
                "start": window.previous_start.date(),
                "end": (window.previous_end - pd.Timedelta(days=1)).date(),
                "value": headline.previous,
                "partial": False,
            }
        )
        for row in headline.trend.itertuples():
            rows.append(
                base
                | {
                    "section": "quarter trend",
                    "window": f"Q{(row.period_start.month - 1) // 3 + 1} {row.period_start.year}",
                    "start": row.period_start,
                    "end": row.period_end,
                    "value": None if pd.isna(row.value) else float(row.value),
                    "partial": bool(row.partial),
                }
            )
    return pd.DataFrame(rows, columns=list(NUMBERS_COLUMNS))
