"""The single list of KPIs: what each one means, how it is computed and which way is good.

Dashboard pages, the CLI and the CSV export all read :data:`REGISTRY`. Each family module
declares its own KPI entries next to their compute functions (see :mod:`kpis.kpi`); a new
family adds its tuple to :data:`FAMILIES` below.
"""

from __future__ import annotations

from kpis.community import COMMUNITY_KPIS
from kpis.compliance import COMPLIANCE_KPIS
from kpis.contributors import CONTRIBUTOR_KPIS
from kpis.health import HEALTH_KPIS
from kpis.kpi import KPI
from kpis.libyears import LIBYEARS_KPIS
from kpis.public_sector import PUBLIC_SECTOR_KPIS
from kpis.responsiveness import RESPONSIVENESS_KPIS
from kpis.supply_chain import SUPPLY_CHAIN_KPIS
from kpis.upstream import UPSTREAM_KPIS

FAMILIES: tuple[tuple[KPI, ...], ...] = (
    COMMUNITY_KPIS,
    CONTRIBUTOR_KPIS,
    RESPONSIVENESS_KPIS,
    UPSTREAM_KPIS,
    COMPLIANCE_KPIS,
    SUPPLY_CHAIN_KPIS,
    LIBYEARS_KPIS,
    PUBLIC_SECTOR_KPIS,
    HEALTH_KPIS,
)


class UnknownKPIError(KeyError):
    """Raised by :func:`get` for an id that is not in the registry."""

    def __str__(self) -> str:
        # KeyError's default repr-quotes the message; print it as written instead.
        return str(self.args[0]) if self.args else ""


_KPIS: tuple[KPI, ...] = tuple(kpi for family in FAMILIES for kpi in family)
REGISTRY: dict[str, KPI] = {kpi.id: kpi for kpi in _KPIS}
if len(REGISTRY) != len(_KPIS):  # pragma: no cover - guards against a copy-pasted id
    raise RuntimeError("duplicate KPI id in the registry")
if any(k.coverage and k.coverage not in REGISTRY for k in _KPIS):  # pragma: no cover
    raise RuntimeError("a KPI's coverage names no registered KPI")


def get(kpi_id: str) -> KPI:
    """The KPI called ``kpi_id``; raises :class:`UnknownKPIError` listing the known ids."""
    try:
        return REGISTRY[kpi_id]
    except KeyError:
        known = ", ".join(REGISTRY)
        raise UnknownKPIError(f"unknown KPI {kpi_id!r}; known KPIs: {known}") from None
