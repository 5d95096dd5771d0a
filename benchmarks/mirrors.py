"""Benchmark: mirroring and mining a whole organization, served over loopback by the fake GitHub.

    python benchmarks/mirrors.py [--repos 200] [--parallel 4] [--data DIR] [--database URL]

Generates an organization of `--repos` real git repositories (`ospo_metrics.gitgen`, sizes
following a Zipf law: a few large repositories, many small ones), serves it from the test
server (tests/github_fake: REST, GraphQL and git smart HTTP through `git http-backend`, with
token authentication, on 127.0.0.1), and runs the real `ospo-metrics collect` with a config
holding only `organizations:` and `affiliation:`, twice: a first run (list, clone every
mirror, mine every commit, read required files) and an unchanged re-run. For each command it
prints the wall time, the git HTTP requests and the bytes the server sent to git. Nothing is
extrapolated: every figure is measured.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from github_fake import FakeGitHub  # noqa: E402
from github_fake.model import GitHubModel  # noqa: E402

from ospo_metrics.cli import main as cli  # noqa: E402
from ospo_metrics.gitgen import synthetic_history, write_repository  # noqa: E402

TOKEN = "ghp_benchmarkmirrors0123456789abcdefghij"
START = datetime(2021, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)


def sizes(repos: int, largest: int) -> list[int]:
    """Commits per repository: Zipf-like, at least 5."""
    return [max(5, int(largest / (rank**0.9))) for rank in range(1, repos + 1)]


def generate(folder: Path, repos: int, largest: int) -> list[tuple[str, Path, int]]:
    """The repositories (name, git dir, commits), generated once and reused."""
    out = []
    for n, commits in enumerate(sizes(repos, largest)):
        name = f"service-{n:03d}"
        path = folder / name
        if not (path / ".git").exists():
            history = synthetic_history(commits, seed=n, start=START, end=END)
            write_repository(path, history, checkout=False)
        out.append((name, path / ".git", commits))
    return out


def run(server: FakeGitHub, args: list[str], label: str) -> dict[str, float]:
    seen = len(server.git_requests)
    began = time.perf_counter()
    with (
        contextlib.redirect_stdout(io.StringIO()) as out,
        contextlib.redirect_stderr(io.StringIO()),
    ):
        status = cli(args)
    wall = time.perf_counter() - began
    requests = server.git_requests[seen:]
    if status != 0:
        failed = [line for line in out.getvalue().splitlines() if " failed " in line]
        raise SystemExit(f"{label}: exit {status}: {failed[:3]}")
    figures = {
        "wall": wall,
        "git_requests": len(requests),
        "bytes": sum(r.bytes_sent for r in requests),
    }
    print(
        f"  {label:34} {wall:8.1f} s  git requests {len(requests):>6,}  "
        f"sent {figures['bytes'] / 1e6:9.3f} MB"
    )
    return figures


def disk_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=int, default=200)
    parser.add_argument("--largest", type=int, default=3000, help="commits of the largest")
    parser.add_argument("--parallel", type=int, default=4, help="mirrors.parallel")
    parser.add_argument("--data", type=Path, help="where generated repositories are kept")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-mirrors-") as tmp:
        work = Path(tmp)
        source = args.data or work / "src"
        began = time.perf_counter()
        repositories = generate(source, args.repos, args.largest)
        total = sum(commits for _, _, commits in repositories)
        print(
            f"{len(repositories)} repositories, {total:,} commits "
            f"(largest {max(c for *_, c in repositories):,}), generated or reused in "
            f"{time.perf_counter() - began:.1f} s"
        )
        model = GitHubModel()
        model.add_org("acme")
        for name, git_dir, _ in repositories:
            model.add_repo("acme", name, git_dir=git_dir, size=disk_size(git_dir) // 1024)
        with FakeGitHub(model, tokens=(TOKEN,)) as server:
            server.git_auth_required = True
            config = work / "ospo.yml"
            config.write_text(
                f"github:\n  base_url: {server.url}\norganizations: [acme]\n"
                "upstream:\n  track: none\n"
                "affiliation:\n  organization: Acme\n  email_domains: [acme.example]\n"
                f"mirrors:\n  parallel: {args.parallel}\ndata_dir: {work / 'data'}\n"
            )
            os.environ.update(
                OSPO_CONFIG=str(config),
                GITHUB_TOKEN=TOKEN,
                DATABASE_URL=args.database or f"sqlite:///{work / 'ospo.db'}",
            )
            print(f"mirrors.parallel {args.parallel}, database {os.environ['DATABASE_URL'][:40]}")
            for label in ("first run", "unchanged re-run"):
                print(label)
                run(server, ["collect", "github", "--no-progress", "--no-warm"], "collect github")
                run(
                    server,
                    ["collect", "git", "--no-progress", "--no-warm"],
                    "collect git (mirror+mine)",
                )
                run(server, ["collect", "files", "--no-progress", "--no-warm"], "collect files")
            mirrors = work / "data" / "clones"
            count = len(list(mirrors.glob("*/*.git")))
            print(f"mirrors on disk {disk_size(mirrors) / 1e6:.1f} MB in {count} mirrors")


if __name__ == "__main__":
    main()
