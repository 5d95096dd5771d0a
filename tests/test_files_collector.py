"""The repository files collector and license detection, on real git repositories and real
license texts (tests/fixtures/licenses holds the verbatim SPDX texts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo

from collectors.files import REQUIRED_FILES, RepositoryFiles
from collectors.git import GitRepository
from collectors.licenses import (
    LicenseExpressionError,
    detect_license,
    normalize_expression,
)
from kpis.compliance import FILE_CHECKS

LICENSES = Path(__file__).parent / "fixtures" / "licenses"
MIT = (LICENSES / "MIT.txt").read_text()
APACHE = (LICENSES / "Apache-2.0.txt").read_text()
GPL3 = (LICENSES / "GPL-3.0.txt").read_text()


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        (MIT, "MIT"),
        ("MIT License\n\nCopyright (c) 2024 Acme Corp\n\n" + MIT, "MIT"),
        (APACHE, "Apache-2.0"),
        # The text alone does not say "or later"; the SPDX list's id for it is -only.
        (GPL3, "GPL-3.0-only"),
    ],
)
def test_verbatim_licenses_are_recognised(text: str, expression: str) -> None:
    detection = detect_license(text)
    assert (detection.expression, detection.match) == (expression, "exact")


def test_a_license_with_an_added_clause_is_reported_as_modified() -> None:
    extra = (
        "\nThe Software is provided to you by the Licensor under the License, subject to the "
        "following condition. The grant of rights under the License will not include, and "
        "the License does not grant to you, the right to Sell the Software.\n"
    ) * 2
    detection = detect_license(MIT + extra)
    assert detection.expression == "MIT"
    assert detection.match == "modified"
    assert detection.coverage < 0.9


@pytest.mark.parametrize(
    "text",
    [
        MIT.replace("free of charge", "for a fee").replace("WITHOUT WARRANTY", "WITH WARRANTY"),
        "Acme Proprietary License. All rights reserved. Do not copy.\n",
        "This project is released under the MIT license. See LICENSE.\n",
        "",
    ],
)
def test_changed_custom_or_no_license_text_is_unknown(text: str) -> None:
    detection = detect_license(text)
    assert (detection.expression, detection.match) == (None, "unknown")


def test_expressions_are_normalized() -> None:
    assert normalize_expression("mit or apache-2.0") == "MIT OR Apache-2.0"
    assert normalize_expression("GPL-2.0+") == "GPL-2.0-or-later"
    assert normalize_expression("GPL-3.0") == "GPL-3.0-only"
    assert normalize_expression("NOASSERTION") is None
    assert normalize_expression(" ") is None
    assert normalize_expression("LicenseRef-acme") == "LicenseRef-acme"
    with pytest.raises(LicenseExpressionError, match="MIT AND"):
        normalize_expression("MIT AND")


def test_the_collector_checks_the_same_files_as_the_kpis() -> None:
    assert tuple(REQUIRED_FILES) == FILE_CHECKS


def _by_check(items) -> dict:
    return {item.check: item for item in items}


def test_files_in_root_github_and_docs_are_found_case_insensitively(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit(
        "files",
        {
            "readme.MD": "# hi\n",
            "LICENSE": MIT,
            ".github/CONTRIBUTING.md": "PRs welcome\n",
            "docs/Code_Of_Conduct.md": "Be nice\n",
            "docs/sub/SECURITY.md": "too deep: not a location GitHub reads\n",
            ".github/CODEOWNERS": "* @acme/team\n",
            "CHANGES.rst": "1.0\n",
        },
    )
    files = RepositoryFiles(GitRepository(repo.path), {"CHANGELOG": ["CHANGELOG*", "CHANGES*"]})
    checks = _by_check(files.checks_at(repo.head()))
    assert checks["README"].path == "readme.MD"
    assert checks["LICENSE"].path == "LICENSE"
    assert (checks["LICENSE"].license, checks["LICENSE"].license_match) == ("MIT", "exact")
    assert checks["CONTRIBUTING"].path == ".github/CONTRIBUTING.md"
    assert checks["CODE_OF_CONDUCT"].path == "docs/Code_Of_Conduct.md"
    assert not checks["SECURITY"].present
    assert checks["CODEOWNERS"].path == ".github/CODEOWNERS"
    assert checks["CHANGELOG"].path == "CHANGES.rst"


def test_history_yields_each_change_oldest_first_then_only_what_is_new(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    first = repo.commit("readme", {"README.md": "hi\n"}, date="2024-01-01T10:00:00+00:00")
    repo.commit("code", {"main.py": "x = 1\n"}, date="2024-02-01T10:00:00+00:00")
    licensed = repo.commit("license", {"COPYING": GPL3}, date="2024-03-01T10:00:00+00:00")
    repo.commit("more code", {"main.py": "x = 2\n"}, date="2024-04-01T10:00:00+00:00")
    files = RepositoryFiles(GitRepository(repo.path))

    snapshots = list(files.history(repo.head()))
    # Commits that touched a checked path, then the tip (which did not).
    assert [s.commit for s in snapshots] == [first, licensed, repo.head()]
    assert [s.committed_at.month for s in snapshots] == [1, 3, 4]
    assert not _by_check(snapshots[0].checks)["LICENSE"].present
    assert _by_check(snapshots[1].checks)["LICENSE"].license == "GPL-3.0-only"

    tip = repo.head()
    assert list(files.history(tip, since=tip)) == []
    removed = repo.commit("drop license", {"COPYING": None}, date="2024-05-01T10:00:00+00:00")
    later = list(files.history(repo.head(), since=tip))
    assert [s.commit for s in later] == [removed]
    assert not _by_check(later[0].checks)["LICENSE"].present


def test_binary_and_oversized_license_files_are_not_detected(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit("binary", {"LICENSE": b"\x00\x01\x02PNG"})
    files = RepositoryFiles(GitRepository(repo.path))
    license = _by_check(files.checks_at(repo.head()))["LICENSE"]
    assert (license.present, license.license, license.license_match) == (True, None, "unknown")
    assert "binary" in license.detail
    repo.commit("huge", {"LICENSE": "x " * 300_000})
    license = _by_check(files.checks_at(repo.head()))["LICENSE"]
    assert "not a license text" in license.detail


def test_a_bare_mirror_is_read_without_a_work_tree(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit("files", {"SECURITY.md": "mail us\n", "LICENSE.txt": APACHE})
    mirror = tmp_path / "mirror.git"
    repo.run("clone", "--quiet", "--mirror", str(repo.path), str(mirror))
    checks = _by_check(RepositoryFiles(GitRepository(mirror)).checks_at("HEAD"))
    assert checks["SECURITY"].present
    assert checks["LICENSE"].license == "Apache-2.0"
