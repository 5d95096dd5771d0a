"""Package release dates from deps.dev (Google's Open Source Insights), API v3.

`GET {base}/v3/systems/{system}/packages/{name}` (the name percent-encoded as one path
segment: `@colors/colors` is `%40colors%2Fcolors`) answers

    {"packageKey": {"system": "NPM", "name": "@colors/colors"},
     "versions": [{"versionKey": {"system": "NPM", "name": "...", "version": "1.5.0"},
                   "publishedAt": "2022-02-12T07:39:04Z", "isDefault": true, ...}, ...]}

`isDefault` marks the version the registry calls latest (npm's `latest` tag, the newest
non-prerelease elsewhere); `publishedAt` may be missing. A 404 means deps.dev does not know the
package. No token: the API is free and keyless, and only the package's name is sent.

Package URLs map to deps.dev systems by their type (:data:`SYSTEMS`); any other type is not
asked about. A malformed answer raises :class:`DepsDevFormatError` naming the package and the
reason; the caller records it for that package and goes on with the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from collectors.base import CollectorError

DEFAULT_API = "https://api.deps.dev"
# purl type -> deps.dev system. Names are as the SBOM components store them: npm `@scope/pkg`,
# maven `group:artifact`, golang the module path.
SYSTEMS: dict[str, str] = {
    "npm": "NPM",
    "pypi": "PYPI",
    "maven": "MAVEN",
    "golang": "GO",
    "cargo": "CARGO",
    "nuget": "NUGET",
}


class DepsDevError(CollectorError):
    """deps.dev cannot be asked (unreachable, an HTTP error); the message names the package."""


class DepsDevFormatError(DepsDevError):
    """An answer that is not deps.dev's GetPackage JSON; the message says why."""


class DepsDevUnreachable(DepsDevError):
    """The API does not answer at all: asking about the next package would not help."""


@dataclass(frozen=True)
class VersionRelease:
    version: str
    published_at: datetime | None  # None: deps.dev gives no date
    is_default: bool


@dataclass(frozen=True)
class PackageReleases:
    """What deps.dev knows of one package: every version with its release date."""

    system: str
    name: str  # as deps.dev names it (it canonicalizes, e.g. PyPI names)
    versions: tuple[VersionRelease, ...]

    @property
    def default(self) -> VersionRelease | None:
        return next((v for v in self.versions if v.is_default), None)


def registry_package(ecosystem: str | None, name: str | None) -> tuple[str, str] | None:
    """(deps.dev system, name to ask for) of an SBOM component, None for other purl types."""
    system = SYSTEMS.get((ecosystem or "").lower())
    if system is None or not name or not name.strip():
        return None
    name = name.strip()
    if system == "PYPI":  # PEP 503 normalization, as deps.dev stores PyPI names
        name = re.sub(r"[-_.]+", "-", name).lower()
    return system, name


def package_url(base_url: str, system: str, name: str) -> str:
    return f"{base_url.rstrip('/')}/v3/systems/{system.lower()}/packages/{quote(name, safe='')}"


def _fail(source: str, reason: str) -> DepsDevFormatError:
    return DepsDevFormatError(f"{source}: not a deps.dev package answer: {reason}")


def _moment(value: Any, source: str, where: str) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _fail(source, f"{where} is {value!r}, not a timestamp")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise _fail(source, f"{where} {value!r} is not a timestamp") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def parse_package(data: Any, source: str) -> PackageReleases:
    """Read one GetPackage answer (decoded JSON); `source` names it in error messages."""
    if not isinstance(data, dict):
        raise _fail(source, "the top level is not an object")
    key = data.get("packageKey")
    if not isinstance(key, dict) or not isinstance(key.get("name"), str):
        raise _fail(source, "`packageKey.name` is missing")
    versions = data.get("versions")
    if not isinstance(versions, list):
        raise _fail(source, "`versions` is missing or not a list")
    parsed = {}
    for i, item in enumerate(versions):
        version_key = item.get("versionKey") if isinstance(item, dict) else None
        version = version_key.get("version") if isinstance(version_key, dict) else None
        if not isinstance(version, str) or not version.strip():
            raise _fail(source, f"versions[{i}].versionKey.version is missing")
        is_default = item.get("isDefault", False)
        if not isinstance(is_default, bool):
            raise _fail(source, f"versions[{i}].isDefault is {is_default!r}, not true or false")
        published = _moment(item.get("publishedAt"), source, f"versions[{i}].publishedAt")
        parsed[version.strip()] = VersionRelease(version.strip(), published, is_default)
    return PackageReleases(
        system=str(key.get("system") or "").upper(),
        name=key["name"],
        versions=tuple(parsed.values()),
    )


class DepsDevApi:
    """The deps.dev API v3 over HTTP (`requests`); counts the requests it makes."""

    def __init__(self, base_url: str = DEFAULT_API, *, timeout: float = 30.0, session=None) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        self.requests_made = 0

    def package(self, system: str, name: str) -> PackageReleases | None:
        """Every version of a package with its release date; None when deps.dev does not
        know the package (404)."""
        import requests

        url = package_url(self.base_url, system, name)
        label = f"{system.lower()}/{name}"
        self.requests_made += 1
        try:
            answer = self.session.get(url, timeout=self.timeout)
        except requests.RequestException as exc:
            raise DepsDevUnreachable(
                f"{label}: deps.dev at {self.base_url} is unreachable ({type(exc).__name__}); "
                "check `compliance.registry.api_url`"
            ) from None
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise DepsDevError(f"{label}: deps.dev answered HTTP {answer.status_code}")
        try:
            data = answer.json()
        except ValueError:
            raise _fail(label, "the answer is not JSON") from None
        return parse_package(data, label)
