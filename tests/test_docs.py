"""README.md documents every KPI and every command (a test, so the docs cannot fall behind)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import kpis
from ospo_metrics.cli import _parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kpi_id", list(kpis.REGISTRY))
def test_every_kpi_is_in_the_readme(kpi_id: str) -> None:
    assert f"`{kpi_id}`" in README


def subcommands() -> list[str]:
    parser = _parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(actions[0].choices)


@pytest.mark.parametrize("command", subcommands())
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"ospo-metrics {command}" in README


def test_readme_gives_the_two_setup_commands() -> None:
    assert "pip install -r requirements.txt && streamlit run app.py" in README
    assert "bash scripts/test.sh" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test.sh" in ci
