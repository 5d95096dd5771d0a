"""Reads the compliance and supply-chain tables into the KPI frames (see kpis.schema).

Kept apart from `ospo_metrics.queries` on purpose: these loaders need the configuration (the
policy is expanded per repository here, and dependency verdicts follow the configured license
policy), so a policy change shows on the next page load without re-collecting anything.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
from sqlalchemy import Engine, func, select

from collectors.licenses import LicenseExpressionError, normalize_expression
from kpis.compliance import DEFAULT_SEVERITY, dependency_verdicts
from kpis.licenses import LicensePolicy
from kpis.schema import Frames, frame
from ospo_metrics.config import Config, glob_match
from ospo_metrics.models import (
    CollectionRun,
    ComplianceCheck,
    FileCheck,
    RegistryPackage,
    RegistryVersion,
    Repository,
    Sbom,
    SbomComponent,
    ScorecardCheck,
)
from ospo_metrics.store.runs import RUN_FINISHED

FILES_COLLECTOR = "files"
# The GitHub community profile's words for "a license file GitHub could not identify".
UNRECOGNISED = frozenset({"NOASSERTION", "OTHER", ""})


def _read(engine: Engine, statement) -> pd.DataFrame:
    with engine.connect() as connection:
        result = connection.execute(statement)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def load_repositories_frame(engine: Engine) -> pd.DataFrame:
    """Every repository with the flags that decide whether a policy applies to it."""
    repos = _read(
        engine,
        select(
            Repository.full_name.label("repo"),
            Repository.relationship,
            Repository.visibility,
            Repository.is_archived,
            Repository.is_fork,
        ).order_by(Repository.full_name),
    )
    runs = _read(
        engine,
        select(CollectionRun.target.label("repo"), func.max(CollectionRun.finished_at).label("t"))
        .where(
            CollectionRun.collector == FILES_COLLECTOR,
            CollectionRun.status.in_(RUN_FINISHED),
        )
        .group_by(CollectionRun.target),
    )
    repos = repos.drop_duplicates("repo")
    checked = runs.set_index("repo")["t"] if len(runs) else pd.Series(dtype=object)
    repos["checked_through"] = pd.to_datetime(
        repos["repo"].map(checked), utc=True, format="ISO8601"
    )
    return frame("repositories", repos)


def load_file_checks_frame(engine: Engine) -> pd.DataFrame:
    """File observations from git, plus the GitHub community profile for repositories whose
    files were never read from git (GitHub-only repositories without a mirror)."""
    files = _read(
        engine,
        select(
            Repository.full_name.label("repo"),
            FileCheck.check,
            FileCheck.observed_at,
            FileCheck.present,
            FileCheck.path,
            FileCheck.license,
            FileCheck.license_match,
        )
        .join(Repository, FileCheck.repository_id == Repository.id)
        .order_by(FileCheck.observed_at),
    )
    profile = _read(
        engine,
        select(
            Repository.full_name.label("repo"),
            ComplianceCheck.check,
            ComplianceCheck.checked_at.label("observed_at"),
            ComplianceCheck.passed.label("present"),
            ComplianceCheck.detail,
        ).join(Repository, ComplianceCheck.repository_id == Repository.id),
    )
    if len(profile):
        profile = profile[~profile["repo"].isin(set(files["repo"]))]
        profile = profile[profile["check"] != "ISSUE_TEMPLATE"]
        profile["path"] = profile["detail"].where(profile["check"] != "LICENSE")
        spdx = profile["detail"].where(profile["check"] == "LICENSE")
        profile["license"] = spdx.map(_profile_license)
        profile["license_match"] = profile["license"].map(
            lambda value: None if value is None else "exact"
        )
        profile.loc[(profile["check"] == "LICENSE") & profile["present"], "license_match"] = (
            profile["license_match"].fillna("unknown")
        )
        files = pd.concat([files, profile.drop(columns=["detail"])], ignore_index=True)
    if len(files):
        files["observed_at"] = pd.to_datetime(files["observed_at"], utc=True, format="ISO8601")
    return frame("file_checks", files)


def _profile_license(spdx_id) -> str | None:
    if not isinstance(spdx_id, str) or spdx_id.strip().upper() in UNRECOGNISED:
        return None
    try:
        return normalize_expression(spdx_id)
    except LicenseExpressionError:
        return None


def requirements_frame(repos: list[str], config: Config) -> pd.DataFrame:
    """The policy expanded: one row per repository and check its groups require, with the
    check's severity, its exemption (the latest-running one that matches), and thresholds."""
    compliance = config.compliance
    rows = []
    for repo in repos:
        for check in compliance.required_checks(config.groups_for(repo)):
            exemptions = [
                e
                for e in compliance.exemptions
                if e.check == check and glob_match(e.repository, repo)
            ]
            exemption = max(exemptions, key=lambda e: e.until) if exemptions else None
            rows.append(
                {
                    "repo": repo,
                    "check": check,
                    "severity": compliance.severity.get(check)
                    or DEFAULT_SEVERITY.get(check, "low"),
                    "exempt_until": pd.Timestamp(exemption.until, tz="UTC") if exemption else None,
                    "exempt_reason": exemption.reason if exemption else None,
                    "threshold": compliance.scorecard.minimum if check == "SCORECARD" else None,
                }
            )
    out = pd.DataFrame(rows, columns=list(frame("requirements", []).columns))
    out["exempt_until"] = pd.to_datetime(out["exempt_until"], utc=True)
    out["threshold"] = pd.to_numeric(out["threshold"], errors="coerce")
    return frame("requirements", out)


