"""The Project health frames: repository details with the stale rule expanded per repository
(the configured limit, any exemption by name or topic), and releases.

Small tables (a row per repository or release), read whole on every data version; like the
compliance frames they follow the configuration, so a new exemption shows on the next page
load without collecting anything.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from kpis.schema import frame
from ospo_metrics.config import Config, glob_match
from ospo_metrics.models import Release, Repository


def _rows(engine: Engine, statement) -> pd.DataFrame:
    with engine.connect() as connection:
        result = connection.execute(statement)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _topics(value) -> list[str]:
    if isinstance(value, list | tuple):
        return sorted({str(t).strip().lower() for t in value if str(t).strip()})
    return []


def _exemption(config: Config, repo: str, topics: list[str]) -> tuple[object, object]:
    """The exemption from the stale rule that lasts longest for this repository, if any."""
    best = None
    for exemption in config.health.exemptions:
        hit = (
            glob_match(exemption.repository, repo)
            if exemption.repository
            else exemption.topic in topics
        )
        if hit and (best is None or exemption.until > best.until):
            best = exemption
    if best is None:
        return pd.NaT, None
    how = f"topic {best.topic}" if best.topic else "listed"
    return pd.Timestamp(best.until, tz="UTC"), f"{best.reason} ({how})"


def load_repository_details(engine: Engine, config: Config) -> pd.DataFrame:
    """Every repository with what the health table and the stale rule read."""
    rows = _rows(
        engine,
        select(
            Repository.full_name.label("repo"),
            Repository.relationship,
            Repository.is_archived,
            Repository.is_fork,
            Repository.created_at,
            Repository.pushed_at,
            Repository.topics,
        ).order_by(Repository.full_name),
    ).drop_duplicates("repo")
    if rows.empty:
        return frame("repository_details", [])
    topics = rows.pop("topics").map(_topics)
    exemptions = [_exemption(config, r, t) for r, t in zip(rows["repo"], topics, strict=True)]
    rows["topics"] = topics.map(", ".join)
    rows["is_archived"] = rows["is_archived"].fillna(False).astype(bool)
    rows["is_fork"] = rows["is_fork"].fillna(False).astype(bool)
    for column in ("created_at", "pushed_at"):
        rows[column] = pd.to_datetime(rows[column], utc=True, format="ISO8601")
    rows["stale_after_days"] = float(config.health.stale_after_days)
    rows["stale_exempt_until"] = pd.to_datetime([e[0] for e in exemptions], utc=True)
    rows["stale_exempt_reason"] = [e[1] for e in exemptions]
    return frame("repository_details", rows)


def load_releases(engine: Engine) -> pd.DataFrame:
    """Published releases (drafts left out) of every repository."""
    rows = _rows(
        engine,
        select(
            Repository.full_name.label("repo"),
            Release.tag,
            Release.published_at,
            Release.is_prerelease,
        )
        .join(Repository, Release.repository_id == Repository.id)
        .where(Release.is_draft.is_(False), Release.published_at.is_not(None)),
    )
    if rows.empty:
        return frame("releases", [])
    rows["published_at"] = pd.to_datetime(rows["published_at"], utc=True, format="ISO8601")
    rows["is_prerelease"] = rows["is_prerelease"].fillna(False).astype(bool)
    return frame("releases", rows)


# The frames `load_health_frames` returns (the lazy frames name their source by them).
HEALTH_FRAMES = ("repository_details", "releases")


def load_health_frames(engine: Engine, config: Config) -> dict[str, pd.DataFrame]:
    return {
        "repository_details": load_repository_details(engine, config),
        "releases": load_releases(engine),
    }
