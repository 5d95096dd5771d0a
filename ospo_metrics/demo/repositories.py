"""The demo organization "Acme (demo)": generated git repositories and a matching config.

Everything here is fictional and labelled as such: the GitHub organization login is
``acme-demo``, employees use ``@acme.example`` addresses and partner companies use other
``.example`` domains. :func:`build_demo_repositories` writes five repositories whose
histories end a day or two before ``today`` so weekly KPIs always have recent data
(:mod:`ospo_metrics.demo.config` holds the configuration that measures them).

The repositories differ on purpose, so every dashboard view has something to show:

* ``widgets`` -- large outside community; a ``.mailmap`` merges two identities of Sam Okafor;
  Priya Raman (gmail address) joins Acme mid-history, Marek Novák (outlook address) leaves.
* ``cloud-operator`` -- built mostly by Acme employees, DCO sign-off on nearly every commit.
* ``cloud-cli`` -- heavy bot traffic: Dependabot, later Renovate (app and self-hosted).
* ``docs`` -- many drive-by contributors and images.
* ``legacy-tool`` -- went quiet over a year ago, so it shows up as stale.

``data_dir / "demo"`` belongs to this module: incomplete or outdated repositories there are
deleted and generated again.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from ospo_metrics.gitgen import (
    DEPENDABOT,
    GITHUB_ACTIONS,
    RENOVATE,
    Community,
    Contributor,
    Identity,
    synthetic_history,
    write_repository,
)

__all__ = [
    "DEMO_COMPANY",
    "DEMO_DOMAIN",
    "DEMO_ORG_LOGIN",
    "DEMO_ORG_NAME",
    "DemoRepository",
    "build_demo_repositories",
    "existing_build_date",
]

DEMO_ORG_NAME = "Acme (demo)"  # display name; says "demo" wherever it is shown
DEMO_ORG_LOGIN = "acme-demo"
DEMO_COMPANY = "Acme"  # affiliation.organization in the demo config
DEMO_DOMAIN = "acme.example"
PARTNER_ORGANIZATIONS = {
    "globex.example": "Globex",
    "initech.example": "Initech",
    "umbrella.example": "Umbrella",
}

# Bump whenever generated content changes, so existing demo folders are rebuilt.
_LAYOUT_VERSION = 1
# Written into .git (not the work tree) after everything else: its presence with matching
# content is what makes a repository complete.
_MARKER = "ospo-demo.json"

# Employment events of the two people the config has to know about, in days before today.
_PRIYA_JOINED = 300
_MAREK_HIRED = 1200
_MAREK_LEFT = 250

# A self-hosted Renovate running as a normal GitHub user "renovate-bot"; only the config's
# bots.logins (or the "*-bot" pattern) identifies it, not a "[bot]" suffix.
_RENOVATE_SELF_HOSTED = Identity("Renovate Bot", "2875233+renovate-bot@users.noreply.github.com")

_SAM = (
    Identity("Sam Okafor", "sam.okafor@acme.example"),
    Identity("sokafor", "sam.okafor.dev@gmail.com"),
)
_PRIYA = (Identity("Priya Raman", "priya.raman@gmail.com"),)
_MAREK = (Identity("Marek Novák", "marek.novak@outlook.com"),)

_WIDGETS_MAILMAP = (
    "# Sam commits from a personal laptop now and then; count both as one Acme employee.\n"
    "Sam Okafor <sam.okafor@acme.example> sokafor <sam.okafor.dev@gmail.com>\n"
)


@dataclass(frozen=True)
class DemoRepository:
    """A generated demo repository."""

    full_name: str  # "acme-demo/widgets"
    path: Path  # absolute path of the git repository
    description: str = ""

    @property
    def name(self) -> str:
        """The repository name without the organization."""
        return self.full_name.split("/", 1)[1]


@dataclass(frozen=True)
class _Spec:
    name: str
    description: str
    language: str
    commits: int
    start_days_ago: int
    end_days_ago: int
    community: Community
    mailmap: str | None = None
    license: str | None = "Apache-2.0"  # the LICENSE text (the GitHub profile says the same)
    # Community files of the first commit: what the compliance checks find (some are missing
    # on purpose, so the Compliance page has gaps to show).
    files: tuple[str, ...] = ()


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _people(today: date) -> dict[str, tuple[Contributor, ...]]:
    """The hand-made contributors, whose history has to match the config's affiliation."""
    joined = _at(today - timedelta(days=_PRIYA_JOINED), 0)
    left = _at(today - timedelta(days=_MAREK_LEFT), 0)
    hired = _at(today - timedelta(days=_MAREK_HIRED), 0)
    return {
        "sam": (
            Contributor(
                _SAM,
                weight=0.07,
                utc_offset_minutes=-300,
                dst=True,
                signs_off=True,
                maintainer=True,
                alt_identity_share=0.3,
            ),
        ),
        # Priya contributed now and then from her gmail address, then Acme hired her and she
        # kept that address: only the config's employment dates make her an employee.
        "priya": (
            Contributor(_PRIYA, weight=0.01, utc_offset_minutes=330, active_to=joined),
            Contributor(
                _PRIYA, weight=0.08, utc_offset_minutes=330, active_from=joined, signs_off=True
            ),
        ),
        # Marek always used his outlook address; he was an employee until he left.
        "marek": (
            Contributor(
                _MAREK,
                weight=0.07,
                utc_offset_minutes=60,
                dst=True,
                active_from=hired,
                active_to=left,
            ),
            Contributor(_MAREK, weight=0.01, utc_offset_minutes=60, dst=True, active_from=left),
        ),
    }


