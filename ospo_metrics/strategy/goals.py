"""Impact goals: the OSPO book's four (partner, community, ecosystem, organizational) or a
theme of the OSPO's own, and how a goal's status rolls up from its objectives.

Roll-up rule (:func:`goal_status`): a goal is as healthy as its weakest objective. Its status
is the worst status among its objectives that have data (missed, off track, at risk, on track,
met, in that order), "met" only when every one of them is met, and "no data" when none has
data. Objectives without a goal are grouped under "no goal".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kpis.objectives import STATUSES_WORST_FIRST

BOOK_GOALS: dict[str, str] = {
    "partner": "Partner: work with vendors, customers and peers on shared open source",
    "community": "Community: healthy, responsive communities around our projects",
    "ecosystem": "Ecosystem: sustain the upstream projects we depend on",
    "organizational": "Organizational: open source practice, compliance and skills inside",
}
NO_GOAL = "no goal"
ROLLUP_RULE = (
    "A goal is as healthy as its weakest objective: the worst status among its objectives "
    "with data (missed, off track, at risk, on track, met); met only when all are met; "
    "no data when none has data."
)


@dataclass(frozen=True)
class GoalSummary:
    goal: str
    title: str
    status: str
    objectives: int
    counts: dict[str, int]


def goal_of(objective: object) -> str:
    """The objective's goal or theme, or "no goal"."""
    return getattr(objective, "goal", None) or NO_GOAL


def goal_title(goal: str) -> str:
    """The book's description of one of its four goals; a custom theme's own name."""
    return BOOK_GOALS.get(goal, goal.replace("-", " ").replace("_", " ").capitalize())


def goal_status(statuses: Iterable[str]) -> str:
    """Roll the statuses of one goal's objectives up into the goal's (see ROLLUP_RULE)."""
    known = [status for status in statuses if status != "no data"]
    if not known:
        return "no data"
    return min(known, key=STATUSES_WORST_FIRST.index)


def goal_summaries(views: Iterable) -> list[GoalSummary]:
    """One summary per goal that has objectives: book goals first, then themes, then none."""
    grouped: dict[str, list[str]] = {}
    for view in views:
        grouped.setdefault(goal_of(view.objective), []).append(view.result.status)
    order = [*BOOK_GOALS, *sorted(g for g in grouped if g not in BOOK_GOALS and g != NO_GOAL)]
    order.append(NO_GOAL)
    summaries = []
    for goal in order:
        if goal not in grouped:
            continue
        statuses = grouped[goal]
        counts = {s: statuses.count(s) for s in STATUSES_WORST_FIRST if s in statuses}
        summaries.append(
            GoalSummary(goal, goal_title(goal), goal_status(statuses), len(statuses), counts)
        )
    return summaries


def goals_html(views: Iterable) -> str:
    """The goals and their rolled-up statuses as an HTML list for the printable report."""
    import html

    items = "".join(
        f"<li><strong>{html.escape(summary.title)}</strong>: {html.escape(summary.status)} "
        f"({summary.objectives} objective{'s' if summary.objectives != 1 else ''})</li>"
        for summary in goal_summaries(views)
    )
    if not items:
        return ""
    return f"<h2>Goals</h2><ul>{items}</ul><p class='rule'>{html.escape(ROLLUP_RULE)}</p>"
