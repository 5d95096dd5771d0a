"""People on the command line: coverage beside affiliation KPIs, excluded events, curation."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from gitrepo import GitRepo

from ospo_metrics.cli import main


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One repository: Jane (acme.com and gmail.com, one person by configuration), Omar
    (gmail.com only: affiliation unknown), dependabot and Copilot."""
    repo = GitRepo.init(tmp_path / "widgets")
    authors = [
        ("Jane Doe", "jane@acme.com"),
        ("Omar Said", "omar@gmail.com"),
        ("Jane Doe", "jane.doe@gmail.com"),
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
        ("Copilot", "198982749+Copilot@users.noreply.github.com"),
    ]
    # In the last complete quarter, which `kpis --period quarter` reports.
    quarter = pd.Timestamp.now("UTC").tz_localize(None).to_period("Q") - 1
    first = quarter.start_time.tz_localize("UTC") + pd.Timedelta(hours=12)
    for day, author in enumerate(authors, start=2):
        when = (first + pd.Timedelta(days=day)).isoformat()
        repo.commit(f"change {day}", {"f": f"{day}\n"}, author=author, date=when)
    config = tmp_path / "ospo.yml"
    config.write_text(
        f"repositories:\n  - path: {repo.path}\n    name: acme/widgets\n"
        "affiliation:\n  organization: Acme\n  email_domains: [acme.com]\n"
        "  people:\n    - emails: [jane@acme.com, jane.doe@gmail.com]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["collect", "--no-progress"]) == 0
    return tmp_path


def test_kpis_show_affiliation_coverage_and_excluded_contributions(project, capsys) -> None:
    capsys.readouterr()
    assert main(["kpis", "--period", "quarter"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    # Jane's 2 commits (Acme, by configuration) and Omar's 1 (gmail: unknown) -> 66.7 %
    assert lines["elephant_factor"].rstrip().endswith("66.7")
    assert lines["employee_commit_share"].rstrip().endswith("66.7")
    assert lines["commits"].rstrip().endswith("NaN")  # commits do not rest on affiliation
    assert "excluded from people KPIs: contributions 1 by AI agents, 1 by bots" in out


def test_export_kpi_adds_the_coverage_column_to_affiliation_kpis(project, capsys) -> None:
    capsys.readouterr()
    assert main(["export", "kpi", "elephant_factor", "--period", "quarter"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    rows = [row for row in rows if row["value"]]  # quarters up to today: the last with data
    value, coverage = rows[-1]["value"], float(rows[-1]["affiliation_coverage"])
    assert (value, round(coverage, 4)) == ("1.0", round(200 / 3, 4))  # exports keep 4 places
    assert main(["export", "kpi", "commits", "--period", "quarter"]) == 0
    assert "affiliation_coverage" not in capsys.readouterr().out


def test_export_commits_names_each_commit_as_written_and_bots_without_organization(
    project, capsys
) -> None:
    capsys.readouterr()
    assert main(["export", "commits"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    by_subject = {r["subject"]: r for r in rows}
    assert by_subject["change 2"]["author_id"] == by_subject["change 4"]["author_id"]
    assert by_subject["change 4"]["author_email"] == "jane.doe@gmail.com"
    assert by_subject["change 4"]["organization"] == "Acme"  # the configured person
    assert by_subject["change 3"]["affiliation_source"] == "generic address"
    assert (by_subject["change 5"]["organization"], by_subject["change 5"]["actor"]) == (
        "Bot",
        "bot",
    )
    assert (by_subject["change 6"]["organization"], by_subject["change 6"]["actor"]) == (
        "AI agent",
        "ai_agent",
    )
