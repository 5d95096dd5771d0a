"""The dependencies we rely on but never contribute to, on hand-written frames."""

from __future__ import annotations

import pandas as pd

from kpis.dependencies import bus_factor, dependency_contributions, never_contributed
from kpis.schema import Frames, commits_frame, frame, issues_frame

T = "2025-06-01T00:00:00Z"


def repo(name: str, relationship: str = "owned") -> dict:
    return {"repo": name, "relationship": relationship, "visibility": "public",
            "is_archived": False, "is_fork": False, "checked_through": None}  # fmt: skip


def dep(repo_name, sbom_id, name, ecosystem, direct, source=None) -> dict:
    return {"repo": repo_name, "sbom_id": sbom_id, "purl": f"pkg:{ecosystem}/{name}@1.0",
            "name": name, "version": "1.0", "ecosystem": ecosystem, "license": "MIT",
            "is_direct": direct, "verdict": "allowed", "source_repository": source}  # fmt: skip


def commit(repo_name, sha, author_id, employee=False) -> dict:
    return {"repo": repo_name, "sha": sha, "authored_at": "2025-05-01T00:00:00Z",
            "author_id": author_id, "author_name": f"p{author_id}", "is_bot": False,
            "is_merge": False, "additions": 1, "deletions": 0, "files_changed": 1,
            "organization": "Acme" if employee else "Other", "is_employee": employee,
            "signed_off": False, "relationship": "upstream"}  # fmt: skip


def pull(repo_name, number, employee) -> dict:
    return {"repo": repo_name, "number": number, "is_pull_request": True, "author_id": 1,
            "author_login": "jane", "author_is_bot": False, "author_is_employee": employee,
            "state": "merged", "created_at": "2025-01-01T00:00:00Z", "closed_at": None,
            "merged_at": None, "first_response_at": None, "is_draft": False,
            "relationship": "upstream"}  # fmt: skip


def data() -> Frames:
    commits = [commit("urllib3/urllib3", f"u{i}", author) for i, author in
               enumerate([1] * 5 + [2] * 3 + [3])]  # fmt: skip
    commits.append(commit("acme/a", "own", 9, employee=True))
    return Frames(
        repositories=frame("repositories", [repo("acme/a"), repo("acme/b")]),
        sboms=frame(
            "sboms",
            [
                {
                    "repo": r,
                    "sbom_id": i,
                    "created_at": "2025-02-01T00:00:00Z",
                    "source": "file",
                    "format": "SPDX-2.3",
                }
                for i, r in ((1, "acme/a"), (2, "acme/b"))
            ],
        ),
        dependencies=frame(
            "dependencies",
            [
                dep("acme/a", 1, "requests", "pypi", True, "github.com/psf/requests"),
                dep("acme/a", 1, "urllib3", "pypi", False),
                dep("acme/b", 2, "requests", "pypi", True, "github.com/psf/requests"),
                dep("acme/b", 2, "left-pad", "npm", True),
            ],
        ),
        commits=commits_frame(commits),
        issues=issues_frame([pull("psf/requests", 7, True), pull("npm/left-pad", 1, False)]),
        scorecard=frame(
            "scorecard",
            [
                {
                    "repo": "urllib3/urllib3",
                    "check": "aggregate",
                    "run_date": T,
                    "score": 7.2,
                    "reason": None,
                }
            ],
        ),
    )


MAPPING = {"pypi/urllib3": "github.com/urllib3/urllib3"}


def test_ranking_health_and_contributions() -> None:
    table = dependency_contributions(data(), T, MAPPING)
    rows = table.set_index("package")
    assert table["package"].tolist() == ["left-pad", "urllib3", "requests"]
    assert rows.loc["requests", ["repositories", "we_contributed", "our_prs"]].tolist() == [
        2, True, 1
    ]  # fmt: skip
    assert rows.loc["requests", "used_by"] == "acme/a, acme/b"
    assert rows.loc["urllib3", "source_repository"] == "github.com/urllib3/urllib3"
    assert rows.loc["urllib3", "scorecard"] == 7.2
    # 9 commits by 3 people (5, 3, 1): the first one alone makes half.
    assert rows.loc["urllib3", "bus_factor"] == 1.0
    assert pd.isna(rows.loc["left-pad", "source_repository"])
    assert never_contributed(data(), T, MAPPING)["package"].tolist() == ["left-pad", "urllib3"]


def test_without_the_mapping_the_source_stays_unknown() -> None:
    rows = dependency_contributions(data(), T).set_index("package")
    assert pd.isna(rows.loc["urllib3", "source_repository"])
    assert pd.isna(rows.loc["urllib3", "scorecard"])


def test_bus_factor_needs_history() -> None:
    assert bus_factor(commits_frame([]), "x/y", pd.Timestamp(T)) is None


def test_no_sbom_no_rows() -> None:
    assert dependency_contributions(Frames(), T).empty


def test_the_upstream_map_file(tmp_path) -> None:
    import pytest

    from ospo_metrics.compliance.read import UpstreamMapError, load_upstream_map
    from ospo_metrics.config import config_from_mapping

    path = tmp_path / "map.yml"
    config = config_from_mapping({"compliance": {"upstream_map": str(path)}})
    path.write_text("PyPI/urllib3: https://github.com/urllib3/urllib3.git\n")
    assert load_upstream_map(config) == {"pypi/urllib3": "github.com/urllib3/urllib3"}
    path.write_text("pypi/urllib3: somewhere\n")
    with pytest.raises(UpstreamMapError, match="not a GitHub repository URL"):
        load_upstream_map(config)
    path.write_bytes(b"\x00\xff: [")
    with pytest.raises(UpstreamMapError, match=str(path)):
        load_upstream_map(config)
