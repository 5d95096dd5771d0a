"""The rooms and doors of the design note, checked so they stay true as the code grows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def offending(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in files(folder):
        bad = sorted(
            name
            for name in imported_modules(path)
            if any(name == f or name.startswith(f + ".") for f in forbidden)
        )
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        # Collectors know their source, never the database or the dashboard.
        ("collectors", ("sqlalchemy", "streamlit", "ospo_metrics", "kpis", "pandas")),
        # Pages are thin: no SQL, no HTTP, no collectors, no direct database access.
        (
            "pages",
            (
                "sqlalchemy",
                "requests",
                "github",
                "collectors",
                "ospo_metrics.models",
                "ospo_metrics.db",
                "ospo_metrics.store",
            ),
        ),
    ],
)
def test_import_rules(folder: str, forbidden: tuple[str, ...]) -> None:
    assert files(folder), f"{folder}/ has no modules to check"
    assert offending(folder, forbidden) == {}


def test_upserts_live_in_the_store_only() -> None:
    """Dialect-specific upserts are written once, in ospo_metrics/store/upserts.py."""
    users = {
        str(path.relative_to(ROOT))
        for folder in ("ospo_metrics", "collectors", "kpis", "pages")
        for path in files(folder)
        if any(m.startswith("sqlalchemy.dialects") for m in imported_modules(path))
    }
    assert users == {"ospo_metrics/store/upserts.py"}
