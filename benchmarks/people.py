"""People curation at scale: the People page's tables, suggestions, a merge, and the regrouping
every collection runs once curation decisions exist. Prints seconds; changes the database
(it merges two people), so run it on a copy:

    cp /work/bench-data/s1m.db /tmp/people-bench.db
    python benchmarks/people.py --database sqlite:////tmp/people-bench.db \\
        --config /work/bench-data/s1m.yml
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ospo_metrics import read
from ospo_metrics.context import open_context
from ospo_metrics.models import Commit, Identity, Person
from ospo_metrics.people.curation import Curation, apply_curation
from ospo_metrics.people.suggestions import suggest
from ospo_metrics.people.views import people_views


def timed(label: str, action):
    start = time.perf_counter()
    result = action()
    print(f"{label:58} {time.perf_counter() - start:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="a copy: the benchmark merges people")
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    context = open_context(Path(args.config), env={"DATABASE_URL": args.database})
    engine, rules = context.engine, context.rules
    with Session(engine) as session:
        people = session.scalar(select(func.count()).select_from(Person))
        identities = session.scalar(select(func.count()).select_from(Identity))
        commits = session.scalar(select(func.count()).select_from(Commit))
    print(f"{people:,} people, {identities:,} identities, {commits:,} commits")
    frames = timed(
        "KPI frames (read layer, current data version)", lambda: read.load_frames(engine, rules)
    )
    timed(
        "People page tables (people, identities, affiliations)",
        lambda: people_views(engine, rules, frames.contributions),
    )
    found = timed("merge suggestions", lambda: suggest(engine, context.bots))
    print(f"  {len(found):,} suggestions")
    with Session(engine) as session:
        busiest = session.execute(
            select(Commit.author_id, func.count())
            .group_by(Commit.author_id)
            .order_by(func.count().desc())
            .limit(2)
        ).all()
    first, second = (f"#{person}" for person, _ in busiest)

    def merge():
        with Session(engine) as session, session.begin():
            return Curation(session, context.bots, context.config).merge([first, second])

    change = timed(f"merge the two busiest committers ({first}, {second})", merge)
    print(f"  {change.rebuild.rows_moved:,} contributions re-pointed")

    def regroup():
        with Session(engine) as session, session.begin():
            return apply_curation(session, context.bots, context.config)

    unchanged = timed("regrouping after a collection (decisions exist, no change)", regroup)
    print(f"  identities moved: {unchanged.identities_moved}")
    timed("KPI frames after the merge (new data version)", lambda: read.load_frames(engine, rules))


if __name__ == "__main__":
    main()
