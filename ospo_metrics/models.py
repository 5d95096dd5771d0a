"""SQLAlchemy 2.0 typed models: the one schema every collector writes and every query reads.

Natural keys (repository full name, commit sha, issue number, identity value) carry unique
constraints so collectors can upsert and a re-run never duplicates a row. All timestamps are
stored in UTC; the author's original timezone offset is kept separately where it matters.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict] = {datetime: DateTime(timezone=True)}


class Organization(Base):
    """A platform organization (GitHub org) the OSPO owns or tracks."""

    __tablename__ = "organizations"
    __table_args__ = (UniqueConstraint("platform", "login"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    login: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    relationship: Mapped[str] = mapped_column(String(16), default="owned")
    platform_id: Mapped[int | None] = mapped_column(BigInteger)


class Repository(Base):
    """A repository, owned by the organization or an upstream project it contributes to."""

    __tablename__ = "repositories"
    __table_args__ = (UniqueConstraint("platform", "full_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    full_name: Mapped[str] = mapped_column(String(255))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    relationship: Mapped[str] = mapped_column(String(16), default="owned")
    source: Mapped[str | None] = mapped_column(Text)  # local path or clone URL, never credentials
    platform_id: Mapped[int | None] = mapped_column(BigInteger)
    is_fork: Mapped[bool | None] = mapped_column(Boolean)
    is_archived: Mapped[bool | None] = mapped_column(Boolean)
    visibility: Mapped[str | None] = mapped_column(String(16))
    license_spdx: Mapped[str | None] = mapped_column(String(64))
    stars: Mapped[int | None] = mapped_column(Integer)
    forks: Mapped[int | None] = mapped_column(Integer)
    watchers: Mapped[int | None] = mapped_column(Integer)
    open_issues: Mapped[int | None] = mapped_column(Integer)
    default_branch: Mapped[str | None] = mapped_column(String(255))
    topics: Mapped[list[str] | None] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None]
    pushed_at: Mapped[datetime | None]
    # Where git clones it from (GitHub's `clone_url`, never with credentials) and GitHub's
    # `size` in KB: the mirrors of organization repositories (collectors/mirrors.py).
    clone_url: Mapped[str | None] = mapped_column(Text)
    size_kb: Mapped[int | None] = mapped_column(BigInteger)
    # Why a repository could not be collected (renamed, deleted, blocked); None when healthy.
    unavailable_reason: Mapped[str | None] = mapped_column(Text)


class Person(Base):
    """One human (or bot) behind any number of identities."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255))
    login: Mapped[str | None] = mapped_column(String(255), index=True)
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)