def load_scorecard_frame(engine: Engine) -> pd.DataFrame:
    rows = _read(
        engine,
        select(
            Repository.full_name.label("repo"),
            ScorecardCheck.check,
            ScorecardCheck.run_date,
            ScorecardCheck.score,
            ScorecardCheck.reason,
        )
        .join(Repository, ScorecardCheck.repository_id == Repository.id)
        .order_by(ScorecardCheck.run_date),
    )
    if len(rows):
        rows["run_date"] = pd.to_datetime(rows["run_date"], utc=True)
    return frame("scorecard", rows)


def load_sboms_frame(engine: Engine) -> pd.DataFrame:
    rows = _read(
        engine,
        select(
            Repository.full_name.label("repo"),
            Sbom.id.label("sbom_id"),
            Sbom.created_at,
            Sbom.source,
            Sbom.format,
        )
        .join(Repository, Sbom.repository_id == Repository.id)
        .order_by(Sbom.created_at),
    )
    if len(rows):
        rows["created_at"] = pd.to_datetime(rows["created_at"], utc=True, format="ISO8601")
    return frame("sboms", rows)


def license_policy(config: Config) -> LicensePolicy:
    policy = config.compliance.licenses
    return LicensePolicy(
        allowed=tuple(policy.allowed),
        review=tuple(policy.review),
        denied=tuple(policy.denied),
        unlisted=policy.unlisted,
        unknown=policy.unknown,
    )


def load_dependencies_frame(engine: Engine, config: Config) -> pd.DataFrame:
    rows = _read(
        engine,
        select(
            Repository.full_name.label("repo"),
            SbomComponent.sbom_id,
            SbomComponent.purl,
            SbomComponent.name,
            SbomComponent.version,
            SbomComponent.ecosystem,
            SbomComponent.license,
            SbomComponent.is_direct,
            SbomComponent.source_repository,
        )
        .join(Sbom, SbomComponent.sbom_id == Sbom.id)
        .join(Repository, Sbom.repository_id == Repository.id),
    )
    rows["verdict"] = dependency_verdicts(rows, license_policy(config)) if len(rows) else None
    return frame("dependencies", rows)


def load_package_releases_frame(engine: Engine) -> pd.DataFrame:
    """Every registry package with its versions (a package without versions: one row)."""
    rows = _read(
        engine,
        select(
            RegistryPackage.ecosystem,
            RegistryPackage.name,
            RegistryPackage.status,
            RegistryVersion.version,
            RegistryVersion.published_at,
            RegistryVersion.is_default,
        ).outerjoin(RegistryVersion, RegistryVersion.package_id == RegistryPackage.id),
    )
    if len(rows):
        rows["published_at"] = pd.to_datetime(rows["published_at"], utc=True, format="ISO8601")
        rows["is_default"] = rows["is_default"].astype("boolean").fillna(False)
    return frame("package_releases", rows)


def load_package_releases_table(engine: Engine) -> pd.DataFrame:
    """The registry table as exported: each package's last answer and every version with its
    release date (a package without versions: one row), by package and date."""
    return _read(
        engine,
        select(
            RegistryPackage.ecosystem,
            RegistryPackage.name,
            RegistryPackage.source,
            RegistryPackage.system,
            RegistryPackage.registry_name,
            RegistryPackage.status,
            RegistryPackage.default_version,
            RegistryPackage.fetched_at,
            RegistryPackage.error,
            RegistryVersion.version,
            RegistryVersion.published_at,
            RegistryVersion.is_default,
        )
        .outerjoin(RegistryVersion, RegistryVersion.package_id == RegistryPackage.id)
        .order_by(RegistryPackage.ecosystem, RegistryPackage.name, RegistryVersion.published_at),
    )


class UpstreamMapError(ValueError):
    """The upstream mapping file cannot be read; the message names it and says why."""


def load_upstream_map(config: Config) -> dict[str, str]:
    """`compliance.upstream_map`: package (`ecosystem/name`) -> its source repository, as
    `github.com/OWNER/NAME`. A reviewable YAML file, for packages whose SBOM names no source."""
    import yaml

    from collectors.sbom import github_repository

    name = config.compliance.upstream_map
    if not name:
        return {}
    path = config.resolve_path(name)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise UpstreamMapError(f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise UpstreamMapError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise UpstreamMapError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise UpstreamMapError(f"{path}: expected `ecosystem/package: repository URL` lines")
    mapping = {}
    for package, url in data.items():
        source = github_repository(str(url)) if url else None
        if source is None:
            raise UpstreamMapError(
                f"{path}: {package}: {url!r} is not a GitHub repository URL "
                "(e.g. https://github.com/psf/requests)"
            )
        mapping[str(package).strip().lower()] = source
    return mapping


# The frames `load_compliance_frames` returns (the lazy frames name their source by them).
COMPLIANCE_FRAMES = (
    "repositories",
    "file_checks",
    "requirements",
    "scorecard",
    "sboms",
    "dependencies",
    "package_releases",
)


def load_compliance_frames(engine: Engine, config: Config) -> dict[str, pd.DataFrame]:
    """Every compliance frame (:data:`COMPLIANCE_FRAMES`), keyed by its name in
    :class:`kpis.schema.Frames`."""
    repositories = load_repositories_frame(engine)
    return {
        "repositories": repositories,
        "file_checks": load_file_checks_frame(engine),
        "requirements": requirements_frame(list(repositories["repo"]), config),
        "scorecard": load_scorecard_frame(engine),
        "sboms": load_sboms_frame(engine),
        "dependencies": load_dependencies_frame(engine, config),
        "package_releases": load_package_releases_frame(engine),
    }


def with_compliance(frames: Frames, compliance: dict[str, pd.DataFrame]) -> Frames:
    """`frames` with the compliance frames added."""
    return dataclasses.replace(frames, **compliance)
