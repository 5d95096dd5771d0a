"""Tests for ospo_metrics.config: loading ospo.yml and reporting every error with a position."""

import datetime as dt
import sys
import textwrap
import types
from pathlib import Path

import pytest

from ospo_metrics.config import (
    DEFAULT_DATABASE_URL,
    Config,
    ConfigError,
    config_from_mapping,
    find_config_path,
    glob_match,
    load_config,
    resolve_database_url,
)

REPO_ROOT = Path(__file__).resolve().parent.parent

OBJECTIVE = """\
objectives:
  - id: ttfr
    title: Reply fast
    kpi: time_to_first_response
    baseline: {value: 70, date: 2026-10-01}
    target: 48
    due: 2027-06-30
"""


@pytest.fixture
def known_kpis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the KPI registry so the tests do not depend on the state of the kpis package."""
    stub = types.ModuleType("kpis")
    stub.REGISTRY = {  # type: ignore[attr-defined]
        "commits": object(),
        "active_contributors": object(),
        "time_to_first_response": object(),
    }
    monkeypatch.setitem(sys.modules, "kpis", stub)


def write(tmp_path: Path, text: str, name: str = "ospo.yml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value


def test_example_config_loads() -> None:
    # Uses the real KPI registry when the kpis package is importable.
    config = load_config(REPO_ROOT / "ospo.example.yml")
    assert config.organizations == ["acme", "acme-labs"]
    assert config.affiliation is not None and config.affiliation.organization == "Acme"
    assert [o.id for o in config.objectives] == ["ttfr-top20", "contributors-acme", "commits-cloud"]
    assert config.objectives[0].start_date == dt.date(2026, 10, 1)
    assert config.objectives[1].start_date == dt.date(2026, 7, 1)  # defaults to baseline date
    assert config.affiliation.people[0].employments[1].end is None
    assert config.affiliation.people[1].organization == "Red Hat"
    assert config.path == (REPO_ROOT / "ospo.example.yml").absolute()
    assert config.resolved_data_dir() == (REPO_ROOT / "data").resolve()
    assert config.source.endswith("ospo.example.yml")


def test_example_covers_every_section() -> None:
    text = (REPO_ROOT / "ospo.example.yml").read_text(encoding="utf-8")
    for key in Config.model_fields:
        assert f"\n{key}:" in text, key


def test_empty_file_is_valid_empty_config(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "# nothing configured yet\n"))
    assert config.organizations == []
    assert config.github.token_env == "GITHUB_TOKEN"
    assert config.affiliation is None


def test_empty_sections_mean_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "github:\nupstream:\n  since:\norganizations:\n"))
    assert config.github.base_url == "https://api.github.com"
    assert config.upstream.since is None
    assert config.organizations == []


def test_defaults_filled_in(tmp_path: Path, known_kpis: None) -> None:
    affiliation = """\
        affiliation:
          organization: Acme
          people:
            - login: jdoe
              employments: [{from: 2021-03-01, to: 2024-06-30}, {from: 2025-01-15}]
        """
    path = write(tmp_path, textwrap.dedent(affiliation) + OBJECTIVE)
    config = load_config(path)
    person = config.affiliation.people[0]  # type: ignore[union-attr]
    assert person.organization == "Acme"
    assert person.employed_on(dt.date(2022, 1, 1))
    assert not person.employed_on(dt.date(2024, 10, 1))
    assert config.objectives[0].scope == "all"


def test_wrong_type_reports_line_column_and_field(tmp_path: Path, known_kpis: None) -> None:
    path = write(tmp_path, OBJECTIVE.replace("target: 48", "target: 48h"))
    err = errors_of(path)
    assert str(err) == (
        f"{path}:6:13: objectives[0].target: "
        "Input should be a valid number, unable to parse string as a number"
    )
    [issue] = err.errors
    assert (issue.file, issue.line, issue.column, issue.field) == (
        str(path),
        6,
        13,
        "objectives[0].target",
    )


def test_unknown_key_points_at_key_and_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, "github:\n  base_url: https://api.github.com\n  tokn_env: GH\n")
    err = errors_of(path)
    assert str(err).startswith(f"{path}:3:3: github.tokn_env: unknown key")
    assert "did you mean 'token_env'" in str(err)


def test_missing_required_key_points_at_parent_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "demo: true\naffiliation:\n  email_domains: [acme.com]\n")
    assert str(errors_of(path)) == f"{path}:3:3: affiliation.organization: required key is missing"


def test_invalid_enum_and_date(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        github:
          on_rate_limit: sleep
        upstream:
          since: 2024-02-30
        """,
    )
    lines = str(errors_of(path)).splitlines()
    assert lines[0].startswith(f"{path}:2:18: github.on_rate_limit: Input should be 'wait'")
    assert lines[1].startswith(f"{path}:4:10: upstream.since: Input should be a valid date")


