"""Compliance: does each repository carry what its policy requires, and since when.

Inputs (see :mod:`kpis.schema`): ``repositories`` (owned? archived? fork? last read),
``file_checks`` (every change of a required file or of the LICENSE text's detected license,
from git history or the GitHub community profile), ``requirements`` (the policy expanded per
repository: required checks, severity, exemptions), plus ``scorecard`` and ``sboms`` /
``dependencies`` for the supply-chain checks.

A check's status on a day is read from the newest observation on or before it: ``pass``,
``fail``, ``exempt`` (failing, but excused by an exemption still valid that day; an expired
exemption fails again), or ``unknown`` (never observed). Every KPI here is a state, not a
count: its value for a period is the state at the period's end, or at the last time the
repositories were read for the period still running.

In scope: repositories we own that are not archived, not forks and not private. Archived ones
are frozen and forks follow their upstream, so neither is held to the policy; private
repositories are not open source yet. The flags are today's, applied to the whole history.
"""

from __future__ import annotations

import pandas as pd

from kpis._util import result
from kpis.kpi import CHAOSS_KB, KPI, NO_VALUE
from kpis.licenses import LicensePolicy, license_verdict, osi_approved
from kpis.periods import Period, period_floor, period_range, shift

FILE_CHECKS = ("README", "LICENSE", "CONTRIBUTING", "CODE_OF_CONDUCT", "SECURITY", "CODEOWNERS")
# Checks derived from other facts than a file's presence.
LICENSE_CHECKS = ("LICENSE_RECOGNIZED", "OSI_APPROVED")
SUPPLY_CHAIN_CHECKS = ("SBOM", "SCORECARD", "DEPENDENCY_LICENSES")
ALL_CHECKS = FILE_CHECKS + LICENSE_CHECKS + SUPPLY_CHAIN_CHECKS
SEVERITIES = ("critical", "high", "medium", "low")
DEFAULT_SEVERITY = {
    "LICENSE": "critical",
    "LICENSE_RECOGNIZED": "critical",
    "OSI_APPROVED": "critical",
    "DEPENDENCY_LICENSES": "critical",
    "SECURITY": "high",
    "SCORECARD": "high",
    "README": "medium",
    "CONTRIBUTING": "medium",
    "CODE_OF_CONDUCT": "medium",
    "SBOM": "medium",
    "CODEOWNERS": "low",
}
PASS, FAIL, EXEMPT, UNKNOWN = "pass", "fail", "exempt", "unknown"
MATRIX_COLUMNS = (
    "repo",
    "check",
    "required",
    "status",
    "detail",
    "severity",
    "exempt_until",
    "exempt_reason",
)

# --------------------------------------------------------------------------- evaluation


def in_scope(repositories: pd.DataFrame) -> pd.DataFrame:
    """The repositories held to the policy: owned, public, active, not forks."""
    keep = (
        (repositories["relationship"] == "owned")
        & (repositories["visibility"].fillna("public") == "public")
        & ~repositories["is_archived"].fillna(False).astype(bool)
        & ~repositories["is_fork"].fillna(False).astype(bool)
    )
    return repositories.loc[keep]


def _utc(moment) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


EVENT_COLUMNS = ["repo", "check", "at", "state", "detail"]


