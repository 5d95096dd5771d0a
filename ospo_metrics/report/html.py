"""The impact summary as one self-contained HTML document: no scripts, no external assets (the
trend charts are inline SVG), every user string escaped, sized to print on one or two A4 or
Letter pages. The PDF (ospo_metrics/report/pdf.py) is this document printed by Chromium.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from ospo_metrics.formatting import format_delta, format_value
from ospo_metrics.people.privacy import mask_text
from ospo_metrics.report.impact import Headline, ImpactSummary
from ospo_metrics.strategy.goals import ROLLUP_RULE, goal_of, goal_summaries

# Status colours (the page's words, in the report's own palette; words carry the meaning).
STATUS_HEX = {
    "met": "#1b7f3b",
    "on track": "#2e9e4f",
    "at risk": "#c77700",
    "off track": "#c62828",
    "missed": "#8e0000",
    "no data": "#777777",
}
PROJECTS_SHOWN = 10


def trend_svg(trend: pd.DataFrame, unit: str, title: str) -> str:
    """Small bar chart of a quarterly trend: complete quarters filled, the running one hollow
    and dashed ("so far"), each bar's value in its tooltip and above it."""
    if trend.empty or trend["value"].dropna().empty:
        return (
            "<svg class='trend' width='155' height='56' role='img'><text x='0' y='30' "
            "font-size='10' fill='#777'>no data yet</text></svg>"
        )
    width, height, top, bottom = 155, 56, 12, 14
    values = [None if pd.isna(v) else float(v) for v in trend["value"]]
    peak = max((v for v in values if v is not None), default=0.0) or 1.0
    step = width / len(values)
    bars = []
    for i, (value, row) in enumerate(zip(values, trend.itertuples(), strict=True)):
        start = pd.Timestamp(row.period_start)
        label = f"Q{(start.month - 1) // 3 + 1} {start:%y}"
        x = i * step + 4
        text = format_value(value, unit) + (" so far" if row.partial else "")
        if value is not None:
            h = max((height - top - bottom) * value / peak, 1)
            y = height - bottom - h
            style = (
                "fill='none' stroke='#888' stroke-dasharray='3,2'"
                if row.partial
                else "fill='#3b6ea8'"
            )
            bars.append(
                f"<rect x='{x:.1f}' y='{y:.1f}' width='{step - 8:.1f}' height='{h:.1f}' "
                f"{style}><title>{html.escape(label)}: {html.escape(text)}</title></rect>"
                f"<text x='{x + (step - 8) / 2:.1f}' y='{y - 2:.1f}' font-size='8' "
                f"text-anchor='middle'>{html.escape(format_value(value, unit))}</text>"
            )
        bars.append(
            f"<text x='{x + (step - 8) / 2:.1f}' y='{height - 3}' font-size='8' fill='#555' "
            f"text-anchor='middle'>{html.escape(label)}{'*' if row.partial else ''}</text>"
        )
    name = html.escape(f"{title} per quarter ({unit})")
    return (
        f"<svg class='trend' width='{width}' height='{height}' role='img' "
        f"aria-label='{name}'><title>{name}</title>{''.join(bars)}</svg>"
    )


def _tile(headline: Headline, e, compared_with: str) -> str:
    kpi = headline.kpi
    delta = format_delta(headline.delta, kpi.unit)
    change = f"{delta} vs {compared_with}" if delta else f"no comparison with {compared_with}"
    return (
        f"<div class='tile'><div class='label'>{e(kpi.title)}</div>"
        f"<div class='value'>{e(format_value(headline.value, kpi.unit))}</div>"
        f"<div class='delta'>{e(change)}</div>"
        f"{trend_svg(headline.trend, kpi.unit, kpi.title)}</div>"
    )


def _badge(status: str, e) -> str:
    """A status in words on its colour (the word carries the meaning, the colour helps)."""
    colour = STATUS_HEX.get(status, "#777")
    return f"<span class='status' style='background:{colour}'>{e(status)}</span>"


def _objectives(summary: ImpactSummary, e) -> str:
    if not summary.objectives:
        return "<p>No objectives are configured.</p>"
    parts = []
    for goal in goal_summaries(summary.objectives):
        rows = "".join(
            f"<tr><td>{e(v.objective.title)}</td>"
            f"<td>{e(format_value(v.objective.baseline.value, v.unit))}</td>"
            f"<td>{e(format_value(v.result.current, v.unit))}</td>"
            f"<td>{e(format_value(v.objective.target, v.unit))}</td>"
            f"<td>{e(str(v.objective.due))}</td>"
            f"<td>{_badge(v.result.status, e)}</td></tr>"
            for v in summary.objectives
            if goal_of(v.objective) == goal.goal
        )
        parts.append(
            f"<h3>{_badge(goal.status, e)} "
            f"{e(goal.title)}</h3><table><tr><th>Objective</th><th>Baseline</th><th>Now</th>"
            f"<th>Target</th><th>Due</th><th>Status</th></tr>{rows}</table>"
        )
    return "".join(parts) + f"<p class='note'>{e(ROLLUP_RULE)}</p>"


