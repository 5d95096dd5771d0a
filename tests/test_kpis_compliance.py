"""Compliance evaluation on hand-written frames: statuses, exemptions, supply-chain checks,
the matrix views, and license expressions under a policy."""

from __future__ import annotations

import pytest

from kpis.compliance import (
    check_matrix,
    coverage_by_check,
    failing_repositories,
    fix_first,
    matrix_table,
)
from kpis.licenses import LicensePolicy, license_verdict, osi_approved, spdx_info
from kpis.schema import Frames, frame

T0 = "2025-01-06T12:00:00Z"
REPOS = frame(
    "repositories",
    [
        {"repo": r, "relationship": "owned", "visibility": "public", "is_archived": False,
         "is_fork": False, "checked_through": None}
        for r in ("acme/a", "acme/b")
    ]
    + [
        {"repo": "acme/old", "relationship": "owned", "visibility": "public",
         "is_archived": True, "is_fork": False, "checked_through": None},
        {"repo": "acme/secret", "relationship": "owned", "visibility": "private",
         "is_archived": False, "is_fork": False, "checked_through": None},
        {"repo": "python/cpython", "relationship": "upstream", "visibility": "public",
         "is_archived": False, "is_fork": False, "checked_through": None},
    ],
)  # fmt: skip


def observation(repo, check, present=True, license=None, match=None, at=T0):
    path = check if present else None
    return {"repo": repo, "check": check, "observed_at": at, "present": present,
            "path": path, "license": license, "license_match": match}  # fmt: skip


def requirement(repo, check, until=None, threshold=None, severity="medium"):
    return {"repo": repo, "check": check, "severity": severity,
            "exempt_until": until, "exempt_reason": "why" if until else None,
            "threshold": threshold}  # fmt: skip


def frames(**tables) -> Frames:
    return Frames(repositories=REPOS, **{name: frame(name, rows) for name, rows in tables.items()})


def test_out_of_scope_repositories_are_not_held_to_the_policy() -> None:
    data = frames(
        file_checks=[observation(r, "README", False) for r in ("acme/old", "acme/secret")],
        requirements=[requirement(r, "README") for r in ("acme/old", "python/cpython")],
    )
    assert check_matrix(data, T0).empty


def test_statuses_exemptions_and_unknown() -> None:
    data = frames(
        file_checks=[
            observation("acme/a", "README"),
            observation("acme/a", "LICENSE", license="Apache-2.0", match="exact"),
            observation("acme/a", "SECURITY", present=False),
            observation("acme/b", "LICENSE", license="BUSL-1.1", match="exact"),
            # Added later the same year: before that it was missing.
            observation("acme/b", "README", False),
            observation("acme/b", "README", True, at="2025-06-01T00:00:00Z"),
        ],
        requirements=[
            requirement("acme/a", "README"),
            requirement("acme/a", "SECURITY", until="2025-03-31"),
            requirement("acme/a", "CODEOWNERS", until="2025-03-31"),
            requirement("acme/a", "OSI_APPROVED", severity="critical"),
            requirement("acme/b", "README"),
            requirement("acme/b", "OSI_APPROVED", severity="critical"),
        ],
    )

    def status(moment: str) -> dict:
        matrix = check_matrix(data, moment)
        return {(r.repo, r.check): (r.status, r.required) for r in matrix.itertuples()}

    march = status("2025-03-31T23:00:00Z")
    assert march[("acme/a", "SECURITY")] == ("exempt", True)
    # Never observed, but exempt: still exempt; after the date both fail or stay unknown.
    assert march[("acme/a", "CODEOWNERS")] == ("exempt", True)
    assert march[("acme/a", "README")] == ("pass", True)
    assert march[("acme/a", "OSI_APPROVED")] == ("pass", True)
    # Listed though not required: something is known about it.
    assert march[("acme/a", "LICENSE_RECOGNIZED")] == ("pass", False)
    assert march[("acme/b", "README")] == ("fail", True)
    assert march[("acme/b", "OSI_APPROVED")] == ("fail", True)
    april = status("2025-04-01T00:00:00Z")
    assert april[("acme/a", "SECURITY")] == ("fail", True)
    assert april[("acme/a", "CODEOWNERS")] == ("unknown", True)
    assert status("2025-06-02T00:00:00Z")[("acme/b", "README")] == ("pass", True)
    # Before anything was observed, every check is unknown (or exempt).
    assert {s for s, _ in status("2024-12-01T00:00:00Z").values()} <= {"unknown", "exempt"}

    matrix = check_matrix(data, "2025-04-01T00:00:00Z")
    assert failing_repositories(matrix).to_dict("records") == [
        {"repo": "acme/a", "failing": "SECURITY"},
        {"repo": "acme/b", "failing": "OSI_APPROVED, README"},
    ]
    assert fix_first(matrix)["check"].tolist() == ["OSI_APPROVED", "README", "SECURITY"]
    coverage = coverage_by_check(matrix).set_index("check")
    assert coverage.loc["README"].to_dict() == {
        "passing": 1, "failing": 1, "exempt": 0, "unknown": 0, "coverage_pct": 50.0
    }  # fmt: skip
    wide = matrix_table(check_matrix(data, "2025-03-01T00:00:00Z")).set_index("repo")
    assert wide.loc["acme/a", "SECURITY"] == "exempt until 2025-03-31"
    assert wide.loc["acme/a", "LICENSE"] == "pass (not required)"
    assert wide.loc["acme/b", "SECURITY"] == "n/a"


