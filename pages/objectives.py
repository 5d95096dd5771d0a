"""Objectives: baseline -> current -> target for each strategic objective, grouped by goal,
with its forecast, the chance of reaching the target and its status."""

import streamlit as st

from ospo_metrics import ui
from ospo_metrics.strategy.goals import ROLLUP_RULE, goal_of, goal_summaries
from ospo_metrics.strategy.objectives import objectives_table

context = ui.context()
st.title("Objectives")
ui.demo_banner(context)
views = ui.objectives()

if not views:
    st.info(
        "No objectives are configured. Add an `objectives:` section to `ospo.yml` "
        "(see `ospo.example.yml`): a KPI, a scope, a baseline, a target and a due date.",
        icon="🎯",
    )
    st.stop()

ui.objectives_summary(views, link=False)
table = objectives_table(views)
ui.table(table[ui.OBJECTIVE_COLUMNS])
ui.csv_button(table, "objectives")
st.caption(
    "Status: met (target reached), missed (due date passed), otherwise from the forecast's "
    "chance of reaching the target by the due date: on track from 70%, at risk from 30%, "
    "off track below; an objective moving away from its target is never on track. "
    "With too few points for a forecast, progress is compared with the time gone."
)

for goal in goal_summaries(views):
    st.subheader(f"{ui.STATUS_ICONS[goal.status]} {ui.plain(goal.title)} — {goal.status}")
    for view in (v for v in views if goal_of(v.objective) == goal.goal):
        icon = ui.STATUS_ICONS[view.result.status]
        with st.expander(f"{icon} {ui.plain(view.objective.title)} — {view.result.status}"):
            st.text(view.result.explanation)
            owner = view.objective.owner and not ui.private()
            owner = f", owner {ui.plain(view.objective.owner)}" if owner else ""
            st.caption(
                f"KPI `{view.objective.kpi}` on `{view.objective.scope}`, aggregation "
                f"`{view.objective.aggregation or 'latest'}`, due {view.objective.due}{owner}"
                + (", in business hours." if view.objective.business_hours else ".")
            )
            ui.objective_chart(view)
            ui.sla_misses(view)
            history = ui.status_history(view.objective.id)
            if len(history):
                st.caption("Status history (weekly, as stored by `ospo-metrics alerts`/`snapshot`)")
                ui.table(history)
st.caption(f"Goals: {ROLLUP_RULE}")
