"""SBOMs: SPDX 2.3 JSON (read by `spdx-tools`) and CycloneDX 1.4-1.6 JSON (by
`cyclonedx-python-lib`), including GitHub's dependency-graph export (SPDX wrapped in `{"sbom"}`).

Each component keeps its package URL, version, whether it is a direct dependency (when the
SBOM's relationships say so), its license expression normalized with `license-expression`
(NOASSERTION means none given) and, where the SBOM names one, its source repository.

A document is parsed whole before anything is returned: a malformed one yields only its name
and the reason.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collectors.base import CollectorError
from collectors.licenses import LicenseExpressionError, normalize_expression

CYCLONEDX_VERSIONS = ("1.4", "1.5", "1.6")
# github.com/OWNER/NAME out of the many ways an SBOM writes a source location.
_GITHUB_RE = re.compile(
    r"(?:git\+)?(?:https?://|git://|ssh://git@|git@)?(?:www\.)?github\.com[/:]"
    r"(?P<owner>[\w.-]+)/(?P<name>[\w.-]+?)(?:\.git)?(?:[/#@?].*)?$",
    re.IGNORECASE,
)


class SbomFormatError(CollectorError):
    """An SBOM that cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class SbomComponentItem:
    ref: str  # the purl, else name@version: what identifies the component in its SBOM
    name: str
    purl: str | None = None
    version: str | None = None
    ecosystem: str | None = None
    license: str | None = None
    license_declared: str | None = None
    is_direct: bool | None = None
    source_repository: str | None = None


@dataclass(frozen=True)
class SbomDocument:
    format: str  # SPDX-2.3 | CycloneDX-1.5 ...
    name: str | None
    created_at: datetime | None
    digest: str
    repository: str | None  # OWNER/NAME when the SBOM says which GitHub repository it describes
    components: tuple[SbomComponentItem, ...] = field(default_factory=tuple)


def github_repository(location: str | None) -> str | None:
    """`github.com/OWNER/NAME` from a VCS URL, download location or pkg:github purl."""
    if not location:
        return None
    location = location.strip()
    if location.startswith("pkg:github/"):
        parts = location[len("pkg:github/") :].split("@")[0].split("?")[0].split("/")
        return f"github.com/{parts[0]}/{parts[1]}".lower() if len(parts) >= 2 else None
    match = _GITHUB_RE.match(location)
    if not match:
        return None
    return f"github.com/{match['owner']}/{match['name']}".lower()


def _fail(source: str, reason: str) -> SbomFormatError:
    return SbomFormatError(f"{source}: not a readable SBOM: {reason}")


def _expression(raw: str | None, source: str) -> tuple[str | None, str | None]:
    """(normalized expression, as written); an unparseable one keeps only the written form."""
    if raw is None or not str(raw).strip():
        return None, None
    text = str(raw).strip()
    try:
        return normalize_expression(text), text
    except LicenseExpressionError:
        return None, text


def _ecosystem(purl: str | None) -> str | None:
    if purl and purl.startswith("pkg:") and "/" in purl:
        return purl[4:].split("/", 1)[0].lower()
    return None


def _purl_name(purl: str | None, fallback: str) -> str:
    """The package's name as its ecosystem writes it (`@scope/pkg`, `group:artifact`)."""
    if not purl:
        return fallback
    try:
        from packageurl import PackageURL

        parsed = PackageURL.from_string(purl)
    except ValueError:
        return fallback
    if not parsed.namespace:
        return parsed.name
    separator = ":" if parsed.type == "maven" else "/"
    return f"{parsed.namespace}{separator}{parsed.name}"


def _ref(name: str, version: str | None, purl: str | None) -> str:
    return purl or (f"{name}@{version}" if version else name)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- SPDX


def _spdx_text(value: Any) -> str | None:
    """A str, or None for SPDX's NOASSERTION / NONE objects."""
    from spdx_tools.spdx.model import SpdxNoAssertion, SpdxNone

    if value is None or isinstance(value, SpdxNoAssertion | SpdxNone):
        return None
    return str(value)


def parse_spdx(data: dict[str, Any], source: str, digest: str) -> SbomDocument:
    from spdx_tools.spdx.model import RelationshipType
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser

    version = data.get("spdxVersion")
    if version != "SPDX-2.3" and not (isinstance(version, str) and version.startswith("SPDX-2.")):
        raise _fail(source, f"spdxVersion {version!r} is not SPDX 2.x")
    try:
        document = JsonLikeDictParser().parse(data)
    except SPDXParsingError as exc:
        messages = exc.get_messages()
        first = str(messages[0]) if messages else "invalid document"
        raise _fail(source, first[:300]) from None
    except Exception as exc:  # the parser raises whatever a malformed value provokes
        raise _fail(source, f"{type(exc).__name__}: {str(exc)[:200]}") from None

    described = {
        r.related_spdx_element_id
        for r in document.relationships
        if r.relationship_type == RelationshipType.DESCRIBES
        and r.spdx_element_id == document.creation_info.spdx_id
    }
    edges = [
        (r.spdx_element_id, r.related_spdx_element_id)
        for r in document.relationships
        if r.relationship_type == RelationshipType.DEPENDS_ON
    ] + [
        (r.related_spdx_element_id, r.spdx_element_id)
        for r in document.relationships
        if r.relationship_type == RelationshipType.DEPENDENCY_OF
    ]
    direct = {target for origin, target in edges if origin in described}
    repository = None
    components = []
    for package in document.packages:
        purl = next(
            (
                ref.locator
                for ref in package.external_references
                if ref.reference_type == "purl" and ref.locator
            ),
            None,
        )
        download = _spdx_text(package.download_location)
        if package.spdx_id in described:
            # The package the SBOM describes is the repository itself, not a dependency.
            found = github_repository(purl) or github_repository(download)
            repository = repository or (found.split("/", 1)[1] if found else None)
            continue
        concluded = _spdx_text(package.license_concluded)
        declared = _spdx_text(package.license_declared)
        license, written = _expression(concluded or declared, source)
        components.append(
            SbomComponentItem(
                ref=_ref(package.name, package.version, purl),
                name=_purl_name(purl, package.name),
                purl=purl,
                version=package.version,
                ecosystem=_ecosystem(purl),
                license=license,
                license_declared=written,
                is_direct=(package.spdx_id in direct) if edges else None,
                source_repository=github_repository(download)
                or github_repository(package.homepage and str(package.homepage))
                or (github_repository(purl) if _ecosystem(purl) == "github" else None),
            )
        )
    if repository is None:
        match = re.match(r"com\.github\.([\w.-]+/[\w.-]+)$", document.creation_info.name or "")
        repository = match.group(1) if match else None
    return SbomDocument(
        format=f"SPDX-{version.removeprefix('SPDX-')}",
        name=document.creation_info.name,
        created_at=_aware(document.creation_info.created),
        digest=digest,
        repository=repository,
        components=tuple(components),
    )