def test_supply_chain_checks_from_sboms_and_scorecard() -> None:
    data = frames(
        file_checks=[observation(r, "README") for r in ("acme/a", "acme/b")],
        requirements=[
            requirement(r, c, threshold=6.0 if c == "SCORECARD" else None)
            for r in ("acme/a", "acme/b")
            for c in ("SBOM", "SCORECARD", "DEPENDENCY_LICENSES")
        ],
        sboms=[{"repo": "acme/a", "sbom_id": 7, "created_at": T0, "source": "file",
                "format": "SPDX-2.3"}],
        dependencies=[
            {"repo": "acme/a", "sbom_id": 7, "purl": "pkg:npm/left-pad@1.0.0", "name": "left-pad",
             "version": "1.0.0", "ecosystem": "npm", "license": "AGPL-3.0-only",
             "is_direct": True, "verdict": "denied", "source_repository": None},
        ],
        scorecard=[
            {"repo": "acme/a", "check": "aggregate", "run_date": T0, "score": 7.5, "reason": None},
            {"repo": "acme/b", "check": "aggregate", "run_date": T0, "score": 4.0, "reason": None},
            {"repo": "acme/b", "check": "aggregate", "run_date": "2025-02-01T00:00:00Z",
             "score": -1.0, "reason": None},
        ],
    )  # fmt: skip
    matrix = check_matrix(data, "2025-01-31T00:00:00Z").set_index(["repo", "check"])
    assert matrix.loc[("acme/a", "SBOM"), "status"] == "pass"
    assert matrix.loc[("acme/a", "DEPENDENCY_LICENSES"), "status"] == "fail"
    assert matrix.loc[("acme/a", "DEPENDENCY_LICENSES"), "detail"] == "denied: left-pad"
    assert matrix.loc[("acme/a", "SCORECARD"), "status"] == "pass"
    assert matrix.loc[("acme/b", "SBOM"), ["status", "detail"]].tolist() == ["fail", "no SBOM"]
    assert matrix.loc[("acme/b", "DEPENDENCY_LICENSES"), "status"] == "unknown"
    assert matrix.loc[("acme/b", "SCORECARD"), "detail"] == "score 4 < 6"
    # An inconclusive run (-1) is not a score of 0: the check is unknown, not failing.
    later = check_matrix(data, "2025-02-02T00:00:00Z").set_index(["repo", "check"])
    assert later.loc[("acme/b", "SCORECARD"), "status"] == "unknown"


POLICY = LicensePolicy(
    allowed=["MIT", "Apache-2.0", "BSD-*"],
    review=["LGPL-*", "GPL-* WITH Classpath-exception-2.0"],
    denied=["GPL-*", "AGPL-*"],
)


@pytest.mark.parametrize(
    ("expression", "verdict"),
    [
        ("MIT", "allowed"),
        ("bsd-3-clause", "allowed"),
        # Under OR we may choose: the allowed option wins.
        ("MIT OR GPL-2.0-only", "allowed"),
        # Under AND both apply: the worse decides.
        ("MIT AND GPL-2.0-only", "denied"),
        ("Apache-2.0 AND (MIT OR AGPL-3.0-only)", "allowed"),
        ("LGPL-2.1-only OR AGPL-3.0-only", "review"),
        ("GPL-2.0-only WITH Classpath-exception-2.0", "review"),
        ("LicenseRef-acme-eula", "review"),  # unlisted
        (None, "review"),  # unknown
        ("MIT AND (", "review"),  # unparseable: unknown
    ],
)
def test_license_verdicts(expression, verdict) -> None:
    assert license_verdict(expression, POLICY) == verdict


def test_unlisted_and_unknown_verdicts_are_configurable() -> None:
    strict = LicensePolicy(allowed=["MIT"], unlisted="denied", unknown="denied")
    assert license_verdict("ISC", strict) == "denied"
    assert license_verdict(None, strict) == "denied"


def test_osi_approval_from_the_spdx_list() -> None:
    assert osi_approved("MIT") and osi_approved("GPL-3.0-only")
    assert not osi_approved("BUSL-1.1") and not osi_approved("LicenseRef-x")
    assert osi_approved("BUSL-1.1 OR MIT") and not osi_approved("BUSL-1.1 AND MIT")
    assert spdx_info("GPL-3.0") == (True, True)  # OSI-approved, deprecated id
    assert spdx_info("not-a-license") is None


def test_empty_frames_give_empty_tables() -> None:
    data = Frames()
    assert check_matrix(data, T0).empty
    assert matrix_table(check_matrix(data, T0)).columns.tolist() == ["repo"]
    assert fix_first(check_matrix(data, T0)).empty
