"""Compliance coverage on a hand-written set of repositories and checks."""

from __future__ import annotations

import pandas as pd

from kpis.compliance import (
    REQUIRED_CHECKS,
    compliance_summary,
    coverage_by_check,
    failing_repositories,
)


def repo_rows(repo: str, passing: set[str], *, license: str | None = "MIT", **kw) -> list[dict]:
    base = {
        "repo": repo,
        "relationship": "owned",
        "visibility": "public",
        "is_archived": False,
        "is_fork": False,
        "license_spdx": license,
        "detail": None,
    }
    base.update(kw)
    return [
        {**base, "check": c, "passed": c in passing} for c in (*REQUIRED_CHECKS, "ISSUE_TEMPLATE")
    ]


ALL = set(REQUIRED_CHECKS)
CHECKS = pd.DataFrame(
    repo_rows("acme/a", ALL)
    + repo_rows("acme/b", ALL - {"SECURITY"})
    + repo_rows("acme/c", ALL - {"LICENSE", "CONTRIBUTING"}, license=None)
    + repo_rows("acme/d", ALL, license="NOASSERTION")
    # Out of scope: archived, a fork, private, upstream.
    + repo_rows("acme/old", set(), is_archived=True)
    + repo_rows("acme/fork", set(), is_fork=True)
    + repo_rows("acme/secret", set(), visibility="private")
    + repo_rows("python/cpython", set(), relationship="upstream")
    # Never checked: a repository row without any check (from a LEFT JOIN).
    + [
        {
            "repo": "acme/new",
            "relationship": "owned",
            "visibility": "public",
            "is_archived": False,
            "is_fork": False,
            "license_spdx": None,
            "check": None,
            "passed": None,
            "detail": None,
        }
    ]
)


def test_coverage_by_check() -> None:
    # In scope: a, b, c, d, new = 5. README: a b c d = 4; LICENSE: a b d = 3;
    # CONTRIBUTING: a b d = 3; CODE_OF_CONDUCT: a b c d = 4; SECURITY: a c d = 3.
    table = coverage_by_check(CHECKS).set_index("check")
    assert table["passing"].to_dict() == {
        "README": 4,
        "LICENSE": 3,
        "CONTRIBUTING": 3,
        "CODE_OF_CONDUCT": 4,
        "SECURITY": 3,
    }
    assert set(table["repositories"]) == {5}
    assert table.loc["README", "coverage_pct"] == 80.0  # 4 / 5
    assert table.loc["SECURITY", "coverage_pct"] == 60.0  # 3 / 5


def test_failing_repositories_and_summary() -> None:
    failing = failing_repositories(CHECKS)
    assert failing.to_dict("records") == [
        {"repo": "acme/b", "missing": "SECURITY", "license": "MIT"},
        {"repo": "acme/c", "missing": "LICENSE, CONTRIBUTING", "license": None},
        {"repo": "acme/new", "missing": ", ".join(REQUIRED_CHECKS), "license": None},
    ]
    # 5 in scope, a and d pass everything: 40 %. Licenses recognised: a, b (MIT) = 40 %;
    # c and new have none, d only NOASSERTION.
    assert compliance_summary(CHECKS) == {
        "repositories": 5,
        "compliant": 2,
        "failing": 3,
        "compliant_pct": 40.0,
        "license_coverage_pct": 40.0,
    }


def test_nothing_in_scope() -> None:
    empty = CHECKS[CHECKS["relationship"] == "nope"]
    assert compliance_summary(empty)["compliant_pct"] is None
    assert coverage_by_check(empty)["coverage_pct"].isna().all()
    assert failing_repositories(empty).empty
