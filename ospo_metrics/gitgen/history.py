"""Deterministic, realistic synthetic histories for the demo, tests and benchmarks.

A heavy-tailed community of employees, partner-company and independent contributors, people
committing under two identities, bots, merged side branches, DCO sign-offs, and a tree of a few
hundred files that grows, changes and shrinks. `synthetic_history` yields `GenCommit`s for
`ospo_metrics.gitgen.writer.write_repository`.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import re
import unicodedata
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from ospo_metrics.gitgen.writer import (
    DEPENDABOT,
    GITHUB_ACTIONS,
    GITHUB_WEB,
    RENOVATE,
    FileContent,
    GenCommit,
    Identity,
)

# --------------------------------------------------------------------------- community model


@dataclass(frozen=True)
class Contributor:
    """A hand-made person to add to a generated community (e.g. one the config names).

    ``weight`` is a share of human commits relative to the generated pool, whose weights
    add up to 1. The first identity is the usual one; ``alt_identity_share`` of the
    commits use one of the others. Outside ``active_from``..``active_to`` the contributor
    does not commit; the first commit comes right at the start of that window.
    """

    identities: tuple[Identity, ...]
    weight: float = 0.02
    utc_offset_minutes: int = 0
    dst: bool = False  # northern-hemisphere daylight saving time adds an hour in summer
    active_from: datetime | None = None
    active_to: datetime | None = None
    signs_off: bool = False
    maintainer: bool = False  # merges pull requests and pushes directly
    alt_identity_share: float = 0.15


@dataclass(frozen=True)
class Community:
    """Shape of a generated community. Shares are probabilities in 0..1."""

    people: int | None = None  # default: about 2 * sqrt(n_commits)
    maintainers: int = 4  # core people who do most of the work
    employee_maintainers: int = 2  # how many of the maintainers work for the company
    employee_share: float = 0.3  # other people working for the company
    partner_share: float = 0.25  # other people working for a partner company
    bots: tuple[Identity, ...] = (DEPENDABOT, RENOVATE, GITHUB_ACTIONS)
    bot_share: float = 0.06  # of all non-merge commits, while a bot is active
    merge_share: float = 0.07
    signoff_share: float = 0.45  # of people who always add Signed-off-by
    coauthor_share: float = 0.03
    binary_share: float = 0.02
    alt_identity_share: float = 0.15  # of people who sometimes use a second identity
    company_domain: str = "acme.example"
    partner_domains: tuple[str, ...] = ("globex.example", "initech.example", "umbrella.example")
    extra_contributors: tuple[Contributor, ...] = ()


_FIRST_NAMES = (
    "Aisha", "Alex", "Amara", "Ana", "Andrei", "Anil", "Ben", "Carla", "Chen", "Dana", "Diego",
    "Elena", "Emeka", "Erik", "Fatima", "Felix", "Grace", "Hana", "Hiro", "Ines", "Ivan",
    "Jamal", "Jana", "Jin", "Jonas", "Julia", "Kai", "Kofi", "Lars", "Laura", "Lea", "Li",
    "Lucas", "Maya", "Mei", "Mohammed", "Nadia", "Nia", "Noah", "Olga", "Omar", "Pablo",
    "Paula", "Pedro", "Ravi", "Rosa", "Sara", "Sofia", "Tariq", "Tom", "Uma", "Vera",
    "Wei", "Yara", "Yuki", "Zoe",
)  # fmt: skip
_LAST_NAMES = (
    "Adeyemi", "Alvarez", "Andersen", "Bauer", "Becker", "Brown", "Castro", "Chen", "Costa",
    "Dubois", "Duarte", "Eriksson", "Fischer", "Garcia", "Gupta", "Haddad", "Hansen", "Ito",
    "Jansen", "Kim", "Kowalski", "Kumar", "Larsen", "Lopez", "Mendes", "Meyer", "Moreau",
    "Mueller", "Nakamura", "Nguyen", "Nowak", "Okafor", "Olsen", "Patel", "Petrov",
    "Rossi", "Santos", "Sato", "Schmidt", "Silva", "Singh", "Smith", "Tanaka", "Torres",
    "Varga", "Wagner", "Wang", "Weber", "Wilson", "Yilmaz", "Zhang", "Zhou",
)  # fmt: skip
# (UTC offset in minutes, observes northern DST, weight): where contributors live.
_TIMEZONES = (
    (-480, True, 12), (-420, True, 3), (-360, True, 5), (-300, True, 12), (-180, False, 5),
    (0, True, 8), (60, True, 22), (120, True, 6), (180, False, 4), (330, False, 10),
    (480, False, 8), (540, False, 5), (600, False, 3),
)  # fmt: skip
# Acme's offices: Berlin, New York, San Francisco, London.
_EMPLOYEE_TIMEZONES = ((60, True), (-300, True), (-480, True), (0, True))
# Monday..Sunday: weekdays busy, a little Friday dip, weekends quiet.
_WEEKDAY_WEIGHT = (1.0, 1.05, 1.05, 1.0, 0.85, 0.3, 0.22)
# Commits per UTC hour: Asia in the morning, Europe all day, the Americas in the evening.
_HOUR_WEIGHT = (
    2, 1.5, 1.5, 2, 3, 4, 5, 7, 9, 10, 10, 9, 9, 10, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2.5,
)  # fmt: skip
_HOUR_CUM = tuple(itertools.accumulate(_HOUR_WEIGHT))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", ascii_text.lower())


def _in_dst(day: date) -> bool:
    # Approximates "last Sunday of March to last Sunday of October"; close enough for data.
    return (3, 29) <= (day.month, day.day) < (10, 27)


class _Actor:
    """Someone who commits during the generated history (mutable generator state)."""

    __slots__ = (
        "alt_share",
        "bot_kind",
        "dst",
        "first",
        "identities",
        "last",
        "login",
        "maintainer",
        "offset",
        "signs_off",
        "weight",
    )

    def __init__(
        self,
        identities: Sequence[Identity],
        *,
        weight: float,
        offset: int = 0,
        dst: bool = False,
        signs_off: bool = False,
        maintainer: bool = False,
        alt_share: float = 0.15,
        login: str = "",
        bot_kind: str | None = None,
    ) -> None:
        self.identities = tuple(identities)
        self.weight = weight
        self.offset = offset
        self.dst = dst
        self.signs_off = signs_off
        self.maintainer = maintainer
        self.alt_share = alt_share if len(self.identities) > 1 else 0.0
        self.login = login or _login_from(self.identities[0])
        self.bot_kind = bot_kind
        self.first = 0  # window of commit indices in which the actor is active
        self.last = 0

    def tz_at(self, when: datetime) -> timezone:
        minutes = self.offset + (60 if self.dst and _in_dst(when.date()) else 0)
        return _tz(minutes)


_TZ_CACHE: dict[int, timezone] = {}


def _tz(minutes: int) -> timezone:
    tz = _TZ_CACHE.get(minutes)
    if tz is None:
        tz = _TZ_CACHE[minutes] = timezone(timedelta(minutes=minutes))
    return tz


def _login_from(identity: Identity) -> str:
    local = identity.email.split("@", 1)[0]
    if identity.email.endswith("users.noreply.github.com"):
        return local.split("+", 1)[-1]
    return _slug(identity.name) or _slug(local) or "someone"


def _bot_kind(identity: Identity) -> str:
    text = f"{identity.name} {identity.email}".lower()
    for kind in ("dependabot", "renovate", "github-actions"):
        if kind in text:
            return kind
    return "generic"


# --------------------------------------------------------------------------- file contents

_WORDS = (
    "cache", "client", "config", "context", "event", "export", "filter", "handler", "index",
    "loader", "manager", "metrics", "model", "parser", "plugin", "queue", "registry", "report",
    "request", "retry", "router", "schema", "server", "session", "settings", "storage",
    "stream", "task", "template", "token", "util", "validator", "watcher", "worker",
)  # fmt: skip
_AREAS = ("api", "auth", "cli", "core", "net", "storage", "plugins", "ui", "sync", "telemetry")
_PROSE = (
    "This makes the behaviour consistent across platforms.",
    "The previous implementation ignored the timeout.",
    "Users reported confusing output when the file was missing.",
    "See the discussion in the linked issue for details.",
    "No functional change intended.",
    "It also adds a regression test.",
    "The default stays the same, so existing setups keep working.",
    "Performance improves noticeably on large inputs.",
    "Configuration is now validated before use.",
    "Documentation was updated accordingly.",
)
_THINGS = (
    "config loader", "retry logic", "CLI help text", "error messages", "cache invalidation",
    "pagination", "structured logging", "metrics endpoint", "token refresh", "YAML parsing",
    "unit tests", "CI workflow", "release notes", "timeout handling", "plugin registry",
    "TLS settings", "README examples", "type hints", "date formatting", "memory usage",
    "proxy support", "shell completion", "Windows paths", "rate limiting", "dry-run mode",
)  # fmt: skip
_VERBS = (
    "Add", "Fix", "Update", "Refactor", "Remove", "Improve", "Document", "Simplify",
    "Support", "Handle", "Rename", "Optimize", "Test", "Clean up",
)  # fmt: skip
_CONVENTIONAL = {
    "Add": "feat", "Support": "feat", "Fix": "fix", "Handle": "fix", "Document": "docs",
    "Test": "test", "Optimize": "perf",
}  # fmt: skip

# language -> (source extension, dependency file, dependency names)
_LANGUAGES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "python": (
        "py",
        "requirements.txt",
        ("requests", "click", "pydantic", "pyyaml", "rich", "httpx", "pytest", "ruff"),
    ),
    "go": (
        "go",
        "go.mod",
        (
            "github.com/spf13/cobra",
            "k8s.io/client-go",
            "sigs.k8s.io/controller-runtime",
            "github.com/stretchr/testify",
            "golang.org/x/net",
            "google.golang.org/grpc",
        ),
    ),
    "typescript": ("ts", "package.json", ("react", "typescript", "vite", "eslint", "zod")),
    "docs": ("md", "package.json", ("docusaurus", "prettier", "markdownlint", "remark")),
}
_PROTECTED = ("README.md", "LICENSE", "CHANGELOG.md", ".gitignore")


def _path_pool(rng: random.Random, language: str, n_paths: int) -> tuple[list[str], list[str]]:
    """Text paths (most popular first) and image paths of a project in ``language``."""
    ext = _LANGUAGES[language][0]
    makers = {
        "py": (
            lambda a, w: f"src/{a}/{w}.py",
            lambda a, w: f"tests/{a}/test_{w}.py",
        ),
        "go": (lambda a, w: f"pkg/{a}/{w}.go", lambda a, w: f"pkg/{a}/{w}_test.go"),
        "ts": (lambda a, w: f"src/{a}/{w}.ts", lambda a, w: f"src/{a}/{w}.test.ts"),
        "md": (lambda a, w: f"content/{a}/{w}.md", lambda a, w: f"content/{a}/{w}-guide.md"),
    }[ext]
    other = (
        lambda a, w: f"docs/{a}/{w}.md",
        lambda a, w: f"examples/{a}/{w}.{ext}",
        lambda a, w: f"config/{a}-{w}.yaml",
        lambda a, w: f".github/workflows/{w}.yml",
        lambda a, w: f"scripts/{a}-{w}.sh",
    )
    paths: list[str] = []
    seen: set[str] = set(_PROTECTED)
    attempts = 0
    while len(paths) < n_paths and attempts < n_paths * 50:
        attempts += 1
        roll = rng.random()
        maker = makers[0] if roll < 0.5 else makers[1] if roll < 0.75 else rng.choice(other)
        area = rng.choice(_AREAS)
        word = rng.choice(_WORDS)
        if rng.random() < 0.5:
            word = f"{word}{'-' if ext == 'md' else '_'}{rng.choice(_WORDS)}"
        candidate = maker(area, word)
        if candidate not in seen:
            seen.add(candidate)
            paths.append(candidate)
    images = sorted({f"docs/images/{rng.choice(_WORDS)}-{i}.png" for i in range(12)})
    return paths, images


def _vocabulary(rng: random.Random, ext: str, size: int = 300) -> list[str]:
    """Lines that look like ``ext`` files, to build and edit file contents from."""
    lines = []
    for _ in range(size):
        a, b, c = rng.choice(_WORDS), rng.choice(_WORDS), rng.choice(_WORDS)
        n = rng.randint(1, 99)
        if ext == "py":
            choices = (
                f"def {a}_{b}({c}, limit={n}):",
                f"    {a} = {b}.{c}(limit={n})",
                f"    return {a}_{b}",
                f"    if not {a}:",
                f"        raise ValueError('{b} {c} missing')",
                f"# {rng.choice(_PROSE)}",
                "",
            )
        elif ext == "go":
            choices = (
                f"func {a.title()}{b.title()}({c} int) error {{",
                f"\t{a}, err := {b}.{c.title()}({n})",
                "\tif err != nil {",
                f'\t\treturn fmt.Errorf("{b}: %w", err)',
                "}",
                f"// {rng.choice(_PROSE)}",
                "",
            )
        elif ext == "ts":
            choices = (
                f"export function {a}{b.title()}({c}: number): string {{",
                f"  const {a} = {b}.{c}({n});",
                f"  return `{a}-${{{c}}}`;",
                "}",
                f"// {rng.choice(_PROSE)}",
                "",
            )
        elif ext in ("yml", "yaml"):
            choices = (f"{a}:", f"  {b}: {c}-{n}", f"  - {a}", f"  {c}_timeout: {n}s")
        elif ext == "sh":
            choices = (f'{a} --{b} "${c}"', f"echo '{a} {b}'", f"export {a.upper()}={n}")
        else:
            choices = (rng.choice(_PROSE), f"## {a.title()} {b}", f"- {c} {a}: {n}", "")
        lines.append(rng.choice(choices))
    return lines


def _png(rng: random.Random) -> bytes:
    """A small PNG-looking blob: signature and IHDR, then noise (NUL bytes make it binary)."""
    width, height = rng.randint(16, 800), rng.randint(16, 600)
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + width.to_bytes(4, "big")
    return (
        header
        + height.to_bytes(4, "big")
        + b"\x08\x06\x00\x00\x00"
        + rng.randbytes(rng.randint(200, 2500))
    )


# --------------------------------------------------------------------------- history


def _ceil_second(moment: datetime) -> datetime:
    if moment.microsecond:
        return moment.replace(microsecond=0) + timedelta(seconds=1)
    return moment


def _commit_instants(rng: random.Random, n: int, start: datetime, end: datetime) -> list[datetime]:
    """``n`` sorted UTC instants in [start, end] with weekly rhythm and busy/quiet phases."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    first_day = start.date()
    n_days = (end.date() - first_day).days + 1
    midnight = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
    weights = []
    level = 0.0
    for offset in range(n_days):
        day = first_day + timedelta(days=offset)
        if day.weekday() == 0:
            # A bounded random walk per week: projects have busy and quiet phases.
            level = max(-0.9, min(0.9, level + rng.gauss(0.0, 0.25)))
        weight = _WEEKDAY_WEIGHT[day.weekday()] * math.exp(level)
        if (day.month, day.day) >= (12, 22) or (day.month, day.day) <= (1, 2):
            weight *= 0.35  # year-end holidays
        weights.append(weight)
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]
    span = (end - start).total_seconds()
    if span < 2 * 86400:  # too short for a weekly rhythm, and rejection would rarely hit
        return sorted(start + timedelta(seconds=rng.randint(0, int(span))) for _ in range(n))
    instants = []
    while len(instants) < n:
        day = min(bisect.bisect_right(cumulative, rng.random() * total), n_days - 1)
        hour = bisect.bisect_right(_HOUR_CUM, rng.random() * _HOUR_CUM[-1])
        when = midnight + timedelta(days=day, hours=hour, seconds=rng.randrange(3600))
        if start <= when <= end:  # rejection keeps partial first/last days unbiased
            instants.append(when)
    instants.sort()
    # Pin both ends so the history really spans the requested range (recent data matters).
    # Git stores whole seconds; keep the pinned instants on whole seconds inside the range.
    latest = end - timedelta(seconds=rng.randint(0, int(min(span, 129600))))
    instants[-1] = max(instants[-1], max(latest, start).replace(microsecond=0))
    earliest = start + timedelta(seconds=rng.randint(0, int(min(span, 21600))))
    instants[0] = min(instants[0], _ceil_second(min(earliest, end)))
    return instants


