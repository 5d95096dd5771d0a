"""CHAOSS Libyears on hand-written frames; every expected number is worked out by hand below."""

from __future__ import annotations

import pandas as pd
import pytest

import kpis
from collectors.depsdev import SYSTEMS
from kpis.libyears import (
    REGISTRY_ECOSYSTEMS,
    component_lags,
    lagging_dependencies,
    libyears_coverage_at,
    median_libyears_at,
    repository_libyears,
    used_version,
)
from kpis.schema import Frames, frame

NOW = "2025-06-30T00:00:00Z"
YEAR = 365.25


def repo(name: str) -> dict:
    return {"repo": name, "relationship": "owned", "visibility": "public",
            "is_archived": False, "is_fork": False, "checked_through": None}  # fmt: skip


def sbom(repo_name: str, sbom_id: int, created: str) -> dict:
    return {"repo": repo_name, "sbom_id": sbom_id, "created_at": created, "source": "file",
            "format": "CycloneDX-1.5"}  # fmt: skip


def dep(repo_name: str, sbom_id: int, purl: str, direct: bool | None) -> dict:
    ecosystem, _, rest = purl[4:].partition("/")
    name = rest.split("@")[0]
    return {"repo": repo_name, "sbom_id": sbom_id, "purl": purl, "name": name,
            "version": None, "ecosystem": ecosystem, "license": "MIT", "is_direct": direct,
            "verdict": "allowed", "source_repository": None}  # fmt: skip


def rel(ecosystem, name, version, published, default=False, status="found") -> dict:
    return {"ecosystem": ecosystem, "name": name, "status": status, "version": version,
            "published_at": published, "is_default": default}  # fmt: skip


RELEASES = [
    # left-pad: 1.0.0 (2020-01-01), 1.2.0 (2021-01-01), a beta, 1.3.0 the default (2022-01-01).
    rel("npm", "left-pad", "1.0.0", "2020-01-01T00:00:00Z"),
    rel("npm", "left-pad", "1.2.0", "2021-01-01T00:00:00Z"),
    rel("npm", "left-pad", "1.3.0-beta.1", "2021-03-01T00:00:00Z"),
    rel("npm", "left-pad", "1.3.0", "2022-01-01T00:00:00Z", default=True),
    # requests: 2.0.0 (2021-01-01), 2.1.0 the default (2021-07-02), a newer prerelease.
    rel("pypi", "requests", "2.0.0", "2021-01-01T00:00:00Z"),
    rel("pypi", "requests", "2.1.0", "2021-07-02T00:00:00Z", default=True),
    rel("pypi", "requests", "3.0.0b1", "2024-06-01T00:00:00Z"),
    # newer: we use 2.0.0, published after the default 1.9.0 -> 0.
    rel("npm", "newer", "1.9.0", "2022-06-01T00:00:00Z", default=True),
    rel("npm", "newer", "2.0.0", "2023-01-01T00:00:00Z"),
    # transitive: 1.0.0 (2019-01-01), 2.0.0 the default (2020-01-01).
    rel("npm", "transitive", "1.0.0", "2019-01-01T00:00:00Z"),
    rel("npm", "transitive", "2.0.0", "2020-01-01T00:00:00Z", default=True),
    # oddver: known, but not at the version we use.
    rel("npm", "oddver", "1.0.0", "2020-01-01T00:00:00Z", default=True),
    # ghost: deps.dev answered 404.
    rel("npm", "ghost", None, None, status="unknown"),
    # broken: never answered.
    rel("cargo", "broken", None, None, status="failed"),
]


def data() -> Frames:
    app = [
        ("pkg:npm/left-pad@1.0.0", True),
        ("pkg:pypi/requests@2.0.0", True),
        ("pkg:npm/newer@2.0.0", True),
        ("pkg:npm/transitive@1.0.0", False),  # not direct: left out of a told SBOM
        ("pkg:npm/ghost@1.0.0", True),
        ("pkg:npm/nover", True),
        ("pkg:gem/rails@7.0.0", True),
        ("pkg:cargo/notyet@0.1.0", True),
        ("pkg:cargo/broken@0.1.0", True),
        ("pkg:npm/oddver@9.9.9", True),
    ]
    deps = [dep("acme/app", 1, purl, direct) for purl, direct in app]
    # acme/lib's SBOMs do not say what is direct: all components count.
    deps += [dep("acme/lib", 2, "pkg:npm/left-pad@1.0.0", None)]
    deps += [dep("acme/lib", 3, p, None) for p in ("pkg:npm/left-pad@1.3.0",
                                                   "pkg:npm/transitive@1.0.0")]  # fmt: skip
    return Frames(
        repositories=frame("repositories", [repo("acme/app"), repo("acme/lib")]),
        sboms=frame(
            "sboms",
            [
                sbom("acme/app", 1, "2025-06-01T00:00:00Z"),
                sbom("acme/lib", 2, "2020-06-01T00:00:00Z"),
                sbom("acme/lib", 3, "2025-06-01T00:00:00Z"),
            ],
        ),
        dependencies=frame("dependencies", deps),
        package_releases=frame("package_releases", RELEASES),
    )


