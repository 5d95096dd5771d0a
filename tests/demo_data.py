"""A small demo organization (git history at a tenth of its size, every GitHub-shaped part),
built once per test worker and shared read-only by the tests that look at the demo."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ospo_metrics.context import open_context
from ospo_metrics.demo import build_demo_data, build_demo_repositories

DEMO_SCALE = 0.1


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data folder of a complete demo, built for today (the pages compute as of now)."""
    data = tmp_path_factory.mktemp("demo") / "data"
    build_demo_repositories(data, date.today(), scale=DEMO_SCALE)
    context = open_context(env={}, demo_data_dir=data, force_demo=True)
    build_demo_data(context)
    context.engine.dispose()
    return data


@pytest.fixture
def demo_app(demo_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at the shared demo (no config file, no DATABASE_URL); clear its caches."""
    import streamlit as st

    monkeypatch.delenv("OSPO_CONFIG", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("OSPO_DATA_DIR", str(demo_data_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield demo_data_dir
    st.cache_data.clear()
    st.cache_resource.clear()