_Files = dict[str, list[str] | bytes]  # path -> lines of a text file, or binary content


class _Branch:
    """A side branch (pull request) being worked on."""

    __slots__ = ("author", "files", "left", "name", "pr", "tip", "title", "touched")

    def __init__(self, pr: int, author: _Actor, files: _Files, length: int) -> None:
        self.name = f"pr-{pr}"
        self.pr = pr
        self.author = author
        self.files = files  # the branch's own tree, forked from the main branch
        self.touched: dict[str, FileContent] = {}  # net changes to bring back when merged
        self.left = length  # commits still to come before it is ready to merge
        self.tip = -1  # index of the newest commit, for merge_of
        self.title = ""  # the first commit's subject doubles as the pull request title


class _History:
    """Generator state for :func:`synthetic_history` (one instance per history)."""

    def __init__(
        self,
        n: int,
        seed: int,
        start: datetime,
        end: datetime,
        community: Community,
        language: str,
        n_paths: int,
        license_id: str | None,
        extra_files: Mapping[str, str],
    ) -> None:
        self.rng = rng = random.Random(seed)
        self.license_text = license_text(license_id) if license_id else None
        self.extra_files = dict(extra_files)
        self.n = n
        self.start = _ceil_second(start.astimezone(UTC))
        self.community = community
        self.instants = _commit_instants(rng, n, start, end)
        span_days = max(1.0, (end - start).total_seconds() / 86400)
        self.rate = n / span_days  # commits per day, to turn durations into index windows
        _, self.deps_file, deps = _LANGUAGES[language]
        self.language = language
        self.pool, self.images = _path_pool(rng, language, n_paths)
        self.vocab: dict[str, list[str]] = {}
        self.versions = {
            dep: [rng.randint(0, 3), rng.randint(0, 30), rng.randint(0, 12)] for dep in deps
        }
        self.release = [1, 0, 0]
        self.changelog: list[str] = ["# Changelog", ""]
        self.pr = rng.randint(1, 40)
        self.used_emails: set[str] = set()
        self.humans = self._people()
        self.bots = self._bots()

    # -- community ----------------------------------------------------------------

    def _window(self, actor: _Actor, first: int, last: int) -> _Actor:
        actor.first = max(0, min(first, self.n - 1))
        actor.last = max(actor.first, min(last, self.n - 1))
        return actor

    def _index_at(self, when: datetime | None, default: int) -> int:
        if when is None:
            return default
        return bisect.bisect_left(self.instants, when.astimezone(UTC))

    def _unique_email(self, local: str, domain: str) -> str:
        email = f"{local}@{domain}"
        while email in self.used_emails:
            email = f"{local}{self.rng.randint(2, 99)}@{domain}"
        self.used_emails.add(email)
        return email

    def _noreply(self, login: str) -> str:
        # A few accounts predate GitHub's id-prefixed noreply format.
        if self.rng.random() < 0.1:
            return self._unique_email(login, "users.noreply.github.com")
        user_id = self.rng.randint(10**5, 10**8)
        return self._unique_email(f"{user_id}+{login}", "users.noreply.github.com")

    def _personal(self, first: str, last: str) -> str:
        rng = self.rng
        domain = rng.choices(
            ("gmail.com", "outlook.com", "proton.me", "posteo.de", "yahoo.com"),
            (55, 20, 12, 8, 5),
        )[0]
        local = rng.choice((f"{first}.{last}", f"{first}{last}", f"{first[0]}{last}"))
        if rng.random() < 0.4:
            local += str(rng.randint(1, 99))
        return self._unique_email(local, domain)

    def _people(self) -> list[_Actor]:
        rng, c = self.rng, self.community
        n_people = c.people or max(c.maintainers + 2, round(2 * math.sqrt(self.n)))
        names = [f"{f} {la}" for f in _FIRST_NAMES for la in _LAST_NAMES]
        chosen = rng.sample(names, min(n_people, len(names)))
        regulars = c.maintainers + int(0.3 * (n_people - c.maintainers))
        people = []
        for rank, name in enumerate(chosen):
            first, last = (_slug(part) for part in name.split(" ", 1))
            maintainer = rank < c.maintainers
            roll = rng.random()
            if maintainer:
                kind = "employee" if rank < c.employee_maintainers else "partner"
            elif roll < c.employee_share:
                kind = "employee"
            elif roll < c.employee_share + c.partner_share:
                kind = "partner"
            else:
                kind = "independent"
            login = rng.choice((f"{first}{last}", f"{first}-{last}", f"{first[0]}{last}"))
            if rng.random() < 0.3:
                login += str(rng.randint(1, 999))
            if kind == "employee":
                primary = self._unique_email(f"{first}.{last}", c.company_domain)
                offset, dst = rng.choice(_EMPLOYEE_TIMEZONES)
            else:
                if kind == "partner":
                    domain = rng.choice(c.partner_domains)
                    primary = self._unique_email(f"{first[0]}{last}", domain)
                elif rng.random() < 0.4:
                    primary = self._noreply(login)
                else:
                    primary = self._personal(first, last)
                offset, dst, _ = rng.choices(_TIMEZONES, [t[2] for t in _TIMEZONES])[0]
            identities = [Identity(name, primary)]
            if rng.random() < c.alt_identity_share:
                # Laptops configured differently: a personal or noreply address, sometimes
                # with the login instead of the real name.
                alt = self._personal(first, last) if kind != "independent" else self._noreply(login)
                alt_name = login if rng.random() < 0.3 else name
                identities.append(Identity(alt_name, alt))
            actor = _Actor(
                identities,
                weight=1.0 / (rank + 1) ** 0.9,  # heavy tail: a few people do most commits
                offset=offset,
                dst=dst,
                signs_off=rng.random() < c.signoff_share,
                maintainer=maintainer,
                alt_share=0.2 if len(identities) > 1 else 0.0,
                login=login,
            )
            if maintainer:
                self._window(actor, 0, self.n - 1)
            elif rank < regulars:
                first_index = int(rng.random() * 0.85 * self.n)
                length = int(self.n * rng.uniform(0.15, 0.7))
                self._window(actor, first_index, first_index + length)
            else:  # drive-by contributors: active for a few days or weeks
                first_index = int(rng.random() * self.n)
                length = max(1, int(self.rate * rng.uniform(1, 45)))
                self._window(actor, first_index, first_index + length)
            people.append(actor)
        total = sum(p.weight for p in people)
        for person in people:
            person.weight /= total
        for extra in c.extra_contributors:
            actor = _Actor(
                extra.identities,
                weight=extra.weight,
                offset=extra.utc_offset_minutes,
                dst=extra.dst,
                signs_off=extra.signs_off,
                maintainer=extra.maintainer,
                alt_share=extra.alt_identity_share if len(extra.identities) > 1 else 0.0,
            )
            first_index = self._index_at(extra.active_from, 0)
            last_index = self._index_at(extra.active_to, self.n) - 1
            if first_index < self.n and last_index >= first_index:
                people.append(self._window(actor, first_index, last_index))
        return people

    def _bots(self) -> list[_Actor]:
        rng, n = self.rng, self.n
        kinds = [_bot_kind(b) for b in self.community.bots]
        bots = []
        for identity, kind in zip(self.community.bots, kinds, strict=True):
            weight = 0.5 if kind == "github-actions" else 1.0
            actor = _Actor([identity], weight=weight, bot_kind=kind)
            first, last = int(rng.uniform(0.0, 0.3) * n), n - 1
            if kind == "dependabot" and "renovate" in kinds:
                last = int(0.6 * n)  # the project switched to Renovate at some point
            elif kind == "renovate" and "dependabot" in kinds:
                first = int(0.55 * n)
            bots.append(self._window(actor, first, last))
        return bots

    # -- contents -----------------------------------------------------------------

    def _lines(self, path: str, count: int) -> list[str]:
        ext = path.rsplit(".", 1)[-1]
        vocab = self.vocab.get(ext)
        if vocab is None:
            vocab = self.vocab[ext] = _vocabulary(self.rng, ext)
        return self.rng.choices(vocab, k=count)

    def _edit(self, path: str, lines: list[str]) -> list[str]:
        rng = self.rng
        at = rng.randint(0, len(lines))
        removed = min(len(lines) - at, int(rng.expovariate(0.6)))
        added = 1 + int(rng.expovariate(0.35))
        if len(lines) > 90:
            removed = min(len(lines) - at, added + 10)  # keep files from growing forever
        return lines[:at] + self._lines(path, added) + lines[at + removed :]

    def _deps_content(self) -> str:
        items = [(d, ".".join(map(str, v))) for d, v in self.versions.items()]
        if self.deps_file == "requirements.txt":
            return "".join(f"{d}=={v}\n" for d, v in items)
        if self.deps_file == "go.mod":
            body = "".join(f"\t{d} v{v}\n" for d, v in items)
            return f"module example.com/app\n\ngo 1.22\n\nrequire (\n{body})\n"
        body = ",\n".join(f'    "{d}": "^{v}"' for d, v in items)
        return f'{{\n  "name": "app",\n  "private": true,\n  "dependencies": {{\n{body}\n  }}\n}}\n'

    def _initial_files(self, files: _Files) -> dict[str, FileContent]:
        changes: dict[str, FileContent] = {
            self.deps_file: self._deps_content(),
            "CHANGELOG.md": "\n".join(self.changelog) + "\n",
            ".gitignore": "__pycache__/\nnode_modules/\n/build/\n",
        }
        if self.license_text is not None:
            changes["LICENSE"] = self.license_text
        changes.update(self.extra_files)  # never edited later: they are not in the path pool
        for path in ("README.md", *self.pool[:12]):
            lines = self._lines(path, self.rng.randint(5, 40))
            files[path] = lines
            changes[path] = "\n".join(lines) + "\n"
        return changes

    def _mutate(self, files: _Files, binary: bool) -> dict[str, FileContent]:
        """Random edits of ``files`` (updated in place); returns them as commit changes."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.5:
            count = 1
        elif roll < 0.83:
            count = rng.randint(2, 3)
        else:
            count = rng.randint(4, 8) if roll < 0.97 else rng.randint(9, 25)
        changes: dict[str, FileContent] = {}
        for _ in range(count):
            # Squaring favours the front of the pool: a few hot files change all the time.
            path = self.pool[int(len(self.pool) * rng.random() ** 2)]
            old = files.get(path)
            if isinstance(old, list) and path not in _PROTECTED and rng.random() < 0.04:
                del files[path]
                changes[path] = None
                continue
            if isinstance(old, list):
                new = self._edit(path, old)
            else:
                new = self._lines(path, rng.randint(4, 40))
            files[path] = new
            changes[path] = "\n".join(new) + "\n"
        if binary:
            image = rng.choice(self.images)
            files[image] = changes[image] = _png(rng)
        return changes

    # -- messages -----------------------------------------------------------------

    def _title(self, changes: Mapping[str, FileContent]) -> str:
        rng = self.rng
        verb, thing = rng.choice(_VERBS), rng.choice(_THINGS)
        if rng.random() < 0.4:
            first = next(iter(changes), "core")
            parts = first.split("/")
            scope = parts[-2].lstrip(".") if len(parts) >= 2 else "core"
            default = "chore" if verb in ("Update", "Clean up") else "refactor"
            kind = _CONVENTIONAL.get(verb, default)
            return f"{kind}({scope}): {verb.lower()} {thing}"
        return f"{verb} {thing}"

    def _body(self) -> str:
        if self.rng.random() < 0.3:
            return " ".join(self.rng.sample(_PROSE, self.rng.randint(1, 3)))
        return ""

    def _message(self, title: str, body: str, trailers: Sequence[str]) -> str:
        parts = [title]
        if body:
            parts.append(body)
        if trailers:
            parts.append("\n".join(trailers))
        return "\n\n".join(parts) + "\n"

    def _bot_change(self, bot: _Actor, pr: int | None) -> tuple[str, dict[str, FileContent]]:
        rng = self.rng
        if bot.bot_kind == "github-actions":
            self.release[2] += 1
            if rng.random() < 0.2:
                self.release[1:] = [self.release[1] + 1, 0]
            version = ".".join(map(str, self.release))
            items = [f"- {rng.choice(_VERBS)} {rng.choice(_THINGS)}" for _ in range(3)]
            notes = [f"## v{version}", "", *items, ""]
            self.changelog[2:2] = notes
            del self.changelog[160:]
            return f"chore(release): v{version}", {"CHANGELOG.md": "\n".join(self.changelog) + "\n"}
        dep = rng.choice(list(self.versions))
        old = ".".join(map(str, self.versions[dep]))
        bump = rng.random()
        version = self.versions[dep]
        if bump < 0.8:
            version[2] += 1
        elif bump < 0.98:
            version[1:] = [version[1] + 1, 0]
        else:
            version[:] = [version[0] + 1, 0, 0]
        new = ".".join(map(str, version))
        changes: dict[str, FileContent] = {self.deps_file: self._deps_content()}
        suffix = f" (#{pr})" if pr is not None else ""
        if bot.bot_kind == "dependabot":
            update = "patch" if bump < 0.8 else "minor" if bump < 0.98 else "major"
            body = (
                f"Bumps {dep} from {old} to {new}.\n\n---\nupdated-dependencies:\n"
                f"- dependency-name: {dep}\n  dependency-type: direct:production\n"
                f"  update-type: version-update:semver-{update}\n...\n\n"
                "Signed-off-by: dependabot[bot] <support@github.com>"
            )
            return f"Bump {dep} from {old} to {new}{suffix}\n\n{body}", changes
        if bot.bot_kind == "renovate":
            noun = "module" if self.language == "go" else "dependency"
            return f"chore(deps): update {noun} {dep} to v{new}{suffix}", changes
        return f"chore: automated update of {dep}{suffix}", changes

    # -- the commit sequence --------------------------------------------------------

    def _identity(self, actor: _Actor) -> Identity:
        if actor.alt_share and self.rng.random() < actor.alt_share:
            return self.rng.choice(actor.identities[1:])
        return actor.identities[0]

    def _local(self, actor: _Actor, when: datetime) -> datetime:
        return when.astimezone(actor.tz_at(when))

    def _pick(self, actors: list[_Actor], cumulative: list[float]) -> _Actor:
        return actors[bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])]

    def _pick_author(self) -> _Actor:
        if self.newcomers:
            return self.newcomers.popleft()  # everyone's window opens with a first commit
        if self.active_bots and self.rng.random() < self.community.bot_share:
            return self._pick(self.active_bots, self.cum_bots)
        return self._pick(self.active_humans, self.cum_humans)

    def _pick_maintainer(self) -> _Actor:
        pool = [a for a in self.active_humans if a.maintainer] or [self.humans[0]]
        return self.rng.choices(pool, [a.weight for a in pool])[0]

    def _update_active(self, index: int) -> None:
        changed = False
        for actor in self.starts.get(index, ()):
            (self.active_bots if actor.bot_kind else self.active_humans).append(actor)
            if not actor.bot_kind:
                self.newcomers.append(actor)
            changed = True
        for actor in self.ends.get(index, ()):
            group = self.active_bots if actor.bot_kind else self.active_humans
            if actor in group:
                group.remove(actor)
            changed = True
        if not self.active_humans:  # only extra contributors' windows are left open
            self.active_humans.append(self.humans[0])
            changed = True
        if changed:
            self.cum_humans = list(itertools.accumulate(a.weight for a in self.active_humans))
            self.cum_bots = list(itertools.accumulate(a.weight for a in self.active_bots))

    def commits(self) -> Iterator[GenCommit]:
        rng, n, merge_share = self.rng, self.n, self.community.merge_share
        self.starts: dict[int, list[_Actor]] = {}
        self.ends: dict[int, list[_Actor]] = {}
        for actor in (*self.humans, *self.bots):
            self.starts.setdefault(actor.first, []).append(actor)
            self.ends.setdefault(actor.last + 1, []).append(actor)
        self.active_humans: list[_Actor] = []
        self.active_bots: list[_Actor] = []
        self.cum_humans: list[float] = []
        self.cum_bots: list[float] = []
        self.newcomers: deque[_Actor] = deque()
        main: dict[str, list[str] | bytes] = {}
        open_branches: list[_Branch] = []
        for index, when in enumerate(self.instants):
            self._update_active(index)
            if index == 0:
                author = self.humans[0]
                ident = self._identity(author)
                local = self._local(author, when)
                changes = self._initial_files(main)
                yield GenCommit(ident.name, ident.email, local, "Initial commit\n", changes)
                continue
            # Slots left after this commit must suffice to merge every open branch.
            left = n - index - 1
            ready = [b for b in open_branches if b.left == 0]
            if open_branches and (left < len(open_branches) or (ready and rng.random() < 0.35)):
                branch = (ready or open_branches)[0]
                open_branches.remove(branch)
                yield self._merge(branch, when, main)
                continue
            roll = rng.random()
            growing = [b for b in open_branches if b.left > 0]
            if roll < merge_share and left >= len(open_branches) + 1:
                self.pr += rng.randint(1, 3)
                length = 1 + min(5, int(rng.expovariate(0.9)))
                branch = _Branch(self.pr, self._pick_author(), dict(main), length)
                open_branches.append(branch)
                yield self._side_commit(branch, when, index)
            elif growing and roll < merge_share + 0.15:
                yield self._side_commit(rng.choice(growing), when, index)
            else:
                yield self._main_commit(self._pick_author(), when, main)

    def _side_commit(self, branch: _Branch, when: datetime, index: int) -> GenCommit:
        author, files = branch.author, branch.files
        branch.left -= 1
        branch.tip = index
        ident = self._identity(author)
        if author.bot_kind:
            message, changes = self._bot_change(author, None)
            for path, content in changes.items():
                files[path] = content.splitlines() if isinstance(content, str) else content
        else:
            changes = self._mutate(files, self.rng.random() < self.community.binary_share)
            trailers = [f"Signed-off-by: {ident}"] if author.signs_off else []
            message = self._message(self._title(changes), self._body(), trailers)
        branch.touched.update(changes)
        branch.title = branch.title or message.split("\n", 1)[0]
        local = self._local(author, when)
        return GenCommit(ident.name, ident.email, local, message, changes, branch=branch.name)

    def _merge(self, branch: _Branch, when: datetime, main: _Files) -> GenCommit:
        """Merge ``branch`` into ``main``; the merge carries the branch's net changes."""
        rng = self.rng
        changes: dict[str, FileContent] = {}
        for path, content in branch.touched.items():
            if content is None:
                if path in main:
                    del main[path]
                    changes[path] = None
            else:
                main[path] = content.splitlines() if isinstance(content, str) else content
                changes[path] = content
        maintainer = self._pick_maintainer()
        ident = self._identity(maintainer)
        topic = re.sub(r"[^a-z0-9]+", "-", rng.choice(_THINGS).lower())
        local = self._local(maintainer, when)
        if rng.random() < 0.8:  # the green button on GitHub
            head = f"{branch.author.login}/{topic}"
            message = f"Merge pull request #{branch.pr} from {head}\n\n{branch.title}\n"
            return GenCommit(
                ident.name, ident.email, local, message, changes,
                GITHUB_WEB.name, GITHUB_WEB.email, when.astimezone(UTC), merge_of=branch.tip,
            )  # fmt: skip
        message = f"Merge branch '{topic}'\n"
        return GenCommit(ident.name, ident.email, local, message, changes, merge_of=branch.tip)

    def _main_commit(self, author: _Actor, when: datetime, main: _Files) -> GenCommit:
        rng = self.rng
        ident = self._identity(author)
        roll = rng.random()
        if author.bot_kind:
            via = "web" if author.bot_kind != "github-actions" and roll < 0.9 else "push"
        elif author.maintainer:
            via = "push" if roll < 0.6 else "web"
        else:
            via = "web" if roll < 0.75 else "applied" if roll < 0.9 else "push"
        pr = None
        if via == "web":
            self.pr += rng.randint(1, 3)
            pr = self.pr
        committer = author
        if author.bot_kind:
            message, changes = self._bot_change(author, pr)
            for path, content in changes.items():
                main[path] = content.splitlines() if isinstance(content, str) else content
        else:
            changes = self._mutate(main, rng.random() < self.community.binary_share)
            title = self._title(changes) + (f" (#{pr})" if pr is not None else "")
            trailers = []
            if rng.random() < self.community.coauthor_share:
                other = self._pick(self.active_humans, self.cum_humans)
                if other is not author:
                    trailers.append(f"Co-authored-by: {other.identities[0]}")
            if author.signs_off:
                trailers.append(f"Signed-off-by: {ident}")
            if via == "applied":
                committer = self._pick_maintainer()
                if committer is author:
                    via = "push"
                elif committer.signs_off:
                    trailers.append(f"Signed-off-by: {committer.identities[0]}")
            message = self._message(title, self._body(), trailers)
        if via == "push":
            return GenCommit(ident.name, ident.email, self._local(author, when), message, changes)
        # Reviewed work: written earlier than it landed on the main branch.
        delay = timedelta(seconds=int(min(10 * 86400, rng.lognormvariate(9.5, 1.3))))
        authored = max(self.start, when - delay)
        if via == "web":
            committer_ident, committed = GITHUB_WEB, when.astimezone(UTC)
        else:
            committer_ident = committer.identities[0]
            committed = self._local(committer, when)
        return GenCommit(
            ident.name, ident.email, self._local(author, authored), message, changes,
            committer_ident.name, committer_ident.email, committed,
        )  # fmt: skip