def _file_events(files: pd.DataFrame) -> pd.DataFrame:
    """Every observed state change, as (repo, check, at, state, detail) rows; LICENSE rows also
    give the LICENSE_RECOGNIZED and OSI_APPROVED states."""
    if files.empty:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    present = files["present"].astype(bool)
    base = pd.DataFrame(
        {
            "repo": files["repo"],
            "check": files["check"],
            "at": files["observed_at"],
            "state": present.map({True: PASS, False: FAIL}),
            "detail": files["path"].astype(object).where(present, "missing"),
        }
    )
    lic = files[files["check"] == "LICENSE"]
    if lic.empty:
        return base
    expression = lic["license"].astype(object).where(lic["license"].notna(), None)
    exact = lic["present"].astype(bool) & expression.notna() & (lic["license_match"] == "exact")
    why = pd.Series("no license file", index=lic.index, dtype=object)
    why[lic["present"].astype(bool)] = "the license text matches no known license"
    modified = lic["present"].astype(bool) & expression.notna() & ~exact
    why[modified] = expression[modified] + " with changes or added terms"
    approved = expression.map(lambda e: osi_approved(e) if isinstance(e, str) else False)
    recognised = pd.DataFrame(
        {
            "repo": lic["repo"],
            "check": "LICENSE_RECOGNIZED",
            "at": lic["observed_at"],
            "state": exact.map({True: PASS, False: FAIL}),
            "detail": expression.where(exact, why),
        }
    )
    osi = recognised.assign(
        check="OSI_APPROVED",
        state=(exact & approved).map({True: PASS, False: FAIL}),
        detail=why.where(~exact, expression + " is not OSI-approved").where(
            ~(exact & approved), expression
        ),
    )
    return pd.concat([base, recognised, osi], ignore_index=True)


