"""Benchmark: every dashboard page cold and warm, `ospo-metrics kpis`, each KPI series, memory.

    python benchmarks/pages.py --database sqlite:////work/bench-data/s1m.db \\
        --config /work/bench-data/s1m.yml [--repeat 3] [--pages overview,export]
    python benchmarks/pages.py --demo /tmp/demo-data [--repeat 3]

Point it at a database made by benchmarks/dataset.py and its ospo.yml, or at the demo
(`--demo DIR`: the demo organization in DIR, built there first if missing).
Every figure comes from a new process, so nothing is shared between measurements:

- page cold: the first render of the page (AppTest, switched to before the first run) in a new
  process, as after a collection: no frame cached in memory. With `--warm-cache` the
  process is started after `ospo-metrics warm` (what `collect` does at its end), so the frames
  and the default views' results come from the on-disk cache of that data version (warmed
  once, and put back as it was before every measurement); without it the disk cache is
  removed first and everything is read from the database.
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
# Every page of the dashboard, those added later included.
PAGES = tuple(sorted(path.stem for path in (ROOT / "pages").glob("*.py")))
WARM_RUNS = 3


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds of this process, every thread (less sensitive to a busy machine than the
    wall clock: what the work costs, not how long it waited for a core)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_page(page: str) -> dict:
    """In this (fresh) process: the page's first render, then its reruns."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=900)
    at.switch_page(f"pages/{page}.py")
    began, cpu = time.perf_counter(), _cpu()
    at.run()
    cold, cold_cpu = time.perf_counter() - began, _cpu() - cpu
    if at.exception:
        raise SystemExit(f"{page}: {at.exception}")
    warm, warm_cpu = [], []
    for _ in range(WARM_RUNS):
        began, cpu = time.perf_counter(), _cpu()
        at.run()
        warm.append(time.perf_counter() - began)
        warm_cpu.append(_cpu() - cpu)
    return {
        "cold": cold,
        "cold_cpu": cold_cpu,
        "warm": statistics.median(warm),
        "warm_cpu": statistics.median(warm_cpu),
        "peak_mb": _peak_mb(),
    }


