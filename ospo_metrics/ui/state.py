"""Filters kept in the URL, and carried from page to page.

A filter's value comes from the URL (`?scope=group:cloud&period=month`), else from what the
session chose on another page, else its default; whatever is chosen is written back to the URL,
so a link shares the view and moving to another page keeps scope and period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import streamlit as st

import kpis
from ospo_metrics.context import Context

PERIODS = ("week", "month", "quarter")
PERIOD_WORDS = {"week": "last week", "month": "last month", "quarter": "last quarter"}
# Session-state entry holding the values chosen on any page, by URL key.
_KEPT = "_ospo_kept_filters"


def url_value(key: str) -> str | None:
    """The URL's value for `key`, else the one kept from another page, else None."""
    value = st.query_params.get(key)
    if value is not None:
        return value
    return st.session_state.get(_KEPT, {}).get(key)


def remember(key: str, value: object) -> None:
    """Keep a chosen value in the URL and for the next page; None or "" removes it."""
    kept = st.session_state.setdefault(_KEPT, {})
    if value is None or value == "" or value is False:
        kept.pop(key, None)
        if key in st.query_params:
            del st.query_params[key]
        return
    text = value.isoformat() if isinstance(value, date) else str(value)
    kept[key] = text
    st.query_params[key] = text


def url_choice(key: str, options: Sequence[str], default: str) -> str:
    value = url_value(key)
    return value if value in options else default


def url_date(key: str) -> date | None:
    value = url_value(key)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def scope_options(ctx: Context, repositories: Iterable[str]) -> list[str]:
    options = ["all"] + [f"org:{login}" for login in ctx.config.organizations]
    options += [f"group:{g}" for g in ctx.groups]
    options += [f"repo:{r}" for r in sorted(repositories)]
    return options


def scope_picker(ctx: Context, key: str = "scope") -> str:
    """Scope filter (all, an organization, a group, a repository), kept in the URL."""
    from ospo_metrics.ui.data import repositories

    options = scope_options(ctx, repositories())
    choice = st.sidebar.selectbox(
        "Scope",
        options,
        index=options.index(url_choice(key, options, "all")),
        key=key,
        help="Which repositories the numbers cover: all, one organization, a group of the "
        "configuration, or one repository. Kept when you move to another page.",
    )
    remember(key, choice)
    return choice


def period_picker(key: str = "period") -> str:
    choice = st.sidebar.radio(
        "Period",
        PERIODS,
        index=PERIODS.index(url_choice(key, PERIODS, "week")),
        horizontal=True,
        key=key,
        help="Weeks run Monday to Sunday (UTC). Tiles compare the last complete period with "
        "the one before; the period in progress is never compared.",
    )
    remember(key, choice)
    return choice


def kpi_picker(
    label: str = "KPI", needs: str | None = None, key: str = "kpi", ids: Sequence[str] = ()
) -> str:
    """A KPI chooser (of `ids`, else every KPI) whose choice is in the URL (`?kpi=...`)."""
    ids = list(ids) or [k.id for k in kpis.REGISTRY.values() if needs is None or needs in k.needs]
    choice = st.selectbox(
        label,
        ids,
        index=ids.index(url_choice(key, ids, ids[0])),
        format_func=lambda i: kpis.get(i).title,
        key=key,
    )
    remember(key, choice)
    return choice


def choice(label: str, options: Sequence[str], key: str, *, radio: bool = False) -> str:
    """A radio or select box on the page whose choice is kept in the URL."""
    options = list(options)
    index = options.index(url_choice(key, options, options[0]))
    if radio:
        value = st.radio(label, options, index=index, horizontal=True, key=key)
    else:
        value = st.selectbox(label, options, index=index, key=key)
    remember(key, value if value != options[0] else None)
    return value


def date_filter(label: str, key: str, container=None) -> date | None:
    """A date input whose value is kept in the URL (ISO date)."""
    where = container or st
    value = where.date_input(label, value=url_date(key), key=key)
    remember(key, value)
    return value


def checkbox(label: str, key: str, container=None) -> bool:
    where = container or st
    value = where.checkbox(label, value=url_value(key) == "1", key=key)
    remember(key, "1" if value else None)
    return value
