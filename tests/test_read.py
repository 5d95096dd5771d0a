"""The read side (ospo_metrics/read): columnar reads, scoped loads, data version, caches.

Real databases (SQLite and PostgreSQL), rows written through the project's own models.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import kpis
from ospo_metrics import read
from ospo_metrics.affiliation import AffiliationRules, assign_organizations
from ospo_metrics.models import (
    Affiliation,
    CollectionRun,
    Commit,
    Identity,
    Issue,
    Person,
    Repository,
)
from ospo_metrics.read.columnar import _tuples_to_arrow, compile_sql, reader
from ospo_metrics.store import finish_run, record_change, start_run

RULES = AffiliationRules.build("Acme", ["acme.com"])


def when(day: str, time: str = "12:00:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=UTC)


def seed(engine) -> None:
    """Two repositories, three people (one bot), commits, an issue and a pull request."""
    with Session(engine) as session, session.begin():
        session.add_all(
            [
                Repository(id=1, platform="github", full_name="acme/widgets"),
                Repository(id=2, platform="github", full_name="acme/tools"),
                Repository(id=3, platform="github", full_name="kube/kube", relationship="upstream"),
                Person(id=1, name="Jane", login="jane"),
                Person(id=2, name="Omar", login="omar"),
                Person(id=3, name="bot", login="robot[bot]", is_bot=True),
            ]
        )
        session.flush()  # no ORM relationships here: rows that refer to people come after
        session.add_all(
            [
                Identity(person_id=1, kind="email", value="jane@acme.com"),
                Identity(person_id=2, kind="email", value="omar@gmail.com"),
                # A bot is known by its names and addresses (the one bot rule), not a flag.
                Identity(person_id=3, kind="github", value="robot[bot]", name="robot[bot]"),
                # Omar worked for Acme in March 2024 only (the configuration says so).
                Affiliation(
                    person_id=2,
                    organization="Acme",
                    valid_from=date(2024, 3, 1),
                    valid_to=date(2024, 3, 31),
                    source="config",
                ),
            ]
        )
        session.flush()
        commits = [
            (1, 1, "jane@acme.com", when("2024-02-27"), False, True),
            (1, 2, "omar@gmail.com", when("2024-02-28", "08:30:00.250000"), False, False),
            (2, 2, "omar@gmail.com", when("2024-03-05"), True, False),
            (2, 3, "robot@ci.example", when("2024-03-06"), False, False),
            (3, 1, "jane@acme.com", when("2024-03-07"), False, True),
        ]
        session.add_all(
            Commit(
                repository_id=repo,
                sha=f"c{n}",
                author_id=author,
                author_name={1: "Jane", 2: "Omar", 3: "robot[bot]"}[author],
                author_email=email,
                authored_at=at,
                committer_id=author,
                committed_at=at,
                is_merge=merge,
                signed_off=signed,
                subject=f"change {n}\u001fwith a separator" if n == 2 else f"change {n}",
            )
            for n, (repo, author, email, at, merge, signed) in enumerate(commits, 1)
        )
        session.add_all(
            [
                Issue(
                    repository_id=1,
                    number=1,
                    title="broken",
                    author_id=2,
                    state="closed",
                    created_at=when("2024-03-02"),
                    closed_at=when("2024-03-03"),
                    first_response_at=when("2024-03-02", "15:00:00"),
                ),
                Issue(
                    repository_id=3,
                    number=7,
                    is_pull_request=True,
                    title="fix",
                    author_id=1,
                    state="merged",
                    created_at=when("2024-03-04"),
                    merged_at=when("2024-03-05"),
                    closed_at=when("2024-03-05"),
                ),
                Issue(
                    repository_id=2,
                    number=2,
                    title="ghost",
                    author_id=None,
                    state="open",
                    created_at=when("2024-03-06"),
                ),
            ]
        )


def add_late_commit(engine) -> None:
    """One more commit by Jane in acme/widgets (on 8 March 2024), stored outside any run."""
    with Session(engine) as session, session.begin():
        session.add(
            Commit(
                repository_id=1,
                sha="late",
                author_id=1,
                author_email="jane@acme.com",
                authored_at=when("2024-03-08"),
                committer_id=1,
                committed_at=when("2024-03-08"),
            )
        )


def test_columnar_reads_match_the_drivers_own_rows(engine) -> None:
    """The fast path (ADBC on PostgreSQL, one aggregate per column on SQLite) returns exactly
    what the driver's plain rows say: values, NULLs, microseconds, booleans."""
    seed(engine)
    statement = select(
        Issue.id,
        Issue.number,
        Issue.author_id,
        Issue.is_pull_request,
        Issue.title,
        Issue.created_at,
        Issue.closed_at,
        Issue.merged_at,
    )
    with reader(engine) as read_with:
        fast = read_with.frame(statement)
    plain = _tuples_to_arrow(engine, compile_sql(engine, statement)).to_pandas()
    fast = fast.sort_values("id").reset_index(drop=True)
    plain = plain.sort_values("id").reset_index(drop=True)
    assert fast["author_id"].tolist()[:2] == plain["author_id"].tolist()[:2] == [2, 1]
    assert pd.isna(fast["author_id"].iloc[2])
    assert fast["is_pull_request"].tolist() == [False, True, False]
    assert fast["title"].tolist() == plain["title"].tolist() == ["broken", "fix", "ghost"]
    assert str(fast["created_at"].dtype) == "datetime64[ns, UTC]"
    assert fast["closed_at"].iloc[0] == pd.Timestamp("2024-03-03T12:00:00Z")
    assert fast["merged_at"].isna().tolist() == [True, False, True]