def measure_series() -> dict:
    """Frames load time, then every KPI series on them (slowest of week, month, quarter)."""
    import kpis
    from ospo_metrics.context import open_context

    try:
        from ospo_metrics.read import load_frames
    except ImportError:  # the code from before ospo_metrics/read, for a baseline
        from ospo_metrics.queries import load_frames

    context = open_context()
    began, cpu = time.perf_counter(), _cpu()
    frames = load_frames(context.engine, context.rules)
    out = {"load_frames": time.perf_counter() - began, "load_frames_cpu": _cpu() - cpu}
    try:  # every KPI input, compliance included, where this code has them
        from ospo_metrics.read import context_frames

        frames = context_frames(context)
    except ImportError:
        pass
    for kpi in kpis.REGISTRY.values():
        times = []
        for period in kpi.periods:
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
    """Wall time, CPU time and peak memory of one command (GNU time reports the last two)."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as memory:
        began = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%U %S %M", "-o", memory.name, *command],
            env=env,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        elapsed = time.perf_counter() - began
        if proc.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{proc.stderr[-3000:]}")
        user, system, peak_kb = memory.read().strip().splitlines()[-1].split()
    return {
        "seconds": elapsed,
        "cpu": float(user) + float(system),
        "peak_mb": int(peak_kb) / 1024,
    }


def _cache_dir(env: dict[str, str]) -> Path | None:
    """The frames cache of this configuration (None for code from before it existed)."""
    from ospo_metrics.context import open_context

    context = open_context(env.get("OSPO_CONFIG"), env)
    folder = getattr(context, "cache_dir", None)
    context.engine.dispose()
    return folder


class _Cache:
    """The dashboard's cache as each measurement starts from. Without --warm-cache: none
    (everything from the database). With it: what one `ospo-metrics warm` left, put back
    before every measurement, so each one is the first view after a collection and none
    sees what an earlier one computed (warming once instead of before each: the same state,
    in a fraction of the time at 10M commits)."""

    def __init__(self, env: dict[str, str], warm_cache: bool, results: dict) -> None:
        self.folder = _cache_dir(env)
        self.pristine = None
        if self.folder is not None and self.folder.exists():
            shutil.rmtree(self.folder)
        if warm_cache:
            command = [shutil.which("ospo-metrics") or "ospo-metrics", "warm"]
            results["warm"] = _timed_command(command, env)
            if self.folder is not None and self.folder.exists():
                self.pristine = self.folder.with_name(self.folder.name + "-benchmark")
                shutil.rmtree(self.pristine, ignore_errors=True)
                shutil.copytree(self.folder, self.pristine)

    def reset(self) -> None:
        if self.folder is None:
            return
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.pristine is not None:
            shutil.copytree(self.pristine, self.folder)

    def close(self) -> None:
        if self.pristine is not None:
            shutil.rmtree(self.pristine, ignore_errors=True)


def _environment(args: argparse.Namespace) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if not args.demo:
        return env | {"DATABASE_URL": args.database, "OSPO_CONFIG": args.config}
    for name in ("DATABASE_URL", "OSPO_CONFIG"):
        env.pop(name, None)
    env["OSPO_DATA_DIR"] = args.demo
    if not (Path(args.demo) / "ospo_demo.db").exists():
        command = [shutil.which("ospo-metrics") or "ospo-metrics", "demo", "--data-dir"]
        _timed_command([*command, args.demo], env)
    return env


def run(args: argparse.Namespace) -> dict:
    env = _environment(args)
    results: dict = {"pages": {}, "kpis": [], "series": [], "load": [os.getloadavg()]}
    pages = args.pages.split(",") if args.pages else PAGES
    cache = _Cache(env, args.warm_cache, results)
    try:
        for _ in range(args.repeat):
            for page in pages:
                cache.reset()
                results["pages"].setdefault(page, []).append(_child(["--page", page], env))
            cache.reset()
            command = [shutil.which("ospo-metrics") or "ospo-metrics", "kpis"]
            results["kpis"].append(_timed_command(command, env))
            cache.reset()
            results["series"].append(_child(["--series"], env))
            results["load"].append(os.getloadavg())
    finally:
        cache.close()
    return results


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def report(results: dict) -> str:
    """Medians: wall seconds (CPU seconds in brackets), peak memory."""

    def both(runs: list[dict], wall: str, cpu: str) -> str:
        seconds = _median([r[wall] for r in runs])
        spent = _median([r.get(cpu) for r in runs])
        return f"{seconds:.2f}" + (f" ({spent:.2f})" if spent is not None else "")

    lines = ["| what | cold s (cpu) | warm s (cpu) | peak MB |", "|---|---|---|---|"]
    for page, runs in results["pages"].items():
        peak = max(r["peak_mb"] for r in runs)
        lines.append(
            f"| page {page} | {both(runs, 'cold', 'cold_cpu')} | "
            f"{both(runs, 'warm', 'warm_cpu')} | {peak:.0f} |"
        )
    if "warm" in results:
        warm = results["warm"]
        lines.append(
            f"| `ospo-metrics warm` (frames and default views) | {warm['seconds']:.2f} "
            f"({warm['cpu']:.2f}) | | {warm['peak_mb']:.0f} |"
        )
    kpis_runs = results["kpis"]
    lines.append(
        f"| `ospo-metrics kpis` | {both(kpis_runs, 'seconds', 'cpu')} | | "
        f"{max(r['peak_mb'] for r in kpis_runs):.0f} |"
    )
    series = results["series"]
    lines.append(f"| load frames (SQL) | {both(series, 'load_frames', 'load_frames_cpu')} | | |")
    ids = [k for k in series[0] if k not in ("load_frames", "load_frames_cpu", "peak_mb")]
    slowest = max(ids, key=lambda k: _median([r[k] for r in series]))
    lines.append(
        f"| slowest KPI series ({slowest}) | {_median([r[slowest] for r in series]):.2f} | | "
        f"{max(r['peak_mb'] for r in series):.0f} |"
    )
    lines.append("")
    each = ", ".join(f"{k} {_median([r[k] for r in series]):.2f}" for k in ids)
    lines.append(f"KPI series (s): {each}")
    # The machine may be shared: the 1-minute load average at the start and after each repeat.
    loads = ", ".join(f"{load[0]:.1f}" for load in results["load"])
    lines.append(
        f"load average (1 min) at start and after each repeat: {loads} on {os.cpu_count()} cores"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database")
    parser.add_argument("--config")
    parser.add_argument("--demo", metavar="DIR", help="measure the demo organization in DIR")
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
    if not args.demo and (not args.database or not args.config):
        parser.error("--database and --config are required (or --demo DIR)")
    results = run(args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(report(results))


if __name__ == "__main__":
    main()
