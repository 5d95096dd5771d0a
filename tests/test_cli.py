"""The `ospo-metrics` command line: clear errors, collection, KPI listing and CSV exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from gitrepo import GitRepo

import kpis
from ospo_metrics.cli import main


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config with one local repository of 6 commits (one a formula-looking subject)."""
    repo = GitRepo.init(tmp_path / "widgets")
    authors = [("Jane Doe", "jane@acme.com"), ("Omar Said", "omar@globex.com")]
    for day in range(1, 6):
        repo.commit(
            f"change {day}",
            {"f": f"{day}\n"},
            author=authors[day % 2],
            date=f"2026-03-{day + 1:02d}T12:00:00Z",
        )
    repo.commit(
        '=HYPERLINK("http://x")', {"g": "1\n"}, author=authors[0], date="2026-03-10T12:00:00Z"
    )
    config = tmp_path / "ospo.yml"
    config.write_text(
        f"repositories:\n  - path: {repo.path}\n    name: acme/widgets\n"
        "groups:\n  core: [acme/*]\n"
        "affiliation:\n  organization: Acme\n  email_domains: [acme.com]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path


def test_check_config_reports_file_line_and_field(tmp_path, capsys):
    bad = tmp_path / "ospo.yml"
    bad.write_text("groups:\n  core: [acme/*]\nobjectives:\n  - id: x\n    kpi: nope\n")
    assert main(["--config", str(bad), "check-config"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:4" in err and "objectives[0]" in err
    assert "Traceback" not in err


def test_config_is_accepted_before_and_after_the_subcommand(tmp_path, capsys):
    bad = tmp_path / "other.yml"
    bad.write_text("organizations: acme\n")
    assert main(["--config", str(bad), "check-config"]) == 2
    before = capsys.readouterr().err
    assert main(["check-config", "--config", str(bad)]) == 2
    assert capsys.readouterr().err == before and str(bad) in before


def test_collect_then_collect_again(project, capsys):
    assert main(["collect", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "acme/widgets" in out and "ok" in out and "written       6" in out
    assert main(["collect", "git", "--no-progress"]) == 0
    assert "unchanged" in capsys.readouterr().out


def test_export_kpi_and_commits_as_csv(project, capsys):
    main(["collect", "--no-progress"])
    capsys.readouterr()
    out = project / "commits.csv"
    assert (
        main(
            [
                "export",
                "kpi",
                "commits",
                "--period",
                "week",
                "--scope",
                "group:core",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    # Mon 2026-03-02 week: days 2..6 -> 5 commits; week of 2026-03-09: 1 commit.
    assert [(r["period_start"], r["value"]) for r in rows[:2]] == [
        ("2026-03-02", "5.0"),
        ("2026-03-09", "1.0"),
    ]
    assert rows[0]["kpi"] == "commits" and rows[0]["scope"] == "group:core"
    assert (rows[0]["unit"], rows[0]["period"], rows[0]["period_end"]) == (
        "commits",
        "week",
        "2026-03-08",
    )
    # The series runs to today, quiet weeks filled with 0, the running week flagged partial.
    this_week = kpis.period_floor(pd.Timestamp.now("UTC"), "week")
    assert rows[-1]["period_start"] == f"{this_week:%Y-%m-%d}"
    assert [r["partial"] for r in rows].count("True") == 1 and rows[-1]["partial"] == "True"
    assert {r["value"] for r in rows[2:]} == {"0.0"}

    assert main(["export", "commits", "--since", "2026-03-04", "--until", "2026-03-10"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(table) == 4
    assert table[-1]["subject"].startswith("'="), "formulas are neutralized"
    assert table[0]["authored_at"].endswith("Z")


def test_unknown_kpi_and_scope_are_clear_errors(project, capsys):
    assert main(["export", "kpi", "nope"]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["kpis", "--scope", "group:missing"]) == 2
    assert "unknown group 'missing'" in capsys.readouterr().err


def test_kpis_lists_every_kpi(project, capsys):
    main(["collect", "--no-progress"])
    capsys.readouterr()
    assert main(["kpis", "--period", "month"]) == 0
    out = capsys.readouterr().out
    for kpi_id in ("commits", "active_contributors", "elephant_factor", "time_to_first_response"):
        assert kpi_id in out


def test_unreachable_database_is_a_clear_error(project, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    assert main(["runs"]) == 2
    err = capsys.readouterr().err
    assert "cannot open database" in err and "secret" not in err


def test_collect_takes_todays_snapshot_and_snapshot_replaces_it(project, capsys):
    from datetime import date

    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    import kpis
    from ospo_metrics.context import open_context
    from ospo_metrics.models import KPISnapshot
    from ospo_metrics.snapshots import SNAPSHOT_PERIODS

    main(["collect", "--no-progress"])
    assert "KPI snapshot of today stored" in capsys.readouterr().err
    engine = open_context().engine

    def rows() -> list:
        with Session(engine) as session:
            return session.execute(
                select(KPISnapshot.taken_on, func.count()).group_by(KPISnapshot.taken_on)
            ).all()

    after_collect = rows()
    assert main(["snapshot", "--period", "week"]) == 0
    count = int(capsys.readouterr().out.split()[1])
    assert rows() == after_collect == [(date.today(), count)], "one snapshot per day"
    weekly = [k for k in kpis.REGISTRY.values() if "week" in k.periods]
    assert count == 2 * len(weekly) * SNAPSHOT_PERIODS  # scopes all and group:core


def test_collect_github_with_the_token_from_streamlit_secrets(
    tmp_path, monkeypatch, capsys, github_server
):
    """`collect github` against the fake GitHub; the token lives only in secrets.toml."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        f'OSPO_GH_TOKEN = "{github_server.token}"\n'
    )
    config = tmp_path / "ospo.yml"
    config.write_text(
        f"github:\n  base_url: {github_server.url}\n  token_env: OSPO_GH_TOKEN\n"
        "organizations: [acme]\nupstream:\n  track: none\n"
        "affiliation:\n  organization: Acme\n"
    )
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'gh.db'}")

    assert main(["collect", "github", "--no-progress"]) == 0
    first = capsys.readouterr()
    assert "org:acme" in first.out and "failed" not in first.out
    assert main(["collect", "github", "--no-progress"]) == 0
    second = capsys.readouterr()
    assert "org:acme" in second.out
    for text in (first.out, first.err, second.out, second.err):
        assert github_server.token not in text
    assert github_server.invalid_graphql == []


def test_unreadable_secrets_file_is_a_clear_error(tmp_path, monkeypatch, capsys, project):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('TOKEN = "ghp_x\n')
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "ospo.yml"
    config.write_text(config.read_text() + "organizations: [acme]\n")
    assert main(["collect", "github", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "secrets.toml" in err and "ghp_x" not in err


def test_report_writes_the_html_impact_summary(project, capsys):
    main(["collect", "--no-progress"])
    out = project / "impact.html"
    assert main(["report", "-o", str(out)]) == 0
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "Acme: open source impact" in page and "Active contributors" in page


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url:pw", "not a valid SQLAlchemy URL"),
        ("mysql://user:pw@127.0.0.1/x", "supports SQLite and PostgreSQL"),
    ],
)
def test_bad_database_urls_are_clear_errors(project, monkeypatch, capsys, url, expected):
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["runs"]) == 2
    err = capsys.readouterr().err
    assert expected in err and "pw" not in err and "Traceback" not in err


def test_demo_uses_its_own_database_and_refuses_to_mix(project, monkeypatch, capsys):
    """The README flow: demo first, own data later, in different databases."""
    monkeypatch.chdir(project)
    monkeypatch.delenv("DATABASE_URL")
    assert main(["demo", "--no-progress", "--data-dir", str(project / "data")]) == 0
    assert (project / "data" / "ospo_demo.db").exists()
    assert main(["collect", "--no-progress"]) == 0  # the project's own config and database
    assert (project / "ospo_metrics.db").exists()
    capsys.readouterr()

    # Pointing the demo at the database that holds real data is refused.
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{project / 'ospo_metrics.db'}")
    assert main(["demo", "--no-progress", "--data-dir", str(project / "data")]) == 2
    assert "acme/widgets" in capsys.readouterr().err


def test_report_numbers_windows_and_upstream(project, capsys):
    main(["collect", "--no-progress"])
    capsys.readouterr()
    assert main(["report", "--numbers", "--window", "ytd"]) == 0
    numbers = capsys.readouterr().out.splitlines()
    assert numbers[0] == "section,kpi,title,unit,window,start,end,value,partial"
    assert any(line.startswith("headline,active_contributors,") for line in numbers)
    assert main(["report", "--window", "last-decade"]) == 2
    err = capsys.readouterr().err
    assert "unknown window 'last-decade'" in err and "t12m" in err and "Traceback" not in err
    assert main(["upstream", "people"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("person_id,login,prs_opened,prs_merged,")
    assert "Trailing 12 months" in captured.err


def test_export_every_table_and_every_kpi_for_a_scope(project, capsys):
    from ospo_metrics.read.exports import EXPORTS

    main(["collect", "--no-progress"])
    capsys.readouterr()
    for name in EXPORTS:
        assert main(["export", name, "--scope", "group:core"]) == 0, name
        header = capsys.readouterr().out.splitlines()[0]
        assert "," in header and "Traceback" not in header, name
    assert main(["export", "people", "--since", "2026-03-09"]) == 0
    people = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert people and all(int(p["contributions"]) >= 1 for p in people)
    assert main(["export", "kpis", "--period", "month", "--scope", "group:core"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["scope"] for r in rows} == {"group:core"}
    assert {"commits", "active_contributors", "time_to_first_response"} <= {r["kpi"] for r in rows}
    march = [r for r in rows if r["kpi"] == "commits" and r["period_start"] == "2026-03-01"]
    assert march[0]["value"] == "6.0" and march[0]["partial"] == "False"
