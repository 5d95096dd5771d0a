"""`maturity`: the OSPO maturity self-assessment: show the stage and its history, export the
answers as YAML, import them (reviewed like code)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from ospo_metrics.cli.common import EXIT_USAGE, frames_for, write_output
from ospo_metrics.context import Context


def register(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    maturity = commands.add_parser(
        "maturity", parents=parents, help="OSPO maturity: stage, history, YAML export/import"
    )
    what = maturity.add_subparsers(dest="action", metavar="ACTION")
    show = what.add_parser("show", parents=parents, help="stage, rule, history and questions")
    show.set_defaults(handler=show_command)
    export = what.add_parser("export", parents=parents, help="every assessment as YAML")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.set_defaults(handler=export_command)
    imported = what.add_parser("import", parents=parents, help="store assessments from YAML")
    imported.add_argument("path", type=Path)
    imported.set_defaults(handler=import_command)
    maturity.set_defaults(handler=show_command)


def _assessments(context: Context) -> list:
    from ospo_metrics.read.strategy import load_assessments

    return load_assessments(context.engine)


def show_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.strategy.maturity import QUESTIONS, RULE, STAGES, assess, change_text
    from ospo_metrics.strategy.maturity_evidence import evidence

    assessments = _assessments(context)
    print(f"stage: {change_text(assessments)}")
    print(f"rule: {RULE}")
    for assessment in assessments:
        result = assess(assessment.answers)
        scores = ", ".join(f"{STAGES[s]} {v:.0%}" for s, v in result.scores.items())
        print(f"  {assessment.on}  {STAGES[result.stage]:40} ({scores})")
    latest = assessments[-1].answers if assessments else {}
    values = evidence(frames_for(context), pd.Timestamp.now(tz="UTC"))
    print("questions (id: latest answer [KPI evidence]):")
    for question in QUESTIONS:
        kpi = f" [{question.kpi}: {values.get(question.kpi, 'no data')}]" if question.kpi else ""
        answer = latest.get(question.id, "-")
        print(
            f"  {STAGES[question.stage][:18]:18} {question.id:24} {answer:7} {question.text}{kpi}"
        )
    return 0


def export_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.strategy.maturity_files import dump

    write_output(dump(_assessments(context)), args.output)
    return 0


def import_command(context: Context, args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from ospo_metrics.store.strategy import save_assessment
    from ospo_metrics.strategy.maturity import STAGES, assess
    from ospo_metrics.strategy.maturity_files import MaturityFileError, load_file

    try:
        assessments = load_file(args.path)
    except MaturityFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    now = dt.datetime.now(dt.UTC)
    with Session(context.engine) as session, session.begin():
        for assessment in assessments:
            save_assessment(session, assessment.on, assessment.answers, assessment.notes, now)
    for assessment in assessments:
        stage = STAGES[assess(assessment.answers).stage]
        print(f"stored {assessment.on}: {len(assessment.answers)} answers, stage {stage}")
    return 0