def test_sqlite_text_holding_the_separator_is_read_row_by_row(engine) -> None:
    seed(engine)
    subjects = read.read_frame(engine, select(Commit.id, Commit.subject))
    assert sorted(subjects["subject"])[1] == "change 2\u001fwith a separator"


def test_frames_carry_the_affiliation_of_each_date(engine) -> None:
    seed(engine)
    frames = read.load_frames(engine, RULES)
    commits = frames.commits.sort_values("authored_at").reset_index(drop=True)
    assert tuple(commits.columns[: len(kpis.COMMIT_COLUMNS)]) == kpis.COMMIT_COLUMNS
    # Omar: gmail in February (Independent), employed by Acme in March.
    assert commits["organization"].tolist() == ["Acme", "Independent", "Acme", "Bot", "Acme"]
    assert commits["is_employee"].tolist() == [True, False, True, False, True]
    assert commits["is_bot"].tolist() == [False, False, False, True, False]
    assert commits["authored_at"].iloc[1] == pd.Timestamp("2024-02-28T08:30:00.25Z")
    assert commits["relationship"].tolist()[-1] == "upstream"
    issues = frames.issues.sort_values("created_at").reset_index(drop=True)
    assert issues["author_login"].tolist() == ["omar", "jane", "ghost"]
    # Omar opened the issue in March (employed); Jane's address says Acme.
    assert issues["author_is_employee"].tolist() == [True, True, False]


def test_scope_is_filtered_in_sql_like_in_pandas(engine) -> None:
    seed(engine)
    groups = {"core": ["acme/wid*"]}
    everything = read.load_frames(engine, RULES)
    for scope in ("repo:acme/tools", "group:core", "org:acme", "org:kube"):
        in_sql = read.load_frames(engine, RULES, scope, groups)
        in_pandas = read.scoped_frames(everything, scope, groups)
        for name in ("commits", "issues"):
            left = in_sql.get(name).sort_values("id").reset_index(drop=True)
            right = in_pandas.get(name).sort_values("id").reset_index(drop=True)
            pd.testing.assert_frame_equal(left, right)
    assert read.repository_ids(engine, "all", groups) is None


def test_tables_filter_by_scope_and_dates_and_fetch_by_id(engine) -> None:
    seed(engine)
    table = read.load_commits_table(
        engine, RULES, "org:acme", since=date(2024, 2, 28), until=date(2024, 3, 5)
    )
    assert table["sha"].tolist() == ["c2", "c3"]  # oldest first; the 6th is upstream
    assert table["author_name"].tolist() == ["Omar", "Omar"]
    assert list(table.columns) == list(read.COMMIT_TABLE_COLUMNS)
    ids = read.load_frames(engine, RULES).commits.sort_values("authored_at")["id"].tolist()
    assert read.load_commits_table(engine, RULES, ids=ids[:1])["sha"].tolist() == ["c1"]
    issues = read.load_issues_table(engine, RULES, "repo:kube/kube")
    assert issues[["number", "title", "organization"]].values.tolist() == [[7, "fix", "Acme"]]


def test_data_version_moves_with_finished_runs_and_recorded_changes(engine) -> None:
    first = read.data_version(engine)
    run = start_run(engine, "git", "acme/widgets")
    assert read.data_version(engine) == first  # a running collection is not new data yet
    finish_run(engine, run, "ok")
    after_run = read.data_version(engine)
    assert after_run != first
    with Session(engine) as session, session.begin():
        record_change(session, "curation", "merged two people")
    assert read.data_version(engine) not in (first, after_run)


