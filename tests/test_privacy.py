"""Privacy mode: with `privacy: true`, no page, export or report shows a name, e-mail or login."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from gitrepo import GitRepo
from test_pages import app_env, run_app  # noqa: F401 (fixture)

from ospo_metrics.cli import main
from ospo_metrics.config import ConfigError, config_from_mapping
from ospo_metrics.people import privacy

# Every way Jane and Omar could leak: names, addresses, logins.
SECRETS = ("Jane", "jane@acme.com", "Omar", "omar@globex.com", "omar-s", "jane-doe")


def test_the_switch_has_a_shorthand_and_refuses_what_it_does_not_know() -> None:
    assert config_from_mapping({"privacy": True}).privacy.hide_people
    assert config_from_mapping({"privacy": {"hide_people": True}}).privacy.hide_people
    assert not config_from_mapping({}).privacy.hide_people
    assert privacy.enabled(config_from_mapping({"privacy": True}))
    assert not privacy.enabled(config_from_mapping({"privacy": False}))
    with pytest.raises(ConfigError, match=r"privacy: write `privacy: true`"):
        config_from_mapping({"privacy": "maybe"})
    with pytest.raises(ConfigError, match="hide_names: unknown key"):
        config_from_mapping({"privacy": {"hide_names": True}})


def test_hide_people_pseudonymizes_by_person_and_masks_free_text() -> None:
    frame = pd.DataFrame(
        {
            "author_id": [3, 7, 3],
            "author_name": ["Jane Doe", "Omar Said", "J. Doe"],
            "author_email": ["jane@acme.com", "omar@globex.com", "jane@acme.com"],
            "subject": [
                "Merge pull request #4 from omar-s/fix",
                "thanks @omar-s, see jane@acme.com",
                "plain",
            ],
            "repo": ["acme/a", "acme/a", "acme/b"],
        }
    )
    shown = privacy.hide_people(frame, True)
    assert shown["author_name"].tolist() == ["Person 3", "Person 7", "Person 3"]
    assert shown["author_email"].tolist() == ["Person 3", "Person 7", "Person 3"]
    assert shown["repo"].tolist() == frame["repo"].tolist()
    text = shown.to_csv()
    assert not [s for s in SECRETS if s in text], text
    assert shown["subject"].iloc[0] == "Merge pull request #4 from (hidden)/fix"
    assert list(shown.columns) == list(frame.columns)  # same CSV shape on or off
    assert privacy.hide_people(frame, False) is frame
    # Without a person id: distinct people stay distinct, numbered within the table.
    owners = privacy.hide_people(pd.DataFrame({"owner": ["Ann", "Bob", "Ann", None]}), True)
    assert owners["owner"].tolist() == ["Person 1", "Person 2", "Person 1", None]
    assert privacy.person_label(5, "Jane Doe", True) == "Person 5"
    assert privacy.person_label(5, "Jane Doe", False) == "Jane Doe"


def test_personal_columns_are_recognized_by_name() -> None:
    for column in ("author_login", "reviewer_login", "committer_email", "emails", "owner"):
        assert privacy.is_personal_column(column), column
    for column in ("repo", "name", "organization", "sha", "license", "title"):
        assert not privacy.is_personal_column(column), column
    assert privacy.is_personal_column("name", personal=["name"])


@pytest.fixture(scope="module")
def private_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Jane (Acme) and Omar commit, one subject names an address and a login, omar-s opens a
    pull request; privacy on. Collected once per module; each test gets a copy."""
    folder = tmp_path_factory.mktemp("private")
    repo = GitRepo.init(folder / "widgets")
    repo.commit(
        "first",
        {"f": "1\n"},
        author=("Jane Doe", "jane@acme.com"),
        date="2026-10-01T12:00:00+00:00",
    )
    repo.commit(
        "thanks @omar-s (omar@globex.com)",
        {"f": "2\n"},
        author=("Omar Said", "omar@globex.com"),
        date="2026-10-02T12:00:00+00:00",
    )
    config = folder / "ospo.yml"
    config.write_text(
        f"repositories:\n  - path: {repo.path}\n    name: acme/widgets\n"
        "affiliation:\n  organization: Acme\n  email_domains: [acme.com]\n"
        "objectives:\n  - id: people\n    title: Two contributors\n    kpi: active_contributors\n"
        "    baseline: {value: 1, date: 2026-09-01}\n    target: 2\n    due: 2027-06-30\n"
        "    owner: Jane Doe\n"
        "privacy: true\n",
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OSPO_CONFIG", str(config))
        patch.setenv("DATABASE_URL", f"sqlite:///{folder / 'private.db'}")
        patch.chdir(folder)
        assert main(["collect", "--no-progress", "--no-warm"]) == 0
    _github_activity(folder / "private.db")
    return folder


@pytest.fixture
def private_project(
    private_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A copy of the template's configuration and database for one test."""
    # The database with its write-ahead log, if SQLite keeps one.
    for path in [private_template / "ospo.yml", *private_template.glob("private.db*")]:
        shutil.copyfile(path, tmp_path / path.name)
    config = tmp_path / "ospo.yml"
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'private.db'}")
    monkeypatch.chdir(tmp_path)
    return config


def _github_activity(database: Path) -> None:
    """omar-s opens a pull request that Jane's login reviews and comments on."""
    from datetime import UTC, datetime

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from ospo_metrics.people.bots import BotRules
    from ospo_metrics.store import PeopleResolver, ensure_repository, write_issues

    engine = create_engine(f"sqlite:///{database}")
    when = datetime(2026, 10, 3, 12, tzinfo=UTC)
    with Session(engine) as session, session.begin():
        people = PeopleResolver(session, BotRules())
        repo_id = ensure_repository(session, "github", "acme/widgets")
        pull = {
            "number": 7,
            "is_pull_request": True,
            "title": "Fix for jane@acme.com by @omar-s",
            "author_id": people.resolve(None, login="omar-s"),
            "author_login": "omar-s",
            "state": "open",
            "created_at": when,
        }
        activity = {
            "kind": "review",
            "source_id": 70,
            "author_id": people.resolve(None, login="jane-doe"),
            "author_login": "jane-doe",
            "created_at": when,
        }
        write_issues(session, repo_id, [pull], {7: [activity]})
    engine.dispose()


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_cli_exports_and_the_report_name_nobody(private_project, tmp_path, capsys) -> None:
    capsys.readouterr()
    assert main(["export", "commits"]) == 0
    commits = capsys.readouterr().out
    assert commits.count("Person ") >= 2 and not _leaks(commits), commits
    assert main(["objectives", "-o", str(tmp_path / "objectives.csv")]) == 0
    assert not _leaks((tmp_path / "objectives.csv").read_text(encoding="utf-8"))
    assert main(["report", "-o", str(tmp_path / "report.html")]) == 0
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Privacy mode" in report and not _leaks(report)
    assert main(["people", "list", "-o", str(tmp_path / "people.csv")]) == 0
    assert not _leaks((tmp_path / "people.csv").read_text(encoding="utf-8"))
    for argv in (
        ["people", "list"],
        ["people", "show", "jane@acme.com"],
        ["people", "suggestions"],
    ):
        capsys.readouterr()
        assert main(argv) == 0
        shown = capsys.readouterr().out
        assert not _leaks(shown), (argv, shown)
    # The same exports name people with privacy off: the checks above can fail.
    private_project.write_text(
        private_project.read_text(encoding="utf-8").replace("privacy: true", "privacy: false"),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["export", "commits"]) == 0
    assert {"Jane", "jane@acme.com", "omar-s"} <= set(_leaks(capsys.readouterr().out))


def _page_text(at) -> str:
    parts = [frame.value.to_csv() for frame in at.dataframe]
    for kind in ("markdown", "caption", "text", "code", "error", "warning", "info", "title"):
        parts += [str(element.value) for element in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


# Every page app.py wires, so a page added later is checked too.
PAGES = tuple(
    re.findall(
        r'st\.Page\("(pages/[a-z_]+\.py)"', (Path(__file__).parents[1] / "app.py").read_text()
    )
)


def test_every_page_is_checked() -> None:
    assert {"pages/overview.py", "pages/people.py", "pages/export.py"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_pages_name_nobody_in_privacy_mode(app_env, private_project, page) -> None:  # noqa: F811
    at = run_app(page)
    text = _page_text(at)
    assert not _leaks(text), (page, _leaks(text))
    if page == "pages/people.py":
        assert at.dataframe[0].value["name"].dropna().str.startswith("Person ").all()
        assert not at.text_input  # no curation forms in privacy mode
    if page == "pages/export.py":
        commits = at.dataframe[1].value
        assert len(commits) == 2 and set(commits["author_name"]) == {"Person 1", "Person 2"}
