"""Backtest: are the objective forecasts calibrated? Replays KPI histories as if objectives had
been set in the past, forecasts each at 25 %, 50 % and 75 % of its time, and compares with what
happened by its due date.

    python benchmarks/objectives_backtest.py [--demo] [--generated N] [--repo PATH ...]
                                             [--markdown]

Sources of history (default: the demo and two generated repositories):

* ``--demo``: the demo organization's five generated repositories (as the dashboard shows them);
* ``--generated N``: N synthetic repositories from ``ospo_metrics.gitgen`` (different seeds);
* ``--repo PATH``: any real git repository (a clone), collected with the real git collector.

Objectives are generated, not hand-picked: for each KPI with data (commits, active and new
contributors, DCO sign-off rate, employee commit share, elephant factor, time to first
response when issues exist) and each aggregation that suits it, windows of 26 and 52 weeks
start every 8 weeks; the baseline is the aggregation's value at the start, and targets are
the baseline moved by -30 %, -10 %, +10 % and +30 % (for ``sum_since_start`` the
pre-start weekly rate times the weeks, moved the same way). Each is evaluated as of 25 %,
50 % and 75 % of its time with the data known then, and as of the day after its due date
for the outcome (met or missed). Forecasts of objectives already met at that time are left
out (a met objective needs no forecast).

Calibration: of the forecasts giving 60-80 % (say), the share that were met should be
60-80 %. Also printed: the Brier score (mean squared error of the probabilities; 0.25 is a
coin flip), and how often each status was followed by "met", next to the least-squares
projection this replaces (on track if the straight line reaches the target).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

import kpis
from kpis.objectives import evaluate, period_for
from kpis.schema import Frames

FRACTIONS = (0.25, 0.5, 0.75)
TARGET_MOVES = (-0.3, -0.1, 0.1, 0.3)
WINDOWS_WEEKS = (26, 52)
STEP_WEEKS = 8
BINS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0001))
# (KPI, aggregations) replayed; sum_since_start only where a running count makes sense.
OBJECTIVE_KPIS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("commits", ("latest", "latest_week", "median_90d", "sum_since_start")),
    ("active_contributors", ("latest", "median_90d")),
    ("new_contributors", ("latest", "sum_since_start")),
    ("dco_signoff_rate", ("latest", "median_90d")),
    ("employee_commit_share", ("latest", "median_90d")),
    ("elephant_factor", ("latest",)),
    ("time_to_first_response", ("latest", "median_90d")),
)


def _collect_paths(paths: list[tuple[str, Path]], tmp: Path) -> Frames:
    from collectors.git import GitSource
    from ospo_metrics.affiliation import AffiliationRules
    from ospo_metrics.collect_git import collect_git
    from ospo_metrics.db import open_database
    from ospo_metrics.identity import BotRules
    from ospo_metrics.queries import load_frames

    engine = open_database(f"sqlite:///{tmp / 'backtest.db'}")
    for name, path in paths:
        result = collect_git(
            engine, GitSource(name=name, path=path), bots=BotRules.from_config(), cache_dir=tmp
        )
        if result.status != "ok":
            raise SystemExit(f"collecting {path} failed: {result.error}")
    frames = load_frames(engine, AffiliationRules.build(None))
    engine.dispose()
    return frames


def demo_frames(tmp: Path) -> Frames:
    from ospo_metrics.collect import collect_git_sources
    from ospo_metrics.context import open_context
    from ospo_metrics.queries import load_frames

    context = open_context(force_demo=True, demo_data_dir=tmp / "demo", env={})
    collect_git_sources(context)
    frames = load_frames(context.engine, context.rules)
    context.engine.dispose()
    return frames


def generated_frames(tmp: Path, seed: int) -> Frames:
    from ospo_metrics.gitgen import synthetic_history, write_repository

    end = datetime(2026, 6, 1, tzinfo=UTC)
    path = tmp / f"generated-{seed}"
    write_repository(
        path, synthetic_history(6000, seed=seed, start=end - timedelta(days=1460), end=end)
    )
    return _collect_paths([(f"generated/{seed}", path)], tmp / f"db-{seed}")


def _value_at(
    series: pd.DataFrame, aggregation: str, start: dt.date, as_of: dt.date
) -> float | None:
    """The aggregation's value as of a day (the current value of a throwaway objective)."""
    result = evaluate(
        series,
        baseline=0,
        target=1,
        start=start,
        due=as_of + timedelta(days=400),
        as_of=as_of,
        aggregation=aggregation,
    )
    return result.current


def _least_squares_on_track(
    result, target: float, direction: str, start: dt.date, due: dt.date
) -> bool | None:
    """The replaced rule: a straight least-squares line through the trajectory reaches the
    target on the due date (None with fewer than 3 points)."""
    points = result.trajectory
    if len(points) < 3:
        return None
    x = np.array([(pd.Timestamp(d) - pd.Timestamp(start)).days for d in points["date"]], float)
    slope, intercept = np.polyfit(x, points["value"].to_numpy(float), 1)
    projected = intercept + slope * (pd.Timestamp(due) - pd.Timestamp(start)).days
    return projected >= target if direction == "up" else projected <= target