def test_many_errors_reported_at_once(tmp_path: Path, known_kpis: None) -> None:
    path = write(
        tmp_path,
        """\
        organizations: [acme, "not a login"]
        github:
          on_rate_limit: never
        repositories:
          - path: /srv/x
            url: https://github.com/acme/x.git
        groups:
          cloud: [acme/cloud-*]
          "top 20": [acme/x]
        objectives:
          - id: a
            title: A
            kpi: commitz
            scope: group:nope
            baseline: {value: 1, date: 2026-01-01}
            target: 2
            due: 2025-01-01
          - id: a
            title: B
            kpi: commits
            baseline: {value: 1, date: 2026-01-01}
            target: x
            due: 2027-01-01
        demo: maybe
        """,
    )
    err = errors_of(path)
    located = [(i.line, i.field) for i in err.errors]
    assert located == [
        (1, "organizations[1]"),
        (3, "github.on_rate_limit"),
        (5, "repositories[0]"),
        (9, "groups['top 20']"),
        (13, "objectives[0].kpi"),
        (14, "objectives[0].scope"),
        (17, "objectives[0].due"),
        (18, "objectives[1].id"),
        (22, "objectives[1].target"),
        (24, "demo"),
    ]
    report = str(err)
    assert len(report.splitlines()) == len(located)
    assert "did you mean 'commits'" in report
    assert "unknown group 'nope'" in report
    assert "duplicate id 'a'" in report
    assert f"{path}:9:3: groups['top 20']: invalid group name" in report


def test_unknown_kpi(tmp_path: Path, known_kpis: None) -> None:
    path = write(tmp_path, OBJECTIVE.replace("kpi: time_to_first_response", "kpi: stars"))
    assert str(errors_of(path)).startswith(f"{path}:4:10: objectives[0].kpi: unknown KPI 'stars'")


def test_unknown_kpi_accepted_without_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "kpis", None)  # makes `import kpis` raise ImportError
    path = write(tmp_path, OBJECTIVE.replace("kpi: time_to_first_response", "kpi: stars"))
    assert load_config(path).objectives[0].kpi == "stars"


def test_unknown_aggregation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real kpis package: the allowed values come from kpis.objectives.AGGREGATIONS.
    from kpis.objectives import AGGREGATIONS

    text = OBJECTIVE.replace("    target:", "    aggregation: median_9d\n    target:")
    path = write(tmp_path, text)
    assert str(errors_of(path)) == (
        f"{path}:6:18: objectives[0].aggregation: unknown aggregation 'median_9d'; "
        f"allowed: {', '.join(AGGREGATIONS)}"
    )
    assert "median_90d" in AGGREGATIONS and "sum_ytd" in AGGREGATIONS
    ok = load_config(write(tmp_path, text.replace("median_9d", "median_90d"), "ok.yml"))
    assert ok.objectives[0].aggregation == "median_90d"
    # Without kpis (None in sys.modules makes the import fail) any well-formed id passes.
    monkeypatch.setitem(sys.modules, "kpis.objectives", None)
    assert load_config(path).objectives[0].aggregation == "median_9d"


def test_scope_must_name_existing_group_and_listed_org(tmp_path: Path, known_kpis: None) -> None:
    text = "organizations: [acme]\ngroups:\n  cloud: [acme/cloud-*]\n" + OBJECTIVE.replace(
        "    kpi:", "    scope: group:clowd\n    kpi:"
    )
    path = write(tmp_path, text)
    assert str(errors_of(path)).startswith(f"{path}:7:12: objectives[0].scope: unknown group")
    path = write(tmp_path, text.replace("group:clowd", "org:other"))
    assert str(errors_of(path)).startswith(f"{path}:7:12: objectives[0].scope: organization")
    path = write(tmp_path, text.replace("group:clowd", "team:x"))
    assert str(errors_of(path)).startswith(f"{path}:7:12: objectives[0].scope: invalid scope")
    assert load_config(write(tmp_path, text.replace("clowd", "cloud"))).objectives[0].scope


def test_due_must_be_after_start(tmp_path: Path, known_kpis: None) -> None:
    path = write(tmp_path, OBJECTIVE.replace("due: 2027-06-30", "due: 2026-09-01"))
    assert str(errors_of(path)) == (
        f"{path}:7:10: objectives[0].due: `due` (2026-09-01) must be after the baseline date "
        "(2026-10-01)"
    )
    text = OBJECTIVE.replace("target: 48", "target: 48\n    start: 2027-07-01")
    path = write(tmp_path, text)
    assert str(errors_of(path)).startswith(f"{path}:8:10: objectives[0].due: `due` (2027-06-30)")


