"""`python -m ospo_metrics.gitgen PATH --commits N`: write one synthetic repository."""

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ospo_metrics.gitgen.history import _LANGUAGES, synthetic_history
from ospo_metrics.gitgen.writer import write_repository


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic git repository.")
    parser.add_argument("path", type=Path)
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=730, help="history length, ending now")
    parser.add_argument("--language", default="python", choices=sorted(_LANGUAGES))
    args = parser.parse_args(argv)
    end = datetime.now(UTC).replace(microsecond=0)
    began = time.perf_counter()
    history = synthetic_history(
        args.commits,
        seed=args.seed,
        start=end - timedelta(days=args.days),
        end=end,
        language=args.language,
    )
    write_repository(args.path, history)
    print(f"wrote {args.commits} commits to {args.path} in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