class Identity(Base):
    """An email address, a platform login or a name seen in a source, resolved to a person."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # email | github
    value: Mapped[str] = mapped_column(String(320))  # normalized: lower-case email or login
    name: Mapped[str | None] = mapped_column(String(255))


class IdentityName(Base):
    """Every name an identity was seen with ("Copilot" and "copilot-swe-agent[bot]" alike):
    bot rules and merge suggestions look at all of them, not just the first."""

    __tablename__ = "identity_names"
    __table_args__ = (UniqueConstraint("identity_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))


class IdentityLink(Base):
    """Evidence from a source that two identities are one person, e.g. the GitHub login that
    GitHub reports as a commit's author for an e-mail (`other_key` None: checked, no account).
    Keys are identity keys as text (`email:jane@acme.com`, `github:jdoe`)."""

    __tablename__ = "identity_links"
    __table_args__ = (UniqueConstraint("key", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(340))
    other_key: Mapped[str | None] = mapped_column(String(340))
    source: Mapped[str] = mapped_column(String(32))  # github_commit
    seen_at: Mapped[datetime]


class CurationRule(Base):
    """A person's decision about people, by identity keys so that it survives a rebuild.

    kind `same` (key and other_key are one person), `different` (never one person: a split or a
    rejected suggestion), `affiliation` (key's person belongs to organization from..to), `bot`
    (value: bot, ai_agent or human). Exported to and imported from a reviewable YAML file.
    """

    __tablename__ = "curation_rules"
    __table_args__ = (Index("ix_curation_rules_key", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(340))
    other_key: Mapped[str | None] = mapped_column(String(340))
    organization: Mapped[str | None] = mapped_column(String(255))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    value: Mapped[str | None] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(64))  # curation | suggestion | import:<format>
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class Affiliation(Base):
    """A dated membership of a person in an organization, derived from configuration rules."""

    __tablename__ = "affiliations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organization: Mapped[str] = mapped_column(String(255))
    is_employer: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(32))  # config | org_membership


class Commit(Base):
    __tablename__ = "commits"
    __table_args__ = (
        UniqueConstraint("repository_id", "sha"),
        Index("ix_commits_authored_at", "authored_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), index=True
    )
    sha: Mapped[str] = mapped_column(String(64))
    # Space-separated, as git prints them; plain text keeps bulk inserts cheap.
    parents: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # The name and e-mail this commit was written with (after .mailmap): a person's other
    # names never rewrite them, and curation re-resolves the person from them.
    author_name: Mapped[str] = mapped_column(String(255), default="")
    author_email: Mapped[str] = mapped_column(String(320))
    authored_at: Mapped[datetime]
    author_tz_offset: Mapped[int] = mapped_column(Integer, default=0)  # minutes east of UTC
    committer_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    committed_at: Mapped[datetime]
    additions: Mapped[int] = mapped_column(Integer, default=0)
    deletions: Mapped[int] = mapped_column(Integer, default=0)
    files_changed: Mapped[int] = mapped_column(Integer, default=0)
    binary_files: Mapped[int] = mapped_column(Integer, default=0)
    is_merge: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_off: Mapped[bool] = mapped_column(Boolean, default=False)
    co_authors: Mapped[str] = mapped_column(Text, default="")  # emails, space-separated
    subject: Mapped[str] = mapped_column(Text, default="")


class Issue(Base):
    """An issue or a pull request (GitHub numbers both from one sequence per repository)."""

    __tablename__ = "issues"
    __table_args__ = (
        UniqueConstraint("repository_id", "number"),
        Index("ix_issues_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    platform_id: Mapped[int | None] = mapped_column(BigInteger)
    is_pull_request: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    author_login: Mapped[str | None] = mapped_column(String(255))  # None: a deleted account
    state: Mapped[str] = mapped_column(String(16))  # open | closed | merged
    is_draft: Mapped[bool] = mapped_column(Boolean, default=False)
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    merged_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    html_url: Mapped[str | None] = mapped_column(Text)


class Comment(Base):
    """An issue comment, a pull request review or a review comment."""

    __tablename__ = "comments"
    __table_args__ = (UniqueConstraint("platform", "kind", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # comment | review | review_comment
    source_id: Mapped[int] = mapped_column(BigInteger)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    author_login: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    review_state: Mapped[str | None] = mapped_column(String(32))


class Release(Base):
    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("repository_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), index=True
    )
    tag: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    is_prerelease: Mapped[bool] = mapped_column(Boolean, default=False)
    is_draft: Mapped[bool] = mapped_column(Boolean, default=False)


class RepositoryFork(Base):
    """A fork of a repository we own, as GitHub lists it (`GET /repos/{owner}/{repo}/forks`).

    Keyed by the fork's own GitHub id, so a renamed or transferred fork stays one row. A fork
    the listing no longer shows is kept with `deleted_at` (the run that noticed it), not
    dropped: it was reuse while it existed, and its creation date still counts.
    """

    __tablename__ = "repository_forks"
    __table_args__ = (UniqueConstraint("platform", "platform_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_id: Mapped[int] = mapped_column(BigInteger)
    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), index=True
    )
    full_name: Mapped[str] = mapped_column(String(255))
    owner_login: Mapped[str] = mapped_column(String(255))
    owner_type: Mapped[str] = mapped_column(String(32))  # User | Organization | Bot
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]


class ComplianceCheck(Base):
    __tablename__ = "compliance_checks"
    __table_args__ = (UniqueConstraint("repository_id", "check"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), index=True
    )
    check: Mapped[str] = mapped_column(String(64))
    passed: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime]


class FileCheck(Base):
    """A repository's compliance file (or its license) as seen at a commit, kept on change.

    One row per repository, check and moment the state changed (first seen, appeared,
    disappeared, license text changed); the state holds until the next row.
    """

    __tablename__ = "file_checks"
    __table_args__ = (UniqueConstraint("repository_id", "check", "observed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), index=True
    )
    check: Mapped[str] = mapped_column(String(64))  # README, LICENSE, ... or a configured extra
    observed_at: Mapped[datetime]  # when the commit that showed this state was committed
    commit: Mapped[str | None] = mapped_column(String(64))
    present: Mapped[bool] = mapped_column(Boolean)
    path: Mapped[str | None] = mapped_column(Text)
    # LICENSE only: the SPDX expression detected from the text, and how well it matched.
    license: Mapped[str | None] = mapped_column(String(255))
    license_match: Mapped[str | None] = mapped_column(String(16))  # exact | modified | unknown
    detail: Mapped[str | None] = mapped_column(Text)


class ScorecardCheck(Base):
    """One OpenSSF Scorecard result (a check, or "aggregate") of a repository on a date."""

    __tablename__ = "scorecard_checks"
    __table_args__ = (UniqueConstraint("repository_id", "check", "run_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), index=True
    )
    check: Mapped[str] = mapped_column(String(64))  # check name, or "aggregate"
    run_date: Mapped[date] = mapped_column(Date)
    score: Mapped[float] = mapped_column(Float)  # -1 (inconclusive) .. 10, never averaged as 0
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[list[str] | None] = mapped_column(JSON)
    documentation: Mapped[str | None] = mapped_column(Text)
    scorecard_version: Mapped[str | None] = mapped_column(String(64))
    commit: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(16))  # file | api


class Sbom(Base):
    """One software bill of materials of a repository, as imported or fetched."""

    __tablename__ = "sboms"
    __table_args__ = (UniqueConstraint("repository_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(32))  # github | file
    name: Mapped[str | None] = mapped_column(Text)  # file name or document name
    format: Mapped[str] = mapped_column(String(32))  # SPDX-2.3 | CycloneDX-1.5 ...
    created_at: Mapped[datetime]  # the document's creation time (else when it was read)
    imported_at: Mapped[datetime]
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the content: re-imports are no-ops
    components: Mapped[int] = mapped_column(Integer, default=0)


class SbomComponent(Base):
    """A package an SBOM lists: what we depend on, at which version, under which license."""

    __tablename__ = "sbom_components"
    __table_args__ = (UniqueConstraint("sbom_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sbom_id: Mapped[int] = mapped_column(ForeignKey("sboms.id", ondelete="CASCADE"), index=True)
    ref: Mapped[str] = mapped_column(String(1024))  # the purl, else name@version
    purl: Mapped[str | None] = mapped_column(String(1024), index=True)
    name: Mapped[str] = mapped_column(String(512))
    version: Mapped[str | None] = mapped_column(String(255))
    ecosystem: Mapped[str | None] = mapped_column(String(64))  # the purl type: pypi, npm, ...
    license: Mapped[str | None] = mapped_column(Text)  # normalized SPDX expression
    license_declared: Mapped[str | None] = mapped_column(Text)  # as the SBOM wrote it
    is_direct: Mapped[bool | None] = mapped_column(Boolean)  # None: the SBOM does not say
    source_repository: Mapped[str | None] = mapped_column(Text)  # upstream VCS URL, if given


class RegistryPackage(Base):
    """A package our SBOMs list, as a package registry index (deps.dev) knows it.

    Keyed on the purl type and name as the SBOM components write them, so components join
    without re-parsing purls. `status` is the last answer: found, unknown (the registry does not
    know the package: a 404) or failed (never answered; `error` says why). A later failure keeps
    the last answer and only sets `error`; `fetched_at` is the last answer's time.
    """

    __tablename__ = "registry_packages"
    __table_args__ = (UniqueConstraint("ecosystem", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ecosystem: Mapped[str] = mapped_column(String(64))  # the purl type: npm, pypi, ...
    name: Mapped[str] = mapped_column(String(512))  # as the SBOM components name it
    source: Mapped[str] = mapped_column(String(32))  # the registry index: deps.dev
    system: Mapped[str] = mapped_column(String(16))  # the registry's system: NPM, PYPI, ...
    registry_name: Mapped[str] = mapped_column(String(512))  # the name asked for
    status: Mapped[str] = mapped_column(String(16))  # found | unknown | failed
    default_version: Mapped[str | None] = mapped_column(String(255))
    fetched_at: Mapped[datetime | None]
    attempted_at: Mapped[datetime]
    error: Mapped[str | None] = mapped_column(Text)


class RegistryVersion(Base):
    """One released version of a registry package and when it was published."""

    __tablename__ = "registry_versions"
    __table_args__ = (UniqueConstraint("package_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(
        ForeignKey("registry_packages.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[str] = mapped_column(String(255))
    published_at: Mapped[datetime | None]  # None: the registry gives no date
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class CollectionRun(Base):
    """One run of one collector over one target: what it saw and wrote, its cursor, its error."""

    __tablename__ = "collection_runs"
    __table_args__ = (Index("ix_collection_runs_target", "collector", "target", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collector: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(512))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # running | ok | unchanged | failed | partial | interrupted | abandoned
    status: Mapped[str] = mapped_column(String(16))
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    items_written: Mapped[int] = mapped_column(Integer, default=0)
    # Where the next run starts (ref tips, updatedAt cursors, ETags); a collector-defined mapping.
    cursor: Mapped[dict | None] = mapped_column(JSON)
    requests_made: Mapped[int] = mapped_column(Integer, default=0)
    rate_limit_used: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    # The process running it: a run still `running` whose process is gone was abandoned.
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)


class KPISnapshot(Base):
    """A KPI value as it was reported on a day, so 'since last week' compares like with like.

    One row per KPI, scope, period kind, period start and day taken (`taken_on`): a second
    snapshot on the same day overwrites that day's rows. `period` "state" rows record states
    rather than KPI values (a repository archived, an objective's status) on `taken_on`.
    """

    __tablename__ = "kpi_snapshots"
    __table_args__ = (UniqueConstraint("kpi", "scope", "period", "period_start", "taken_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(255))
    period: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[date] = mapped_column(Date)
    taken_on: Mapped[date] = mapped_column(Date, index=True)
    value: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime]


class Objective(Base):
    """A strategic objective from the configuration; the status is computed, not stored."""

    __tablename__ = "objectives"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    kpi: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(255))
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_date: Mapped[date | None] = mapped_column(Date)
    target: Mapped[float] = mapped_column(Float)
    start: Mapped[date | None] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    goal: Mapped[str | None] = mapped_column(String(32))


class DataChange(Base):
    """A change to stored data outside a collection run (a curation, an import).

    The read side keys its caches on the data version: the last finished collection run and
    the newest row here. Whatever changes what a KPI reads, other than a collection run,
    records one row (`ospo_metrics.store.record_change`), so no cached number outlives it.
    """

    __tablename__ = "data_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # curation | import | ...
    detail: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime]


class ObjectiveStatus(Base):
    """An objective's evaluation, one row per objective and week (the last of that week wins):
    the stored status history the Objectives page shows, and what alerts compare with."""

    __tablename__ = "objective_statuses"
    __table_args__ = (UniqueConstraint("objective", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    objective: Mapped[str] = mapped_column(String(128))
    week_start: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    current: Mapped[float | None] = mapped_column(Float)
    probability: Mapped[float | None] = mapped_column(Float)
    evaluated_at: Mapped[datetime]


class AlertState(Base):
    """The last state an alert subject was seen in (``objective:ID`` -> its status,
    ``threshold:ID`` -> above/below/ok/no data), so a change is announced once, not every run."""

    __tablename__ = "alert_states"

    subject: Mapped[str] = mapped_column(String(160), primary_key=True)
    state: Mapped[str] = mapped_column(String(32))
    value: Mapped[float | None] = mapped_column(Float)
    changed_at: Mapped[datetime]
    # The GitHub issue that tracks this subject (updated at each change), when that channel is used.
    github_issue: Mapped[int | None] = mapped_column(Integer)


class AlertEvent(Base):
    """One change to announce to one channel; ``sent_at`` stays empty until it was delivered
    (a failed delivery is retried by the next run, a delivered one never repeated)."""

    __tablename__ = "alert_events"
    __table_args__ = (Index("ix_alert_events_pending", "channel", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(160))
    channel: Mapped[str] = mapped_column(String(320))
    owner: Mapped[str | None] = mapped_column(Text)
    previous: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class MaturityAnswer(Base):
    """One answer of a dated OSPO maturity self-assessment (ospo_metrics.strategy.maturity)."""

    __tablename__ = "maturity_answers"
    __table_args__ = (UniqueConstraint("assessed_on", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    question: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(String(16))  # yes | partly | no
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
