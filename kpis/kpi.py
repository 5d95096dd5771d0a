"""What a KPI is: the record every family module fills in and the registry collects.

A family module (``community``, ``responsiveness``, ``upstream``, ...) holds its compute
functions and, next to them, a tuple of :class:`KPI` entries; :mod:`kpis.registry` gathers
the tuples. Adding a KPI therefore touches one module (plus its test).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from kpis.periods import PERIODS, Period
from kpis.schema import Frames

Direction = Literal["up", "down", "neutral"]
Compute = Callable[[Frames, Period], pd.Series]

# fill_value of KPIs that are undefined (not zero) in a period without input.
NO_VALUE = math.nan
# Prefix of every CHAOSS metric URL, so references stay uniform.
CHAOSS_KB = "https://chaoss.community/kb/"


@dataclass(frozen=True, kw_only=True)
class KPI:
    """One key performance indicator.

    ``compute(frames, period)`` returns a float Series indexed by tz-naive period start,
    holding only the periods in which the KPI has input; :func:`kpis.series` turns it into
    a gap-free table, filling the other periods with ``fill_value`` (0 for counts, NaN where
    the KPI is undefined without activity).

    ``higher_is_better`` is True or False when a rise is good or bad, and None when the KPI
    is informational and a change should not be coloured as good or bad. ``group`` names the
    family the KPI belongs to (the module that defines it).

    ``coverage`` names the KPI that says how much of this one's input has a known affiliation
    (e.g. ``commit_affiliation_coverage`` for the elephant factor); pages, the CLI and exports
    show it beside every KPI that depends on affiliation.
    """

    id: str
    title: str
    unit: str
    definition: str
    chaoss: str | None
    higher_is_better: bool | None
    needs: tuple[str, ...]
    compute: Compute
    group: str
    fill_value: float
    periods: tuple[Period, ...] = PERIODS
    # The values the KPI can take, (lower, upper) with None for "no bound"; forecasts never
    # leave it. None means "from the unit" (see :attr:`domain`).
    bounds: tuple[float | None, float | None] | None = None
    coverage: str | None = None
    # True when `compute` also takes `calendar=` and can measure hours in business time
    # (see kpis.business_time): the same KPI, on request, not a second definition.
    business_time: bool = False

    def __reduce__(self):
        # A registered KPI is pickled by its id (results kept on disk hold KPIs, whose
        # `compute` is often a lambda): unpickled, it is the registry's KPI of this code.
        from kpis.registry import REGISTRY

        if REGISTRY.get(self.id) is self:
            return (_registered, (self.id,))
        return super().__reduce__()

    @property
    def domain(self) -> tuple[float | None, float | None]:
        """``bounds``, or from the unit: % -> [0, 100], ratio/share -> [0, 1], else [0, inf)."""
        if self.bounds is not None:
            return self.bounds
        if self.unit == "%":
            return (0.0, 100.0)
        if self.unit in ("ratio", "share"):
            return (0.0, 1.0)
        return (0.0, None)

    @property
    def direction(self) -> Direction:
        """Return "up" if a rise is good, "down" if a fall is good, "neutral" if neither."""
        if self.higher_is_better is None:
            return "neutral"
        return "up" if self.higher_is_better else "down"


def _registered(kpi_id: str) -> KPI:
    from kpis.registry import get

    return get(kpi_id)