def test_duplicate_objective_ids(tmp_path: Path, known_kpis: None) -> None:
    item = OBJECTIVE.split("\n", 1)[1]
    path = write(tmp_path, OBJECTIVE + item)
    assert str(errors_of(path)) == (
        f"{path}:8:9: objectives[1].id: duplicate id 'ttfr' (also used by objectives[0])"
    )


def test_employment_periods(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        affiliation:
          organization: Acme
          people:
            - login: jdoe
              employments:
                - {from: 2021-03-01, to: 2024-06-30}
                - {from: 2024-06-01}
            - name: Nobody
              employments:
                - {from: 2022-01-01, to: 2021-01-01}
        """,
    )
    assert [(i.line, i.field) for i in errors_of(path).errors] == [
        (7, "affiliation.people[0].employments[1]"),
        (8, "affiliation.people[1]"),
        (10, "affiliation.people[1].employments[0].to"),
    ]


def test_repository_needs_exactly_one_source(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        repositories:
          - github: acme/foo
          - refs: [main]
          - path: ./clone
            github: acme/bar
        """,
    )
    err = errors_of(path)
    assert [(i.line, i.column, i.field) for i in err.errors] == [
        (3, 5, "repositories[1]"),
        (4, 5, "repositories[2]"),
    ]
    assert "exactly one of `path`, `url` or `github`" in str(err)


def test_repository_full_names(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            """\
            repositories:
              - github: acme/foo
              - url: git@github.com:acme/bar.git
              - path: /srv/mirrors/internal-tool
              - path: clone
                name: acme/renamed
            """,
        )
    )
    assert [r.full_name for r in config.repositories] == [
        "acme/foo",
        "acme/bar",
        "mirrors/internal-tool",
        "acme/renamed",
    ]
    assert config.resolve_path(config.repositories[3].path) == (tmp_path / "clone").resolve()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "token",
    [
        "ghp_" + "a1B2" * 9,
        "github_pat_11ABCDEFG0_" + "x" * 40,
        "gho_" + "Z" * 36,
        "ghs_" + "q" * 36,
    ],
)
def test_token_in_token_env_is_rejected_without_echo(tmp_path: Path, token: str) -> None:
    path = write(tmp_path, f"github:\n  token_env: {token}\n")
    err = errors_of(path)
    report = str(err)
    assert report.startswith(f"{path}:2:14: github.token_env:")
    assert "NAME of the environment variable" in report
    assert token not in report and token[4:] not in report
    assert token not in repr(err.errors)
    # No chained pydantic error (whose repr would include the input) rides along.
    assert err.__cause__ is None
    assert err.__suppress_context__ or token not in str(err.__context__)


def test_token_env_must_be_a_variable_name(tmp_path: Path) -> None:
    path = write(tmp_path, "github:\n  token_env: my token\n")
    assert "NAME of an environment variable" in str(errors_of(path))
    config = load_config(write(tmp_path, "github:\n  token_env: ACME_GH_TOKEN\n"))
    assert config.github.read_token({"ACME_GH_TOKEN": "secret"}) == "secret"


def test_yaml_syntax_error_has_position(tmp_path: Path) -> None:
    path = write(tmp_path, "organizations: [acme\ngroups: {}\n")
    err = errors_of(path)
    [issue] = err.errors
    assert (issue.line, issue.column) == (2, 7)
    assert str(err).startswith(f"{path}:2:7: YAML syntax error:")


def test_duplicate_yaml_key_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "demo: true\ndemo: false\n")
    assert str(errors_of(path)) == f"{path}:2:1: duplicate key 'demo' (first given on line 1)"


def test_top_level_must_be_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "- acme\n")
    assert str(errors_of(path)) == f"{path}:1:1: expected a mapping of keys to values"


def test_missing_file_names_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.yml"
    err = errors_of(path)
    assert str(err) == f"{path}: configuration file not found"
    assert err.errors[0].line is None


def test_config_from_mapping() -> None:
    config = config_from_mapping({"demo": True, "organizations": ["acme"]})
    assert config.demo and config.source == "<demo>" and config.path is None
    with pytest.raises(ConfigError) as info:
        config_from_mapping({"demo": "maybe", "colour": 1}, source="<builtin>")
    assert str(info.value).splitlines() == [
        "<builtin>: demo: Input should be a valid boolean, unable to interpret input",
        "<builtin>: colour: unknown key (allowed: database, data_dir, demo, github, "
        "organizations, repositories, mirrors, groups, upstream, affiliation, bots, objectives, "
        "compliance, privacy, health, alerts, service_levels)",
    ]


def test_database_url_precedence(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "database: postgresql+psycopg://ospo@db/ospo\n"))
    assert resolve_database_url(None, env={}) == DEFAULT_DATABASE_URL
    assert resolve_database_url(config, env={}) == "postgresql+psycopg://ospo@db/ospo"
    env = {"DATABASE_URL": "sqlite:///other.db"}
    assert resolve_database_url(config, env=env) == "sqlite:///other.db"
    assert resolve_database_url(None, env=env) == "sqlite:///other.db"
    assert resolve_database_url(config, env={"DATABASE_URL": ""}) == config.database