def replay(frames: Frames, source: str) -> list[dict]:
    rows = []
    end_day = _last_day(frames)
    for kpi_id, aggregations in OBJECTIVE_KPIS:
        kpi = kpis.get(kpi_id)
        for aggregation in aggregations:
            period = period_for(aggregation)
            try:
                series = kpis.series(kpi_id, frames, period, end=end_day)
            except ValueError:
                continue
            if series["value"].notna().sum() < 20:
                continue
            first_day = pd.Timestamp(series["period_start"].iloc[0]).date()
            for weeks in WINDOWS_WEEKS:
                start = first_day + timedelta(weeks=26)
                while start + timedelta(weeks=weeks) < end_day:
                    due = start + timedelta(weeks=weeks)
                    rows += _objectives_of(series, kpi, aggregation, start, due, source)
                    start += timedelta(weeks=STEP_WEEKS)
    return rows


def _objectives_of(series, kpi, aggregation, start, due, source) -> list[dict]:
    rows = []
    if aggregation == "sum_since_start":
        before = _value_at(series, "mean_90d", start, start)
        if not before:
            return rows
        baseline, reference = 0.0, before * (due - start).days / 7
    else:
        baseline = _value_at(series, aggregation, start, start)
        if baseline is None or baseline == 0:
            return rows
        reference = baseline
    for move in TARGET_MOVES:
        target = reference * (1 + move)
        if kpi.domain[1] is not None:
            target = min(target, kpi.domain[1])
        if target == baseline:
            continue
        outcome = evaluate(
            series,
            baseline=baseline,
            target=target,
            start=start,
            due=due,
            as_of=due + timedelta(days=1),
            aggregation=aggregation,
            domain=kpi.domain,
        )
        if outcome.status not in ("met", "missed"):
            continue
        direction = "up" if target > baseline else "down"
        for fraction in FRACTIONS:
            as_of = start + timedelta(days=round((due - start).days * fraction))
            result = evaluate(
                series,
                baseline=baseline,
                target=target,
                start=start,
                due=due,
                as_of=as_of,
                aggregation=aggregation,
                domain=kpi.domain,
            )
            if result.status in ("met", "no data"):
                continue
            rows.append(
                {
                    "source": source,
                    "kpi": kpi.id,
                    "aggregation": aggregation,
                    "fraction": fraction,
                    "probability": result.probability,
                    "status": result.status,
                    "least_squares_on_track": _least_squares_on_track(
                        result, target, direction, start, due
                    ),
                    "met": outcome.status == "met",
                }
            )
    return rows


def _last_day(frames: Frames) -> dt.date:
    stamps = [frames.commits["authored_at"].max(), frames.issues["created_at"].max()]
    stamps = [s for s in stamps if pd.notna(s)]
    return max(stamps).date()


def calibration(table: pd.DataFrame) -> pd.DataFrame:
    with_p = table.dropna(subset=["probability"])
    rows = []
    for low, high in BINS:
        part = with_p[(with_p["probability"] >= low) & (with_p["probability"] < high)]
        rows.append(
            {
                "forecast probability": f"{low:.0%}–{min(high, 1):.0%}",
                "forecasts": len(part),
                "mean forecast": part["probability"].mean() if len(part) else np.nan,
                "share met": part["met"].mean() if len(part) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def by_status(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for status in ("on track", "at risk", "off track"):
        part = table[table["status"] == status]
        rows.append({"status": status, "forecasts": len(part), "share met": part["met"].mean()})
    old = table.dropna(subset=["least_squares_on_track"])
    for label, value in (("least squares: on track", True), ("least squares: not on track", False)):
        part = old[old["least_squares_on_track"] == value]
        rows.append({"status": label, "forecasts": len(part), "share met": part["met"].mean()})
    return pd.DataFrame(rows)


def _markdown(frame: pd.DataFrame) -> str:
    def cell(value) -> str:
        if isinstance(value, float):
            return "–" if np.isnan(value) else f"{value:.0%}"
        return str(value)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += [
        "| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="replay the demo organization")
    parser.add_argument("--generated", type=int, default=None, help="generated repositories")
    parser.add_argument("--repo", type=Path, action="append", default=[], help="a git clone")
    parser.add_argument("--markdown", action="store_true", help="print tables as Markdown")
    args = parser.parse_args()
    if not (args.demo or args.generated or args.repo):
        args.demo, args.generated = True, 2

    began = time.perf_counter()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        sources: list[tuple[str, Frames]] = []
        if args.demo:
            sources.append(("demo", demo_frames(tmp)))
        for seed in range(1, (args.generated or 0) + 1):
            sources.append((f"generated-{seed}", generated_frames(tmp, seed)))
        for path in args.repo:
            sources.append((path.name, _collect_paths([(path.name, path)], tmp / path.name)))
        for name, frames in sources:
            replayed = replay(frames, name)
            print(f"{name}: {len(replayed):,} forecasts", flush=True)
            rows += replayed
    table = pd.DataFrame(rows)
    if table.empty:
        raise SystemExit("no objective could be replayed: histories too short")
    counts = defaultdict(int)
    for source in table["source"]:
        counts[source] += 1
    brier = ((table["probability"] - table["met"].astype(float)) ** 2).mean()
    show = _markdown if args.markdown else (lambda frame: frame.to_string(index=False))
    print(
        f"\n{len(table):,} forecasts from {len(counts)} histories "
        f"in {time.perf_counter() - began:.0f} s"
    )
    print(f"share met overall: {table['met'].mean():.0%}; Brier score: {brier:.3f}\n")
    print(show(calibration(table)))
    print()
    print(show(by_status(table)))


if __name__ == "__main__":
    main()
