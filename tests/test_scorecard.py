"""OpenSSF Scorecard: files as `scorecard --format json` writes them, the REST API (a loopback
fake), the time series, -1 kept as inconclusive, and malformed files reported, not imported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from scorecard_fake import FakeScorecardApi, result
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import kpis
from collectors.scorecard import ScorecardFormatError, read_scorecard_file
from kpis.schema import Frames
from kpis.supply_chain import check_summary, portfolio_scores
from ospo_metrics.cli import main
from ospo_metrics.compliance.read import load_compliance_frames, with_compliance
from ospo_metrics.context import open_context
from ospo_metrics.models import ScorecardCheck
from ospo_metrics.store import ensure_repository

FIXTURE = Path(__file__).parent / "fixtures" / "scorecard" / "widgets-2025-03-03.json"


def test_a_real_result_is_read_with_inconclusive_checks_kept() -> None:
    (parsed,) = read_scorecard_file(FIXTURE)
    assert parsed.full_name == "acme/widgets" and parsed.host == "github.com"
    assert str(parsed.run_date) == "2025-03-03" and parsed.score == 6.3
    assert parsed.scorecard_version == "v5.1.1"
    scores = {check.name: check.score for check in parsed.checks}
    assert scores["Signed-Releases"] == -1 and scores["Packaging"] == -1
    branch = next(c for c in parsed.checks if c.name == "Branch-Protection")
    assert branch.details == ("Info: 'force pushes' disabled on branch 'main'",)
    assert branch.documentation.endswith("#branch-protection")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        (FIXTURE.read_bytes()[:200], "invalid JSON"),
        (b"", "empty"),
        (b"[1, 2]", "top level is not an object"),
        (json.dumps({"repo": {"name": "github.com/a/b"}, "date": "2025-01-01"}).encode(), "checks"),
        (json.dumps(result("a/b", "2025-01-01", 11, {})).encode(), "outside -1 and 0..10"),
        (json.dumps(result("a/b", "yesterday", 5, {})).encode(), "not a date"),
        (json.dumps(result("a/b", "2025-01-01", 5, {"X": "high"})).encode(), "not a number"),
    ],
)
def test_malformed_files_are_refused_with_the_reason(tmp_path, content, reason) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ScorecardFormatError, match=reason) as excinfo:
        read_scorecard_file(path)
    assert str(path) in str(excinfo.value)


@pytest.fixture
def project(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):
    config = tmp_path / "ospo.yml"
    config.write_text("compliance:\n  scorecard:\n    api_url: http://127.0.0.1:1\n")
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", db_url)
    return tmp_path


def frames() -> Frames:
    context = open_context()
    return with_compliance(Frames(), load_compliance_frames(context.engine, context.config))


def test_import_a_folder_keeps_good_files_and_reports_bad_ones(project, capsys) -> None:
    folder = project / "results"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "a.json")
    (folder / "b.json").write_text(
        json.dumps(result("acme/gadget", "2025-03-03", -1, {"Maintained": -1}))
        + "\n"
        + json.dumps(result("acme/gadget", "2025-04-07", 4.0, {"Maintained": 4}))
        + "\n"
    )
    (folder / "c.json").write_bytes(FIXTURE.read_bytes()[:300])  # truncated
    assert main(["import", "scorecard", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "c.json: not a Scorecard JSON result: invalid JSON" in captured.err
    assert "Traceback" not in captured.err
    engine = open_context().engine
    with Session(engine) as session:
        # 1 + 6 checks of a.json, 2 + 2 of b.json's two lines; nothing of c.json.
        assert session.scalar(select(func.count()).select_from(ScorecardCheck)) == 11
    # Importing again changes nothing.
    main(["import", "scorecard", str(folder / "a.json"), str(folder / "b.json")])
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ScorecardCheck)) == 11


def test_time_series_and_inconclusive_results_are_never_zero(project) -> None:
    engine = open_context().engine
    with Session(engine) as session, session.begin():
        for name in ("acme/a", "acme/b", "acme/c"):
            ensure_repository(session, "github", name, visibility="public")
    folder = project / "results"
    folder.mkdir()
    runs = [
        result("acme/a", "2025-01-06", 8.0, {"Maintained": 10, "Fuzzing": 0}),
        result("acme/b", "2025-01-07", 4.0, {"Maintained": 6, "Fuzzing": -1}),
        result("acme/c", "2025-01-08", -1, {"Maintained": -1}),
        result("acme/a", "2025-02-03", 9.0, {"Maintained": 10, "Fuzzing": 2}),
    ]
    for i, run in enumerate(runs):
        (folder / f"{i}.json").write_text(json.dumps(run))
    assert main(["import", "scorecard", str(folder)]) == 0
    data = frames()
    table = kpis.series("scorecard_score", data, "month", start="2025-01-01", end="2025-02-28")
    # January: (8 + 4) / 2 (c's -1 left out, not a 0); February: a's 9 and b's kept 4.
    assert table["value"].tolist() == [6.0, 6.5]
    checks = check_summary(data, "2025-02-28T00:00:00Z").set_index("check")
    assert checks.loc["Fuzzing", ["mean", "lowest", "inconclusive"]].tolist() == [2.0, 2.0, 1]
    assert checks.loc["Maintained", "inconclusive"] == 1
    assert checks.index[0] == "Fuzzing"  # the weakest first
    scores = portfolio_scores(data, "2025-02-28T00:00:00Z")
    assert scores["repo"].tolist() == ["acme/b", "acme/a", "acme/c"]
    assert scores["score"].isna().tolist() == [False, False, True]


def test_fetch_from_the_api_for_public_github_repositories(project, monkeypatch, capsys):
    with FakeScorecardApi() as api:
        api.results["github.com/acme/a"] = result("acme/a", "2025-05-05", 7.5, {"Maintained": 9})
        api.status["github.com/acme/broken"] = 500
        config = project / "ospo.yml"
        config.write_text(f"compliance:\n  scorecard:\n    api_url: {api.url}\n")
        engine = open_context().engine
        with Session(engine) as session, session.begin():
            ensure_repository(session, "github", "acme/a", visibility="public")
            ensure_repository(session, "github", "acme/none", visibility="public")
            ensure_repository(session, "github", "acme/broken", visibility="public")
            ensure_repository(session, "github", "acme/private", visibility="private")
            ensure_repository(session, "git", "acme/local", source="/srv/git/local")
            ensure_repository(
                session, "git", "acme/cloned", source="https://github.com/acme/cloned.git"
            )
        assert main(["collect", "scorecard", "--no-progress"]) == 1
        _out, err = capsys.readouterr()
        assert sorted(api.requests) == [
            "/projects/github.com/acme/a",
            "/projects/github.com/acme/broken",
            "/projects/github.com/acme/cloned",
            "/projects/github.com/acme/none",
        ]
        assert "acme/broken: the Scorecard API answered HTTP 500" in err
        with Session(engine) as session:
            rows = session.execute(select(ScorecardCheck.check, ScorecardCheck.score)).all()
        assert sorted(rows) == [("Maintained", 9.0), ("aggregate", 7.5)]