def _specs(today: date) -> list[_Spec]:
    people = _people(today)
    return [
        _Spec(
            "widgets",
            "Widget toolkit with a large outside community",
            "python",
            1600,
            730,
            1,
            Community(
                people=150,
                maintainers=5,
                employee_maintainers=0,  # Sam Okafor is Acme's maintainer here
                employee_share=0.12,
                partner_share=0.3,
                bot_share=0.05,
                merge_share=0.08,
                signoff_share=0.35,
                extra_contributors=people["sam"] + people["priya"] + people["marek"],
            ),
            _WIDGETS_MAILMAP,
            license="MIT",
            files=("CONTRIBUTING.md", "CODE_OF_CONDUCT.md", "SECURITY.md", ".github/CODEOWNERS"),
        ),
        _Spec(
            "cloud-operator",
            "Kubernetes operator, built mostly by Acme engineers",
            "go",
            1200,
            730,
            1,
            Community(
                people=40,
                maintainers=5,
                employee_maintainers=5,
                employee_share=0.75,
                partner_share=0.1,
                bot_share=0.05,
                merge_share=0.09,
                signoff_share=0.9,
                extra_contributors=people["marek"],
            ),
            files=("CONTRIBUTING.md", ".github/CODE_OF_CONDUCT.md", "SECURITY.md"),
        ),
        _Spec(
            "cloud-cli",
            "Command-line client for Acme Cloud; dependency bots do a lot of the work",
            "go",
            900,
            700,
            2,
            Community(
                people=45,
                maintainers=3,
                employee_maintainers=2,
                employee_share=0.4,
                partner_share=0.15,
                bots=(DEPENDABOT, RENOVATE, _RENOVATE_SELF_HOSTED, GITHUB_ACTIONS),
                bot_share=0.4,
                merge_share=0.06,
            ),
            files=("CONTRIBUTING.md", "CODE_OF_CONDUCT.md"),
        ),
        _Spec(
            "docs",
            "Documentation site with many drive-by contributors",
            "docs",
            600,
            730,
            1,
            Community(
                people=110,
                maintainers=3,
                employee_maintainers=3,
                employee_share=0.25,
                partner_share=0.15,
                bots=(GITHUB_ACTIONS,),
                bot_share=0.05,
                merge_share=0.1,
                signoff_share=0.2,
                binary_share=0.1,
                extra_contributors=people["priya"][1:],
            ),
            license="CC0-1.0",  # a documentation license, not OSI-approved
            files=("docs/CONTRIBUTING.md",),
        ),
        _Spec(
            "legacy-tool",
            "Legacy migration tool; unmaintained for over a year",
            "python",
            350,
            1100,
            380,
            Community(
                people=14,
                maintainers=2,
                employee_maintainers=2,
                employee_share=0.5,
                bots=(DEPENDABOT,),
                bot_share=0.08,
                extra_contributors=people["marek"][:1],
            ),
            license="MIT",
        ),
    ]


