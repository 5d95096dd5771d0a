"""Leaks and injection: secrets masked in every message, CSV cells that never become formulas.

The CSV test opens the export in a real spreadsheet engine (LibreOffice, headless, from
Debian; scripts/test.sh installs it) and checks that no cell became a formula.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pandas as pd
import pytest
from github_fake import generate_org
from test_github_helpers import collect, make_context

from ospo_metrics.cli import main
from ospo_metrics.cli.common import EXIT_PARTIAL
from ospo_metrics.db import DatabaseError, open_database
from ospo_metrics.export import to_csv
from ospo_metrics.queries import load_runs
from ospo_metrics.redact import redact, register_secret, safe_url

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
HOSTILE_CELLS = [
    "fix\r=1+1",  # the reported bypass: a bare CR before a formula
    "=2+2",
    "x\n=3+3",
    "y\r\n+4+4",
    "@SUM(5,5)",
    "\r-6+6",
    "-7+7",
    "\t=8+8",
    "plain text",
]


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'ospo.db'}")
    yield engine
    engine.dispose()


def test_csv_cells_never_become_formulas_in_libreoffice(tmp_path):
    if SOFFICE is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: scripts/test.sh installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    frame = pd.DataFrame({"subject": HOSTILE_CELLS, "n": range(len(HOSTILE_CELLS))})
    (tmp_path / "export.csv").write_text(to_csv(frame), encoding="utf-8", newline="")
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--convert-to",
            "fods",
            "--outdir",
            str(tmp_path / "out"),
            str(tmp_path / "export.csv"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheet = (tmp_path / "out" / "export.fods").read_text(encoding="utf-8")
    assert "table:formula" not in sheet
    rows = re.findall(r"<table:table-row[^>]*>(.*?)</table:table-row>", sheet, re.S)
    # One header row and one row per value: no cell was split into extra rows or columns, and
    # the number column still holds each row's own number.
    numbers = [re.findall(r'office:value="(\d+)"', row) for row in rows[1 : len(HOSTILE_CELLS) + 1]]
    assert numbers == [[str(n)] for n in range(len(HOSTILE_CELLS))]


def test_csv_neutralizes_a_formula_at_the_start_of_every_line():
    text = to_csv(pd.DataFrame({"subject": HOSTILE_CELLS}))
    assert '"fix\r\'=1+1"' in text and '"x\n\'=3+3"' in text and "'=2+2" in text
    assert "\"'\r'-6+6\"" in text
    assert "plain text\r\n" in text


def test_a_token_echoed_by_github_is_masked_everywhere(
    tmp_path, sqlite_engine, github_server, capsys
):
    secret = github_server.token
    github_server.faults.add(
        "status",
        path="^/orgs/acme/repos$",
        status=422,
        body={"message": f"token {secret} may not list acme; also ghp_{'Z' * 36} is wrong"},
        times=None,
    )
    results = collect(make_context(sqlite_engine, github_server), github_server)
    errors = [r.error for r in results if r.error]
    assert errors and all(secret not in e and "ghp_ZZZZ" not in e for e in errors)
    stored = " ".join(str(e) for e in load_runs(sqlite_engine)["error"])
    assert "may not list" in stored and secret not in stored and "ghp_ZZZZ" not in stored


def test_cli_masks_an_echoed_token_and_a_rate_limit_stop_exits_non_zero(
    tmp_path, monkeypatch, capsys, github_server_factory
):
    gh = github_server_factory(generate_org("acme", n_repos=4, seed=5))
    gh.faults.add(
        "status",
        path="/releases$",
        status=500,
        body={"message": f"internal error for credential {gh.token}"},
        times=None,
    )
    config = tmp_path / "ospo.yml"
    config.write_text(
        f"github:\n  base_url: {gh.url}\n  token_env: OSPO_LEAK_TOKEN\n  on_rate_limit: stop\n"
        "organizations: [acme]\nupstream:\n  track: none\naffiliation:\n  organization: Acme\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'gh.db'}")
    monkeypatch.setenv("OSPO_LEAK_TOKEN", gh.token)
    monkeypatch.setattr("collectors.github.http.GitHubHttp._backoff", lambda *a: None)
    code = main(["collect", "github", "--no-progress"])
    out = capsys.readouterr()
    assert code != 0 and gh.token not in out.out + out.err
    # A budget that runs out in the middle: the run stops, says so, and the exit code says so.
    gh.faults.items.clear()
    gh.set_rate_limit(gh.token, limit=3, resource="core")
    code = main(["collect", "github", "--no-progress"])
    out = capsys.readouterr()
    assert code == EXIT_PARTIAL, out
    assert "stopped:" in out.err and "rate limit exhausted" in out.err


def test_rate_limit_on_the_member_listing_stops_instead_of_going_on_without_members(
    sqlite_engine, github_server
):
    github_server.faults.add("rate_limit", path="^/orgs/acme/members$", reset_in=3600)
    context = make_context(sqlite_engine, github_server, github={"on_rate_limit": "stop"})
    results = collect(context, github_server)
    assert [r.status for r in results] == ["partial"]
    assert "stopped cleanly" in results[0].error
    assert not [r for r in results if r.target.startswith("acme/")], "it did not go on"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://nobody@127.0.0.1:1/none?password=hunter2hunter2",
        "postgresql+psycopg://nobody:hunter2hunter2@127.0.0.1:1/none?sslpassword=hunter2hunter2",
        "postgresql+psycopg://nobody@127.0.0.1:1/none?options=x&client_secret=hunter2hunter2",
    ],
)
def test_database_passwords_in_url_parameters_are_masked(url, capsys):
    with pytest.raises(DatabaseError) as info:
        open_database(url, connect_args={"connect_timeout": 2})
    assert "hunter2" not in str(info.value) and "127.0.0.1" in str(info.value)


def test_redaction_of_registered_secrets_and_secret_shapes():
    register_secret("correct-horse-battery-staple")
    text = redact(
        "failed with correct-horse-battery-staple at https://user:pw123456@h/x?token=abc&page=2 "
        "Authorization: Bearer abcdefghijklmnopqrstuvwxyz github_pat_" + "A" * 30
    )
    assert "correct-horse" not in text and "pw123456" not in text and "token=abc" not in text
    assert "abcdefghijklmnop" not in text and "github_pat_AAA" not in text
    assert "page=2" in text
    assert safe_url("postgresql://u:p@h/db?password=x&sslmode=require") == (
        "postgresql://u:***@h/db?password=***&sslmode=require"
    )


def test_untrusted_text_is_escaped_for_markdown():
    from ospo_metrics.markdown import plain

    text = plain("[click](http://x/y) ![](http://x/p.png) # title `code` $x$")
    for live in ("[click](", "![](", "`code`", "$x$"):
        assert live not in text
    assert text.startswith("\\[click\\]\\(") and "\\# title" in text
    assert text.replace("\\", "") == "[click](http://x/y) ![](http://x/p.png) # title `code` $x$"
