"""Hostile configuration input: every case is a clear error, never a traceback or a hang.

Deep nesting, alias bombs, pattern bombs, credentials in URLs and broken GitHub App keys, in
the CLI (`check-config`, `collect`) and in the dashboard.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ospo_metrics.cli import main
from ospo_metrics.config import ConfigError, config_from_mapping, glob_match, load_config
from ospo_metrics.db import open_database

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'ospo.db'}")
    yield engine
    engine.dispose()


def alias_bomb(levels: int, width: int = 9) -> str:
    lines = ["a: &a [" + ", ".join(['"' + "x" * 40 + '"'] * width) + "]"]
    previous = "a"
    for level in range(1, levels):
        name = f"l{level}"
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * width) + "]")
        previous = name
    lines.append(f"bots: {{logins: *{previous}}}")
    return "\n".join(lines) + "\n"


def test_deep_nesting_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "deep.yml"
    path.write_text("organizations: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "nested more than" in str(info.value) and ":1:" in str(info.value)
    assert main(["--config", str(path), "check-config"]) == 2
    err = capsys.readouterr().err
    assert "nested more than" in err and "Traceback" not in err and "Recursion" not in err


def test_alias_bomb_is_refused_before_it_expands(tmp_path, capsys):
    path = tmp_path / "bomb.yml"
    path.write_text(alias_bomb(8), encoding="utf-8")  # 9**8 = 43 million strings
    started = time.perf_counter()
    assert main(["--config", str(path), "check-config"]) == 2
    assert time.perf_counter() - started < 10
    err = capsys.readouterr().err
    assert "aliases expand" in err and len(err) < 2_000


def test_alias_cycle_is_refused(tmp_path):
    path = tmp_path / "cycle.yml"
    path.write_text("organizations: &a [*a]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="contains it"):
        load_config(path)


def test_repeated_bad_values_give_a_bounded_report(tmp_path, capsys):
    # Under the expansion bound, but every one of 4,000 values is wrong and 2,000 characters.
    big = "y" * 2_000
    text = f'v: &v ["{big}"]\nw: &w [' + ", ".join(["*v"] * 20) + "]\n"
    text += "groups: {" + ", ".join(f"g{i}: *w" for i in range(200)) + "}\n"
    text += "objectives: [" + ", ".join(["{id: 1, kpi: *v}"] * 400) + "]\n"
    path = tmp_path / "repeat.yml"
    path.write_text(text, encoding="utf-8")
    assert main(["--config", str(path), "check-config"]) == 2
    err = capsys.readouterr().err
    assert len(err) < 60_000, len(err)
    assert "more problems" in err
    assert all(len(line) < 500 for line in err.splitlines())


def test_bot_patterns_with_many_stars_match_in_linear_time():
    pattern = "*a" * 40 + "b"
    config = config_from_mapping({"bots": {"patterns": [pattern]}})
    started = time.perf_counter()
    for _ in range(100):
        assert not config.bots.is_bot(login="a" * 250)
    assert time.perf_counter() - started < 2  # a backtracking regex takes longer than a minute
    assert glob_match(pattern, "a" * 60 + "b") and glob_match("*[bot]", "dependabot[bot]")
    assert not glob_match("*[bot]", "robot") and glob_match("ci-?ot", "CI-BOT")


@pytest.mark.parametrize(
    "url",
    [
        "https://x-access-token:ghp_s3cretValue0123456789abcdefABCDEF01@ghe.example.com/api/v3",
        "https://ghp_s3cretValue0123456789abcdefABCDEF01@ghe.example.com/api/v3",
        "https://ghe.example.com/api/v3?access_token=ghp_s3cretValue0123456789abcdefABCDEF01",
    ],
)
def test_credentials_in_the_github_base_url_are_refused(url):
    with pytest.raises(ConfigError) as info:
        config_from_mapping({"github": {"base_url": url}})
    message = str(info.value)
    assert "github.base_url" in message and "token_env" in message
    assert "s3cretValue" not in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not a key at all\n", "not a PEM private key"),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtruncated\n"
            "-----END RSA PRIVATE KEY-----\n",
            "not a PEM private key",
        ),
        ("", "not a PEM private key"),
    ],
)
def test_a_malformed_github_app_key_is_a_clear_error(
    tmp_path, sqlite_engine, github_server, content, expected
):
    from test_github_helpers import collect, make_context

    key_file = tmp_path / "app.pem"
    key_file.write_text(content, encoding="utf-8")
    app = {
        "id": 1,
        "installation_id": github_server.installation_id,
        "private_key_file": str(key_file),
    }
    results = collect(
        make_context(sqlite_engine, github_server, github={"app": app}), github_server
    )
    assert [r.status for r in results] == ["failed"]
    assert expected in results[0].error and "github.app.private_key_file" in results[0].error
    assert github_server.count() == 0


def test_an_ec_key_for_a_github_app_is_a_clear_error(tmp_path, sqlite_engine, github_server):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from test_github_helpers import collect, make_context

    key = ec.generate_private_key(ec.SECP256R1())
    key_file = tmp_path / "app.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    app = {
        "id": 1,
        "installation_id": github_server.installation_id,
        "private_key_file": str(key_file),
    }
    results = collect(
        make_context(sqlite_engine, github_server, github={"app": app}), github_server
    )
    assert results[0].status == "failed" and "RSA" in results[0].error


def test_the_dashboard_shows_a_deep_config_as_an_error(tmp_path, monkeypatch):
    path = tmp_path / "ospo.yml"
    path.write_text("organizations: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    monkeypatch.setenv("OSPO_CONFIG", str(path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.chdir(tmp_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        st.cache_resource.clear()
    assert not at.exception, at.exception
    shown = " ".join(str(e.value) for e in at.error) + " ".join(c.value for c in at.code)
    assert "nested more than" in shown
