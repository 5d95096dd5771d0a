"""The demo's compliance part: the demo repositories' files read by the real collector, a few
months of OpenSSF Scorecard results, two SBOMs per repository and their packages' release
dates (for libyears), all through the real parsers and the store (nothing here is written by
hand into tables)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

from collectors.sbom import parse_sbom
from collectors.scorecard import parse_scorecard
from ospo_metrics.context import Context

# (ecosystem, name, version, license, source repository or None); fictional packages, with
# some of the upstream projects the demo contributes to among them.
PACKAGES = (
    ("pypi", "kestrel", "3.2.0", "Apache-2.0", "kestrel-mesh/kestrel"),
    ("pypi", "pyforge", "1.8.1", "MIT", "pyforge/pyforge"),
    ("pypi", "tinyhttp", "0.9.4", "BSD-3-Clause", "tinyhttp/tinyhttp"),
    ("pypi", "yamlette", "2.1.0", "MIT", "yamlette/yamlette"),
    ("pypi", "chardetect", "5.0.0", "LGPL-2.1-only", "chardetect/chardetect"),
    ("npm", "left-trim", "1.0.3", "MIT OR GPL-2.0-only", "left-trim/left-trim"),
    ("npm", "quickjson", "4.4.0", "ISC", "quickjson/quickjson"),
    ("npm", "copyleft-widget", "0.3.0", "AGPL-3.0-only", None),
    ("npm", "mystery-utils", "0.0.7", None, None),
    ("golang", "github.com/fluentlog/fluentlog", "v1.4.0", "Apache-2.0", "fluentlog/fluentlog"),
    ("golang", "github.com/gridkit/gridkit", "v0.8.2", "MPL-2.0", "gridkit/gridkit"),
    ("cargo", "fastbytes", "0.5.1", "MIT OR Apache-2.0", "fastbytes/fastbytes"),
)
# Release history as deps.dev would give it: (latest version, days before today the version
# used was published, days before today the latest was); None: deps.dev does not know it.
RELEASES: dict[str, tuple[str, int, int] | None] = {
    "kestrel": ("4.1.0", 1280, 150),
    "pyforge": ("1.8.1", 200, 200),  # we use the latest
    "tinyhttp": ("1.2.0", 730, 60),
    "yamlette": ("2.3.0", 400, 100),
    "chardetect": ("5.2.0", 900, 200),
    "left-trim": ("1.0.3", 2000, 2000),
    "quickjson": ("5.0.1", 1000, 30),
    "copyleft-widget": ("0.4.0", 500, 300),
    "mystery-utils": None,
    "github.com/fluentlog/fluentlog": ("v1.9.0", 1100, 45),
    "github.com/gridkit/gridkit": ("v0.8.2", 300, 300),
    "fastbytes": ("0.7.0", 600, 90),
}
SYSTEMS = {"pypi": "PYPI", "npm": "NPM", "golang": "GO", "cargo": "CARGO"}
CHECKS = (
    "Binary-Artifacts", "Branch-Protection", "CI-Tests", "Code-Review", "Dangerous-Workflow",
    "Dependency-Update-Tool", "Fuzzing", "License", "Maintained", "Pinned-Dependencies",
    "SAST", "Security-Policy", "Signed-Releases", "Token-Permissions", "Vulnerabilities",
)  # fmt: skip
UPSTREAM_SCORED = ("kestrel-mesh/kestrel", "tinyhttp/tinyhttp", "yamlette/yamlette")


def _scorecard(full_name: str, day: date, rng: random.Random, level: float) -> dict[str, Any]:
    checks = []
    for name in CHECKS:
        if name == "Signed-Releases" and rng.random() < 0.6:
            score = -1  # no releases to check: inconclusive
        else:
            score = max(0, min(10, round(rng.gauss(level, 2.5))))
        checks.append(
            {
                "details": None,
                "score": score,
                "reason": f"{name}: demo result",
                "name": name,
                "documentation": {
                    "url": f"https://github.com/ossf/scorecard/blob/main/docs/checks.md#{name.lower()}",
                    "short": name,
                },
            }
        )
    conclusive = [c["score"] for c in checks if c["score"] >= 0]
    return {
        "date": day.isoformat(),
        "repo": {"name": f"github.com/{full_name}", "commit": f"{rng.getrandbits(160):040x}"},
        "scorecard": {"version": "v5.1.1", "commit": "0" * 40},
        "score": round(sum(conclusive) / len(conclusive), 1),
        "checks": checks,
        "metadata": None,
    }


def _sbom(full_name: str, day: date, packages: list[tuple]) -> dict[str, Any]:
    components, refs = [], []
    for ecosystem, name, version, license, source in packages:
        purl = f"pkg:{ecosystem}/{name}@{version}"
        component: dict[str, Any] = {"type": "library", "bom-ref": purl, "name": name,
                                     "version": version, "purl": purl}  # fmt: skip
        if license:
            component["licenses"] = [{"expression": license}]
        if source:
            component["externalReferences"] = [
                {"type": "vcs", "url": f"https://github.com/{source}"}
            ]
        components.append(component)
        refs.append(purl)
    root = full_name.split("/")[1]
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "timestamp": f"{day.isoformat()}T06:00:00Z",
            "component": {
                "type": "application",
                "bom-ref": root,
                "name": root,
                "purl": f"pkg:github/{full_name}@main",
            },
        },
        "components": components,
        # The first four are direct dependencies; the rest come in through the first one.
        "dependencies": [
            {"ref": root, "dependsOn": refs[:4]},
            {"ref": refs[0], "dependsOn": refs[4:]},
        ],
    }


def _package_answer(ecosystem: str, name: str, version: str, today: date) -> dict[str, Any]:
    """A deps.dev GetPackage answer for a demo package: an older release, the one we use,
    and the latest (the default)."""
    latest, used_days, latest_days = RELEASES[name]  # type: ignore[misc]

    def item(number: str, days: int, default: bool) -> dict[str, Any]:
        published = f"{(today - timedelta(days=days)).isoformat()}T12:00:00Z"
        return {"versionKey": {"system": SYSTEMS[ecosystem], "name": name, "version": number},
                "publishedAt": published, "isDefault": default}  # fmt: skip

    versions = [item("0.0.1", used_days + 365, False), item(version, used_days, latest == version)]
    if latest != version:
        versions.append(item(latest, latest_days, True))
    return {"packageKey": {"system": SYSTEMS[ecosystem], "name": name}, "versions": versions}


def write_releases(context: Context, today: date) -> int:
    """Release dates of the demo's packages, through deps.dev's parser and the store (the demo
    never asks deps.dev: its packages exist nowhere)."""
    from datetime import UTC, datetime

    from collectors.depsdev import parse_package, registry_package
    from ospo_metrics.compliance.releases import write_answer

    written = 0
    now = datetime.now(UTC)
    for ecosystem, name, version, _license, _source in PACKAGES:
        system, asked = registry_package(ecosystem, name)  # type: ignore[misc]
        answer = None
        if RELEASES[name] is not None:
            answer = parse_package(_package_answer(ecosystem, name, version, today), "demo")
        written += write_answer(context.engine, (ecosystem, name), system, asked, answer, now)
    return written


def write_compliance(context: Context, today: date) -> int:
    """Read the demo repositories' files, then store Scorecard results and SBOMs for them."""
    from ospo_metrics.compliance.collect import collect_compliance_sources
    from ospo_metrics.compliance.sbom import store_document
    from ospo_metrics.compliance.scorecard import write_results

    written = sum(r.items_written for r in collect_compliance_sources(context, "files"))
    names = sorted(
        entry.full_name for entry in context.config.repositories if entry.kind in ("path", "url")
    )
    rng = random.Random(8)
    results = []
    for index, name in enumerate(names):
        # Scorecard every four weeks for half a year, slowly improving.
        level = 3.5 + index
        for weeks in range(24, -1, -4):
            day = today - timedelta(weeks=weeks)
            results.append(parse_scorecard(_scorecard(name, day, rng, level), "demo"))
            level += 0.3
    for upstream in UPSTREAM_SCORED:
        results.append(parse_scorecard(_scorecard(upstream, today, rng, 6.5), "demo"))
    written += write_results(context.engine, results, "demo")
    for index, name in enumerate(names):
        chosen = [p for i, p in enumerate(PACKAGES) if (i + index) % 3 != 0]
        for days, packages in ((90, chosen[:-2]), (7, chosen)):
            document = parse_sbom(
                json.dumps(_sbom(name, today - timedelta(days=days), packages)).encode(), "demo"
            )
            written += store_document(context.engine, document, name, "demo", "demo SBOM")
    return written
