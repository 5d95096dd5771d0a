"""The single list of KPIs: what each one means, how it is computed and which way is good.

Dashboard pages, the CLI and the CSV export all read :data:`REGISTRY`; adding a KPI means
one compute function, one entry below and one test.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from kpis import community, responsiveness, upstream
from kpis.periods import PERIODS, Period
from kpis.schema import Frames

Group = Literal["community", "responsiveness", "upstream"]
Direction = Literal["up", "down", "neutral"]
Compute = Callable[[Frames, Period], pd.Series]

NO_VALUE = math.nan


@dataclass(frozen=True, kw_only=True)
class KPI:
    """One key performance indicator.

    ``compute(frames, period)`` returns a float Series indexed by tz-naive period start,
    holding only the periods in which the KPI has input; :func:`kpis.series` turns it into
    a gap-free table, filling the other periods with ``fill_value`` (0 for counts, NaN where
    the KPI is undefined without activity).

    ``higher_is_better`` is True or False when a rise is good or bad, and None when the KPI
    is informational and a change should not be coloured as good or bad.
    """

    id: str
    title: str
    unit: str
    definition: str
    chaoss: str | None
    higher_is_better: bool | None
    needs: tuple[str, ...]
    compute: Compute
    group: Group
    fill_value: float
    periods: tuple[Period, ...] = PERIODS

    @property
    def direction(self) -> Direction:
        """Return "up" if a rise is good, "down" if a fall is good, "neutral" if neither."""
        if self.higher_is_better is None:
            return "neutral"
        return "up" if self.higher_is_better else "down"


class UnknownKPIError(KeyError):
    """Raised by :func:`get` for an id that is not in the registry."""

    def __str__(self) -> str:
        # KeyError's default repr-quotes the message; print it as written instead.
        return str(self.args[0]) if self.args else ""


_CHAOSS = "https://chaoss.community/kb/"

_KPIS: tuple[KPI, ...] = (
    # --- Community (commits frame) -------------------------------------------------------
    KPI(
        id="commits",
        title="Commits",
        unit="commits",
        definition=(
            "Number of commits authored in the period (author date, UTC) in the repositories "
            "in view. Merge commits and commits by bots are not counted; 0 when there were none."
        ),
        chaoss=f"Code Changes Commits — {_CHAOSS}metric-code-changes-commits/",
        higher_is_better=True,
        needs=("commits",),
        compute=community.commits,
        group="community",
        fill_value=0.0,
    ),
    KPI(
        id="active_contributors",
        title="Active contributors",
        unit="people",
        definition=(
            "Number of different people who authored at least one commit in the period; a "
            "person with several e-mail addresses counts once. Bots and merge commits are not "
            "counted; 0 when there were no commits."
        ),
        chaoss=f"Contributors — {_CHAOSS}metric-contributors/",
        higher_is_better=True,
        needs=("commits",),
        compute=community.active_contributors,
        group="community",
        fill_value=0.0,
    ),
    KPI(
        id="new_contributors",
        title="New contributors",
        unit="people",
        definition=(
            "Number of people whose very first commit (over all the history loaded, not just "
            "the range shown) falls in the period. Bots and merge commits are ignored; 0 when "
            "nobody new arrived."
        ),
        chaoss=f"New Contributors — {_CHAOSS}metric-new-contributors/",
        higher_is_better=True,
        needs=("commits",),
        compute=community.new_contributors,
        group="community",
        fill_value=0.0,
    ),
    KPI(
        id="contributor_absence_factor",
        title="Contributor absence factor",
        unit="people",
        definition=(
            "Smallest number of people who together authored at least half of the period's "
            "commits (the former 'bus factor'): the lower it is, the more the project depends "
            "on a few individuals. Bots and merge commits are excluded; no value for a period "
            "without commits."
        ),
        chaoss=f"Contributor Absence Factor — {_CHAOSS}metric-contributor-absence-factor/",
        higher_is_better=True,
        needs=("commits",),
        compute=community.contributor_absence_factor,
        group="community",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="elephant_factor",
        title="Elephant factor",
        unit="organizations",
        definition=(
            "Smallest number of organizations whose people together authored at least half of "
            "the period's commits: a low value means a few companies dominate. Commits by bots, "
            "merge commits and commits attributed to 'Independent' or 'Unknown' (which are not "
            "organizations) are left out of both the count and the total; no value when no "
            "commit has a known organization."
        ),
        chaoss=f"Elephant Factor — {_CHAOSS}metric-elephant-factor/",
        higher_is_better=True,
        needs=("commits",),
        compute=community.elephant_factor,
        group="community",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="employee_commit_share",
        title="Employee commit share",
        unit="%",
        definition=(
            "Percentage of the period's commits authored by people employed by our organization "
            "at the time of the commit. Informational: neither a rise nor a fall is good in "
            "itself. Bots and merge commits are excluded; no value for a period without commits."
        ),
        chaoss=None,
        higher_is_better=None,
        needs=("commits",),
        compute=community.employee_commit_share,
        group="community",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="dco_signoff_rate",
        title="DCO sign-off rate",
        unit="%",
        definition=(
            "Percentage of the period's commits that carry a Signed-off-by line (Developer "
            "Certificate of Origin), a compliance check. Bots and merge commits are excluded; "
            "no value for a period without commits."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("commits",),
        compute=community.dco_signoff_rate,
        group="community",
        fill_value=NO_VALUE,
    ),
    # --- Responsiveness (issues frame, owned repositories) -------------------------------
    KPI(
        id="time_to_first_response",
        title="Time to first response (median)",
        unit="hours",
        definition=(
            "Median hours from the opening of an issue or pull request in our repositories to "
            "the first comment or review by a person other than its author, counted in the "
            "period it was opened. Items opened by bots and items still without a response are "
            "left out; no value when there is nothing to measure."
        ),
        chaoss=f"Time to First Response — {_CHAOSS}metric-time-to-first-response/",
        higher_is_better=False,
        needs=("issues",),
        compute=responsiveness.time_to_first_response,
        group="responsiveness",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="time_to_close",
        title="Time to close (median)",
        unit="hours",
        definition=(
            "Median hours from opening to closing or merging, for issues and pull requests in "
            "our repositories closed in the period. Items opened by bots are excluded and "
            "reopened items count as open; no value for a period with no closures."
        ),
        chaoss=f"Time to Close — {_CHAOSS}metric-time-to-close/",
        higher_is_better=False,
        needs=("issues",),
        compute=responsiveness.time_to_close,
        group="responsiveness",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="change_request_closure_ratio",
        title="Change request closure ratio",
        unit="ratio",
        definition=(
            "Pull requests closed or merged in the period divided by pull requests opened in "
            "it, in our repositories: 1 means keeping up, below 1 a growing backlog. Pull "
            "requests opened by bots are excluded; no value when none was opened."
        ),
        chaoss=f"Change Request Closure Ratio — {_CHAOSS}metric-change-request-closure-ratio/",
        higher_is_better=True,
        needs=("issues",),
        compute=responsiveness.change_request_closure_ratio,
        group="responsiveness",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="change_requests_accepted",
        title="Change requests accepted",
        unit="pull requests",
        definition=(
            "Number of pull requests merged in the period in our repositories. Pull requests "
            "opened by bots are excluded; 0 when nothing was merged."
        ),
        chaoss=f"Change Requests Accepted — {_CHAOSS}metric-change-requests-accepted/",
        higher_is_better=True,
        needs=("issues",),
        compute=responsiveness.change_requests_accepted,
        group="responsiveness",
        fill_value=0.0,
    ),
    # --- Upstream contribution (issues frame, upstream repositories, employees) ----------
    KPI(
        id="upstream_prs_opened",
        title="Upstream PRs opened",
        unit="pull requests",
        definition=(
            "Number of pull requests our employees opened in upstream projects (projects we do "
            "not own) in the period. Issues and bot accounts are not counted; 0 when none."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("issues",),
        compute=upstream.upstream_prs_opened,
        group="upstream",
        fill_value=0.0,
    ),
    KPI(
        id="upstream_prs_merged",
        title="Upstream PRs merged",
        unit="pull requests",
        definition=(
            "Number of our employees' upstream pull requests merged in the period, counted by "
            "merge date whenever they were opened. Bot accounts are not counted; 0 when none."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("issues",),
        compute=upstream.upstream_prs_merged,
        group="upstream",
        fill_value=0.0,
    ),
    KPI(
        id="upstream_projects",
        title="Upstream projects",
        unit="projects",
        definition=(
            "Number of different upstream repositories in which our employees opened at least "
            "one pull request in the period. Bot accounts are not counted; 0 when none."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("issues",),
        compute=upstream.upstream_projects,
        group="upstream",
        fill_value=0.0,
    ),
    KPI(
        id="upstream_contributors",
        title="Upstream contributors",
        unit="people",
        definition=(
            "Number of different employees who opened at least one pull request in an upstream "
            "project in the period. Bot accounts are not counted; 0 when none."
        ),
        chaoss=None,
        higher_is_better=True,
        needs=("issues",),
        compute=upstream.upstream_contributors,
        group="upstream",
        fill_value=0.0,
    ),
)

REGISTRY: dict[str, KPI] = {kpi.id: kpi for kpi in _KPIS}
if len(REGISTRY) != len(_KPIS):  # pragma: no cover - guards against a copy-pasted id
    raise RuntimeError("duplicate KPI id in the registry")


def get(kpi_id: str) -> KPI:
    """The KPI called ``kpi_id``; raises :class:`UnknownKPIError` listing the known ids."""
    try:
        return REGISTRY[kpi_id]
    except KeyError:
        known = ", ".join(REGISTRY)
        raise UnknownKPIError(f"unknown KPI {kpi_id!r}; known KPIs: {known}") from None