def test_the_registry_ecosystems_are_the_collectors() -> None:
    assert set(SYSTEMS) == REGISTRY_ECOSYSTEMS


def test_the_version_used_comes_from_the_package_url() -> None:
    purls = pd.Series(
        [
            "pkg:npm/%40a/b@1.2.3",
            "pkg:npm/@a/b",
            "pkg:maven/g/a@1.0?type=jar",
            "pkg:golang/github.com/x/y@v1.0.0%2Bincompatible",
            "pkg:pypi/x",
        ]
    )
    assert used_version(purls).tolist() == ["1.2.3", None, "1.0", "v1.0.0+incompatible", None]


def test_each_component_counted_or_left_out_with_the_reason() -> None:
    lags = component_lags(data(), NOW)
    app = lags[lags["repo"] == "acme/app"].set_index("name")
    assert app["basis"].unique().tolist() == ["direct"]
    assert "transitive" not in app.index  # the SBOM says it is not direct
    assert app["status"].to_dict() == {
        "left-pad": "counted",
        "requests": "counted",
        "newer": "counted",
        "ghost": "unknown_package",
        "nover": "no_version",
        "rails": "unsupported",
        "notyet": "not_fetched",
        "broken": "not_fetched",
        "oddver": "unknown_version",
    }
    # left-pad 1.0.0 (2020-01-01) -> 1.3.0 (2022-01-01): 731 days.
    assert app.loc["left-pad", "libyears"] == pytest.approx(731 / YEAR)
    # requests 2.0.0 (2021-01-01) -> 2.1.0 (2021-07-02): 182 days; the newer beta is no
    # "latest", the registry's default is.
    assert app.loc["requests", "libyears"] == pytest.approx(182 / YEAR)
    assert app.loc["newer", "libyears"] == 0.0  # newer than the registry's latest
    assert app.loc[["ghost", "nover", "oddver"], "libyears"].isna().all()


def test_repository_libyears_and_the_portfolio() -> None:
    table = repository_libyears(data(), NOW).set_index("repo")
    # acme/app: 731/365.25 + 182/365.25 + 0 = 2.4997; acme/lib: left-pad 1.3.0 is the latest
    # (0) and transitive 1.0.0 (2019-01-01) -> 2.0.0 (2020-01-01) is 365 days = 0.9993.
    assert table.loc["acme/app", "libyears"] == 2.5
    assert table.loc["acme/lib", "libyears"] == 1.0
    assert table.loc["acme/app"][["basis", "components", "counted"]].tolist() == ["direct", 9, 3]
    assert table.loc["acme/app"][
        ["no_version", "unsupported", "not_fetched", "unknown_package", "unknown_version"]
    ].tolist() == [1, 1, 2, 1, 1]
    assert table.loc["acme/lib"][["basis", "components", "counted"]].tolist() == ["all", 2, 2]
    assert table.index.tolist() == ["acme/app", "acme/lib"]  # most libyears first
    # Median of 2.4997 and 0.9993 = 1.7495; coverage (3 + 2) / (9 + 2) components.
    assert median_libyears_at(data(), NOW) == 1.75
    assert libyears_coverage_at(data(), NOW) == pytest.approx(45.5)


def test_an_earlier_moment_uses_the_newest_stable_release_then() -> None:
    # 2021-06-30: acme/lib's newest SBOM is the 2020 one (left-pad 1.0.0); the default 1.3.0
    # is not out yet, the beta is a prerelease, so 1.2.0 (2021-01-01) is the latest: 366 days.
    table = repository_libyears(data(), "2021-06-30T00:00:00Z")
    assert table["repo"].tolist() == ["acme/lib"]
    assert table["libyears"].tolist() == [round(366 / YEAR, 2)]
    series = kpis.series("libyears", data(), "quarter", start="2021-10-01", end="2025-06-30")
    values = dict(zip(series["period_start"].dt.strftime("%Y-%m"), series["value"], strict=True))
    assert values["2021-10"] == 1.0  # 366/365.25 at the quarter's end (left-pad 1.2.0)
    assert values["2022-01"] == 2.0  # 731/365.25: 1.3.0 is out
    assert values["2025-04"] == 1.75


def test_lagging_dependencies_most_first_with_both_versions() -> None:
    table = lagging_dependencies(data(), NOW)
    first = table.iloc[0]
    assert (first["package"], first["version"], first["latest_version"]) == (
        "left-pad",
        "1.0.0",
        "1.3.0",
    )
    assert first["libyears"] == 2.0 and first["used_by"] == "acme/app"
    assert str(first["version_published"]) == "2020-01-01"
    assert table["package"].tolist() == ["left-pad", "transitive", "requests", "left-pad", "newer"]


def test_no_registry_data_gives_no_value() -> None:
    empty = Frames(
        repositories=data().repositories,
        sboms=data().sboms,
        dependencies=data().dependencies,
    )
    assert median_libyears_at(empty, NOW) is None
    assert libyears_coverage_at(empty, NOW) == 0.0
    assert lagging_dependencies(empty, NOW).empty
