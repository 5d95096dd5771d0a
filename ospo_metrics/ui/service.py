"""Service-level objectives on the Objectives page: the items that missed the target."""

from __future__ import annotations

import streamlit as st

from ospo_metrics.strategy.objectives import ObjectiveView
from ospo_metrics.ui.data import context, frames, now
from ospo_metrics.ui.widgets import csv_button, table


def sla_misses(view: ObjectiveView) -> None:
    """For a time-to-first-response or time-to-close objective: the items over its target
    (the manager's to-do list), with links; nothing for other objectives."""
    from ospo_metrics.strategy.service_levels import is_sla, misses

    if not is_sla(view):
        return
    ctx = context()
    late = misses(ctx.config, view, frames(view.objective.scope), now())
    hours = "business hours" if view.objective.business_hours else "hours"
    if late.empty:
        st.caption(f"No item over the target ({view.objective.target:g} {hours}) in the window.")
        return
    st.caption(
        f"{len(late)} item(s) over the target ({view.objective.target:g} {hours}), worst "
        "first; `open` ones are still waiting. Also: `ospo-metrics objectives --misses`."
    )
    table(late, column_config={"link": st.column_config.LinkColumn("Link")})
    csv_button(late, f"misses-{view.objective.id}", key=f"misses-{view.objective.id}")
