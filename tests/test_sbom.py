"""SBOMs: SPDX 2.3 (GitHub's dependency-graph export) and CycloneDX 1.5 files of real shape,
GitHub's SBOM endpoint on the fake server, license verdicts and the dependency KPIs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import kpis
from collectors.sbom import SbomFormatError, parse_sbom, read_sbom_file
from kpis.schema import Frames
from kpis.supply_chain import license_violations
from ospo_metrics.cli import main
from ospo_metrics.compliance.read import load_compliance_frames, with_compliance
from ospo_metrics.compliance.sbom import fetch_github_sboms
from ospo_metrics.context import open_context
from ospo_metrics.models import Sbom, SbomComponent
from ospo_metrics.store import ensure_repository

FIXTURES = Path(__file__).parent / "fixtures" / "sbom"
SPDX = FIXTURES / "github-widgets.spdx.json"
CYCLONEDX = FIXTURES / "gadget.cdx.json"


def components(path: Path) -> dict:
    return {c.name: c for c in read_sbom_file(path).components}


def test_spdx_from_github_keeps_purls_versions_licenses_and_directness() -> None:
    document = read_sbom_file(SPDX)
    assert (document.format, document.repository) == ("SPDX-2.3", "acme/widgets")
    assert document.created_at.isoformat() == "2025-03-01T10:00:00+00:00"
    found = components(SPDX)
    # The described package (the repository itself) is not one of its dependencies.
    assert set(found) == {"requests", "chardet", "mysterious", "actions/checkout"}
    assert found["requests"].purl == "pkg:pypi/requests@2.31.0"
    assert (found["requests"].license, found["requests"].is_direct) == ("Apache-2.0", True)
    assert (found["chardet"].license, found["chardet"].is_direct) == ("LGPL-2.1-only", False)
    # NOASSERTION means no license information, not a license called NOASSERTION.
    assert (found["mysterious"].license, found["mysterious"].license_declared) == (None, None)
    assert found["actions/checkout"].ecosystem == "githubactions"


def test_cyclonedx_with_expressions_and_components_without_licenses() -> None:
    document = read_sbom_file(CYCLONEDX)
    assert (document.format, document.repository) == ("CycloneDX-1.5", "acme/gadget")
    found = components(CYCLONEDX)
    assert found["dual"].license == "MIT OR GPL-2.0-only"
    assert found["unlicensed"].license is None and found["unlicensed"].license_declared is None
    assert found["vendored-eula"].license is None
    assert found["vendored-eula"].license_declared == "Acme End User License"
    assert found["vendored-eula"].ref == "vendored-eula@7"  # no purl
    assert found["flask"].source_repository == "github.com/pallets/flask"
    assert (found["flask"].is_direct, found["werkzeug"].is_direct) == (True, False)


@pytest.mark.parametrize("version", ["1.4", "1.6"])
def test_cyclonedx_versions_1_4_and_1_6(version: str) -> None:
    data = json.loads(CYCLONEDX.read_text())
    data["specVersion"] = version
    assert parse_sbom(json.dumps(data).encode(), "x").format == f"CycloneDX-{version}"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "not UTF-8"),
        (SPDX.read_bytes()[:500], "invalid JSON"),
        (CYCLONEDX.read_bytes()[:-40], "invalid JSON"),
        (b"   ", "empty"),
        (b'{"hello": "world"}', "neither SPDX"),
        (json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.2"}).encode(), "1.2"),
        (json.dumps({"spdxVersion": "SPDX-3.0"}).encode(), "not SPDX 2.x"),
        (
            json.dumps(
                {
                    "bomFormat": "CycloneDX",
                    "specVersion": "1.5",
                    "components": [{"type": "gadget", "name": "x"}],
                }
            ).encode(),
            "ValueError",
        ),
        (
            json.dumps(
                {**json.loads(SPDX.read_text())["sbom"], "packages": [{"name": 1}]}
            ).encode(),
            "Package",
        ),
    ],
)
def test_malformed_sboms_are_refused_with_the_reason(content: bytes, reason: str) -> None:
    with pytest.raises(SbomFormatError, match=reason) as excinfo:
        parse_sbom(content, "some.json")
    assert "some.json" in str(excinfo.value)


@pytest.fixture
def project(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):
    config = tmp_path / "ospo.yml"
    config.write_text(
        "compliance:\n  licenses:\n    allowed: [MIT, Apache-2.0, BSD-*]\n"
        "    review: [LGPL-*]\n    denied: [GPL-*, AGPL-*]\n"
        "    unlisted: review\n    unknown: review\n"
    )
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", db_url)
    engine = open_context().engine
    with Session(engine) as session, session.begin():
        for name in ("acme/widgets", "acme/gadget", "acme/other"):
            ensure_repository(session, "github", name, visibility="public")
    return tmp_path


def frames() -> Frames:
    context = open_context()
    return with_compliance(Frames(), load_compliance_frames(context.engine, context.config))


def count(model) -> int:
    with Session(open_context().engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_import_verdicts_and_kpis(project, capsys) -> None:
    bad = project / "truncated.json"
    bad.write_bytes(CYCLONEDX.read_bytes()[:700])
    assert main(["import", "sbom", str(SPDX), str(CYCLONEDX), str(bad)]) == 1
    err = capsys.readouterr().err
    assert "truncated.json: not a readable SBOM: invalid JSON" in err
    assert (count(Sbom), count(SbomComponent)) == (2, 4 + 6)
    # The same files again: nothing new.
    assert main(["import", "sbom", str(SPDX), str(CYCLONEDX)]) == 0
    assert (count(Sbom), count(SbomComponent)) == (2, 10)

    data = frames()
    verdicts = dict(zip(data.dependencies["name"], data.dependencies["verdict"], strict=True))
    assert verdicts == {
        "requests": "allowed",
        "chardet": "review",
        "mysterious": "review",  # NOASSERTION: unknown
        "actions/checkout": "allowed",
        "flask": "allowed",
        "werkzeug": "allowed",
        "dual": "allowed",  # MIT OR GPL-2.0-only: MIT may be chosen
        "copyleft": "denied",
        "unlicensed": "review",
        "vendored-eula": "review",
    }
    violations = license_violations(data, "2025-12-31T00:00:00Z")
    assert violations[["verdict", "name", "pulled_in_by"]].values.tolist() == [
        ["denied", "copyleft", "acme/gadget"],
        ["review", "chardet", "acme/widgets"],
        ["review", "mysterious", "acme/widgets"],
        ["review", "unlicensed", "acme/gadget"],
        ["review", "vendored-eula", "acme/gadget"],
    ]

    def monthly(kpi_id: str) -> list[float]:
        table = kpis.series(kpi_id, data, "month", start="2025-03-01", end="2025-04-30")
        return table["value"].tolist()

    # March: only widgets' SBOM (of 3 repositories); April: gadget's too.
    assert monthly("sbom_coverage") == [33.3, 66.7]
    assert monthly("denied_license_dependencies") == [0.0, 1.0]
    assert monthly("review_license_dependencies") == [2.0, 4.0]


def test_an_sbom_that_names_no_repository_needs_repo(project, capsys) -> None:
    data = json.loads(CYCLONEDX.read_text())
    del data["metadata"]["component"]["purl"]
    anonymous = project / "anonymous.cdx.json"
    anonymous.write_text(json.dumps(data))
    assert main(["import", "sbom", str(anonymous)]) == 1
    assert "--repo OWNER/NAME" in capsys.readouterr().err
    assert main(["import", "sbom", str(anonymous), "--repo", "acme/other"]) == 0
    assert main(["import", "sbom", str(anonymous), "--repo", "acme/unknown"]) == 1
    assert "acme/unknown is not in the database" in capsys.readouterr().err


def test_github_dependency_graph_sbom_from_the_fake_server(
    engine, github_server_factory, monkeypatch, tmp_path
) -> None:
    from github_fake.generate import generate_org

    from ospo_metrics.config import config_from_mapping
    from ospo_metrics.context import Context

    model = generate_org("acme", n_repos=3, seed=5)
    repos = sorted(model.org.repos, key=lambda r: r.full_name)
    repos[0].sbom = json.loads(SPDX.read_text())["sbom"]
    server = github_server_factory(model)
    config = config_from_mapping(
        {"github": {"base_url": server.url}, "organizations": ["acme"]}, source="<test>"
    )
    context = Context(config=config, engine=engine, database_url="")
    with Session(engine) as session, session.begin():
        for repo in repos:
            ensure_repository(session, "github", repo.full_name, visibility="public")
    results = fetch_github_sboms(context, env={"GITHUB_TOKEN": server.token})
    statuses = {r.target: (r.status, r.details) for r in results}
    assert statuses[f"github:{repos[0].full_name}"][0] == "ok"
    assert statuses[f"github:{repos[1].full_name}"] == ("unchanged", {"no_dependency_graph": 1})
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SbomComponent)) == 4
    # Fetched again: the same content is not stored twice.
    again = fetch_github_sboms(context, env={"GITHUB_TOKEN": server.token})
    assert {r.status for r in again} == {"unchanged"}
