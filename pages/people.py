"""People: who is behind the numbers, their identities and organizations over time, and the
decisions that correct them (merge, split, affiliation, merge suggestions)."""

import streamlit as st

from ospo_metrics import ui
from ospo_metrics.ui import people

context = ui.context()
st.title("People")
ui.demo_banner(context)
tables = people.people_tables()
everyone, identities = tables["people"], tables["identities"]
if everyone.empty:
    ui.empty_state("Nobody has been seen yet.")
    st.stop()

message = people.last_message()
if message:
    (st.success if message[0] == "success" else st.error)(ui.plain(message[1]))

humans = everyone[everyone["actor"] == "human"]
left, middle, right, last = st.columns(4)
left.metric("People", f"{len(humans):,}", help="Humans; bots and AI agents are not counted.")
middle.metric("Identities", f"{len(identities):,}", help="E-mail addresses and GitHub logins.")
right.metric("Organizations", f"{humans['organization'].nunique():,}")
last.metric("Merge suggestions", f"{len(tables['suggestions']):,}")
if ui.private():
    st.info(
        "Privacy mode is on: people are shown as pseudonyms and counted, never named. "
        "Curate with `ospo-metrics people` (by person id).",
        icon="🔒",
    )

people_tab, kinds_tab, identities_tab, affiliations_tab, suggestions_tab, curate_tab = st.tabs(
    ["People", "Contributors by kind", "Identities", "Affiliations", "Merge suggestions", "Curate"]
)
with people_tab:
    st.caption("Today's organization and where it comes from; contributions of every kind.")
    ui.table(everyone, limit=5000)
    ui.csv_button(everyone, "people", key="people_csv")
with kinds_tab:
    st.caption(
        "Distinct people per period and kind of contribution: commits authored or co-authored, "
        "issues and pull requests opened, reviews, comments (bots left out). Someone active "
        "in two ways counts in both; Active contributors counts each person once."
    )
    scope = ui.scope_picker(context)
    period = ui.period_picker()
    by_kind = people.contributors_by_kind(scope, period)
    if by_kind.empty:
        ui.empty_state("No contributions in this scope yet.")
    else:
        people.kind_chart(by_kind, period)
        ui.table(by_kind)
        ui.csv_button(by_kind, f"contributors-by-kind-{period}", scope=scope, key="kinds_csv")
with identities_tab:
    st.caption("Each identity with its person and its organizations over time.")
    ui.table(identities, limit=5000)
    ui.csv_button(identities, "identities", key="identities_csv")
with affiliations_tab:
    st.caption(
        "Dated affiliations win over the e-mail domain rule; where two overlap, curation wins "
        "over the configuration, which wins over imports and organization membership."
    )
    ui.table(tables["affiliations"], limit=5000)
    ui.csv_button(tables["affiliations"], "affiliations", key="affiliations_csv")
with suggestions_tab:
    suggestions = tables["suggestions"]
    if suggestions.empty:
        st.info("No merge suggestions.", icon="✅")
    elif ui.private():
        st.caption(f"{len(suggestions):,} suggestions; review them with the CLI.")
    else:
        st.caption("A rejected suggestion never comes back; accepting one merges the two.")
        for index, row in enumerate(suggestions.head(50).itertuples()):
            text, accept, reject = st.columns([6, 1, 1])
            text.markdown(
                f"**{ui.plain(row.reason)}**: #{row.person_a} `{row.identity_a}` and "
                f"#{row.person_b} `{row.identity_b}` ({ui.plain(row.why)})"
            )
            args = (row.identity_a, row.identity_b)
            accept.button(
                "Accept", key=f"accept_{index}", on_click=people.decide, args=(*args, True)
            )
            reject.button(
                "Reject", key=f"reject_{index}", on_click=people.decide, args=(*args, False)
            )
with curate_tab:
    if ui.private():
        st.caption("Curation forms are hidden in privacy mode: use `ospo-metrics people`.")
    else:
        st.caption("People by #id, e-mail address, @login or a full name only one person has.")
        with st.form("merge"):
            st.text_input("Merge these people (comma separated)", key="merge_people")
            st.form_submit_button(
                "Merge", on_click=lambda: people.merge(st.session_state["merge_people"])
            )
        with st.form("split"):
            st.text_input("Person", key="split_person")
            st.text_input(
                "Identities that are someone else (comma separated)", key="split_identities"
            )
            st.form_submit_button(
                "Split",
                on_click=lambda: people.split(
                    st.session_state["split_person"], st.session_state["split_identities"]
                ),
            )
        with st.form("affiliation"):
            st.text_input("Person", key="affiliation_person")
            st.text_input("Organization", key="affiliation_organization")
            start_column, end_column = st.columns(2)
            start_column.date_input("From (included)", value=None, key="affiliation_from")
            end_column.date_input("To (included)", value=None, key="affiliation_to")
            st.checkbox(
                "Remove this person's curated affiliations (of this organization, or all)",
                key="affiliation_remove",
            )
            st.form_submit_button(
                "Save affiliation",
                on_click=lambda: people.set_affiliation(
                    st.session_state["affiliation_person"],
                    st.session_state["affiliation_organization"],
                    st.session_state["affiliation_from"],
                    st.session_state["affiliation_to"],
                    st.session_state["affiliation_remove"],
                ),
            )