def _projects(summary: ImpactSummary, e) -> str:
    projects = summary.projects
    if projects.empty:
        return "<p>No upstream pull requests or reviews by our people in this window.</p>"

    def n(value: object, unit: str = "") -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return e(format_value(float(value), unit))

    rows = "".join(
        f"<tr><td>{e(str(r.repo))}</td><td>{r.prs_opened}</td><td>{r.prs_merged}</td>"
        f"<td>{n(r.merge_rate_pct, '%')}</td><td>{n(r.median_hours_to_merge, 'hours')}</td>"
        f"<td>{r.reviews}</td><td>{r.our_people}</td><td>{n(r.our_share_pct, '%')}</td></tr>"
        for r in projects.head(PROJECTS_SHOWN).itertuples()
    )
    more = len(projects) - PROJECTS_SHOWN
    total = (
        f"<tr class='total'><td>All {len(projects)} projects</td>"
        f"<td>{int(projects['prs_opened'].sum())}</td><td>{int(projects['prs_merged'].sum())}</td>"
        f"<td colspan='2'></td><td>{int(projects['reviews'].sum())}</td><td colspan='2'></td></tr>"
    )
    note = f"<p class='note'>And {more} more projects (in the CSV).</p>" if more > 0 else ""
    return (
        "<table><tr><th>Project</th><th>PRs opened</th><th>PRs merged</th><th>Merge rate</th>"
        "<th>Time to merge</th><th>Reviews</th><th>Our people</th><th>Our share</th></tr>"
        f"{rows}{total}</table>{note}"
    )


def render_html(summary: ImpactSummary) -> str:
    """The summary as a standalone, printable HTML document (all text escaped)."""

    def e(text: object) -> str:
        # In privacy mode, addresses and @mentions in configured text are masked too.
        text = str(text)
        return html.escape(str(mask_text(text)) if summary.private else text)

    window = summary.window
    tiles = "".join(
        _tile(h, e, window.compared_with) for h in [*summary.headlines, summary.compliance]
    )
    notes = "<p class='demo'>Demo data: a generated organization.</p>" if summary.is_demo else ""
    if summary.private:
        notes += "<p class='demo'>Privacy mode: people are counted, never named.</p>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(summary.organization)}: open source impact, {e(window.label)}</title>
<style>
@page {{ size: auto; margin: 12mm; }}
body {{ font-family: system-ui, sans-serif; margin: 1.5em; color: #222; font-size: 11px; }}
h1 {{ font-size: 20px; margin: 0 0 .2em; }} h2 {{ font-size: 14px; margin: 1em 0 .3em; }}
h3 {{ font-size: 12px; margin: .8em 0 .2em; }}
.story {{ font-size: 12px; max-width: 60em; }}
.tiles {{ display: flex; gap: .6em; flex-wrap: wrap; }}
.tile {{ border: 1px solid #ccc; border-radius: 6px; padding: .4em .5em; width: 160px;
  break-inside: avoid; }}
.label {{ font-size: 10px; color: #555; }} .value {{ font-size: 20px; }}
.delta {{ font-size: 9px; color: #555; }} .demo {{ color: #a60; margin: .2em 0; }}
.note {{ font-size: 9px; color: #555; }}
.status {{ color: #fff; border-radius: 3px; padding: 0 .4em; font-size: 10px; }}
table {{ border-collapse: collapse; width: 100%; margin-top: .3em; break-inside: auto; }}
tr {{ break-inside: avoid; }} tr.total td {{ font-weight: 600; border-top: 1px solid #999; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .15em .4em; text-align: left; }}
@media print {{ body {{ margin: 0; }} }}
</style></head><body>
<h1>{e(summary.organization)}: open source impact</h1>
<p><strong>{e(window.stated())}</strong>; compared with {e(window.compared_with)}.
Every number and table below covers this window (UTC days). Generated
{summary.as_of:%Y-%m-%d}.</p>{notes}
<p class="story">{e(summary.story())}</p>
<div class="tiles">{tiles}</div>
<p class="note">Bars: the last four quarters; a dashed bar marked * is the quarter still
running (so far, not a drop).</p>
<h2>Objectives by impact goal</h2>{_objectives(summary, e)}
{"".join(summary.sections)}
<h2>Upstream projects</h2>{_projects(summary, e)}
</body></html>
"""