def _supply_chain_events(frames) -> pd.DataFrame:
    """SBOM, DEPENDENCY_LICENSES and SCORECARD states from each SBOM and Scorecard result."""
    parts = []
    sboms = frames.sboms
    if len(sboms):
        denied = frames.dependencies[frames.dependencies["verdict"] == "denied"]
        names = denied.groupby("sbom_id")["name"].agg(lambda n: ", ".join(sorted(set(n))[:5]))
        bad = sboms["sbom_id"].map(names)
        parts.append(
            pd.DataFrame(
                {
                    "repo": sboms["repo"],
                    "check": "SBOM",
                    "at": sboms["created_at"],
                    "state": PASS,
                    "detail": sboms["format"].astype(object)
                    + " of "
                    + sboms["created_at"].dt.strftime("%Y-%m-%d"),
                }
            )
        )
        parts.append(
            pd.DataFrame(
                {
                    "repo": sboms["repo"],
                    "check": "DEPENDENCY_LICENSES",
                    "at": sboms["created_at"],
                    "state": bad.isna().map({True: PASS, False: FAIL}),
                    "detail": ("denied: " + bad.astype(object)).where(
                        bad.notna(), "no denied license"
                    ),
                }
            )
        )
    scores = frames.scorecard[frames.scorecard["check"] == "aggregate"]
    if len(scores):
        minimum = (
            frames.requirements[frames.requirements["check"] == "SCORECARD"]
            .drop_duplicates("repo")
            .set_index("repo")["threshold"]
        )
        floor = scores["repo"].map(minimum).astype("float64")
        score = scores["score"].astype("float64")
        state = pd.Series(PASS, index=scores.index, dtype=object)
        state[floor.notna() & (score < floor)] = FAIL
        state[score < 0] = UNKNOWN
        detail = "score " + score.map("{:g}".format)
        detail[state == FAIL] = detail + " < " + floor.map("{:g}".format)
        detail[score < 0] = "Scorecard was inconclusive (-1)"
        parts.append(
            pd.DataFrame(
                {
                    "repo": scores["repo"],
                    "check": "SCORECARD",
                    "at": scores["run_date"],
                    "state": state,
                    "detail": detail,
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=EVENT_COLUMNS)


def statuses(frames, moments) -> pd.DataFrame:
    """Every in-scope repository's checks at each of `moments` (timestamp-likes).

    Columns: ``moment`` plus :data:`MATRIX_COLUMNS` and ``state`` (the status before
    exemptions). A check is listed when the repository's policy requires it or something is
    known about it. An SBOM never seen is a failure; other checks never seen are unknown.
    """
    moments = pd.DatetimeIndex(sorted({_utc(m) for m in moments}))
    columns = ["moment", *MATRIX_COLUMNS, "state"]
    repos = set(in_scope(frames.repositories)["repo"])
    if not repos or moments.empty:
        return pd.DataFrame(columns=columns)
    events = pd.concat([_file_events(frames.file_checks), _supply_chain_events(frames)])
    events = events[events["repo"].isin(repos)]
    events["at"] = pd.to_datetime(events["at"], utc=True).astype("datetime64[ns, UTC]")
    required = frames.requirements[frames.requirements["repo"].isin(repos)]
    pairs = pd.concat([events[["repo", "check"]], required[["repo", "check"]]]).drop_duplicates()
    grid = pairs.merge(pd.DataFrame({"moment": moments.astype("datetime64[ns, UTC]")}), how="cross")
    grid = grid.sort_values("moment", kind="stable")
    events = events.sort_values("at", kind="stable")
    out = pd.merge_asof(
        grid, events, left_on="moment", right_on="at", by=["repo", "check"], direction="backward"
    )
    out = out.merge(required, on=["repo", "check"], how="left", indicator=True)
    out["required"] = out.pop("_merge") == "both"
    missing = out["state"].isna()
    out.loc[missing & (out["check"] == "SBOM"), ["state", "detail"]] = [FAIL, "no SBOM"]
    out.loc[out["state"].isna(), "detail"] = out["detail"].fillna("not checked yet")
    out["state"] = out["state"].fillna(UNKNOWN)
    out["severity"] = (
        out["severity"].astype(object).fillna(out["check"].map(DEFAULT_SEVERITY)).fillna("low")
    )
    valid = out["exempt_until"].notna() & (out["exempt_until"] >= out["moment"].dt.normalize())
    excused = out["required"] & out["state"].isin([FAIL, UNKNOWN]) & valid
    out["status"] = out["state"].where(~excused, EXEMPT)
    return out[columns].sort_values(["moment", "repo", "check"]).reset_index(drop=True)


def check_matrix(frames, as_of) -> pd.DataFrame:
    """One row per in-scope repository and check with the check's status on `as_of`."""
    matrix = statuses(frames, [as_of])
    return matrix[list(MATRIX_COLUMNS)].reset_index(drop=True)


def matrix_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """The matrix as one row per repository and one column per check, cells reading ``pass``,
    ``fail``, ``exempt until YYYY-MM-DD``, ``unknown`` or ``n/a`` (not required, not known)."""
    if matrix.empty:
        return pd.DataFrame(columns=["repo"])
    cell = matrix["status"].astype(object)
    exempt = matrix["status"] == EXEMPT
    cell[exempt] = "exempt until " + matrix.loc[exempt, "exempt_until"].dt.strftime("%Y-%m-%d")
    cell[~matrix["required"] & matrix["status"].isin([PASS, FAIL, UNKNOWN])] = (
        cell + " (not required)"
    )
    wide = (
        matrix.assign(cell=cell)
        .pivot(index="repo", columns="check", values="cell")
        .fillna("n/a")
        .reset_index()
    )
    order = [c for c in ALL_CHECKS if c in wide.columns]
    order += sorted(c for c in wide.columns if c not in order and c != "repo")
    wide.columns.name = None
    return wide[["repo", *order]]


def fix_first(matrix: pd.DataFrame) -> pd.DataFrame:
    """Required checks that fail, most severe first, then by how many repositories fail them."""
    failing = matrix[matrix["required"] & matrix["status"].isin([FAIL])]
    columns = ["check", "severity", "repositories", "examples"]
    if failing.empty:
        return pd.DataFrame(columns=columns)
    table = (
        failing.groupby(["check", "severity"])["repo"]
        .agg(repositories="nunique", examples=lambda r: ", ".join(sorted(r)[:5]))
        .reset_index()
    )
    table["rank"] = table["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(9)
    table = table.sort_values(["rank", "repositories", "check"], ascending=[True, False, True])
    return table[columns].reset_index(drop=True)


def coverage_by_check(matrix: pd.DataFrame) -> pd.DataFrame:
    """Per required check: repositories passing (or exempt), failing, unknown, and coverage %
    (passing share of those known, exemptions left out of both)."""
    required = matrix[matrix["required"]]
    rows = []
    for check, group in required.groupby("check", sort=False):
        counts = group["status"].value_counts()
        passing, failing = int(counts.get(PASS, 0)), int(counts.get(FAIL, 0))
        rows.append(
            {
                "check": check,
                "passing": passing,
                "failing": failing,
                "exempt": int(counts.get(EXEMPT, 0)),
                "unknown": int(counts.get(UNKNOWN, 0)),
                "coverage_pct": round(100 * passing / (passing + failing), 1)
                if passing + failing
                else None,
            }
        )
    order = {c: i for i, c in enumerate(ALL_CHECKS)}
    table = pd.DataFrame(
        rows, columns=["check", "passing", "failing", "exempt", "unknown", "coverage_pct"]
    )
    return table.sort_values("check", key=lambda c: c.map(order).fillna(99)).reset_index(drop=True)


def failing_repositories(matrix: pd.DataFrame) -> pd.DataFrame:
    """Repositories with a required check failing (an expired exemption included)."""
    failing = matrix[matrix["required"] & (matrix["status"] == FAIL)]
    table = failing.groupby("repo")["check"].agg(lambda c: ", ".join(c)).reset_index()
    return table.rename(columns={"check": "failing"})


# --------------------------------------------------------------------------- shares
# Each takes the long table of :func:`statuses` and returns one value per moment (%).


def _share_by_moment(flags: pd.Series, moments: pd.Series) -> pd.Series:
    return (100 * flags.astype(float).groupby(moments).mean()).round(1)


def license_coverage_by_moment(long: pd.DataFrame) -> pd.Series:
    """% of in-scope repositories (whose license was read) with a recognised license."""
    rows = long[(long["check"] == "LICENSE_RECOGNIZED") & (long["state"] != UNKNOWN)]
    return _share_by_moment(rows["state"] == PASS, rows["moment"])


def osi_approved_by_moment(long: pd.DataFrame) -> pd.Series:
    """% of the recognised licenses of in-scope repositories that are OSI-approved."""
    recognised = long[(long["check"] == "LICENSE_RECOGNIZED") & (long["state"] == PASS)]
    rows = long[long["check"] == "OSI_APPROVED"].merge(
        recognised[["moment", "repo"]], on=["moment", "repo"]
    )
    return _share_by_moment(rows["state"] == PASS, rows["moment"])


def required_files_coverage_by_moment(long: pd.DataFrame) -> pd.Series:
    """% of the file checks policies require that pass (exempt and unknown left out)."""
    rows = long[
        long["required"]
        & ~long["check"].isin(LICENSE_CHECKS + SUPPLY_CHAIN_CHECKS)
        & long["status"].isin([PASS, FAIL])
    ]
    return _share_by_moment(rows["status"] == PASS, rows["moment"])


def policy_compliance_by_moment(long: pd.DataFrame) -> pd.Series:
    """% of in-scope repositories (whose files were read) meeting every required check."""
    read = long.loc[
        long["check"].isin(FILE_CHECKS) & (long["state"] != UNKNOWN), ["moment", "repo"]
    ]
    rows = long[long["required"]].merge(read.drop_duplicates(), on=["moment", "repo"])
    ok = rows["status"].isin([PASS, EXEMPT]).groupby([rows["moment"], rows["repo"]]).all()
    return _share_by_moment(ok, ok.index.get_level_values("moment"))


# --------------------------------------------------------------------------- over time


def last_seen(frames) -> pd.Timestamp | None:
    """The newest moment anything compliance-related was observed (the series end there)."""
    stamps = [
        frames.repositories["checked_through"].max(),
        frames.file_checks["observed_at"].max(),
        frames.scorecard["run_date"].max(),
        frames.sboms["created_at"].max(),
    ]
    stamps = [s for s in stamps if not pd.isna(s)]
    return max(stamps) if stamps else None


def first_seen(frames) -> pd.Timestamp | None:
    stamps = [
        frames.file_checks["observed_at"].min(),
        frames.scorecard["run_date"].min(),
        frames.sboms["created_at"].min(),
    ]
    stamps = [s for s in stamps if not pd.isna(s)]
    return min(stamps) if stamps else None


def period_moments(frames, period: Period) -> pd.DatetimeIndex:
    """The moment each period is valued at: its last instant, or the last observation for the
    period still running; from the first observation's period to the last one's."""
    first, last = first_seen(frames), last_seen(frames)
    if first is None or last is None:
        return pd.DatetimeIndex([])
    starts = period_range(period_floor(first, period), period_floor(last, period), period)
    ends = [
        min(pd.Timestamp(shift(start, period, 1)).tz_localize("UTC") - pd.Timedelta(1, "ns"), last)
        for start in starts
    ]
    return pd.DatetimeIndex(ends)


def state_series(frames, period: Period, by_moment) -> pd.Series:
    """`by_moment(statuses)` per period, indexed by period start (see :func:`period_moments`)."""
    moments = period_moments(frames, period)
    if moments.empty:
        return result(pd.Series([], dtype="float64", index=pd.DatetimeIndex([])))
    values = by_moment(statuses(frames, moments))
    starts = pd.DatetimeIndex([period_floor(m, period) for m in values.index])
    return result(pd.Series(values.to_numpy(), index=starts, dtype="float64").dropna())


def _kpi(kpi_id: str, title: str, unit: str, definition: str, chaoss: str | None, by_moment) -> KPI:
    return KPI(
        id=kpi_id,
        title=title,
        unit=unit,
        definition=definition,
        chaoss=chaoss,
        higher_is_better=True,
        needs=("repositories", "file_checks", "requirements"),
        compute=lambda frames, period: state_series(frames, period, by_moment),
        group="compliance",
        fill_value=NO_VALUE,
    )


COMPLIANCE_KPIS: tuple[KPI, ...] = (
    _kpi(
        "license_coverage",
        "License coverage",
        "%",
        "Share of our public, active, non-fork repositories whose LICENSE file is a known "
        "license text (an SPDX id detected from the text, not modified), among those whose "
        "files were read; at the end of each period. CHAOSS counts files; we count "
        "repositories, the unit an OSPO's policy speaks of.",
        f"License Coverage — {CHAOSS_KB}metric-license-coverage/",
        license_coverage_by_moment,
    ),
    _kpi(
        "osi_approved_licenses",
        "OSI-approved licenses",
        "%",
        "Share of the recognised repository licenses that are OSI-approved according to the "
        "SPDX license list (under OR one approved option suffices, under AND all must be); at "
        "the end of each period.",
        f"OSI Approved Licenses — {CHAOSS_KB}metric-osi-approved-licenses/",
        osi_approved_by_moment,
    ),
    _kpi(
        "required_files_coverage",
        "Required files coverage",
        "%",
        "Share of the files the policy requires of each repository (README, LICENSE, "
        "CONTRIBUTING, CODE_OF_CONDUCT, SECURITY, CODEOWNERS, configured extras; in the root, "
        ".github/ or docs/) that are present; exempt and never-read checks left out; at the "
        "end of each period.",
        None,
        required_files_coverage_by_moment,
    ),
    _kpi(
        "policy_compliance",
        "Repositories meeting policy",
        "%",
        "Share of our public, active, non-fork repositories whose every required check "
        "(files, license, SBOM, Scorecard, dependency licenses, as the policy of their groups "
        "says) passes or is exempt; an expired exemption fails again. At the end of each "
        "period; repositories never read are left out.",
        None,
        policy_compliance_by_moment,
    ),
)


def dependency_verdicts(dependencies: pd.DataFrame, policy: LicensePolicy) -> pd.Series:
    """Each dependency's verdict under `policy` (the read layer stores it in ``verdict``)."""
    return dependencies["license"].map(
        lambda expression: license_verdict(None if pd.isna(expression) else expression, policy)
    )


__all__ = [
    "ALL_CHECKS",
    "COMPLIANCE_KPIS",
    "FILE_CHECKS",
    "check_matrix",
    "coverage_by_check",
    "failing_repositories",
    "fix_first",
    "in_scope",
    "matrix_table",
]
