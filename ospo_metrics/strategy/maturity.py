"""The OSPO maturity model as a dated self-assessment: questions per stage and pillar, the
stage that follows from the answers (the rule is :data:`RULE`), and its history.

Stages and pillars are those of the TODO Group's OSPO book (chapter "Learning how to be
involved in daily operations"): the stages Awareness, Ad hoc, Security/Education/Strategy,
Community/Education/Engagement and Leader/Advisor; the pillars of support Enabler, Counselor,
Advocate and Environmentalist. The questions and their explanations are ours. Where a KPI is
evidence for a question, the question names it and the page shows its value beside it.

Pure: answers come in as a mapping, the store and the YAML files live elsewhere
(:mod:`ospo_metrics.store.strategy`, :mod:`ospo_metrics.strategy.maturity_files`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

STAGES: dict[str, str] = {
    "awareness": "Awareness",
    "ad_hoc": "Ad hoc",
    "security_education_strategy": "Security, Education and Strategy",
    "community_education_engagement": "Community, Education and Engagement",
    "leader_advisor": "Leader and Advisor",
}
PILLARS: dict[str, str] = {
    "enabler": "Enabler",
    "counselor": "Counselor",
    "advocate": "Advocate",
    "environmentalist": "Environmentalist",
}
ANSWERS: dict[str, float] = {"yes": 1.0, "partly": 0.5, "no": 0.0}
REACHED_SCORE = 0.75
RULE = (
    "Every assessed OSPO starts at Awareness. Each later stage is reached when its questions "
    "score at least 75 % (yes = 1, partly = 1/2, no or unanswered = 0) and the stage before "
    "it was reached; the result is the last stage reached."
)


@dataclass(frozen=True)
class Question:
    id: str
    stage: str
    pillar: str
    text: str
    explanation: str
    kpi: str | None = None  # a KPI that is evidence for the answer


def _q(id_: str, stage: str, pillar: str, text: str, why: str, kpi: str | None = None):
    return Question(id_, stage, pillar, text, why, kpi)


QUESTIONS: tuple[Question, ...] = (
    # Awareness: the pre-stage; answering tells where exploration stands.
    _q("uses-open-source", "awareness", "advocate",
       "Do teams knowingly use open source in what they build?",
       "Knowing that you depend on open source is where every OSPO starts."),
    _q("inventory", "awareness", "environmentalist",
       "Is there a list of the open source components your products ship?",
       "An inventory (an SBOM) is the first step to managing what you use.", "sbom_coverage"),
    # Ad hoc: open source is valued, handled case by case.
    _q("contact-person", "ad_hoc", "enabler",
       "Is there a named person people can ask about open source?",
       "Case-by-case help needs someone who is known to give it."),
    _q("license-policy", "ad_hoc", "counselor",
       "Do your repositories carry a license, following a written license policy?",
       "A policy tells teams which licenses they may publish under and use.", "license_coverage"),
    _q("contributions-allowed", "ad_hoc", "advocate",
       "May employees contribute to open source projects during work time?",
       "Without permission, contributions happen in secret or not at all.", "upstream_prs_opened"),
    _q("dependencies-known", "ad_hoc", "environmentalist",
       "Are the licenses of your dependencies checked before a release?",
       "Incompatible licenses are cheapest to catch before shipping.",
       "denied_license_dependencies"),
    # Security, Education and Strategy: a formal OSPO with a strategy.
    _q("ospo-exists", "security_education_strategy", "enabler",
       "Is there a dedicated OSPO (people with open source as their job)?",
       "Formal operations need an owner with time and a budget."),
    _q("strategy-document", "security_education_strategy", "counselor",
       "Is there a written open source strategy that management agreed to?",
       "A strategy links open source to the organization's goals and settles recurring questions."),
    _q("training", "security_education_strategy", "advocate",
       "Are developers trained in contributing to open source and its licenses?",
       "Education turns rules into habits."),
    _q("security-process", "security_education_strategy", "environmentalist",
       "Do your projects publish a security policy and track supply-chain health?",
       "Known ways to report vulnerabilities, and measured dependencies, keep users safe.",
       "scorecard_score"),
    _q("required-files", "security_education_strategy", "counselor",
       "Do your public repositories carry the files your policy requires?",
       "README, CONTRIBUTING, CODE_OF_CONDUCT and SECURITY make a project usable and safe.",
       "policy_compliance"),
    # Community, Education and Engagement: a mature OSPO engaging communities.
    _q("engages-upstream", "community_education_engagement", "advocate",
       "Do your people get changes merged in the upstream projects you depend on?",
       "Merged upstream work is the clearest sign of engagement.", "upstream_prs_merged"),
    _q("responsive", "community_education_engagement", "enabler",
       "Do your own projects answer newcomers quickly?",
       "A fast first response keeps outside contributors coming back.", "time_to_first_response"),
    _q("outside-contributors", "community_education_engagement", "environmentalist",
       "Do people outside your organization contribute to your projects?",
       "A community that is not only your employees survives reorganizations.",
       "organizational_diversity"),
    _q("best-practices", "community_education_engagement", "counselor",
       "Are there shared guidelines for starting, running and archiving projects?",
       "Best practices make every project look and behave like it belongs to one organization."),
    # Leader and Advisor: open source is part of the culture.
    _q("foundations", "leader_advisor", "counselor",
       "Do you hold roles in foundations or project governance (maintainers, board seats)?",
       "Leadership means helping decide where projects go, not only using them."),
    _q("funds-dependencies", "leader_advisor", "environmentalist",
       "Do you fund or staff the maintenance of the projects you depend on most?",
       "Sustaining critical dependencies is the environmentalist's long-term job."),
    _q("measured-objectives", "leader_advisor", "enabler",
       "Are open source objectives set, measured and reviewed with management?",
       "Targets with owners show open source is part of how the organization is run."),
    _q("advises-others", "leader_advisor", "advocate",
       "Do others (peers, the public sector, regulators) seek your OSPO's advice?",
       "An advisor shares what it learned beyond its own walls."),
)  # fmt: skip
QUESTION_IDS: dict[str, Question] = {q.id: q for q in QUESTIONS}


@dataclass(frozen=True)
class StageResult:
    stage: str  # a STAGES key
    scores: dict[str, float]  # stage -> score 0..1 (awareness included)
    answered: int


def stage_scores(answers: Mapping[str, str]) -> dict[str, float]:
    """Each stage's score: the mean of its questions' answer values (unanswered = 0)."""
    scores = {}
    for stage in STAGES:
        values = [ANSWERS.get(answers.get(q.id, "no"), 0.0) for q in QUESTIONS if q.stage == stage]
        scores[stage] = sum(values) / len(values) if values else 0.0
    return scores


def assess(answers: Mapping[str, str]) -> StageResult:
    """The stage the answers reach (see :data:`RULE`)."""
    unknown = sorted(set(answers) - set(QUESTION_IDS))
    if unknown:
        raise ValueError(f"unknown question(s): {', '.join(unknown)}")
    bad = sorted({a for a in answers.values() if a not in ANSWERS})
    if bad:
        raise ValueError(f"answers must be yes, partly or no; got {', '.join(map(repr, bad))}")
    scores = stage_scores(answers)
    reached = "awareness"
    for stage in list(STAGES)[1:]:
        if scores[stage] < REACHED_SCORE:
            break
        reached = stage
    return StageResult(reached, scores, len(answers))


@dataclass(frozen=True)
class Assessment:
    on: dt.date
    answers: dict[str, str]
    notes: dict[str, str]


def history(assessments: list[Assessment]) -> list[tuple[dt.date, str]]:
    """The stage of each assessment, oldest first."""
    return [(a.on, assess(a.answers).stage) for a in sorted(assessments, key=lambda a: a.on)]


def stage_change(assessments: list[Assessment]) -> tuple[str | None, str | None, dt.date | None]:
    """(current stage, previous assessment's stage, date of the current one)."""
    stages = history(assessments)
    if not stages:
        return None, None, None
    previous = stages[-2][1] if len(stages) > 1 else None
    return stages[-1][1], previous, stages[-1][0]


def change_text(assessments: list[Assessment]) -> str:
    """One sentence for the executive summary."""
    current, previous, on = stage_change(assessments)
    if current is None:
        return "Not assessed yet (Maturity page or `ospo-metrics maturity import`)."
    text = f"{STAGES[current]} (assessed {on:%Y-%m-%d})"
    if previous is None:
        return text + ", the first assessment."
    if previous == current:
        return text + ", unchanged since the previous assessment."
    order = list(STAGES)
    way = "up" if order.index(current) > order.index(previous) else "down"
    return text + f", {way} from {STAGES[previous]}."


def maturity_html(assessments: list[Assessment]) -> str:
    """The stage and its change as an HTML section for the printable report."""
    import html

    return (
        "<h2>OSPO maturity</h2>"
        f"<p>{html.escape(change_text(assessments))}</p>"
        f"<p class='rule'>{html.escape(RULE)}</p>"
    )
