"""The People page (AppTest): tables with sources, suggestions accepted and rejected, curation
forms, on a seeded database, the demo and an empty database."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo
from test_pages import app_env, run_app, write_config  # noqa: F401 (fixture)

from ospo_metrics.collect import collect_git_sources
from ospo_metrics.context import open_context

PAGE = "pages/people.py"


def seeded(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """Jane writes from two addresses (a same-name suggestion), Omar from one."""
    repo = GitRepo.init(app_env / "widgets")
    authors = [
        ("Jane Doe", "jane@acme.com"),
        ("Omar Said", "omar@globex.com"),
        ("Jane Doe", "jane.doe@gmail.com"),
    ]
    for day, author in enumerate(authors, start=1):
        repo.commit(
            f"change {day}", {"f": f"{day}\n"}, author=author, date=f"2026-10-0{day}T12:00:00+00:00"
        )
    config = write_config(app_env, f"\n  - path: {repo.path}\n    name: acme/widgets")
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    context = open_context()
    assert [r.status for r in collect_git_sources(context)] == ["ok"]
    context.engine.dispose()


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_people_page_shows_identities_affiliations_and_suggestions(app_env, monkeypatch):  # noqa: F811
    seeded(app_env, monkeypatch)
    at = run_app(PAGE)
    assert (metric(at, "People"), metric(at, "Identities")) == ("3", "3")
    assert metric(at, "Merge suggestions") == "1"
    people, by_kind, identities, affiliations = (frame.value for frame in at.dataframe[:4])
    october = by_kind[by_kind["period_start"] == "2026-09-28"]  # the week of Oct 1-3
    assert october[["kind", "contributors"]].to_dict("records") == [
        {"kind": "commit", "contributors": 3}
    ]
    assert set(people["organization"]) == {"Acme", "globex.com", "Independent"}
    assert set(identities["identity"]) == {
        "email:jane@acme.com",
        "email:omar@globex.com",
        "email:jane.doe@gmail.com",
    }
    assert set(affiliations["source"]) == {"e-mail domain rule", "generic address"}
    at.button(key="accept_0").click().run()
    assert not at.exception
    assert "are one person" in at.success[0].value
    assert (metric(at, "People"), metric(at, "Merge suggestions")) == ("2", "0")


def test_rejected_suggestions_do_not_come_back(app_env, monkeypatch):  # noqa: F811
    seeded(app_env, monkeypatch)
    at = run_app(PAGE)
    at.button(key="reject_0").click().run()
    assert not at.exception and "stay apart" in at.success[0].value
    assert (metric(at, "People"), metric(at, "Merge suggestions")) == ("3", "0")
    at = run_app(PAGE)  # a new session reads the decision from the database
    assert metric(at, "Merge suggestions") == "0"


def test_curation_forms_merge_split_and_set_affiliations(app_env, monkeypatch):  # noqa: F811
    seeded(app_env, monkeypatch)
    at = run_app(PAGE)
    at.text_input(key="merge_people").input("omar@globex.com, jane@acme.com")
    at.button[-3].click().run()  # the Merge form's button
    assert not at.exception and "merged 2 people" in at.success[0].value
    assert metric(at, "People") == "2"
    at.text_input(key="split_person").input("omar@globex.com")
    at.text_input(key="split_identities").input("email:jane@acme.com")
    at.button[-2].click().run()
    assert "split 1 identities" in at.success[0].value and metric(at, "People") == "3"
    at.text_input(key="affiliation_person").input("Omar Said")
    at.text_input(key="affiliation_organization").input("Initech")
    at.button[-1].click().run()
    assert "belongs to Initech" in at.success[0].value
    people = at.dataframe[0].value
    assert people.set_index("emails").loc["omar@globex.com", "organization"] == "Initech"
    assert people.set_index("emails").loc["omar@globex.com", "affiliation_source"] == "curation"
    # A mistake is a message on the page, not a traceback.
    at.text_input(key="affiliation_person").input("nobody@nowhere.org")
    at.button[-1].click().run()
    assert not at.exception and "nobody known as" in at.error[0].value


def test_people_page_on_an_empty_database(app_env, monkeypatch):  # noqa: F811
    monkeypatch.setenv("OSPO_CONFIG", str(write_config(app_env, " []")))
    at = run_app(PAGE)
    assert "ospo-metrics collect" in at.info[0].value


def test_people_page_on_the_demo(demo_app):
    at = run_app(PAGE)
    assert int(metric(at, "People").replace(",", "")) > 10
    people = at.dataframe[0].value
    assert "Acme" in set(people["organization"]) and people["contributions"].sum() > 100
