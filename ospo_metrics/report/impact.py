"""The executive impact summary: headline KPIs by quarter, objectives, top upstream projects.

The page shows it with Streamlit widgets; `render_html` writes the same content as one
self-contained HTML file (no scripts, no external assets) that prints on a page or two.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

import kpis
from kpis.schema import Frames
from kpis.upstream import top_upstream_projects
from ospo_metrics.formatting import format_delta, format_value
from ospo_metrics.objectives import ObjectiveView
from ospo_metrics.people.privacy import mask_text
from ospo_metrics.read.memo import series
from ospo_metrics.strategy.goals import goals_html

# The five numbers an executive reads first: impact upstream, community health, responsiveness.
HEADLINE_KPIS = (
    "upstream_prs_merged",
    "upstream_projects",
    "active_contributors",
    "new_contributors",
    "time_to_first_response",
)
TOP_PROJECTS_DAYS = 365


@dataclass(frozen=True)
class Headline:
    kpi: kpis.KPI
    value: float | None
    delta: float | None
    period_start: pd.Timestamp | None


@dataclass(frozen=True)
class ImpactSummary:
    organization: str
    as_of: pd.Timestamp
    is_demo: bool
    headlines: list[Headline]
    objectives: list[ObjectiveView]
    top_projects: pd.DataFrame = field(compare=False)
    private: bool = False  # privacy mode: people counted, never named
    # Self-contained HTML sections other parts add (public sector, maturity): see
    # ospo_metrics.report.sections.strategy_sections; rendered after the objectives.
    sections: tuple[str, ...] = ()


def impact_summary(
    frames: Frames,
    objectives: list[ObjectiveView],
    as_of: pd.Timestamp,
    organization: str,
    is_demo: bool = False,
    private: bool = False,
    sections: tuple[str, ...] = (),
) -> ImpactSummary:
    """Headlines compare the last complete quarter with the one before."""
    headlines = []
    for kpi_id in HEADLINE_KPIS:
        kpi = kpis.get(kpi_id)
        change = kpis.latest_change(series(kpi_id, frames, "quarter", end=as_of), as_of)
        headlines.append(Headline(kpi, change.value, change.delta, change.period_start))
    top = top_upstream_projects(frames, as_of - pd.Timedelta(days=TOP_PROJECTS_DAYS), as_of)
    return ImpactSummary(
        organization, as_of, is_demo, headlines, objectives, top, private, tuple(sections)
    )


def render_html(summary: ImpactSummary) -> str:
    """The summary as a standalone, printable HTML document (all text escaped)."""

    def e(text: str) -> str:
        # In privacy mode, addresses and @mentions in configured text are masked too.
        return html.escape(str(mask_text(text)) if summary.private else text)

    quarter = next((h.period_start for h in summary.headlines if h.period_start is not None), None)
    period = (
        f"quarter starting {quarter:%Y-%m-%d}" if quarter is not None else "no complete quarter"
    )
    tiles = "".join(
        f"<div class='tile'><div class='label'>{e(h.kpi.title)}</div>"
        f"<div class='value'>{e(format_value(h.value, h.kpi.unit))}</div>"
        f"<div class='delta'>{e(format_delta(h.delta, h.kpi.unit) or '')}"
        f" vs previous quarter</div></div>"
        for h in summary.headlines
    )
    objective_rows = "".join(
        f"<tr><td>{e(v.objective.title)}</td><td>{e(v.objective.goal or '')}</td>"
        f"<td>{e(format_value(v.objective.baseline.value, v.unit))}</td>"
        f"<td>{e(format_value(v.result.current, v.unit))}</td>"
        f"<td>{e(format_value(v.objective.target, v.unit))}</td>"
        f"<td>{e(str(v.objective.due))}</td><td class='status'>{e(v.result.status)}</td></tr>"
        for v in summary.objectives
    )
    project_rows = "".join(
        f"<tr><td>{e(str(row.repo))}</td><td>{row.prs_opened}</td><td>{row.prs_merged}</td>"
        f"<td>{row.contributors}</td></tr>"
        for row in summary.top_projects.itertuples()
    )
    demo = "<p class='demo'>Demo data: a generated organization.</p>" if summary.is_demo else ""
    if summary.private:
        demo += "<p class='demo'>Privacy mode: people are counted, never named.</p>"
    no_objectives = "<tr><td colspan='7'>No objectives configured.</td></tr>"
    no_projects = "<tr><td colspan='4'>No upstream pull requests in the last year.</td></tr>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(summary.organization)}: open source impact</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
.tiles {{ display: flex; gap: 1em; flex-wrap: wrap; }}
.tile {{ border: 1px solid #ccc; border-radius: 6px; padding: .6em 1em; min-width: 9em; }}
.label {{ font-size: .85em; color: #555; }} .value {{ font-size: 1.8em; }}
.delta {{ font-size: .8em; color: #555; }} .demo {{ color: #a60; }}
table {{ border-collapse: collapse; width: 100%; margin-top: .5em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .3em .5em; text-align: left; }}
@media print {{ body {{ margin: 0; }} }}
</style></head><body>
<h1>{e(summary.organization)}: open source impact</h1>
<p>As of {summary.as_of:%Y-%m-%d}; headline numbers for the {e(period)}.</p>{demo}
<div class="tiles">{tiles}</div>
{goals_html(summary.objectives)}
<h2>Objectives</h2>
<table><tr><th>Objective</th><th>Goal</th><th>Baseline</th><th>Now</th><th>Target</th>
<th>Due</th><th>Status</th></tr>{objective_rows or no_objectives}</table>
<h2>Top upstream projects (last 12 months)</h2>
<table><tr><th>Project</th><th>PRs opened</th><th>PRs merged</th><th>Our contributors</th></tr>
{project_rows or no_projects}</table>
{"".join(summary.sections)}
</body></html>
"""