# --------------------------------------------------------------------------- CycloneDX


def _cyclonedx_license(component: Any, source: str) -> tuple[str | None, str | None]:
    from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression

    parts = []
    for entry in component.licenses:
        if isinstance(entry, LicenseExpression):
            parts.append(entry.value)
        elif isinstance(entry, DisjunctiveLicense):
            if entry.id:
                parts.append(entry.id)
            elif entry.name:
                # A license named in words: keep it as written, it is no SPDX id.
                return None, entry.name
    if not parts:
        return None, None
    # Several entries in `licenses` all apply (CycloneDX: "one or more").
    joined = parts[0] if len(parts) == 1 else " AND ".join(f"({p})" for p in parts)
    return _expression(joined, source)


def parse_cyclonedx(data: dict[str, Any], source: str, digest: str) -> SbomDocument:
    from cyclonedx.model import ExternalReferenceType
    from cyclonedx.model.bom import Bom

    version = str(data.get("specVersion"))
    if version not in CYCLONEDX_VERSIONS:
        raise _fail(source, f"CycloneDX specVersion {version} (supported: 1.4, 1.5, 1.6)")
    try:
        bom = Bom.from_json(data)  # type: ignore[attr-defined]
    except Exception as exc:  # py-serializable raises whatever a malformed value provokes
        raise _fail(source, f"{type(exc).__name__}: {str(exc)[:200]}") from None

    root = bom.metadata.component
    root_ref = root.bom_ref.value if root is not None else None
    graph = {d.ref.value: [x.ref.value for x in d.dependencies] for d in bom.dependencies}
    direct = set(graph.get(root_ref, [])) if root_ref else set()

    def flatten(components) -> list:
        out = []
        for component in components:
            out.append(component)
            out += flatten(component.components)
        return out

    items = []
    for component in flatten(bom.components):
        purl = component.purl.to_string() if component.purl is not None else None
        license, written = _cyclonedx_license(component, source)
        vcs = next(
            (
                str(ref.url)
                for ref in component.external_references
                if ref.type in (ExternalReferenceType.VCS, ExternalReferenceType.DISTRIBUTION)
            ),
            None,
        )
        ref = component.bom_ref.value
        items.append(
            SbomComponentItem(
                ref=_ref(component.name, component.version, purl),
                name=_purl_name(purl, component.name),
                purl=purl,
                version=component.version,
                ecosystem=_ecosystem(purl),
                license=license,
                license_declared=written,
                is_direct=(ref in direct) if root_ref in graph else None,
                source_repository=github_repository(vcs)
                or (github_repository(purl) if _ecosystem(purl) == "github" else None),
            )
        )
    repository = None
    if root is not None and root.purl is not None:
        found = github_repository(root.purl.to_string())
        repository = found.split("/", 1)[1] if found else None
    return SbomDocument(
        format=f"CycloneDX-{version}",
        name=root.name if root is not None else None,
        created_at=_aware(bom.metadata.timestamp) if data.get("metadata") else None,
        digest=digest,
        repository=repository,
        components=tuple(items),
    )


# --------------------------------------------------------------------------- files


def parse_sbom(raw: bytes, source: str) -> SbomDocument:
    """Read an SBOM from its bytes (SPDX 2.x JSON, GitHub's `{"sbom": ...}` export, or
    CycloneDX 1.4-1.6 JSON); `source` names it in error messages."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(source, "the file is not UTF-8 text (binary?)") from None
    if not text.strip():
        raise _fail(source, "the file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(source, f"invalid JSON ({exc.msg} at line {exc.lineno})") from None
    if isinstance(data, dict) and isinstance(data.get("sbom"), dict):
        data = data["sbom"]  # GitHub's dependency-graph export
    if not isinstance(data, dict):
        raise _fail(source, "the top level is not an object")
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    if "spdxVersion" in data:
        return parse_spdx(data, source, digest)
    if data.get("bomFormat") == "CycloneDX":
        return parse_cyclonedx(data, source, digest)
    raise _fail(source, "neither SPDX (spdxVersion) nor CycloneDX (bomFormat) JSON")


def read_sbom_file(path: Path) -> SbomDocument:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SbomFormatError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_sbom(raw, str(path))
