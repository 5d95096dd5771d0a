"""The demo organization's GitHub-shaped data: complete, plausible, written once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ospo_metrics.context import open_context
from ospo_metrics.demo import build_demo_data, missing_demo_parts
from ospo_metrics.demo.parts import COLLECTOR, DEMO_PARTS
from ospo_metrics.models import (
    Affiliation,
    CollectionRun,
    Comment,
    Identity,
    Issue,
    Person,
    Release,
    Repository,
)
from ospo_metrics.objectives import evaluate_objectives
from ospo_metrics.read import load_frames

TABLES = (Repository, Issue, Comment, Release, Person, Identity, Affiliation)


def counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in TABLES
        }


@pytest.fixture
def demo_context(demo_data_dir: Path):
    context = open_context(env={}, demo_data_dir=demo_data_dir, force_demo=True)
    yield context
    context.engine.dispose()


def test_every_part_is_written_once(demo_context) -> None:
    assert missing_demo_parts(demo_context) == []
    before = counts(demo_context.engine)
    assert build_demo_data(demo_context) == {}, "a restart writes nothing"
    assert counts(demo_context.engine) == before


def test_writing_the_parts_again_converges(tmp_path, demo_data_dir: Path) -> None:
    """Even when the markers are lost, the upserts write the same rows again, no more."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(demo_data_dir, data)
    context = open_context(env={}, demo_data_dir=data, force_demo=True)
    try:
        before = counts(context.engine)
        with Session(context.engine) as session, session.begin():
            session.query(CollectionRun).filter(CollectionRun.collector == COLLECTOR).delete()
        written = build_demo_data(context)
        assert set(written) == {part.name for part in DEMO_PARTS}
        assert counts(context.engine) == before
    finally:
        context.engine.dispose()


def test_the_demo_looks_like_a_github_organization(demo_context) -> None:
    frames = load_frames(demo_context.engine, demo_context.rules)
    issues = frames.issues
    owned = issues[issues["relationship"] == "owned"]
    upstream = issues[issues["relationship"] == "upstream"]
    assert owned["is_pull_request"].any() and (~owned["is_pull_request"]).any()
    assert set(owned["state"]) == {"open", "closed", "merged"}
    # Realistic response times: most within days, not all answered.
    hours = (owned["first_response_at"] - owned["created_at"]).dt.total_seconds() / 3600
    assert 2 < hours.median() < 72
    assert owned["first_response_at"].isna().any()
    # Bots open pull requests (excluded from the KPIs) in cloud-cli.
    assert owned.loc[owned["author_is_bot"], "repo"].eq("acme-demo/cloud-cli").all()
    # Our people's pull requests to several upstream projects, mostly merged.
    ours = upstream[upstream["author_is_employee"]]
    assert ours["repo"].nunique() >= 5
    assert 0.5 < ours["merged_at"].notna().mean() < 0.95
    # Git authors and GitHub accounts are the same people.
    commit_people = set(frames.commits["author_id"])
    assert set(owned["author_id"].dropna().astype(int)) & commit_people


def test_a_bot_comment_is_not_a_first_response(demo_context) -> None:
    from ospo_metrics.models import Person as P

    with Session(demo_context.engine) as session:
        rows = session.execute(
            select(Issue.created_at, Issue.first_response_at, Comment.created_at)
            .join(Comment, Comment.issue_id == Issue.id)
            .join(P, Comment.author_id == P.id)
            .where(P.is_bot)
        ).all()
    assert rows, "the coverage bot comments on cloud pull requests"
    # A coverage bot comments minutes after a pull request is opened: never its first response.
    prompt = [(first, bot) for created, first, bot in rows if bot - created < timedelta(hours=1)]
    assert prompt
    assert all(first is None or first > bot for first, bot in prompt)


def test_objectives_show_every_status(demo_context) -> None:
    frames = load_frames(demo_context.engine, demo_context.rules)
    views = evaluate_objectives(
        list(demo_context.config.objectives),
        frames,
        demo_context.groups,
        pd.Timestamp.now("UTC"),
    )
    statuses = {view.result.status for view in views}
    # The small test demo has a tenth of the commits: the commit-count objective may differ.
    assert {"met", "on track", "off track", "missed", "no data"} <= statuses