def synthetic_history(
    n_commits: int,
    *,
    seed: int,
    start: datetime,
    end: datetime,
    community: Community | None = None,
    language: str = "python",
    n_paths: int = 300,
    license_id: str | None = "Apache-2.0",
    extra_files: Mapping[str, str] | None = None,
) -> Iterator[GenCommit]:
    """A deterministic, realistic-looking history of ``n_commits`` commits.

    Committer dates never decrease along the sequence and lie in [start, end]; the first one is
    within hours of ``start`` and the last within 36 hours of ``end``. Author dates equal them
    for direct pushes and are earlier for work that landed through review (squash/merge on
    GitHub, patches applied by a maintainer). Every side branch is merged before the end, so
    ``git rev-list --count HEAD`` is ``n_commits``. ``language`` is one of python, go,
    typescript or docs and shapes the file tree. The first commit adds ``license_id``'s real
    text as LICENSE (one of :data:`LICENSE_IDS`; None: no LICENSE file) and ``extra_files``
    (path: text, e.g. CONTRIBUTING.md), which no later commit changes.
    """
    if n_commits < 1:
        raise ValueError("n_commits must be at least 1")
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    if end <= start:
        raise ValueError("end must be after start")
    if language not in _LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {sorted(_LANGUAGES)}")
    community = community or Community()
    if community.maintainers < 1:
        raise ValueError("a community needs at least one maintainer")
    if license_id is not None and license_id not in LICENSE_IDS:
        raise ValueError(f"no text for license {license_id!r}; use one of {list(LICENSE_IDS)}")
    return _History(
        n_commits, seed, start, end, community, language, n_paths, license_id, extra_files or {}
    ).commits()


# Verbatim texts shipped beside this module: license detection must recognize them, as it
# would a real repository's.
_LICENSE_DIR = Path(__file__).with_name("licenses")
LICENSE_IDS = ("Apache-2.0", "MIT", "CC0-1.0")


def license_text(license_id: str) -> str:
    """The verbatim text of one of :data:`LICENSE_IDS`."""
    return (_LICENSE_DIR / f"{license_id}.txt").read_text(encoding="utf-8")