def test_invalid_database_url_not_echoed(tmp_path: Path) -> None:
    path = write(tmp_path, "database: 'postgresql://u:hunter2@db:port/x'\n")
    report = str(errors_of(path))
    assert report.startswith(f"{path}:1:11: database: not a valid SQLAlchemy URL")
    assert "hunter2" not in report


def test_data_dir_relative_to_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "conf").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(write(tmp_path, "data_dir: ./cache\n", name="conf/ospo.yml"))
    assert config.resolved_data_dir() == (tmp_path / "conf" / "cache").resolve()
    assert load_config(write(tmp_path, "{}\n")).resolved_data_dir() == (tmp_path / "data").resolve()
    assert config_from_mapping({}).resolved_data_dir() == (elsewhere / "data").resolve()
    absolute = tmp_path / "abs"
    assert load_config(write(tmp_path, f"data_dir: {absolute}\n")).resolved_data_dir() == absolute


def test_find_config_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_config_path(None, env={}) is None
    assert find_config_path(None, env={"OSPO_CONFIG": "x.yml"}) == Path("x.yml")
    assert find_config_path("cli.yml", env={"OSPO_CONFIG": "x.yml"}) == Path("cli.yml")
    (tmp_path / "ospo.yml").write_text("{}\n")
    assert find_config_path(None, env={}) == Path("ospo.yml")


def test_bot_patterns_treat_brackets_literally() -> None:
    bots = config_from_mapping({"bots": {"logins": ["acme-robot"], "patterns": ["ci-*"]}}).bots
    assert bots.is_bot(login="dependabot[bot]")
    assert bots.is_bot(login="Acme-Robot")
    assert bots.is_bot(email="ci-runner@acme.com")
    assert not bots.is_bot(login="scott")  # fnmatch would read *[bot] as "ends in b, o or t"
    assert glob_match("acme/cloud-*", "ACME/cloud-api")


def test_glob_star_patterns_match_pieces_in_order_without_overlap() -> None:
    # Star-only globs are compiled to prefix/suffix/find tests: the pieces must not overlap
    # and must come in order, as the general matcher reads them.
    assert not glob_match("ab*ba", "aba")  # prefix and suffix would share the middle "b"
    assert glob_match("ab*ba", "abba") and glob_match("AB*BA", "abxba")
    assert glob_match("*a*b*c", "xxaxbxc") and not glob_match("*a*b*c", "xxbxaxc")
    assert not glob_match("a*b*b", "ab") and glob_match("a*b*b", "abb")
    assert glob_match("*", "") and glob_match("**", "x") and not glob_match("", "x")
    assert glob_match("gmail.com", "GMAIL.com") and not glob_match("gmail.com", "gmail.co")


def test_affiliation_domain_helpers() -> None:
    affiliation = config_from_mapping(
        {
            "affiliation": {
                "organization": "Acme",
                "email_domains": ["@Acme.com"],
                "generic_domains": ["mail.example"],
                "domain_organizations": {"redhat.com": "Red Hat"},
            }
        }
    ).affiliation
    assert affiliation is not None
    assert affiliation.email_domains == ["acme.com"]
    assert affiliation.is_employee_domain("eu.acme.com")
    assert not affiliation.is_employee_domain("notacme.com")
    assert affiliation.is_generic_domain("gmx.net")
    assert affiliation.is_generic_domain("mail.example")
    assert affiliation.organization_for_domain("emea.redhat.com") == "Red Hat"


def test_model_validate_directly_still_enforces_cross_field_rules() -> None:
    with pytest.raises(ValueError, match="exactly one of"):
        Config.model_validate({"repositories": [{}]})


def test_health_exemptions_need_one_target_a_reason_and_an_expiry() -> None:
    config = config_from_mapping(
        {
            "health": {
                "exemptions": [
                    {"topic": " Feature-Complete ", "reason": "done", "until": "2027-01-01"}
                ]
            }
        }
    )
    assert config.health.exemptions[0].topic == "feature-complete"
    assert config.health.stale_after_days == 180
    with pytest.raises(ConfigError) as info:
        config_from_mapping(
            {
                "health": {
                    "stale_after_days": 0,
                    "exemptions": [
                        {
                            "topic": "x",
                            "repository": "acme/a",
                            "reason": "r",
                            "until": "2027-01-01",
                        },
                        {"repository": "acme/b", "until": "2027-01-01"},
                    ],
                }
            }
        )
    text = str(info.value)
    assert "health.stale_after_days" in text
    assert "exactly one of `repository`" in text
    assert "health.exemptions[1].reason: required key is missing" in text
