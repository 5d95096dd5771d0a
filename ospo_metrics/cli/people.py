"""`ospo-metrics people ...`: see and correct who is who and who works where.

`list`, `show`, `suggestions` read; `merge`, `split`, `set-affiliation`, `remove-affiliation`,
`set-actor`, `accept`, `reject` decide (ospo_metrics.people.curation); `export` / `import` move
the decisions through a reviewable YAML file (ospo_metrics.people.decisions);
`import-affiliations` reads HR CSV, SortingHat and gitdm files (ospo_metrics.people.imports).
Every decision regroups people and moves the data version at once, so the next KPI read
follows it. In privacy mode `list`, `show` and `suggestions` name nobody.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from ospo_metrics.cli.common import EXIT_USAGE, date_arg, frames_for, write_csv, write_output
from ospo_metrics.context import Context
from ospo_metrics.people import privacy
from ospo_metrics.people.bots import ACTORS

Handler = Callable[[Context, argparse.Namespace], int]


def register(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    people = commands.add_parser(
        "people", parents=parents, help="see and correct identities and affiliations"
    )
    what = people.add_subparsers(dest="action", required=True, metavar="ACTION")

    def add(name: str, handler: Handler, help: str) -> argparse.ArgumentParser:
        parser = what.add_parser(name, parents=parents, help=help)
        parser.set_defaults(handler=_guarded(handler))
        return parser

    listing = add("list", list_command, "every person: identities, organization, contributions")
    listing.add_argument("--search", help="only people whose name, e-mail or login has this")
    listing.add_argument("--actor", choices=[*ACTORS, "all"], default="all")
    listing.add_argument("-o", "--output", help="write CSV to this file")
    show = add("show", show_command, "one person: identities, organizations over time, kinds")
    show.add_argument("person", help="#id, e-mail address, @login or name")
    merge = add("merge", merge_command, "make these people one (the first keeps its id)")
    merge.add_argument("people", nargs="+", metavar="PERSON")
    merge.add_argument("--note")
    split = add("split", split_command, "take identities away from a person")
    split.add_argument("person")
    split.add_argument("identities", nargs="+", metavar="IDENTITY")
    split.add_argument("--note")
    affiliation = add("set-affiliation", set_affiliation_command, "a person's organization")
    affiliation.add_argument("person")
    affiliation.add_argument("organization")
    affiliation.add_argument("--from", dest="start", type=date_arg, help="first day (included)")
    affiliation.add_argument("--to", dest="end", type=date_arg, help="last day (included)")
    affiliation.add_argument("--note")
    remove = add("remove-affiliation", remove_affiliation_command, "forget curated affiliations")
    remove.add_argument("person")
    remove.add_argument("organization", nargs="?", help="only this one (default: all)")
    actor = add("set-actor", set_actor_command, "count an account as bot, AI agent or human")
    actor.add_argument("person")
    actor.add_argument("actor", choices=ACTORS)
    actor.add_argument("--note")
    suggestions = add("suggestions", suggestions_command, "people who are probably one")
    suggestions.add_argument("--limit", type=int, default=50)
    suggestions.add_argument("-o", "--output", help="write CSV to this file")
    for name, handler, text in (
        ("accept", accept_command, "accept a merge suggestion: these two are one person"),
        ("reject", reject_command, "reject a suggestion: never one person, never suggested again"),
    ):
        decision = add(name, handler, text)
        decision.add_argument("identity_a", metavar="IDENTITY")
        decision.add_argument("identity_b", metavar="IDENTITY")
    export = add("export", export_command, "write every curation decision as reviewable YAML")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    load = add("import", import_command, "apply a decisions file (re-importing changes nothing)")
    load.add_argument("file")
    load.add_argument(
        "--replace", action="store_true", help="forget every decision not in the file first"
    )
    affiliations = add(
        "import-affiliations", import_affiliations_command, "dated affiliations from a file"
    )
    affiliations.add_argument("file")
    affiliations.add_argument("--format", required=True, choices=("hr", "sortinghat", "gitdm"))


def _guarded(handler: Handler) -> Handler:
    """Bad input (unknown person, malformed file) is one line on stderr and exit 2."""
    from ospo_metrics.people.curation import CurationError
    from ospo_metrics.people.decisions import DecisionsError
    from ospo_metrics.people.imports import ImportError_

    def run(context: Context, args: argparse.Namespace) -> int:
        try:
            return handler(context, args)
        except (CurationError, DecisionsError, ImportError_) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE

    return run


def _curate(context: Context, action: Callable) -> int:
    """Run one decision in a transaction and say what it did."""
    from ospo_metrics.people.curation import Curation

    with Session(context.engine) as session, session.begin():
        change = action(Curation(session, context.bots, context.config))
    print(change.message)
    if change.rebuild.rows_moved:
        print(f"  {change.rebuild.rows_moved:,} contributions now count for their new person")
    for a, b in change.rebuild.skipped_links:
        print(f"  kept apart by an earlier decision: {a} and {b}")
    return 0


def _contributions(context: Context) -> pd.DataFrame | None:
    return frames_for(context).contributions


def list_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.people.views import people_table

    table = people_table(context.engine, context.rules, _contributions(context))
    if args.actor != "all":
        table = table[table["actor"] == args.actor]
    if args.search:
        needle = args.search.lower()
        text = table[["name", "logins", "emails"]].fillna("").astype(str).agg(" ".join, axis=1)
        table = table[text.str.lower().str.contains(needle, regex=False)]
    table = table.sort_values(["contributions", "person_id"], ascending=[False, True])
    if args.output:
        write_csv(context, table, args.output)
        return 0
    if table.empty:
        print("nobody yet: run `ospo-metrics collect`" if not args.search else "nobody matches")
        return 0
    shown = privacy.hide_people(table, context.config, personal=["name"])
    print(shown.to_string(index=False, max_colwidth=40))
    return 0


def show_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.people.curation import Curation
    from ospo_metrics.people.views import contributions_by_kind, people_views

    with Session(context.engine) as session:
        person = Curation(session, context.bots, context.config).person(args.person)
    private = privacy.enabled(context.config)
    contributions = _contributions(context)
    views = people_views(context.engine, context.rules, contributions)
    row = views["people"].set_index("person_id").loc[person]
    name = privacy.person_label(person, row["name"], context.config)
    print(f"#{person} {name} ({row['actor']}): {row['organization']} today")
    identities = views["identities"]
    identities = identities[identities["person_id"] == person]
    print("identities:")
    for item in identities.itertuples():
        shown = f"{item.kind}:(hidden)" if private else item.identity
        print(f"  {shown}  -> {item.organizations}")
    affiliations = views["affiliations"]
    mine = affiliations[affiliations["person_id"] == person]
    print("affiliations (later lines win where dated ones overlap):")
    for item in mine.to_dict("records"):
        dated = item["identity"] == ""
        when = f"{_day(item['from'])}..{_day(item['to'])}" if dated else "otherwise"
        where = "" if dated or private else f" for {item['identity']}"
        print(f"  {item['organization']}  {when}  [{item['source']}]{where}")
    kinds = contributions_by_kind(contributions, person)
    print("contributions: " + (", ".join(f"{k} {n:,}" for k, n in kinds.items()) or "none"))
    return 0


def _day(value: object) -> str:
    return "…" if value is None or pd.isna(value) else str(pd.Timestamp(value).date())


def merge_command(context: Context, args: argparse.Namespace) -> int:
    return _curate(context, lambda c: c.merge(args.people, note=args.note))


def split_command(context: Context, args: argparse.Namespace) -> int:
    return _curate(context, lambda c: c.split(args.person, args.identities, note=args.note))


def set_affiliation_command(context: Context, args: argparse.Namespace) -> int:
    return _curate(
        context,
        lambda c: c.set_affiliation(
            args.person, args.organization, args.start, args.end, args.note
        ),
    )


def remove_affiliation_command(context: Context, args: argparse.Namespace) -> int:
    return _curate(context, lambda c: c.remove_affiliations(args.person, args.organization))


def set_actor_command(context: Context, args: argparse.Namespace) -> int:
    return _curate(context, lambda c: c.set_actor(args.person, args.actor, note=args.note))


def suggestions_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.people.suggestions import suggest, suggestions_table

    table = suggestions_table(suggest(context.engine, context.bots, limit=args.limit))
    if args.output:
        write_csv(context, table, args.output)
        return 0
    if table.empty:
        print("no merge suggestions")
        return 0
    table = privacy.hide_people(table, context.config)
    for row in table.itertuples():
        print(
            f"{row.reason:10} #{row.person_a} {row.identity_a}  +  #{row.person_b} {row.identity_b}"
        )
    if not privacy.enabled(context.config):
        print("accept with `ospo-metrics people accept A B`, reject with `... people reject A B`")
    return 0


def _decide(context: Context, args: argparse.Namespace, accept: bool) -> int:
    from ospo_metrics.people.curation import CurationError, parse_identity

    a, b = parse_identity(args.identity_a), parse_identity(args.identity_b)

    def decide(curation):
        people = [curation._person_of(key) for key in (a, b)]
        for key, person in zip((args.identity_a, args.identity_b), people, strict=True):
            if person is None:
                raise CurationError(f"no identity {key!r} is known")
        if people[0] == people[1]:
            raise CurationError(
                f"{args.identity_a} and {args.identity_b} are already one person (#{people[0]})"
                + ("" if accept else ": use `ospo-metrics people split` to separate them")
            )
        return curation.decide(a, b, accept, "accepted" if accept else "rejected")

    return _curate(context, decide)


def accept_command(context: Context, args: argparse.Namespace) -> int:
    return _decide(context, args, accept=True)


def reject_command(context: Context, args: argparse.Namespace) -> int:
    return _decide(context, args, accept=False)


def export_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.people.decisions import export_decisions

    with Session(context.engine) as session:
        write_output(export_decisions(session), args.output)
    return 0


def _read_text(path: str) -> str:
    from ospo_metrics.people.decisions import DecisionsError

    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DecisionsError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionsError(f"{path}: cannot be read ({exc})") from None


def import_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.people.curation import Curation
    from ospo_metrics.people.decisions import import_decisions

    text = _read_text(args.file)
    with Session(context.engine) as session, session.begin():
        curation = Curation(session, context.bots, context.config)
        added, rebuild = import_decisions(curation, text, args.file, replace=args.replace)
    print(f"{args.file}: {added} new decisions; {rebuild.identities_moved} identities regrouped")
    return 0


def import_affiliations_command(context: Context, args: argparse.Namespace) -> int:
    from ospo_metrics.people.curation import Curation
    from ospo_metrics.people.decisions import import_file
    from ospo_metrics.people.imports import read_file

    imported = read_file(args.file, args.format)
    with Session(context.engine) as session, session.begin():
        curation = Curation(session, context.bots, context.config)
        added, rebuild = import_file(curation, imported)
    same = sum(1 for rule in imported.rules if rule.kind == "same")
    print(
        f"{args.file}: {imported.affiliations} affiliations, {same} identity links "
        f"({added} new); {rebuild.identities_moved} identities regrouped"
    )
    for line in imported.skipped:
        print(f"  skipped {line}", file=sys.stderr)
    return 0
