"""Affiliation: each contribution counts for the organization of its date (real databases)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo
from sqlalchemy import select

from collectors.git import GitSource
from ospo_metrics.affiliation import INDEPENDENT, UNKNOWN, AffiliationRules
from ospo_metrics.collect_git import collect_git
from ospo_metrics.config import config_from_mapping
from ospo_metrics.context import Context
from ospo_metrics.read import load_commits_table

RULES = AffiliationRules.build("Acme", ["acme.com"], ["mail.example"], {"redhat.com": "Red Hat"})


@pytest.mark.parametrize(
    ("email", "organization"),
    [
        ("jane@acme.com", "Acme"),
        ("jane@eu.acme.com", "Acme"),  # subdomains of an employee domain
        ("dev@redhat.com", "Red Hat"),  # mapped company domain
        ("dev@corp.redhat.com", "Red Hat"),
        ("someone@gmail.com", INDEPENDENT),  # built-in generic provider
        ("someone@gmx.de", INDEPENDENT),  # glob in the built-in list
        ("someone@mail.example", INDEPENDENT),  # configured extra generic domain
        ("12+jdoe@users.noreply.github.com", INDEPENDENT),
        ("dev@globex.com", "globex.com"),  # unknown company: its domain
        ("root@localhost", UNKNOWN),
        ("", UNKNOWN),
    ],
)
def test_organization_from_email(email: str, organization: str) -> None:
    assert RULES.organization_for_email(email) == organization


def test_dated_employment_assigns_each_commit_to_the_organization_of_its_date(engine, tmp_path):
    repo = GitRepo.init(tmp_path / "widgets")
    kim = ("Kim Lee", "kim@gmail.com")
    dates = ["2023-05-01", "2024-02-01", "2024-09-01", "2025-03-01"]
    for day in dates:
        repo.commit(f"work {day}", {"f": f"{day}\n"}, author=kim, date=f"{day}T12:00:00Z")
    repo.commit(
        "from work", {"g": "1\n"}, author=("Kim Lee", "kim@acme.com"), date="2024-03-01T12:00:00Z"
    )
    config = config_from_mapping(
        {
            "affiliation": {
                "organization": "Acme",
                "email_domains": ["acme.com"],
                "people": [
                    {
                        "name": "Kim Lee",
                        "emails": ["kim@gmail.com", "kim@acme.com"],
                        "employments": [{"from": "2024-01-15", "to": "2024-06-30"}],
                    },
                    {
                        "name": "Kim Lee",
                        "emails": ["kim@gmail.com"],
                        "organization": "Globex",
                        "employments": [{"from": "2025-01-01"}],
                    },
                ],
            }
        }
    )
    context = Context(config=config, engine=engine, database_url="")
    context.sync_people()
    collect_git(
        engine,
        GitSource(name="acme/widgets", path=repo.path),
        bots=context.bots,
        cache_dir=tmp_path / "cache",
    )
    table = load_commits_table(engine, context.rules).set_index("subject")
    assert table["author_id"].nunique() == 1, "both emails are one configured person"
    assert table.loc["work 2023-05-01", "organization"] == INDEPENDENT  # before joining
    assert table.loc["work 2024-02-01", "organization"] == "Acme"  # employed
    assert table.loc["from work", "organization"] == "Acme"
    assert table.loc["work 2024-09-01", "organization"] == INDEPENDENT  # left in June
    assert table.loc["work 2025-03-01", "organization"] == "Globex"  # open-ended employment
    assert table["is_employee"].sum() == 2

    # Re-applying the configuration converges to the same rows.
    context.sync_people()
    again = load_commits_table(engine, context.rules).set_index("subject")
    assert again["organization"].to_dict() == table["organization"].to_dict()


def test_config_people_merge_identities_collected_before(engine, tmp_path: Path):
    repo = GitRepo.init(tmp_path / "r")
    repo.commit("a", {"f": "1\n"}, author=("Kim", "kim@gmail.com"), date="2024-01-01T12:00:00Z")
    repo.commit("b", {"f": "2\n"}, author=("Kim", "kim@home.example"), date="2024-01-02T12:00:00Z")
    bare = config_from_mapping({})
    context = Context(config=bare, engine=engine, database_url="")
    collect_git(
        engine,
        GitSource(name="acme/r", path=repo.path),
        bots=context.bots,
        cache_dir=tmp_path / "cache",
    )
    assert load_commits_table(engine, context.rules)["author_id"].nunique() == 2

    merged = config_from_mapping(
        {
            "affiliation": {
                "organization": "Acme",
                "people": [{"name": "Kim", "emails": ["kim@gmail.com", "kim@home.example"]}],
            }
        }
    )
    Context(config=merged, engine=engine, database_url="").sync_people()
    assert load_commits_table(engine, context.rules)["author_id"].nunique() == 1


def test_configured_employment_wins_over_membership_where_it_applies(engine, tmp_path):
    from sqlalchemy.orm import Session

    from ospo_metrics.models import Affiliation

    repo = GitRepo.init(tmp_path / "r")
    kim = ("Kim Lee", "kim@gmail.com")
    repo.commit("2020", {"f": "1\n"}, author=kim, date="2020-06-01T12:00:00Z")
    repo.commit("2023", {"f": "2\n"}, author=kim, date="2023-06-01T12:00:00Z")
    config = config_from_mapping(
        {
            "affiliation": {
                "organization": "Acme",
                "people": [
                    {
                        "emails": ["kim@gmail.com"],
                        "organization": "Globex",
                        "employments": [{"from": "2019-01-01", "to": "2021-12-31"}],
                    }
                ],
            }
        }
    )
    context = Context(config=config, engine=engine, database_url="")
    context.sync_people()
    collect_git(
        engine,
        GitSource(name="acme/r", path=repo.path),
        bots=context.bots,
        cache_dir=tmp_path / "cache",
    )
    with Session(engine) as session, session.begin():
        person = session.scalar(select(Affiliation.person_id))
        # Observed later than the configuration was applied: a newer row, undated.
        session.add(
            Affiliation(
                person_id=person,
                organization="Acme",
                is_employer=True,
                valid_from=None,
                valid_to=None,
                source="org_membership",
            )
        )
    table = load_commits_table(engine, context.rules).set_index("subject")
    assert table.loc["2020", "organization"] == "Globex"  # the configuration applies
    assert table.loc["2023", "organization"] == "Acme"  # membership, outside it
