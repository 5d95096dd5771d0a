"""Benchmark: every dashboard page cold and warm, `ospo-metrics kpis`, each KPI series, memory.

    python benchmarks/pages.py --database sqlite:////work/bench-data/s1m.db \\
        --config /work/bench-data/s1m.yml [--repeat 3] [--pages overview,export]

Builds nothing: point it at a database made by benchmarks/dataset.py and its ospo.yml.
Every figure comes from a new process, so nothing is shared between measurements:

- page cold: the first render of the page (AppTest, switched to before the first run) in a new
  process, as after a collection: no frame cached in memory. With `--warm-cache` the
  process is started after `ospo-metrics warm` (what `collect` does at its end), so the frames
  come from the on-disk cache of that data version; without it the disk cache is removed
  first and everything is read from the database.
- page warm: the median of the next reruns of the same page in the same process (what a user
  pays for every click).
- kpis: `ospo-metrics kpis`, the whole process (interpreter start included).
- series: each KPI's series per week, month and quarter on frames already loaded; the slowest
  period is reported.
- memory: the peak resident set size of each process.

Prints a table of medians over --repeat runs (default 3) and, with --json, the raw figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGES = ("overview", "impact", "objectives", "compliance", "export", "sources")
WARM_RUNS = 3


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_page(page: str) -> dict:
    """In this (fresh) process: the page's first render, then its reruns."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=900)
    at.switch_page(f"pages/{page}.py")
    began = time.perf_counter()
    at.run()
    cold = time.perf_counter() - began
    if at.exception:
        raise SystemExit(f"{page}: {at.exception}")
    warm = []
    for _ in range(WARM_RUNS):
        began = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - began)
    return {"cold": cold, "warm": statistics.median(warm), "peak_mb": _peak_mb()}


def measure_series() -> dict:
    """Frames load time, then every KPI series on them (slowest of week, month, quarter)."""
    import kpis
    from ospo_metrics.context import open_context
    from ospo_metrics.read import load_frames

    context = open_context()
    began = time.perf_counter()
    frames = load_frames(context.engine, context.rules)
    out = {"load_frames": time.perf_counter() - began}
    for kpi in kpis.REGISTRY.values():
        times = []
        for period in kpis.PERIODS:
            began = time.perf_counter()
            kpis.series(kpi.id, frames, period)
            times.append(time.perf_counter() - began)
        out[kpi.id] = max(times)
    out["peak_mb"] = _peak_mb()
    return out


def _child(args: list[str], env: dict[str, str]) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _timed_command(command: list[str], env: dict[str, str]) -> dict:
    """Wall time and peak memory of one command (GNU time reports the memory)."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as memory:
        began = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", memory.name, *command],
            env=env,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        elapsed = time.perf_counter() - began
        if proc.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{proc.stderr[-3000:]}")
        peak_kb = int(memory.read().strip().splitlines()[-1])
    return {"seconds": elapsed, "peak_mb": peak_kb / 1024}


def _cache_dir(env: dict[str, str]) -> Path | None:
    """The frames cache of this configuration (None for code from before it existed)."""
    from ospo_metrics.context import open_context

    context = open_context(env["OSPO_CONFIG"], env)
    folder = getattr(context, "cache_dir", None)
    context.engine.dispose()
    return folder


def _prepare(env: dict[str, str], warm_cache: bool) -> None:
    folder = _cache_dir(env)
    if folder is not None and folder.exists():
        shutil.rmtree(folder)
    if warm_cache:
        _timed_command([shutil.which("ospo-metrics") or "ospo-metrics", "warm"], env)


def run(args: argparse.Namespace) -> dict:
    env = {**os.environ, "DATABASE_URL": args.database, "OSPO_CONFIG": args.config}
    env["PYTHONPATH"] = str(ROOT)
    results: dict = {"pages": {}, "kpis": [], "series": []}
    pages = args.pages.split(",") if args.pages else PAGES
    for _ in range(args.repeat):
        for page in pages:
            _prepare(env, args.warm_cache)
            results["pages"].setdefault(page, []).append(_child(["--page", page], env))
        _prepare(env, args.warm_cache)
        command = [shutil.which("ospo-metrics") or "ospo-metrics", "kpis"]
        results["kpis"].append(_timed_command(command, env))
        _prepare(env, args.warm_cache)
        results["series"].append(_child(["--series"], env))
    return results


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def report(results: dict) -> str:
    lines = ["| what | cold s | warm s | peak MB |", "|---|---|---|---|"]
    for page, runs in results["pages"].items():
        cold = _median([r["cold"] for r in runs])
        warm = _median([r["warm"] for r in runs])
        peak = max(r["peak_mb"] for r in runs)
        lines.append(f"| page {page} | {cold:.2f} | {warm:.2f} | {peak:.0f} |")
    kpis_runs = results["kpis"]
    peak = _median([r["peak_mb"] for r in kpis_runs])
    lines.append(
        f"| `ospo-metrics kpis` | {_median([r['seconds'] for r in kpis_runs]):.2f} | | "
        + (f"{peak:.0f} |" if peak else "|")
    )
    series = results["series"]
    lines.append(f"| load frames | {_median([r['load_frames'] for r in series]):.2f} | | |")
    ids = [k for k in series[0] if k not in ("load_frames", "peak_mb")]
    slowest = max(ids, key=lambda k: _median([r[k] for r in series]))
    lines.append(
        f"| slowest KPI series ({slowest}) | {_median([r[slowest] for r in series]):.2f} | | "
        f"{max(r['peak_mb'] for r in series):.0f} |"
    )
    lines.append("")
    lines.append(
        "KPI series (s): " + ", ".join(f"{k} {_median([r[k] for r in series]):.2f}" for k in ids)
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database")
    parser.add_argument("--config")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", help="comma-separated page names (default: all)")
    parser.add_argument("--warm-cache", action="store_true", help="run `ospo-metrics warm` first")
    parser.add_argument("--json", help="also write the raw figures to this file")
    parser.add_argument("--page", help=argparse.SUPPRESS)
    parser.add_argument("--series", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.page:
        print(json.dumps(measure_page(args.page)))
        return
    if args.series:
        print(json.dumps(measure_series()))
        return
    if not args.database or not args.config:
        parser.error("--database and --config are required")
    results = run(args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(report(results))


if __name__ == "__main__":
    main()
