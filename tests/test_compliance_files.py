"""Repository files end to end: real repositories -> `collect files` -> database (SQLite and
PostgreSQL) -> the policy matrix and the compliance KPIs, checked against hand-computed values."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import kpis
from kpis.compliance import check_matrix, fix_first
from kpis.schema import Frames
from ospo_metrics.cli import main
from ospo_metrics.compliance.read import load_compliance_frames, with_compliance
from ospo_metrics.context import open_context
from ospo_metrics.models import FileCheck

LICENSES = Path(__file__).parent / "fixtures" / "licenses"
MIT = (LICENSES / "MIT.txt").read_text()
GPL3 = (LICENSES / "GPL-3.0.txt").read_text()
COMMONS_CLAUSE = (
    "\nThe Software is provided to you by the Licensor under the License, subject to the "
    "following condition. The grant of rights under the License will not include, and the "
    "License does not grant to you, the right to Sell the Software.\n"
) * 2


def build(tmp_path: Path) -> dict[str, GitRepo]:
    alpha = GitRepo.init(tmp_path / "alpha")
    alpha.commit("readme", {"README.md": "alpha\n"}, date="2024-01-10T10:00:00+00:00")
    alpha.commit(
        "community files",
        {"LICENSE": MIT, "CONTRIBUTING.md": "PRs\n", ".github/CODEOWNERS": "* @a\n"},
        date="2024-02-10T10:00:00+00:00",
    )
    beta = GitRepo.init(tmp_path / "beta")
    beta.commit(
        "readme", {"README.md": "b\n", "CONTRIBUTING.md": "c\n"}, date="2024-01-15T10:00:00+00:00"
    )
    beta.commit("license", {"LICENSE": MIT + COMMONS_CLAUSE}, date="2024-03-05T10:00:00+00:00")
    gamma = GitRepo.init(tmp_path / "gamma")
    gamma.commit("start", {"README": "g\n", "COPYING": GPL3}, date="2024-01-20T10:00:00+00:00")
    return {"alpha": alpha, "beta": beta, "gamma": gamma}


CONFIG = """
repositories:
{repositories}
groups:
  core: [acme/alpha, acme/beta]
compliance:
  policy:
    default: [README, LICENSE, LICENSE_RECOGNIZED, OSI_APPROVED, SECURITY]
    core: [README, LICENSE, LICENSE_RECOGNIZED, OSI_APPROVED, CONTRIBUTING, CODEOWNERS]
  exemptions:
    - repository: acme/gamma
      check: SECURITY
      reason: the policy is being written
      until: 2024-02-29
    - repository: acme/b*
      check: codeowners
      reason: a single maintainer
      until: 2030-01-01
"""


@pytest.fixture
def project(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, GitRepo]:
    repos = build(tmp_path)
    entries = "\n".join(
        f"  - path: {repo.path}\n    name: acme/{name}" for name, repo in repos.items()
    )
    config = tmp_path / "ospo.yml"
    config.write_text(CONFIG.format(repositories=entries), encoding="utf-8")
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", db_url)
    return repos


def frames() -> Frames:
    context = open_context()
    return with_compliance(Frames(), load_compliance_frames(context.engine, context.config))


def statuses(data: Frames, as_of: str) -> dict[tuple[str, str], str]:
    matrix = check_matrix(data, as_of)
    return {
        (row.repo.split("/")[1], row.check): row.status
        for row in matrix.itertuples()
        if row.required
    }


def test_policy_matrix_and_kpis_month_by_month(project, capsys) -> None:
    assert main(["collect", "files", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out.count("files") == 3 and "failed" not in out
    data = frames()

    march = statuses(data, "2024-03-31T23:59:59Z")
    assert march == {
        ("alpha", "README"): "pass",
        ("alpha", "LICENSE"): "pass",
        ("alpha", "LICENSE_RECOGNIZED"): "pass",
        ("alpha", "OSI_APPROVED"): "pass",
        ("alpha", "CONTRIBUTING"): "pass",
        ("alpha", "CODEOWNERS"): "pass",
        ("beta", "README"): "pass",
        ("beta", "LICENSE"): "pass",
        # MIT with an added clause is no longer MIT.
        ("beta", "LICENSE_RECOGNIZED"): "fail",
        ("beta", "OSI_APPROVED"): "fail",
        ("beta", "CONTRIBUTING"): "pass",
        ("beta", "CODEOWNERS"): "exempt",
        ("gamma", "README"): "pass",
        ("gamma", "LICENSE"): "pass",
        ("gamma", "LICENSE_RECOGNIZED"): "pass",
        ("gamma", "OSI_APPROVED"): "pass",
        # The exemption ran out on 2024-02-29: failing again.
        ("gamma", "SECURITY"): "fail",
    }
    assert statuses(data, "2024-02-29T23:59:59Z")[("gamma", "SECURITY")] == "exempt"

    def monthly(kpi_id: str) -> list[float]:
        table = kpis.series(kpi_id, data, "month", start="2024-01-01", end="2024-03-31")
        return table["value"].round(1).tolist()

    # Hand-computed (see the repositories above), January, February, March.
    assert monthly("license_coverage") == [33.3, 66.7, 66.7]
    assert monthly("osi_approved_licenses") == [100.0, 100.0, 100.0]
    assert monthly("required_files_coverage") == [55.6, 88.9, 90.0]
    assert monthly("policy_compliance") == [33.3, 66.7, 33.3]

    first = fix_first(check_matrix(data, "2024-03-31T23:59:59Z"))
    assert first.to_dict("records") == [
        {"check": "LICENSE_RECOGNIZED", "severity": "critical", "repositories": 1,
         "examples": "acme/beta"},
        {"check": "OSI_APPROVED", "severity": "critical", "repositories": 1,
         "examples": "acme/beta"},
        {"check": "SECURITY", "severity": "high", "repositories": 1, "examples": "acme/gamma"},
    ]  # fmt: skip


def test_rerun_writes_nothing_and_a_new_commit_only_its_change(project, capsys) -> None:
    assert main(["collect", "files", "--no-progress"]) == 0
    engine = open_context().engine
    with Session(engine) as session:
        before = session.scalar(select(func.count()).select_from(FileCheck))
    assert main(["collect", "files", "--no-progress"]) == 0
    assert capsys.readouterr().out.count("unchanged") == 3
    project["gamma"].commit(
        "security policy", {"SECURITY.md": "mail us\n"}, date="2024-04-02T10:00:00+00:00"
    )
    assert main(["collect", "files", "--repo", "acme/gamma", "--no-progress"]) == 0
    with Session(engine) as session:
        after = session.scalar(select(func.count()).select_from(FileCheck))
        latest = session.execute(
            select(FileCheck.check, FileCheck.present).order_by(FileCheck.observed_at.desc())
        ).first()
    assert after == before + 1
    assert tuple(latest) == ("SECURITY", True)
    assert statuses(frames(), "2024-04-30T23:59:59Z")[("gamma", "SECURITY")] == "pass"


def test_a_repository_without_a_local_copy_fails_with_a_message(tmp_path, monkeypatch, capsys):
    config = tmp_path / "ospo.yml"
    config.write_text(
        "repositories:\n  - url: https://git.example.com/acme/remote.git\n", encoding="utf-8"
    )
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert main(["collect", "files", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "acme/remote: no local copy" in err and "Traceback" not in err
