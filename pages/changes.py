"""What changed: the last complete week against the one before, for the manager's Monday."""

import streamlit as st

from ospo_metrics import ui
from ospo_metrics.changes import weekly, widgets

context = ui.context()
st.title("What changed")
ui.demo_banner(context)
scope = ui.scope_picker(context)
data = ui.frames(scope)

if ui.is_empty(data, "commits", "issues", "repository_details"):
    ui.empty_state("No activity has been collected for this scope yet.")
    st.stop()

changes = weekly.load_changes(context, data, scope, ui.now())
weeks = changes.weeks
st.caption(
    f"The week of {weeks.last:%Y-%m-%d} (Monday to Sunday, UTC) against the week of "
    f"{weeks.previous:%Y-%m-%d}; the week in progress is left out. Snapshots of this scope "
    f"on {changes.snapshot_days} days (`collect` takes one a day)."
)
widgets.summary(changes)
widgets.section(
    "New contributors",
    changes.new_contributors,
    "Nobody contributed for the first time last week.",
)
widgets.section(
    "New contributors from other organizations",
    changes.other_organizations,
    "None from another organization.",
)
widgets.section("Releases", changes.releases, "No release was published last week.")
widgets.section("Repositories created", changes.created, "No repository was created last week.")
widgets.section(
    "Repositories archived",
    changes.archived.table,
    "No repository was archived last week.",
    changes.archived.note,
)
widgets.objectives(changes)
widgets.kpi_moves(changes, scope)
