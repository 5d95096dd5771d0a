"""The People page's data and actions: people tables cached by data version, curation forms.

Each action runs one curation decision (ospo_metrics.people.curation) in its own transaction
from a button's callback, before the page is drawn again; the decision moves the data version,
so the tables and every KPI of the next run show the curated people. A decision that cannot be
made (unknown person, bad dates) is kept as a message for the page, never raised.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from ospo_metrics.people.curation import Curation, CurationError, parse_identity
from ospo_metrics.people.views import contributors_by_kind_table, current_people_tables
from ospo_metrics.ui.data import context, frames

MESSAGE_KEY = "people_message"


def contributors_by_kind(scope: str, period: str) -> pd.DataFrame:
    """Distinct contributors per period and kind of contribution (the KPI layer's table)."""
    return contributors_by_kind_table(frames(scope), period)


def kind_chart(table: pd.DataFrame, period: str) -> None:
    """Contributors per period, one bar per kind of contribution side by side."""
    import plotly.express as px

    figure = px.bar(
        table,
        x="period_start",
        y="contributors",
        color="kind",
        barmode="group",
        labels={"period_start": period.capitalize(), "contributors": "Contributors"},
    )
    figure.update_layout(height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    st.plotly_chart(figure, width="stretch")


def people_tables() -> dict[str, pd.DataFrame]:
    """people, identities, affiliations (with sources) and merge suggestions, as of the
    current data version (shared: derive, never modify)."""
    ctx = context()
    return current_people_tables(ctx.engine, ctx.rules, frames("all"))


def _run(action: Callable[[Curation], object]) -> None:
    """A button's callback: one decision, its outcome kept for the page to show."""
    ctx = context()
    try:
        with Session(ctx.engine) as session, session.begin():
            change = action(Curation(session, ctx.bots, ctx.config))
        st.session_state[MESSAGE_KEY] = ("success", change.message)  # type: ignore[attr-defined]
    except CurationError as exc:
        st.session_state[MESSAGE_KEY] = ("error", str(exc))


def last_message() -> tuple[str, str] | None:
    """What the last action did (kind "success" or "error", text), once."""
    return st.session_state.pop(MESSAGE_KEY, None)


def _references(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def decide(identity_a: str, identity_b: str, accept: bool) -> None:
    """Accept (one person) or reject (never suggested again) a merge suggestion."""

    def action(curation: Curation):
        return curation.decide(
            parse_identity(identity_a),
            parse_identity(identity_b),
            accept,
            "accepted on the People page" if accept else "rejected on the People page",
        )

    _run(action)


def merge(people: str) -> None:
    """Merge the people named in a comma-separated text (#id, address, @login, name)."""
    _run(lambda curation: curation.merge(_references(people), note="People page"))


def split(person: str, identities: str) -> None:
    """Take the comma-separated identities away from a person."""
    _run(lambda curation: curation.split(person, _references(identities), note="People page"))


def set_affiliation(
    person: str, organization: str, start: date | None, end: date | None, remove: bool
) -> None:
    """Give a person a dated affiliation (or forget their curated ones, `remove`)."""
    if remove:
        _run(lambda curation: curation.remove_affiliations(person, organization or None))
    else:
        _run(
            lambda curation: curation.set_affiliation(
                person, organization, start, end, note="People page"
            )
        )
