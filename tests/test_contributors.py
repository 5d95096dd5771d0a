"""Contributors of every kind (issue 6 §2): hand-computed counts, on frames and on a database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from gitrepo import GitRepo
from sqlalchemy.orm import Session

import kpis
from collectors.git import GitSource
from kpis.contributors import contributors_by_kind, excluded_contributions
from ospo_metrics.collect_git import collect_git
from ospo_metrics.config import config_from_mapping
from ospo_metrics.context import Context
from ospo_metrics.queries import load_frames
from ospo_metrics.store import PeopleResolver, ensure_repository, write_issues

WEEK = {"start": "2024-03-04", "end": "2024-03-04"}  # one week, Monday 2024-03-04


def row(kind: str, person: int, day: str, **extra) -> dict:
    values = {
        "repo": "acme/widgets",
        "relationship": "owned",
        "kind": kind,
        "person_id": person,
        "occurred_at": f"{day}T12:00:00Z",
        "actor": "human",
        "is_bot": False,
        "organization": "Acme",
        "is_employee": True,
        "affiliation_known": True,
    }
    return {**values, **extra}


# 1 ana: commits; 2 ben: only co-authors; 3 cy: only reviews; 4 di: an issue, then a commit
# later; 5 ed: a comment; 9 a bot; 8 an AI agent counted as a contributor (is_bot False);
# 7 upstream work only (not our community).
CONTRIBUTIONS = kpis.contributions_frame(
    [
        row("commit", 1, "2024-03-04"),
        row("commit", 1, "2024-03-05"),
        row("co_authored_commit", 2, "2024-03-05", organization="Globex", is_employee=False),
        row("review", 3, "2024-03-06", organization="Independent", affiliation_known=False),
        row("issue", 4, "2024-03-07", organization="Unknown", affiliation_known=False),
        row("comment", 5, "2024-03-08", organization="Initech", is_employee=False),
        row("commit", 9, "2024-03-08", actor="bot", is_bot=True, organization="Bot"),
        row("commit", 8, "2024-03-09", actor="ai_agent", organization="AI agent"),
        row("pull_request", 7, "2024-03-09", relationship="upstream"),
        row("commit", 4, "2024-03-12"),
        row("pull_request", 1, "2024-03-13"),
    ]
)
FRAMES = kpis.Frames(contributions=CONTRIBUTIONS)


def values(kpi_id: str, period: kpis.Period = "week", **bounds) -> list[float]:
    return kpis.series(kpi_id, FRAMES, period, **bounds)["value"].tolist()


def test_active_contributors_count_every_kind_once_per_person() -> None:
    # week 03-04: ana (commits), ben (co-author), cy (review), di (issue), ed (comment),
    # the AI agent (counted as a contributor) = 6; the bot and upstream person 7 are not
    assert values("active_contributors", **WEEK) == [6]
    # week 03-11: di's commit, ana's pull request = 2
    assert values("active_contributors", start="2024-03-11", end="2024-03-11") == [2]
    assert values("active_contributors", "month") == [6]  # the same six people


def test_new_contributors_arrive_with_their_first_contribution_of_any_kind() -> None:
    # di's first contribution is the issue (week 03-04), not the commit a week later
    assert values("new_contributors", start="2024-03-04", end="2024-03-11") == [6, 0]


def test_committers_count_commit_authors_and_co_authors_only() -> None:
    # ana, ben (co-author), the AI agent: cy, di, ed made no commit that week
    assert values("committers", **WEEK) == [3]
    assert values("committers", start="2024-03-11", end="2024-03-11") == [1]  # di


def test_organizational_diversity_and_affiliation_coverage() -> None:
    # Acme (ana), Globex (ben), Initech (ed); Independent, Unknown and "AI agent" are not
    assert values("organizational_diversity", **WEEK) == [3]
    # 7 counted contributions that week, 2 without evidence (cy's review, di's issue): 5/7
    assert values("affiliation_coverage", **WEEK) == [pytest.approx(500 / 7)]
    # authored commits: ana x2, the agent x1, all known
    assert values("commit_affiliation_coverage", **WEEK) == [100.0]
    assert kpis.get("elephant_factor").coverage == "commit_affiliation_coverage"
    assert kpis.get("employee_commit_share").coverage == "commit_affiliation_coverage"
    assert kpis.get("organizational_diversity").coverage == "affiliation_coverage"


def test_contributors_by_kind() -> None:
    table = contributors_by_kind(FRAMES, "week")
    week = table[table["period_start"] == pd.Timestamp("2024-03-04")]
    assert week[["kind", "contributors"]].to_dict("records") == [
        {"kind": "commit", "contributors": 2},  # ana, the agent
        {"kind": "co_authored_commit", "contributors": 1},
        {"kind": "issue", "contributors": 1},
        {"kind": "review", "contributors": 1},
        {"kind": "comment", "contributors": 1},
    ]


def test_excluded_contributions_are_counted() -> None:
    table = excluded_contributions(FRAMES)
    assert table.to_dict("records") == [
        {"actor": "bot", "kind": "commit", "contributions": 1, "accounts": 1}
    ]


def test_frames_without_a_contributions_frame_count_commits_and_issues() -> None:
    commits = kpis.commits_frame(
        [
            {
                "repo": "acme/widgets",
                "sha": "a",
                "authored_at": "2024-03-04T12:00Z",
                "author_id": 1,
                "author_name": "ana",
                "is_bot": False,
                "is_merge": False,
                "additions": 1,
                "deletions": 0,
                "files_changed": 1,
                "organization": "Acme",
                "is_employee": True,
                "signed_off": False,
                "relationship": "owned",
            }
        ]
    )
    frames = kpis.Frames(commits=commits)
    assert frames.contributions[["kind", "person_id"]].to_dict("records") == [
        {"kind": "commit", "person_id": 1}
    ]


# ---- end to end: git, the store and the read layer --------------------------------------------

MONDAY = datetime(2024, 3, 4, 12, tzinfo=UTC)


def at(day: int) -> datetime:
    return MONDAY.replace(day=4 + day)


def test_contributions_from_the_database(engine, tmp_path: Path) -> None:
    """Jane has two e-mails and one login (configured, and a noreply address); Bob only
    co-authors; Rita only reviews; a bot comments."""
    repo = GitRepo.init(tmp_path / "widgets")
    repo.commit("one", {"f": "1\n"}, author=("Jane Doe", "jane@acme.com"), date=at(0))
    repo.commit(
        "two\n\nCo-authored-by: Bob Roe <bob@globex.com>\nCo-authored-by: Jane <jane@gmail.com>",
        {"f": "2\n"},
        author=("Jane D", "12+jdoe@users.noreply.github.com"),
        date=at(1),
    )
    config = config_from_mapping(
        {
            "affiliation": {
                "organization": "Acme",
                "email_domains": ["acme.com"],
                "people": [{"login": "jdoe", "emails": ["jane@acme.com", "jane@gmail.com"]}],
            }
        }
    )
    context = Context(config=config, engine=engine, database_url="")
    context.sync_people()
    collect_git(
        engine,
        GitSource(name="acme/widgets", path=repo.path),
        bots=context.bots,
        cache_dir=tmp_path / "c",
    )
    with Session(engine) as session:
        people = PeopleResolver(session, context.bots)
        repo_id = ensure_repository(session, "github", "acme/widgets")

        def item(number: int, login: str, day: int, pull: bool) -> dict:
            return {
                "number": number,
                "is_pull_request": pull,
                "title": f"#{number}",
                "author_id": people.resolve(None, login=login),
                "author_login": login,
                "state": "open",
                "created_at": at(day),
            }

        def activity(source_id: int, kind: str, login: str, day: int) -> dict:
            return {
                "kind": kind,
                "source_id": source_id,
                "author_id": people.resolve(None, login=login),
                "author_login": login,
                "created_at": at(day),
            }

        write_issues(
            session,
            repo_id,
            [item(1, "carol", 2, False), item(2, "jdoe", 2, True)],
            {
                1: [activity(10, "comment", "jdoe", 3), activity(11, "comment", "ci[bot]", 3)],
                2: [activity(20, "review", "rita", 4)],
            },
        )
        session.commit()

    frames = load_frames(engine, context.rules)
    table = contributors_by_kind(frames, "week")
    assert table[["kind", "contributors"]].to_dict("records") == [
        {"kind": "commit", "contributors": 1},  # jane (two addresses, one person)
        {"kind": "co_authored_commit", "contributors": 1},  # bob; jane is not her own co-author
        {"kind": "issue", "contributors": 1},  # carol
        {"kind": "pull_request", "contributors": 1},  # jane as jdoe
        {"kind": "review", "contributors": 1},  # rita
        {"kind": "comment", "contributors": 1},  # jane; the bot is left out
    ]
    # jane, bob, carol, rita
    assert kpis.series("active_contributors", frames, "week")["value"].tolist() == [4]
    assert kpis.series("committers", frames, "week")["value"].tolist() == [2]
    # the commits: jane's (Acme, by her configured affiliation); bob co-authored (globex.com)
    assert kpis.series("organizational_diversity", frames, "week")["value"].tolist() == [2]
    excluded = excluded_contributions(frames)
    assert excluded[["actor", "kind", "contributions"]].to_dict("records") == [
        {"actor": "bot", "kind": "comment", "contributions": 1}
    ]
