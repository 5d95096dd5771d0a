"""Maturity self-assessments as YAML, so an OSPO can review them like code:

```yaml
assessments:
  - date: 2026-12-01
    answers:
      license-policy: yes
      engages-upstream: {answer: partly, note: two projects so far}
```

Import replaces the assessments of the dates it lists (running it twice changes nothing);
errors name the file, the line and what is wrong.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from ospo_metrics.strategy.maturity import ANSWERS, QUESTION_IDS, Assessment


class MaturityFileError(ValueError):
    """A maturity YAML file that cannot be read; the message says where and why."""


def dump(assessments: list[Assessment]) -> str:
    items = []
    for assessment in sorted(assessments, key=lambda a: a.on):
        answers = {}
        for question, answer in assessment.answers.items():
            note = assessment.notes.get(question)
            answers[question] = {"answer": answer, "note": note} if note else answer
        items.append({"date": assessment.on.isoformat(), "answers": answers})
    return yaml.safe_dump({"assessments": items}, sort_keys=False, allow_unicode=True)


class _Loader(yaml.SafeLoader):
    """Keeps each mapping's line, for error messages; answers stay strings (YAML 1.1 would
    read a bare yes/no as a boolean)."""


def _construct_mapping(loader, node):
    mapping = yaml.SafeLoader.construct_mapping(loader, node)
    return _Located(mapping, node.start_mark.line + 1)


class _Located(dict):
    def __init__(self, data, line: int) -> None:
        super().__init__(data)
        self.line = line


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text too, so a bad one gets our message with its line, not a ValueError.
_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)
_Loader.add_constructor(
    "tag:yaml.org,2002:bool", lambda loader, node: loader.construct_scalar(node).lower()
)


def _answer(value: object) -> str:
    return {"true": "yes", "false": "no", "on": "yes", "off": "no"}.get(str(value), str(value))


def load(text: str, source: str = "<text>") -> list[Assessment]:
    """Parse a maturity YAML document (see the module docstring)."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise MaturityFileError(
            f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("assessments"), list):
        raise MaturityFileError(f"{source}: expected a top-level `assessments:` list")
    out = []
    for item in data["assessments"]:
        line = getattr(item, "line", "?")
        where = f"{source}:{line}"
        if not isinstance(item, dict) or not isinstance(item.get("answers"), dict):
            raise MaturityFileError(f"{where}: each assessment needs `date:` and `answers:`")
        try:
            on = dt.date.fromisoformat(str(item.get("date")))
        except ValueError:
            raise MaturityFileError(f"{where}: `date` must be like 2026-12-01") from None
        answers, notes = {}, {}
        answer_lines = item["answers"]
        if not answer_lines:
            raise MaturityFileError(f"{where}: the assessment of {on} has no answers")
        for question, value in answer_lines.items():
            if question not in QUESTION_IDS:
                raise MaturityFileError(
                    f"{source}:{getattr(answer_lines, 'line', line)}: unknown question "
                    f"{question!r} (see `ospo-metrics maturity show`)"
                )
            note = None
            if isinstance(value, dict):
                note, value = value.get("note"), value.get("answer")
            answer = _answer(value)
            if answer not in ANSWERS:
                raise MaturityFileError(
                    f"{source}:{getattr(answer_lines, 'line', line)}: {question}: the answer "
                    f"must be yes, partly or no, not {value!r}"
                )
            answers[question] = answer
            if note:
                notes[question] = str(note)
        out.append(Assessment(on, answers, notes))
    return out


def load_file(path: Path) -> list[Assessment]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MaturityFileError(f"{path}: cannot read it ({type(exc).__name__})") from None
    return load(text, str(path))