def test_disk_cache_serves_the_same_version_and_follows_a_new_one(engine, db_url, tmp_path):
    seed(engine)
    folder = tmp_path / "cache"
    loaded = read.cached_frames(engine, db_url, RULES, folder)
    assert list(folder.glob("frames-*-commits.arrow"))
    add_late_commit(engine)  # stored outside a run: not a new data version yet
    # The same data version: the cached frames, equal to what was loaded (types included).
    again = read.cached_frames(engine, db_url, RULES, folder)
    pd.testing.assert_frame_equal(again.commits, loaded.commits)
    pd.testing.assert_frame_equal(again.issues, loaded.issues)
    # A finished run is a new version: the late commit shows at once.
    finish_run(engine, start_run(engine, "git", "acme/widgets"), "ok")
    assert len(read.cached_frames(engine, db_url, RULES, folder).commits) == 6
    # Other rules are other frames.
    other = AffiliationRules.build("Globex", ["gmail.com"])
    assert read.current_key(engine, db_url, other) != read.current_key(engine, db_url, RULES)
    # A damaged file is read again from the database, never trusted.
    for path in folder.glob("frames-*.arrow"):
        path.write_bytes(b"not arrow")
    assert len(read.cached_frames(engine, db_url, RULES, folder).commits) == 6


def test_a_scope_cut_from_the_cache_equals_the_scope_read_in_sql(engine, db_url, tmp_path):
    seed(engine)
    folder = tmp_path / "cache"
    in_sql = read.load_frames(engine, RULES, "repo:acme/tools", {})
    assert not folder.exists()  # a scoped read does not fill the cache of everything
    read.warm(engine, db_url, RULES, folder)
    cached = read.cached_frames(engine, db_url, RULES, folder)
    cut = read.scoped_frames(cached, "repo:acme/tools", {})
    pd.testing.assert_frame_equal(cut.commits, in_sql.commits)


def test_series_and_scopes_are_computed_once_per_frames(engine) -> None:
    seed(engine)
    frames = read.load_frames(engine, RULES)
    groups = {"core": ["acme/widgets"]}
    assert read.scoped_frames(frames, "group:core", groups) is read.scoped_frames(
        frames, "group:core", groups
    )
    first = read.series("commits", frames, "week", end="2024-03-13")
    first.loc[0, "value"] = 999  # a caller's change never reaches the kept series
    again = read.series("commits", frames, "week", end="2024-03-14")  # same week
    expected = kpis.series("commits", frames, "week", end="2024-03-14")
    pd.testing.assert_frame_equal(again, expected)
    assert again.attrs == expected.attrs
    assert read.repository_names(frames) == ["acme/tools", "acme/widgets", "kube/kube"]


def test_later_employments_win_and_the_join_matches_the_definition() -> None:
    """assign_organizations joins employments instead of looping over them; the answer is
    the definition's: the address decides, a covering employment overrides, later rows win."""
    frame = pd.DataFrame(
        {
            "person": pd.array([1, 1, 1, 2, None], dtype="Int64"),
            "email": ["a@gmail.com", "a@gmail.com", "a@gmail.com", "b@acme.com", None],
            "at": pd.to_datetime(
                ["2024-01-10", "2024-02-10", "2024-03-10", "2024-02-10", "2024-02-10"], utc=True
            ),
        }
    )
    employments = pd.DataFrame(
        {
            "person_id": [1, 1],
            "organization": ["Globex", "Initech"],
            "valid_from": [date(2024, 2, 1), date(2024, 2, 10)],
            "valid_to": [None, date(2024, 2, 28)],
        }
    )
    result = assign_organizations(
        frame, employments, RULES, person="person", email="email", when="at"
    )
    assert result.tolist() == ["Independent", "Initech", "Globex", "Acme", "Unknown"]


def test_runs_and_repositories_are_typed_on_every_backend(engine) -> None:
    seed(engine)
    finish_run(engine, start_run(engine, "git", "acme/widgets"), "ok")
    runs = read.load_runs(engine)
    assert str(runs["finished_at"].dtype) == "datetime64[ns, UTC]"
    repositories = read.load_repositories(engine)
    assert repositories["repo"].tolist() == ["acme/tools", "acme/widgets", "kube/kube"]
    with Session(engine) as session:
        assert session.scalar(select(CollectionRun.status)) == "ok"


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
def test_kpis_from_loaded_frames_equal_hand_counts(engine, period) -> None:
    """Human, non-merge commits: c1, c2 (Feb), c5 (Mar, upstream). c3 is a merge, c4 a bot."""
    seed(engine)
    series = kpis.series("commits", read.load_frames(engine, RULES), period)
    assert series["value"].sum() == 3
