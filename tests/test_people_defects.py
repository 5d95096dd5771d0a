"""Issue 6 §4: people defects found by comparing with independent counts (each failed before).

Real git repositories, the real git collector and the real read layer on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo

from collectors.git import GitSource
from ospo_metrics.collect_git import collect_git
from ospo_metrics.config import config_from_mapping
from ospo_metrics.context import Context
from ospo_metrics.people.affiliation import INDEPENDENT, AffiliationRules
from ospo_metrics.people.bots import AI_AGENT, BOT, HUMAN, BotRules
from ospo_metrics.queries import load_commits_table

GITHUB_STAFF = {"affiliation": {"organization": "GitHub", "email_domains": ["github.com"]}}


def collected(engine, tmp_path: Path, repo: GitRepo, config: dict | None = None):
    """Collect `repo` with `config` and return (context, commits table indexed by subject)."""
    context = Context(config=config_from_mapping(config or {}), engine=engine, database_url="")
    context.sync_people()
    collect_git(
        engine,
        GitSource(name="acme/r", path=repo.path),
        bots=context.bots,
        cache_dir=tmp_path / "cache",
    )
    return context, load_commits_table(engine, context.rules).set_index("subject")


def test_noreply_addresses_are_independent_even_when_github_com_is_an_employee_domain() -> None:
    rules = AffiliationRules.build("GitHub", ["github.com"])
    assert rules.organization_for_email("12+jdoe@users.noreply.github.com") == INDEPENDENT
    assert rules.organization_for_email("jdoe@users.noreply.github.com") == INDEPENDENT
    assert rules.organization_for_email("hubot@github.com") == "GitHub"  # the domain itself


def test_bots_in_export_commits_belong_to_no_organization(engine, tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    dependabot = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
    repo.commit("Bump x", {"f": "1\n"}, author=dependabot)
    repo.commit("Human", {"f": "2\n"}, author=("Mona", "mona@github.com"))
    _, table = collected(engine, tmp_path, repo, GITHUB_STAFF)
    assert table.loc["Bump x", "organization"] == "Bot"
    assert not table.loc["Bump x", "is_employee"]
    assert table.loc["Human", "organization"] == "GitHub"


@pytest.mark.parametrize("order", ["human name first", "bot name first"])
def test_any_rule_flagging_an_identity_flags_all_its_commits(engine, tmp_path, order) -> None:
    repo = GitRepo.init(tmp_path / "r")
    email = "198982749+Copilot@users.noreply.example.com"
    names = ["Copilot", "copilot-swe-agent[bot]"]
    if order == "bot name first":
        names.reverse()
    for i, name in enumerate(names):
        repo.commit(f"c{i}", {"f": f"{i}\n"}, author=(name, email))
    _, table = collected(engine, tmp_path, repo)
    assert table["author_id"].nunique() == 1
    assert table["is_bot"].tolist() == [True, True]
    assert table["actor"].tolist() == [AI_AGENT, AI_AGENT]


def test_a_human_first_seen_then_flagged_by_a_later_name_is_a_bot(engine, tmp_path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit("one", {"f": "1\n"}, author=("Release Tool", "ci@acme.example"))
    repo.commit("two", {"f": "2\n"}, author=("release-bot", "ci@acme.example"))
    _, table = collected(engine, tmp_path, repo)
    assert table["is_bot"].tolist() == [True, True]


def test_an_author_without_an_email_is_not_a_human(engine, tmp_path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit("ai", {"f": "1\n"}, author=("Sourcery AI", ""))
    repo.commit("tool", {"f": "2\n"}, author=("Nightly Build", ""))
    repo.commit("person", {"f": "3\n"}, author=("Jane Doe", "jane@example.org"))
    _, table = collected(engine, tmp_path, repo)
    assert table.loc["ai", "actor"] == AI_AGENT
    assert table.loc["tool", "actor"] == BOT
    assert table.loc["person", "actor"] == HUMAN
    assert table["is_bot"].tolist() == [True, True, False]


def test_the_collector_bot_rule_uses_the_email_local_part() -> None:
    rules = BotRules.from_config(patterns=["ci-*"])
    assert rules.is_bot(email="ci-runner@acme.com")
    config = config_from_mapping({"bots": {"patterns": ["ci-*"]}})
    assert config.bots.is_bot(email="ci-runner@acme.com")


@pytest.mark.parametrize(
    ("name", "email", "login"),
    [
        ("Jane", "jane@acme.com", None),
        ("ci-runner", "x@acme.com", None),
        (None, "deploy-bot@acme.com", None),
        (None, None, "renovate[bot]"),
        ("Robot Arm", "robot@acme.com", "robot-arm"),
        ("Copilot", "1+Copilot@users.noreply.github.com", None),
        ("Sourcery AI", "", None),
        (None, "ci@acme.com", None),
        (None, None, "Acme-Robot"),
    ],
)
def test_config_and_collector_bot_rules_are_one_rule(name, email, login) -> None:
    raw = {
        "logins": ["Acme-Robot"],
        "emails": ["ci@acme.com"],
        "patterns": ["ci-*", "robot*"],
    }
    config = config_from_mapping({"bots": raw})
    rules = BotRules.from_config(config.bots)
    assert config.bots.is_bot(login=login, name=name, email=email) == rules.is_bot(
        name=name, email=email, login=login
    )


def test_export_commits_shows_each_commits_own_author_name(engine, tmp_path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit("first", {"f": "1\n"}, author=("J. Doe", "jane@example.org"))
    repo.commit("second", {"f": "2\n"}, author=("Jane Doe", "jane@example.org"))
    _, table = collected(engine, tmp_path, repo)
    assert table["author_id"].nunique() == 1
    assert table.loc["first", "author_name"] == "J. Doe"
    assert table.loc["second", "author_name"] == "Jane Doe"


@pytest.mark.parametrize(
    ("name", "email", "login", "actor"),
    [
        ("Copilot", "198982749+Copilot@users.noreply.github.com", None, AI_AGENT),
        (None, None, "copilot-swe-agent[bot]", AI_AGENT),
        ("Claude", "noreply@anthropic.com", None, AI_AGENT),
        (None, None, "claude[bot]", AI_AGENT),
        ("Sourcery AI", "", None, AI_AGENT),
        (None, None, "sourcery-ai[bot]", AI_AGENT),
        (
            "Devin AI",
            "158243242+devin-ai-integration[bot]@users.noreply.github.com",
            None,
            AI_AGENT,
        ),
        ("Cursor Agent", "cursoragent@cursor.com", None, AI_AGENT),
        (None, None, "chatgpt-codex-connector[bot]", AI_AGENT),
        (None, None, "google-labs-jules[bot]", AI_AGENT),
        ("Paul Gauthier (aider)", "paul@example.org", None, AI_AGENT),
        (None, None, "dependabot[bot]", BOT),
        ("Claude Monet", "claude@monet.example", None, HUMAN),
        ("Devin Smith", "devin@example.org", "devin", HUMAN),
    ],
)
def test_ai_coding_agents_are_recognized(name, email, login, actor) -> None:
    assert BotRules.from_config().classify(name=name, email=email, login=login) == actor


def test_ai_agents_count_as_contributors_when_configured(engine, tmp_path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit("agent", {"f": "1\n"}, author=("Copilot", "1+Copilot@users.noreply.github.com"))
    repo.commit(
        "bot", {"f": "2\n"}, author=("renovate[bot]", "2+renovate[bot]@users.noreply.github.com")
    )
    _, default = collected(engine, tmp_path, repo)
    assert default["is_bot"].tolist() == [True, True]
    counted = {"bots": {"ai_agents": "contributors"}}
    _, table = collected(engine, tmp_path, repo, counted)
    assert table.loc["agent", "actor"] == AI_AGENT and not table.loc["agent", "is_bot"]
    assert table.loc["bot", "is_bot"]
