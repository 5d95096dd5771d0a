"""The public-sector view: publishing, reuse by others and partner organizations, for the
page, the CLI (`ospo-metrics public-sector`) and a section of the HTML report.

The numbers come from the registry's ``public_sector`` KPIs (:mod:`kpis.public_sector`), read
for the last complete period as everywhere else, and the partners' share over time from
:func:`kpis.public_sector.partner_shares`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

import kpis
from kpis.periods import Period, period_floor
from kpis.public_sector import external_fork_rows, partner_shares
from kpis.schema import Frames
from ospo_metrics.formatting import format_value
from ospo_metrics.read.memo import computed, series

PUBLIC_SECTOR_KPIS: tuple[str, ...] = tuple(
    kpi.id for kpi in kpis.REGISTRY.values() if kpi.group == "public_sector"
)
NOT_MEASURED = (
    'Dependents are not measured: GitHub has no API for its "Used by" graph. Forks by '
    "others come from GitHub's fork listing of each repository we own."
)
FORK_COLUMNS = ("repo", "owner_login", "owner_type", "organization", "created_at", "deleted_at")


@dataclass(frozen=True)
class PublicSectorSummary:
    period: Period
    values: dict[str, kpis.Change]
    shares: pd.DataFrame = field(compare=False)  # partner_shares of the complete periods


def public_sector_summary(
    frames: Frames, as_of: pd.Timestamp, period: Period = "quarter"
) -> PublicSectorSummary:
    """Each public-sector KPI's last complete ``period`` and the partners' shares per period
    (computed once per frames and running period)."""
    running = period_floor(as_of, period)

    def make() -> PublicSectorSummary:
        values = {
            kpi_id: kpis.latest_change(series(kpi_id, frames, period, end=as_of), as_of)
            for kpi_id in PUBLIC_SECTOR_KPIS
        }
        shares = partner_shares(frames, period)
        shares = shares[pd.to_datetime(shares["period_start"]) < running].reset_index(drop=True)
        return PublicSectorSummary(period, values, shares)

    return computed(frames, ("public_sector", period, running), make)


def outside_forks(frames: Frames) -> pd.DataFrame:
    """The forks `external_forks` counts, newest first (who took what, and when)."""
    rows = external_fork_rows(frames.forks)
    return rows.sort_values(["created_at", "repo"], ascending=[False, True]).reset_index(drop=True)[
        list(FORK_COLUMNS)
    ]


def values_table(summary: PublicSectorSummary) -> pd.DataFrame:
    """One row per public-sector KPI: its value for the last complete period and definition."""
    rows = []
    for kpi_id, change in summary.values.items():
        kpi = kpis.get(kpi_id)
        rows.append(
            {
                "kpi": kpi_id,
                "title": kpi.title,
                "period_start": change.period_start,
                "value": change.value,
                "unit": kpi.unit,
                "definition": kpi.definition,
            }
        )
    return pd.DataFrame(rows)


def public_sector_html(summary: PublicSectorSummary, recent: int = 4) -> str:
    """The view as an HTML section for the printable report (all text escaped)."""
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(kpis.get(kpi_id).title)}</td>"
        f"<td>{e(format_value(change.value, kpis.get(kpi_id).unit))}</td></tr>"
        for kpi_id, change in summary.values.items()
    )
    shares = summary.shares
    starts = sorted(pd.to_datetime(shares["period_start"]).unique())[-recent:]
    recent_rows = shares[pd.to_datetime(shares["period_start"]).isin(starts)]
    partner_rows = "".join(
        f"<tr><td>{pd.Timestamp(row.period_start):%Y-%m-%d}</td><td>{e(str(row.organization))}"
        f"</td><td>{row.contributions}</td><td>{row.share_pct:.1f} %</td></tr>"
        for row in recent_rows.itertuples()
    )
    none = "<tr><td colspan='4'>No contributions by other organizations yet.</td></tr>"
    return (
        f"<h2>Public sector: publishing, reuse, partners</h2>"
        f"<p>Last complete {e(summary.period)}.</p>"
        f"<table><tr><th>KPI</th><th>Value</th></tr>{rows}</table>"
        f"<h3>Partner organizations' share of contributions</h3>"
        f"<table><tr><th>{e(summary.period.capitalize())} starting</th><th>Organization</th>"
        f"<th>Contributions</th><th>Share</th></tr>{partner_rows or none}</table>"
        f"<p class='rule'>{e(NOT_MEASURED)}</p>"
    )
