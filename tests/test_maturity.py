"""The maturity model: the stage rule on hand-made answers, YAML round trips and errors, the
store on both databases, and the CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from ospo_metrics.read.strategy import load_assessments
from ospo_metrics.store.strategy import save_assessment
from ospo_metrics.strategy.maturity import (
    QUESTIONS,
    Assessment,
    assess,
    change_text,
    maturity_html,
)
from ospo_metrics.strategy.maturity_files import MaturityFileError, dump, load

AD_HOC = ["contact-person", "license-policy", "contributions-allowed", "dependencies-known"]


def test_every_stage_and_pillar_has_questions_with_explanations() -> None:
    from ospo_metrics.strategy.maturity import PILLARS, STAGES

    assert {q.stage for q in QUESTIONS} == set(STAGES)
    assert {q.pillar for q in QUESTIONS} == set(PILLARS)
    assert all(q.text.endswith("?") and q.explanation for q in QUESTIONS)
    assert len({q.id for q in QUESTIONS}) == len(QUESTIONS)
    import kpis

    assert all(q.kpi in kpis.REGISTRY for q in QUESTIONS if q.kpi)


def test_stage_rule() -> None:
    assert assess({}).stage == "awareness"
    # Ad hoc: 3 yes + 1 partly = 3.5 / 4 = 87.5 % >= 75 %: reached.
    answers = dict.fromkeys(AD_HOC, "yes") | {"dependencies-known": "partly"}
    result = assess(answers)
    assert result.stage == "ad_hoc" and result.scores["ad_hoc"] == 0.875
    # 2 yes + 2 partly = 75 %: still reached; 2 yes + 1 partly + 1 no = 62.5 %: not.
    assert assess(answers | {"license-policy": "partly"}).stage == "ad_hoc"
    assert assess(answers | {"license-policy": "no"}).stage == "awareness"
    # A later stage fully answered does not count while the one before is not reached.
    strategy = {q.id: "yes" for q in QUESTIONS if q.stage == "security_education_strategy"}
    assert assess(strategy).stage == "awareness"
    assert assess(strategy | dict.fromkeys(AD_HOC, "yes")).stage == "security_education_strategy"
    with pytest.raises(ValueError, match="unknown question"):
        assess({"nope": "yes"})
    with pytest.raises(ValueError, match="yes, partly or no"):
        assess({"license-policy": "maybe"})


def test_change_text_says_up_down_or_unchanged() -> None:
    first = Assessment(dt.date(2026, 1, 5), {}, {})
    second = Assessment(dt.date(2026, 6, 1), dict.fromkeys(AD_HOC, "yes"), {})
    assert "Not assessed yet" in change_text([])
    assert change_text([first]) == "Awareness (assessed 2026-01-05), the first assessment."
    assert change_text([first, second]).endswith("up from Awareness.")
    assert change_text([second, Assessment(dt.date(2026, 7, 1), {}, {})]).endswith(
        "down from Ad hoc."
    )
    assert "&lt;" not in maturity_html([second]) and "Ad hoc" in maturity_html([second])


YAML = """assessments:
  - date: 2026-06-01
    answers:
      license-policy: yes
      contact-person: no
      engages-upstream: {answer: partly, note: "two projects <so far>"}
"""


def test_yaml_round_trip_reads_bare_yes_and_no_as_answers() -> None:
    (assessment,) = load(YAML)
    assert assessment.on == dt.date(2026, 6, 1)
    assert assessment.answers == {
        "license-policy": "yes", "contact-person": "no", "engages-upstream": "partly",
    }  # fmt: skip
    assert assessment.notes == {"engages-upstream": "two projects <so far>"}
    assert load(dump([assessment])) == [assessment]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("assessments: [", "m.yml:1: not valid YAML"),
        ("answers: {}", "expected a top-level `assessments:` list"),
        ("assessments:\n  - date: 2026-13-01\n    answers: {}", "m.yml:2: `date` must be"),
        ("assessments:\n  - date: 2026-01-01\n    answers: {}", "m.yml:2: .* has no answers"),
        ("assessments:\n  - date: 2026-01-01\n    answers: {nope: yes}", "unknown question 'nope'"),
        (
            "assessments:\n  - date: 2026-01-01\n    answers:\n      training: maybe",
            "m.yml:4: training: the answer must be yes, partly or no",
        ),
    ],
)
def test_yaml_errors_say_where_and_why(text: str, message: str) -> None:
    with pytest.raises(MaturityFileError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load(text, "m.yml")


def test_store_replaces_an_assessment_of_the_same_day(engine) -> None:
    now = dt.datetime(2026, 6, 2, tzinfo=dt.UTC)
    with Session(engine) as session, session.begin():
        save_assessment(session, dt.date(2026, 6, 1), {"training": "no"}, {}, now)
        save_assessment(session, dt.date(2026, 1, 1), {"training": "partly"}, {}, now)
    with Session(engine) as session, session.begin():
        save_assessment(
            session, dt.date(2026, 6, 1), {"training": "yes", "ospo-exists": "yes"},
            {"training": "in-house course"}, now,
        )  # fmt: skip
    assessments = load_assessments(engine)
    assert [a.on for a in assessments] == [dt.date(2026, 1, 1), dt.date(2026, 6, 1)]
    assert assessments[1].answers == {"ospo-exists": "yes", "training": "yes"}
    assert assessments[1].notes == {"training": "in-house course"}


def test_cli_import_export_show(tmp_path, monkeypatch, capsys) -> None:
    from ospo_metrics.cli import main

    config = tmp_path / "ospo.yml"
    config.write_text(f"database: sqlite:///{tmp_path / 'm.db'}\n", encoding="utf-8")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    answers = tmp_path / "maturity.yml"
    answers.write_text(YAML, encoding="utf-8")
    assert main(["--config", str(config), "maturity", "import", str(answers)]) == 0
    assert "stored 2026-06-01: 3 answers, stage Awareness" in capsys.readouterr().out
    assert main(["--config", str(config), "maturity", "import", str(answers)]) == 0  # idempotent
    out_file = tmp_path / "out.yml"
    assert main(["--config", str(config), "maturity", "export", "-o", str(out_file)]) == 0
    assert load(out_file.read_text()) == load(YAML)
    capsys.readouterr()
    assert main(["--config", str(config), "maturity"]) == 0
    shown = capsys.readouterr().out
    assert "stage: Awareness (assessed 2026-06-01), the first assessment." in shown
    assert "[license_coverage: no data]" in shown
    bad = tmp_path / "bad.yml"
    bad.write_text("assessments:\n  - date: x\n    answers: {training: no}\n", encoding="utf-8")
    assert main(["--config", str(config), "maturity", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2" in err and "Traceback" not in err


def test_report_shows_the_stage_and_the_public_sector_section(tmp_path, monkeypatch) -> None:
    from ospo_metrics.cli import main

    config = tmp_path / "ospo.yml"
    config.write_text(f"database: sqlite:///{tmp_path / 'm.db'}\n", encoding="utf-8")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    answers = tmp_path / "maturity.yml"
    later = "  - date: 2026-09-01\n    answers: {training: yes}\n"
    answers.write_text(YAML.replace("contact-person: no", "contact-person: yes") + later)
    assert main(["--config", str(config), "maturity", "import", str(answers)]) == 0
    report = tmp_path / "impact.html"
    assert main(["--config", str(config), "report", "-o", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    assert "<h2>OSPO maturity</h2>" in page
    assert "Awareness (assessed 2026-09-01), unchanged since the previous assessment." in page
    assert "Public sector: publishing, reuse, partners" in page
