"""Writes of package registry data (deps.dev): each package's last answer and its versions.

One package per transaction (the caller's), so an interrupted run keeps what it fetched and
the next run goes on from there. Versions are compared with what is stored first: only new or
changed rows are written, so fetching the same answer again writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ospo_metrics.models import RegistryPackage, RegistryVersion
from ospo_metrics.store.upserts import insert_missing, upsert


def _package_id(session: Session, ecosystem: str, name: str, fields: dict[str, Any]) -> int:
    upsert(session, RegistryPackage, [{"ecosystem": ecosystem, "name": name, **fields}],
           ["ecosystem", "name"])  # fmt: skip
    return session.scalar(
        select(RegistryPackage.id).where(
            RegistryPackage.ecosystem == ecosystem, RegistryPackage.name == name
        )
    )


def _aware(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def write_registry_answer(
    session: Session,
    key: tuple[str, str],
    package: dict[str, Any],
    versions: Sequence[dict[str, Any]] | None,
) -> int:
    """Store one answer for the component key (ecosystem, name): `package` holds source,
    system, registry_name and attempted_at; `versions` (version, published_at, is_default)
    is None when the registry does not know the package. Returns the rows written."""
    ecosystem, name = key
    default = next((v["version"] for v in versions or () if v["is_default"]), None)
    fields = {
        **package,
        "status": "found" if versions is not None else "unknown",
        "default_version": default,
        "fetched_at": package["attempted_at"],
        "error": None,
    }
    package_id = _package_id(session, ecosystem, name, fields)
    if versions is None:
        return 1
    stored = {
        row.version: (_aware(row.published_at), row.is_default)
        for row in session.execute(
            select(RegistryVersion).where(RegistryVersion.package_id == package_id)
        ).scalars()
    }
    new, changed = [], []
    for version in versions:
        row = {**version, "package_id": package_id}
        seen = stored.get(version["version"])
        if seen is None:
            new.append(row)
        elif seen != (_aware(version["published_at"]), version["is_default"]):
            changed.append(row)
    listed = {v["version"] for v in versions}
    gone = [v for v, (_, is_default) in stored.items() if is_default and v not in listed]
    if gone:  # a default the registry no longer lists (yanked) is not the default any more
        session.execute(
            update(RegistryVersion)
            .where(RegistryVersion.package_id == package_id, RegistryVersion.version.in_(gone))
            .values(is_default=False)
        )
    keys = ["package_id", "version"]
    for start in range(0, len(new), 1000):
        insert_missing(session, RegistryVersion, new[start : start + 1000], keys)
    for start in range(0, len(changed), 1000):
        upsert(session, RegistryVersion, changed[start : start + 1000], keys)
    return 1 + len(new) + len(changed) + len(gone)


def record_registry_error(
    session: Session, key: tuple[str, str], package: dict[str, Any], error: str
) -> None:
    """A failed attempt: the error is kept with the package; an earlier answer stays."""
    ecosystem, name = key
    existing = session.scalar(
        select(RegistryPackage).where(
            RegistryPackage.ecosystem == ecosystem, RegistryPackage.name == name
        )
    )
    if existing is None:
        _package_id(session, ecosystem, name, {**package, "status": "failed", "error": error})
        return
    existing.attempted_at = package["attempted_at"]
    existing.error = error


def registry_fetched(session: Session) -> dict[tuple[str, str], datetime | None]:
    """(ecosystem, name) -> when its last answer came (None: never answered)."""
    return {
        (ecosystem, name): _aware(fetched_at)
        for ecosystem, name, fetched_at in session.execute(
            select(RegistryPackage.ecosystem, RegistryPackage.name, RegistryPackage.fetched_at)
        )
    }
