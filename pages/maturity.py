"""OSPO maturity: a dated self-assessment against the OSPO book's stages and pillars, the stage
it reaches (with the rule), its history, and the KPIs that are evidence for the answers."""

import streamlit as st

from ospo_metrics import ui
from ospo_metrics.strategy.maturity import ANSWERS, PILLARS, QUESTIONS, RULE, STAGES
from ospo_metrics.strategy.maturity_evidence import evidence
from ospo_metrics.strategy.maturity_files import dump

context = ui.context()
st.title("OSPO maturity")
ui.demo_banner(context)
assessments = ui.maturity_assessments()

ui.maturity_line()
st.caption(f"Rule: {RULE}")
if not assessments:
    st.info(
        "No self-assessment yet: answer the questions below and save, or import a YAML file "
        "with `ospo-metrics maturity import FILE`.",
        icon="🧭",
    )
else:
    ui.maturity_chart(assessments)
    ui.table(ui.maturity_history(assessments))
    st.download_button(
        "Download the assessments (YAML)",
        data=dump(assessments).encode("utf-8"),
        file_name=ui.file_name("maturity", extension="yml"),
        mime="application/x-yaml",
    )

st.subheader("Self-assessment")
values = evidence(ui.frames("all"), ui.now())
latest = assessments[-1] if assessments else None
choices = ["unanswered", *ANSWERS]
with st.form("assessment"):
    on = st.date_input("Assessed on", value=ui.now().date())
    answers, notes = {}, {}
    for stage, title in STAGES.items():
        st.markdown(f"**{title}**")
        for question in (q for q in QUESTIONS if q.stage == stage):
            previous = latest.answers.get(question.id, "unanswered") if latest else "unanswered"
            answer = st.radio(
                question.text,
                choices,
                index=choices.index(previous),
                horizontal=True,
                key=f"maturity-{question.id}",
            )
            kpi = ""
            if question.kpi:
                kpi = f" · evidence: `{question.kpi}` = {values.get(question.kpi, 'no data')}"
            st.caption(f"{PILLARS[question.pillar]} · {question.explanation}{kpi}")
            if answer != "unanswered":
                answers[question.id] = answer
                note = latest.notes.get(question.id) if latest else None
                if note:
                    notes[question.id] = note
    saved = st.form_submit_button("Save the assessment")
if saved:
    ui.save_maturity(on, answers, notes)
    st.success(f"Saved the assessment of {on:%Y-%m-%d} ({len(answers)} answers).")
    st.rerun()
