"""Small shared widgets: the demo banner, empty states, tables with readable headers, CSV.

Tables and CSV buttons show people as privacy mode says (ospo_metrics/people/privacy.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from ospo_metrics.context import Context
from ospo_metrics.export import to_csv
from ospo_metrics.people import privacy
from ospo_metrics.ui.data import context
from ospo_metrics.ui.labels import column_label


def private() -> bool:
    """Is privacy mode on (`privacy: true` in the configuration)? Then no view names people."""
    return privacy.enabled(context().config)


def shown_people(frame: pd.DataFrame, personal: tuple[str, ...] = ()) -> pd.DataFrame:
    """`frame` as it may be shown or downloaded: people pseudonymized in privacy mode (tables
    and CSV buttons call it already; call it for a chart's data or a sentence's names)."""
    return privacy.hide_people(frame, context().config, personal=personal)


def shown_text(text: str | None) -> str | None:
    """Free text as it may be shown: addresses and @mentions masked in privacy mode."""
    return privacy.mask_text(text) if private() else text  # type: ignore[return-value]


def demo_banner(ctx: Context) -> None:
    if ctx.is_demo:
        st.info(
            "**Demo data.** This is the generated *Acme (demo)* organization. Write an `ospo.yml` "
            "(see `ospo.example.yml`) and run `ospo-metrics collect` to see your own.",
            icon="🧪",
        )


def empty_state(message: str) -> None:
    st.info(
        f"{message} Collect data with `ospo-metrics collect` (or `ospo-metrics demo`), "
        "then reload.",
        icon="📭",
    )


def _column_config(frame: pd.DataFrame, extra: dict | None) -> dict:
    config: dict = {}
    for name in frame.columns:
        label = column_label(str(name))
        if name in ("html_url", "url"):
            config[name] = st.column_config.LinkColumn(label, display_text="open")
        elif isinstance(frame[name].dtype, pd.DatetimeTZDtype):
            config[name] = st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm")
        else:
            config[name] = st.column_config.Column(label)
    config.update(extra or {})
    return config


def table(
    frame: pd.DataFrame,
    limit: int | None = None,
    column_config: dict | None = None,
    height: int | str = "auto",
) -> None:
    """Show a frame with readable headers (the data keeps its column names).

    KPI series carry pandas attrs (period kind) that Arrow cannot serialize: they are dropped.
    """
    shown = shown_people(frame.head(limit) if limit else frame.copy())
    shown.attrs = {}
    st.dataframe(
        shown,
        width="stretch",
        height=height,
        hide_index=True,
        column_config=_column_config(shown, column_config),
    )


def file_name(name: str, scope: str | None = None, extension: str = "csv") -> str:
    """`commits-group-cloud-20261123.csv`: what, for which scope, as of which day."""
    parts = [name]
    if scope and scope != "all":
        parts.append(scope)
    stem = "-".join(parts)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in stem)
    return f"{safe}-{date.today():%Y%m%d}.{extension}"


def csv_button(
    frame: pd.DataFrame,
    name: str,
    label: str = "Download CSV",
    scope: str | None = None,
    key: str | None = None,
) -> None:
    """A download of exactly `frame`; the CSV is written when the button is clicked, not on
    every render (large tables would otherwise slow every page view)."""
    st.download_button(
        label,
        data=lambda: to_csv(shown_people(frame)).encode("utf-8"),
        file_name=file_name(name, scope),
        mime="text/csv",
        disabled=frame.empty,
        key=key,
        on_click="ignore",
    )


def lazy_csv_button(
    make: Callable[[], pd.DataFrame],
    name: str,
    disabled: bool,
    label: str = "Download CSV",
    scope: str | None = None,
    key: str | None = None,
) -> None:
    """A download of the table `make()` returns, read only when the button is clicked (a
    million-row export must not be read on every render)."""
    st.download_button(
        label,
        data=lambda: to_csv(shown_people(make())).encode("utf-8"),
        file_name=file_name(name, scope),
        mime="text/csv",
        disabled=disabled,
        key=key,
        on_click="ignore",
    )