def _community_file(path: str, spec: _Spec) -> str:
    """A short, plausible text for one of the demo's community files."""
    project = f"{DEMO_ORG_LOGIN}/{spec.name}"
    name = path.rsplit("/", 1)[-1]
    if name == "CODEOWNERS":
        return "* @acme-demo/maintainers\n"
    if name.startswith("CONTRIBUTING"):
        return (
            f"# Contributing to {project}\n\nOpen an issue before a large change. Pull requests "
            "need a review from a maintainer and a `Signed-off-by` line.\n"
        )
    if name.startswith("CODE_OF_CONDUCT"):
        return (
            f"# Code of conduct\n\n{project} follows the Contributor Covenant, version 2.1. "
            "Report incidents to conduct@acme-demo.example.\n"
        )
    return (
        "# Security policy\n\nReport vulnerabilities privately to security@acme-demo.example; "
        "we answer within two working days.\n"
    )


def _scaled(spec: _Spec, scale: float) -> tuple[int, Community]:
    if scale == 1.0:
        return spec.commits, spec.community
    commits = max(40, round(spec.commits * scale))
    people = max(spec.community.maintainers + 3, round((spec.community.people or 20) * scale))
    return commits, replace(spec.community, people=people)


def _seed_for(seed: int, name: str) -> int:
    # crc32 rather than hash(): stable across processes regardless of PYTHONHASHSEED.
    return zlib.crc32(f"{seed}/{name}".encode())


def _read_marker(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads((path / ".git" / _MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_marker(path: Path, content: dict[str, Any]) -> None:
    marker = path / ".git" / _MARKER
    partial = marker.with_suffix(".tmp")
    partial.write_text(json.dumps(content, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, marker)  # atomic: a crash never leaves a half-written marker


@contextlib.contextmanager
def exclusive(root: Path) -> Iterator[None]:
    """Serialize concurrent builds (e.g. two dashboard sessions starting at once)."""
    root.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; concurrent builds are unlikely there
        yield
        return
    with open(root / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_demo_repositories(
    data_dir: Path, today: date, seed: int = 7, *, scale: float = 1.0
) -> list[DemoRepository]:
    """Create (or reuse) the demo repositories under ``data_dir / "demo"``.

    A repository is reused when its completion marker matches this call's ``today``,
    ``seed`` and ``scale``; anything else found there -- a half-written repository from an
    interrupted run, or one generated for another day -- is deleted and generated again.
    ``scale`` shrinks the commit counts (tests use about 0.05); 1.0 makes about 4,650
    commits in total, which takes a few seconds.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    root = (Path(data_dir) / "demo").resolve()
    root.mkdir(parents=True, exist_ok=True)
    repositories = []
    with exclusive(root):
        for spec in _specs(today):
            path = root / spec.name
            full_name = f"{DEMO_ORG_LOGIN}/{spec.name}"
            fingerprint = {
                "version": _LAYOUT_VERSION,
                "full_name": full_name,
                "today": today.isoformat(),
                "seed": seed,
                "scale": scale,
            }
            if _read_marker(path) != fingerprint:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                elif path.exists() or path.is_symlink():
                    path.unlink()
                commits, community = _scaled(spec, scale)
                history = synthetic_history(
                    commits,
                    seed=_seed_for(seed, spec.name),
                    start=_at(today - timedelta(days=spec.start_days_ago), 9),
                    end=_at(today - timedelta(days=spec.end_days_ago), 20),
                    community=community,
                    language=spec.language,
                    license_id=spec.license,
                    extra_files={path: _community_file(path, spec) for path in spec.files},
                )
                write_repository(path, history, mailmap=spec.mailmap)
                _write_marker(path, fingerprint)
            repositories.append(DemoRepository(full_name, path, spec.description))
    return repositories


def existing_build_date(data_dir: Path) -> date | None:
    """The `today` the demo on disk was built for, if one complete demo is there.

    Reusing it keeps commit ids stable from one day to the next: a demo rebuilt for a new date
    would be a different history, and the database would hold both.
    """
    build = existing_build(data_dir)
    return build[0] if build else None


def existing_build(data_dir: Path) -> tuple[date, float] | None:
    """The `today` and `scale` of the complete demo on disk, if there is one."""
    root = Path(data_dir) / "demo"
    if not root.is_dir():
        return None
    markers = [_read_marker(path) for path in root.iterdir() if path.is_dir()]
    builds = {
        (m.get("today"), m.get("scale", 1.0))
        for m in markers
        if m and m.get("version") == _LAYOUT_VERSION
    }
    if len(builds) != 1 or len(markers) != len(_specs(date.today())):
        return None
    today, scale = builds.pop()
    return date.fromisoformat(today), float(scale)
