"""Repository files collector: the files an OSPO requires, read from the git repository itself.

Works on any clone or bare mirror (GitHub or not): file lists come from `git ls-tree`, the
LICENSE text from `git cat-file`, so no work tree is needed. A file counts where GitHub looks
for it: the root, `.github/` or `docs/`, names compared case-insensitively.

History comes for free: the commits of the default branch (first parent) that touched any of
those paths are exactly the moments a check can have changed, so the first run yields the
whole past of every check and later runs only what is new since the last tip.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from collectors.base import CollectorError
from collectors.git import GitRepository
from collectors.licenses import detect_license

# Check name -> accepted file names (shell globs, case-insensitive), in every location.
REQUIRED_FILES: dict[str, tuple[str, ...]] = {
    "README": ("README", "README.*"),
    "LICENSE": (
        "LICENSE",
        "LICENSE.*",
        "LICENSE-*",
        "LICENCE",
        "LICENCE.*",
        "COPYING",
        "COPYING.*",
        "UNLICENSE",
    ),
    "CONTRIBUTING": ("CONTRIBUTING", "CONTRIBUTING.*"),
    "CODE_OF_CONDUCT": ("CODE_OF_CONDUCT", "CODE_OF_CONDUCT.*", "CODE-OF-CONDUCT.*"),
    "SECURITY": ("SECURITY", "SECURITY.*"),
    "CODEOWNERS": ("CODEOWNERS",),
}
# Where GitHub accepts community files; the first location holding a file is reported.
LOCATIONS: tuple[str, ...] = ("", ".github/", "docs/")
# A license file larger than this is no license text (detection would only waste time).
MAX_LICENSE_BYTES = 512 * 1024


@dataclass(frozen=True)
class FileCheckItem:
    """The state of one check at one commit."""

    check: str
    present: bool
    path: str | None = None
    license: str | None = None  # LICENSE only: the SPDX expression detected from the text
    license_match: str | None = None  # exact | modified | unknown
    detail: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """Every check's state at one commit of the default branch."""

    commit: str
    committed_at: datetime
    checks: tuple[FileCheckItem, ...]


class RepositoryFiles:
    """Reads the required files (and configured extras) of one repository at any commit."""

    def __init__(
        self, repo: GitRepository, extra_files: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        self.repo = repo
        self.patterns = {**REQUIRED_FILES, **{k: tuple(v) for k, v in (extra_files or {}).items()}}
        self._licenses: dict[str, tuple[str | None, str, str | None]] = {}  # blob sha -> result

    def pathspecs(self) -> list[str]:
        """`git log` pathspecs matching every accepted name in every location."""
        return [
            f":(icase,glob){location}{pattern}"
            for patterns in self.patterns.values()
            for pattern in patterns
            for location in LOCATIONS
        ]

    def history(self, tip: str, since: str | None = None) -> Iterator[Snapshot]:
        """Snapshots at each first-parent commit up to `tip` that touched a checked path, oldest
        first, ending with `tip` itself; only commits after `since` when it is still an ancestor.
        """
        args = ["log", "--first-parent", "--reverse", "--format=%H %cI", tip]
        if since and self.repo.existing([since]):
            args += ["--not", since]
        output = self.repo.git(*args, "--", *self.pathspecs())
        commits = [line.split(" ", 1) for line in output.splitlines() if line.strip()]
        if (not commits or commits[-1][0] != tip) and since != tip:
            stamp = self.repo.git("show", "-s", "--format=%cI", tip).strip()
            commits.append([tip, stamp])
        for sha, stamp in commits:
            yield Snapshot(sha, datetime.fromisoformat(stamp), tuple(self.checks_at(sha)))

    def checks_at(self, commit: str) -> list[FileCheckItem]:
        """The state of every check at `commit`."""
        entries = self._entries(commit)
        items = []
        for check, patterns in self.patterns.items():
            found = self._find(entries, patterns)
            if found is None:
                items.append(FileCheckItem(check, False))
            elif check == "LICENSE":
                path, blob = found
                license, match, detail = self._license(blob)
                items.append(FileCheckItem(check, True, path, license, match, detail))
            else:
                items.append(FileCheckItem(check, True, found[0]))
        return items

    def _entries(self, commit: str) -> dict[str, list[tuple[str, str]]]:
        """location -> [(file name, blob sha)] of the files (not folders) in each location."""
        output = self.repo.git("ls-tree", "-z", commit, "--", *(loc or "." for loc in LOCATIONS))
        entries: dict[str, list[tuple[str, str]]] = {loc: [] for loc in LOCATIONS}
        for record in output.split("\0"):
            if not record:
                continue
            meta, _, path = record.partition("\t")
            parts = meta.split()
            if len(parts) != 3 or parts[1] != "blob":
                continue
            folder, _, name = path.rpartition("/")
            location = f"{folder}/" if folder else ""
            if location in entries:
                entries[location].append((name, parts[2]))
        return entries

    @staticmethod
    def _find(
        entries: dict[str, list[tuple[str, str]]], patterns: Sequence[str]
    ) -> tuple[str, str] | None:
        for location in LOCATIONS:
            for name, blob in sorted(entries[location]):
                lowered = name.lower()
                if any(fnmatch.fnmatchcase(lowered, p.lower()) for p in patterns):
                    return f"{location}{name}", blob
        return None

    def _license(self, blob: str) -> tuple[str | None, str, str | None]:
        if blob not in self._licenses:
            self._licenses[blob] = self._detect(blob)
        return self._licenses[blob]

    def _detect(self, blob: str) -> tuple[str | None, str, str | None]:
        try:
            size = int(self.repo.git("cat-file", "-s", blob).strip())
        except (CollectorError, ValueError):
            return None, "unknown", "the license file could not be read"
        if size > MAX_LICENSE_BYTES:
            return None, "unknown", f"the license file is {size} bytes: not a license text"
        text = self.repo.git("cat-file", "blob", blob)
        if "\0" in text:
            return None, "unknown", "the license file is binary"
        detection = detect_license(text)
        if detection.match == "unknown":
            detail = "no known license text: a modified or custom license"
        elif detection.match == "modified":
            detail = (
                f"{detection.expression} with changes or added terms "
                f"({detection.coverage:.0%} of the text matches)"
            )
        else:
            detail = None
        return detection.expression, detection.match, detail
