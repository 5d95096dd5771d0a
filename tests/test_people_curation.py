"""`ospo-metrics people ...` end to end on SQLite and PostgreSQL: list, show, merge, split,
affiliations, suggestions, the decisions file across a rebuild, and KPIs that follow at once."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from gitrepo import GitRepo

import kpis
from ospo_metrics import read
from ospo_metrics.cli import main
from ospo_metrics.context import open_context

FIXTURES = Path(__file__).parent / "fixtures" / "people"
OCTOBER = pd.Timestamp("2026-10-01", tz="UTC")

# (author, day of October 2026). Jane writes from two addresses, Omar from his company
# address and his GitHub noreply one (login omar-s), Li co-authors with Jane's gmail address.
HISTORY = [
    (("Jane Doe", "jane@acme.com"), 1),
    (("Omar Said", "omar@globex.com"), 2),
    (("Jane Doe", "jane@acme.com"), 3),
    (("omar", "12345+omar-s@users.noreply.github.com"), 4),
    (("Jane Doe", "jane.doe@gmail.com"), 5),
    (("Li Wei", "li@initech.com"), 6),
]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """The git repository of HISTORY, made once (collections only read it)."""
    repo = GitRepo.init(tmp_path_factory.mktemp("people") / "widgets")
    for author, day in HISTORY:
        message = f"change {day}"
        if day == 6:
            message += "\n\nCo-authored-by: Jane Doe <jane.doe@gmail.com>"
        repo.commit(
            message, {"f": f"{day}\n"}, author=author, date=f"2026-10-{day:02d}T12:00:00+00:00"
        )
    return repo


@pytest.fixture
def project(history: GitRepo, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = history
    config = tmp_path / "ospo.yml"
    config.write_text(
        f"repositories:\n  - path: {repo.path}\n    name: acme/widgets\n"
        "affiliation:\n  organization: Acme\n  email_domains: [acme.com]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    assert main(["collect", "--no-progress"]) == 0
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def active_in_october() -> float:
    """Active contributors of October 2026, read through the read layer (and its caches)."""
    context = open_context()
    try:
        series = kpis.series("active_contributors", read.context_frames(context), "month")
    finally:
        context.engine.dispose()
    return float(series.loc[series["period_start"] == OCTOBER.tz_localize(None), "value"].iloc[0])


def organizations(capsys) -> dict[str, str]:
    """subject -> organization, from `export commits`."""
    code, out, _ = run(capsys, "export", "commits")
    assert code == 0
    return {row["subject"]: row["organization"] for row in csv.DictReader(io.StringIO(out))}


def test_a_merge_changes_the_counts_at_once_and_a_split_undoes_it(project, capsys) -> None:
    # Jane x2, Omar x2 (address and noreply), Li: 5 people; warmed by collect and read once.
    assert active_in_october() == 5
    code, out, _ = run(capsys, "people", "merge", "jane@acme.com", "jane.doe@gmail.com")
    assert code == 0 and "merged 2 people" in out
    assert active_in_october() == 4  # no stale cached number
    code, out, _ = run(capsys, "people", "merge", "omar@globex.com", "@omar-s")
    assert code == 0 and active_in_october() == 3
    code, out, _ = run(capsys, "people", "show", "@omar-s")
    assert "email:omar@globex.com" in out and "github:omar-s" in out
    assert "commit 2" in out
    code, out, _ = run(capsys, "people", "split", "@omar-s", "github:omar-s")
    assert code == 0 and "split 1 identities" in out
    assert active_in_october() == 4
    # A split is a "no": collecting again does not join them back.
    assert main(["collect", "--no-progress"]) == 0
    assert active_in_october() == 4


def test_list_and_show_give_identities_organizations_and_kinds(project, capsys) -> None:
    assert main(["people", "list", "-o", "people.csv"]) == 0
    rows = list(csv.DictReader((project / "people.csv").open(encoding="utf-8")))
    by_email = {row["emails"]: row for row in rows}
    assert by_email["jane@acme.com"]["organization"] == "Acme"
    assert by_email["jane@acme.com"]["affiliation_source"] == "e-mail domain rule"
    assert by_email["jane.doe@gmail.com"]["organization"] == "Independent"
    # Jane's gmail person: one commit and one co-authored commit.
    assert by_email["jane.doe@gmail.com"]["contributions"] == "2"
    _, out, _ = run(capsys, "people", "show", "jane.doe@gmail.com")
    assert "commit 1" in out and "co_authored_commit 1" in out
    _, out, _ = run(capsys, "people", "list", "--search", "omar")
    assert "omar-s" in out and "Jane" not in out


def test_dated_affiliations_win_and_can_be_removed(project, capsys) -> None:
    code, out, _ = run(
        capsys, "people", "set-affiliation", "Li Wei", "Acme", "--from", "2026-10-06"
    )
    assert code == 0 and "belongs to Acme (2026-10-06 to now)" in out
    assert organizations(capsys)["change 6"] == "Acme"
    code, out, _ = run(capsys, "people", "show", "li@initech.com")
    assert "Acme  2026-10-06..…  [curation]" in out
    code, out, _ = run(capsys, "people", "remove-affiliation", "li@initech.com")
    assert "removed 1 curated" in out
    assert organizations(capsys)["change 6"] == "initech.com"


def test_suggestions_are_accepted_or_rejected_for_good(project, capsys) -> None:
    code, out, _ = run(capsys, "people", "suggestions")
    assert "same name" in out and "jane@acme.com" in out and "jane.doe@gmail.com" in out
    code, out, _ = run(capsys, "people", "reject", "email:jane@acme.com", "jane.doe@gmail.com")
    assert code == 0 and "stay apart" in out
    assert main(["collect", "--no-progress"]) == 0
    code, out, _ = run(capsys, "people", "suggestions")
    assert "jane" not in out  # rejected: never suggested again, even after a new collection
    # A merge later is a newer "yes" and wins over the rejection.
    code, out, _ = run(capsys, "people", "merge", "jane@acme.com", "jane.doe@gmail.com")
    assert code == 0 and active_in_october() == 4
    code, out, err = run(capsys, "people", "accept", "jane@acme.com", "jane.doe@gmail.com")
    assert code == 2 and "already one person" in err


def test_accepting_a_suggestion_merges(project, capsys) -> None:
    code, out, _ = run(capsys, "people", "accept", "jane@acme.com", "jane.doe@gmail.com")
    assert code == 0 and "are one person" in out
    assert active_in_october() == 4
    code, out, _ = run(capsys, "people", "suggestions")
    assert out.strip() == "no merge suggestions"


def test_decisions_survive_a_rebuild_of_the_database(project, capsys, monkeypatch) -> None:
    assert main(["people", "merge", "jane@acme.com", "jane.doe@gmail.com"]) == 0
    assert main(["people", "reject", "omar@globex.com", "@omar-s"]) == 0
    assert main(["people", "set-affiliation", "@omar-s", "Globex", "--to", "2026-10-31"]) == 0
    code, text, _ = run(capsys, "people", "export")
    assert "same:" in text and "github:omar-s" in text and "2026-10-31" in text
    (project / "people.yml").write_text(text, encoding="utf-8")
    before = active_in_october(), organizations(capsys)
    # A new, empty database: import the decisions first, then collect.
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{project / 'rebuilt.db'}")
    code, out, _ = run(capsys, "people", "import", "people.yml")
    assert code == 0 and "3 new decisions" in out
    assert main(["collect", "--no-progress"]) == 0
    assert (active_in_october(), organizations(capsys)) == before
    assert before[1]["change 4"] == "Globex"
    code, again, _ = run(capsys, "people", "export")
    assert again == text
    code, out, _ = run(capsys, "people", "import", "people.yml")
    assert "0 new decisions" in out  # importing again changes nothing


def test_affiliations_from_an_hr_csv(project, capsys) -> None:
    code, out, _err = run(
        capsys, "people", "import-affiliations", str(FIXTURES / "hr.csv"), "--format", "hr"
    )
    assert code == 0 and "3 affiliations" in out
    found = organizations(capsys)
    # Omar at Globex until 2026-10-02 (included), by address and login (one person now).
    assert found["change 2"] == "Globex"
    assert found["change 4"] == "Independent"  # after the end date: the noreply address rule
    assert found["change 6"] == "Initech"
    assert active_in_october() == 4  # the row with address and login made Omar one
    code, out, _ = run(capsys, "people", "show", "omar@globex.com")
    assert "[import (hr)]" in out


def test_affiliations_from_sortinghat(project, capsys) -> None:
    path = str(FIXTURES / "sortinghat.json")
    code, out, err = run(capsys, "people", "import-affiliations", path, "--format", "sortinghat")
    assert code == 0 and "2 affiliations" in out
    assert "uidentity 0000000000000000000000000000000000000000" in err  # no identities: said
    found = organizations(capsys)
    # SortingHat's end is exclusive: Globex through 2026-10-03, Acme from 2026-10-04.
    assert (found["change 2"], found["change 4"]) == ("Globex", "Acme")
    assert active_in_october() == 4


def test_affiliations_from_gitdm_files(project, capsys) -> None:
    code, out, err = run(
        capsys,
        "people",
        "import-affiliations",
        str(FIXTURES / "gitdm-email-map.txt"),
        "--format",
        "gitdm",
    )
    assert code == 0 and "3 affiliations" in out
    assert "domain_organizations" in err and "employer not known" in err
    found = organizations(capsys)
    assert (found["change 2"], found["change 6"]) == ("Soylent", "Initech")
    # The CNCF developers-affiliations form replaces the earlier gitdm import.
    path = str(FIXTURES / "developers_affiliations.txt")
    code, out, err = run(capsys, "people", "import-affiliations", path, "--format", "gitdm")
    assert code == 0 and "3 affiliations" in out
    found = organizations(capsys)
    assert (found["change 2"], found["change 4"], found["change 6"]) == (
        "Soylent",
        "Globex",
        "Initech",
    )
    assert active_in_october() == 4  # omar-s and omar@globex.com are one by the file


BAD_INPUT = [
    (["people", "show", "nobody@nowhere.org"], "nobody known as 'nobody@nowhere.org'"),
    (["people", "merge", "jane@acme.com"], "at least two different people"),
    (["people", "split", "jane@acme.com", "github:omar-s"], "is not an identity of"),
    (
        [
            "people",
            "set-affiliation",
            "jane@acme.com",
            "Acme",
            "--from",
            "2026-02-01",
            "--to",
            "2026-01-01",
        ],
        "is before --from",
    ),
    (["people", "import", "missing.yml"], "missing.yml: no such file"),
    (
        ["people", "import-affiliations", str(FIXTURES / "hr-bad-date.csv"), "--format", "hr"],
        "hr-bad-date.csv:3: '01/02/2026' is not a date",
    ),
    (
        ["people", "import-affiliations", str(FIXTURES / "gitdm-bad.txt"), "--format", "gitdm"],
        "gitdm-bad.txt:2: expected `address employer",
    ),
    (
        ["people", "import-affiliations", str(FIXTURES / "hr.csv"), "--format", "sortinghat"],
        "hr.csv:1: not JSON",
    ),
]


def test_bad_input_is_one_clear_line(project, capsys) -> None:
    for argv, message in BAD_INPUT:
        code, out, err = run(capsys, *argv)
        assert code == 2, (argv, out, err)
        assert message in err and "Traceback" not in err, (argv, err)

    # A decisions file that is not one names the entry at fault.
    (project / "bad.yml").write_text(
        "version: 1\nsame:\n  - {identity: github:jdoe, with: jane}\n", encoding="utf-8"
    )
    code, _, err = run(capsys, "people", "import", "bad.yml")
    assert code == 2 and "bad.yml: same[0]: `with` must be an identity" in err
    (project / "bad.yml").write_text("version: 1\nsame: [\n", encoding="utf-8")
    code, _out, err = run(capsys, "people", "import", "bad.yml")
    assert code == 2 and "bad.yml: not YAML" in err and "Traceback" not in err


def test_a_link_a_source_reports_joins_an_address_and_a_login(engine, tmp_path) -> None:
    """The evidence a source gives (the login GitHub reports for a commit's author address)
    makes one person of a git author and a GitHub account, unless a decision keeps them
    apart; hand-computed: Jane commits as jane@acme.com and opens a pull request as jdoe."""
    from sqlalchemy.orm import Session

    from collectors.git import GitSource
    from ospo_metrics.collect_git import collect_git
    from ospo_metrics.config import config_from_mapping
    from ospo_metrics.context import Context
    from ospo_metrics.people.curation import Curation, apply_curation
    from ospo_metrics.store import PeopleResolver, ensure_repository, record_link, write_issues

    repo = GitRepo.init(tmp_path / "widgets")
    repo.commit(
        "one",
        {"f": "1\n"},
        author=("Jane Doe", "jane@acme.com"),
        date=f"{OCTOBER:%F}T12:00:00+00:00",
    )
    config = config_from_mapping(
        {"affiliation": {"organization": "Acme", "email_domains": ["acme.com"]}}
    )
    context = Context(config=config, engine=engine, database_url="")
    collect_git(
        engine,
        GitSource(name="acme/widgets", path=repo.path),
        bots=context.bots,
        cache_dir=tmp_path / "c",
    )
    with Session(engine) as session, session.begin():
        people = PeopleResolver(session, context.bots)
        repo_id = ensure_repository(session, "github", "acme/widgets")
        pull = {
            "number": 1,
            "is_pull_request": True,
            "title": "one",
            "author_id": people.resolve(None, login="jdoe"),
            "author_login": "jdoe",
            "state": "open",
            "created_at": OCTOBER.to_pydatetime(),
        }
        write_issues(session, repo_id, [pull], {})

    def active() -> list[float]:
        frames = read.load_frames(engine, context.rules)
        return kpis.series("active_contributors", frames, "month")["value"].tolist()

    assert active() == [2]
    with Session(engine) as session, session.begin():
        record_link(session, ("email", "jane@acme.com"), ("github", "jdoe"), "github_commit")
        rebuild = apply_curation(session, context.bots, config)
    assert rebuild.identities_moved == 1 and active() == [1]
    frames = read.load_frames(engine, context.rules)
    pulls = frames.issues[frames.issues["is_pull_request"]]
    assert pulls["author_is_employee"].tolist() == [True]  # jdoe now has Jane's Acme address
    # A "no" wins over the source's link, and stays through the next regrouping.
    with Session(engine) as session, session.begin():
        Curation(session, context.bots, config).split("@jdoe", ["github:jdoe"])
    with Session(engine) as session, session.begin():
        assert apply_curation(session, context.bots, config).identities_moved == 0
    assert active() == [2]


def test_contributors_by_kind_follow_the_curated_people(project, capsys) -> None:
    def october() -> dict[str, str]:
        code, out, _ = run(capsys, "export", "contributors", "--period", "month")
        assert code == 0
        rows = [r for r in csv.DictReader(io.StringIO(out)) if r["period_start"] == "2026-10-01"]
        return {row["kind"]: row["contributors"] for row in rows}

    # Commits by Jane (two addresses: two people yet), Omar, omar-s and Li; Jane's gmail
    # address co-authored Li's commit.
    assert october() == {"commit": "5", "co_authored_commit": "1"}
    assert main(["people", "merge", "jane@acme.com", "jane.doe@gmail.com"]) == 0
    assert october() == {"commit": "4", "co_authored_commit": "1"}
