"""The data version: what every read-side cache is keyed on, instead of a timer.

The version moves when a collection run finishes (or is closed as interrupted) and when data
changes outside a run (`ospo_metrics.store.record_change`: curation, imports). Two cheap
aggregate queries tell it, so a page can ask on every rerun: nobody pays twice for the same
data, and new data shows at once.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from ospo_metrics.models import CollectionRun, DataChange


def data_version(engine: Engine) -> str:
    """A short text that changes whenever the stored data a KPI reads may have changed."""
    with engine.connect() as connection:
        finished, last_finished = connection.execute(
            select(func.count(CollectionRun.finished_at), func.max(CollectionRun.finished_at))
        ).one()
        change = connection.scalar(select(func.max(DataChange.id)))
    return f"runs:{finished}@{last_finished}|changes:{change or 0}"
