"""Package release dates from deps.dev (a loopback fake speaking its API v3) into the store, on
SQLite and PostgreSQL: incremental, idempotent, resumable, errors per package."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from depsdev_fake import FakeDepsDev
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collectors.depsdev import (
    DepsDevFormatError,
    package_url,
    parse_package,
    registry_package,
)
from collectors.sbom import parse_sbom
from ospo_metrics.cli import main
from ospo_metrics.collect.jobs import JobSpec, plan_phase
from ospo_metrics.collect.targets import is_configured
from ospo_metrics.compliance.demo import _sbom
from ospo_metrics.compliance.releases import fetch_releases
from ospo_metrics.compliance.sbom import store_document
from ospo_metrics.context import open_context
from ospo_metrics.models import RegistryPackage, RegistryVersion
from ospo_metrics.store import ensure_repository

PACKAGES = [  # (purl type, name, version) in acme/app's SBOM
    ("npm", "left-pad", "1.0.0"),
    ("npm", "%40scope/tool", "2.0.0"),  # a scoped npm package: @scope/tool
    ("pypi", "Py_Yaml", "5.0"),  # the purl reader makes it py-yaml, as deps.dev names it
    ("npm", "ghost", "1.0.0"),  # deps.dev: 404
    ("npm", "broken", "1.0.0"),  # HTTP 500
    ("npm", "garbage", "1.0.0"),  # not JSON
    ("npm", "wrongshape", "1.0.0"),  # JSON, but `versions` is not a list
    ("gem", "rails", "7.0.0"),  # no deps.dev system: never asked
]


def test_purl_types_map_to_deps_dev_systems() -> None:
    assert registry_package("npm", "@scope/tool") == ("NPM", "@scope/tool")
    assert registry_package("pypi", "Py_Yaml.Ext") == ("PYPI", "py-yaml-ext")
    assert registry_package("maven", "org.slf4j:slf4j-api") == ("MAVEN", "org.slf4j:slf4j-api")
    assert registry_package("golang", "github.com/a/b") == ("GO", "github.com/a/b")
    assert registry_package("cargo", "serde") == ("CARGO", "serde")
    assert registry_package("nuget", "Newtonsoft.Json") == ("NUGET", "Newtonsoft.Json")
    assert registry_package("gem", "rails") is None
    assert registry_package("github", "acme/app") is None
    assert (
        package_url("https://api.deps.dev", "NPM", "@colors/colors")
        == "https://api.deps.dev/v3/systems/npm/packages/%40colors%2Fcolors"
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "the top level is not an object"),
        ({"versions": []}, "`packageKey.name` is missing"),
        ({"packageKey": {"name": "x"}, "versions": "1.0"}, "`versions` is missing or not a list"),
        ({"packageKey": {"name": "x"}, "versions": [{"isDefault": True}]},
         r"versions\[0\].versionKey.version is missing"),
        ({"packageKey": {"name": "x"},
          "versions": [{"versionKey": {"version": "1"}, "publishedAt": "yesterday"}]},
         r"versions\[0\].publishedAt 'yesterday' is not a timestamp"),
        ({"packageKey": {"name": "x"},
          "versions": [{"versionKey": {"version": "1"}, "isDefault": "yes"}]},
         r"versions\[0\].isDefault is 'yes'"),
    ],
)  # fmt: skip
def test_malformed_answers_are_refused_with_the_reason(data, reason) -> None:
    with pytest.raises(DepsDevFormatError, match=reason) as excinfo:
        parse_package(data, "npm/x")
    assert str(excinfo.value).startswith("npm/x: not a deps.dev package answer")


def test_a_real_shaped_answer_is_read() -> None:
    data = {
        "packageKey": {"system": "NPM", "name": "@colors/colors"},
        "versions": [
            {"versionKey": {"system": "NPM", "name": "@colors/colors", "version": "1.4.0"},
             "publishedAt": "2019-09-16T21:51:33Z", "isDefault": False, "isDeprecated": False},
            {"versionKey": {"system": "NPM", "name": "@colors/colors", "version": "1.6.0"},
             "publishedAt": "2023-07-10T03:25:30Z", "isDefault": True, "isDeprecated": False},
            {"versionKey": {"system": "NPM", "name": "@colors/colors", "version": "0.0.1"},
             "isDefault": False},
        ],
    }  # fmt: skip
    package = parse_package(data, "npm/@colors/colors")
    assert package.default.version == "1.6.0"
    assert package.default.published_at == datetime(2023, 7, 10, 3, 25, 30, tzinfo=UTC)
    assert package.versions[2].published_at is None


def _config(project: Path, url: str, refresh_days: int = 7, fetch: bool = True) -> None:
    (project / "ospo.yml").write_text(
        "compliance:\n  scorecard:\n    fetch: false\n  sbom:\n    github_dependency_graph: false\n"
        f"  registry:\n    fetch: {str(fetch).lower()}\n    api_url: {url}\n"
        f"    refresh_days: {refresh_days}\n"
    )


@pytest.fixture
def project(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OSPO_CONFIG", str(tmp_path / "ospo.yml"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    _config(tmp_path, "http://127.0.0.1:1")
    engine = open_context().engine
    with Session(engine) as session, session.begin():
        ensure_repository(session, "github", "acme/app", visibility="public")
    packages = [(eco, name, version, "MIT", None) for eco, name, version in PACKAGES]
    document = parse_sbom(json.dumps(_sbom("acme/app", date(2025, 6, 1), packages)).encode(),
                          "test")  # fmt: skip
    store_document(engine, document, "acme/app", "file", "sbom.json")
    return tmp_path


def _fake() -> FakeDepsDev:
    fake = FakeDepsDev()
    fake.add("NPM", "left-pad", [("1.0.0", "2020-01-01T00:00:00Z", False),
                                 ("1.3.0", "2022-01-01T00:00:00Z", True)])  # fmt: skip
    fake.add("NPM", "@scope/tool", [("2.0.0", "2024-02-29T12:00:00Z", True)])
    fake.add("PYPI", "py-yaml", [("5.0", "2019-03-01T00:00:00Z", False),
                                 ("6.0", None, True)])  # fmt: skip
    fake.status[("NPM", "broken")] = 500
    fake.raw[("NPM", "garbage")] = b"<html>rate limited</html>"
    fake.raw[("NPM", "wrongshape")] = b'{"packageKey": {"name": "wrongshape"}, "versions": "x"}'
    return fake


def _counts(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(RegistryPackage)),
            session.scalar(select(func.count()).select_from(RegistryVersion)),
        )


def _packages(engine) -> dict[str, tuple]:
    with Session(engine) as session:
        return {
            p.name: (p.status, p.default_version, p.error)
            for p in session.scalars(select(RegistryPackage))
        }


def test_collect_stores_release_dates_and_errors_per_package(project, capsys) -> None:
    with _fake() as fake:
        _config(project, fake.url)
        assert main(["collect", "releases", "--no-progress"]) == 0  # the others went on
        out, err = capsys.readouterr()
        assert sorted(fake.requests) == sorted(
            [
                "/v3/systems/npm/packages/left-pad",
                "/v3/systems/npm/packages/%40scope%2Ftool",
                "/v3/systems/pypi/packages/py-yaml",
                "/v3/systems/npm/packages/ghost",
                "/v3/systems/npm/packages/broken",
                "/v3/systems/npm/packages/garbage",
                "/v3/systems/npm/packages/wrongshape",
            ]
        )  # rails (a gem) is never sent
        assert "releases deps.dev" in out and "unsupported 1" in out and "failed 3" in out
        assert "warning: releases deps.dev: 3 package(s) not fetched" in err
        assert "npm/broken: deps.dev answered HTTP 500" in err
        engine = open_context().engine
        stored = _packages(engine)
        assert stored["left-pad"] == ("found", "1.3.0", None)
        assert stored["@scope/tool"] == ("found", "2.0.0", None)
        assert stored["py-yaml"] == ("found", "6.0", None)
        assert stored["ghost"] == ("unknown", None, None)  # kept as unknown to the registry
        assert stored["broken"] == ("failed", None, "npm/broken: deps.dev answered HTTP 500")
        assert stored["garbage"][2] == (
            "npm/garbage: not a deps.dev package answer: the answer is not JSON"
        )
        assert "`versions` is missing or not a list" in stored["wrongshape"][2]
        assert "rails" not in stored
        assert _counts(engine) == (7, 5)

        # Again: the packages answered are fresh, only the failed ones are asked again.
        fake.requests.clear()
        del fake.status[("NPM", "broken")]
        fake.add("NPM", "broken", [("1.0.0", "2021-01-01T00:00:00Z", True)])
        assert main(["collect", "releases", "--no-progress"]) == 0
        assert sorted(fake.requests) == [
            "/v3/systems/npm/packages/broken",
            "/v3/systems/npm/packages/garbage",
            "/v3/systems/npm/packages/wrongshape",
        ]
        assert _packages(engine)["broken"] == ("found", "1.0.0", None)
        assert _counts(engine) == (7, 6)
    capsys.readouterr()
    assert main(["export", "package-releases"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 6 + 3  # six versions, and garbage, wrongshape and ghost without any
    assert {r["status"] for r in rows if not r["version"]} == {"failed", "unknown"}
    assert main(["export", "package-releases", "--since", "2022-01-01"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted((r["name"], r["version"]) for r in rows) == [
        ("'@scope/tool", "2.0.0"),  # a cell starting with @ is kept from running as a formula
        ("left-pad", "1.3.0"),
    ]


def test_a_refresh_of_the_same_answers_writes_nothing(project) -> None:
    with _fake() as fake:
        _config(project, fake.url)
        context = open_context()
        first = fetch_releases(context)[0]
        assert first.items_written == 4 + 5  # 4 packages answered (1 of them 404), 5 versions
        later = datetime.now(UTC) + timedelta(days=8)  # past refresh_days (7)
        fake.requests.clear()
        again = fetch_releases(context, now=lambda: later)[0]
        assert len(fake.requests) == 7  # everything was due
        # Each answered package's row (its fetched_at) is written, no version twice.
        assert again.items_written == 4 and _counts(context.engine) == (7, 5)
        # The default moves on: the new version is added, the old default is no longer one.
        fake.add("NPM", "left-pad", [("1.0.0", "2020-01-01T00:00:00Z", False),
                                     ("1.3.0", "2022-01-01T00:00:00Z", False),
                                     ("2.0.0", "2025-01-01T00:00:00Z", True)])  # fmt: skip
        fetch_releases(context, now=lambda: later + timedelta(days=8))
        with Session(context.engine) as session:
            defaults = session.scalars(
                select(RegistryVersion.version).where(RegistryVersion.is_default)
            ).all()
        assert sorted(defaults) == ["2.0.0", "2.0.0", "6.0"]  # left-pad, @scope/tool, py-yaml


def test_unreachable_deps_dev_stops_the_run_and_the_next_resumes(project, capsys) -> None:
    _config(project, "http://127.0.0.1:1")  # nothing listens there
    assert main(["collect", "releases", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "deps.dev at http://127.0.0.1:1 is unreachable" in err
    assert "compliance.registry.api_url" in err
    engine = open_context().engine
    assert _counts(engine) == (1, 0)  # the one package tried, as failed
    with _fake() as fake:
        _config(project, fake.url)
        assert main(["collect", "releases", "--no-progress"]) == 0
        assert len(fake.requests) == 7
    assert _counts(engine) == (7, 5)


def test_off_by_default_and_planned_after_the_sboms(project, capsys) -> None:
    _config(project, "http://127.0.0.1:1", fetch=False)
    context = open_context()
    assert fetch_releases(context) == []
    assert plan_phase(context, "registry") == []
    # A failed run from when it was on is no current failure once it is off.
    assert not is_configured(context.config, "releases", "deps.dev")
    (project / "ospo.yml").write_text("repositories: []\n")  # no registry section at all
    context = open_context()
    assert context.config.compliance.registry.fetch is False
    assert plan_phase(context, "registry") == []
    _config(project, "http://127.0.0.1:1")
    context = open_context()
    assert plan_phase(context, "registry") == [JobSpec("releases", "*")]
    assert is_configured(context.config, "releases", "deps.dev")
    assert plan_phase(context, "registry", source="sbom") == []
    assert plan_phase(context, "registry", only="acme/app") == [JobSpec("releases", "acme/app")]
