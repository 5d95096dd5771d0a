"""Loading ``ospo.yml``: YAML positions, error reports with file, line and field."""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import types
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    ValidationError,
)

from ospo_metrics.config.fields import (
    CONFIG_ENV_VAR,
    DATABASE_ENV_VAR,
    DEFAULT_CONFIG_FILE,
    DEFAULT_DATABASE_URL,
    Loc,
    _format_loc,
)
from ospo_metrics.config.models import (
    _DEFER_CROSS_CHECKS,
    Config,
)
from ospo_metrics.config.rules import (
    _cross_field_issues,
)

# --------------------------------------------------------------------------- errors

MAX_MESSAGE = 300  # characters of one error message
MAX_FIELD = 120  # characters of a field path
MAX_ISSUES = 100  # problems listed in one report


@dataclasses.dataclass(frozen=True)
class ConfigIssue:
    """One problem in a config. ``line``/``column`` are 1-based; None when unknown."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __post_init__(self) -> None:
        # A message may quote a value from the file; a huge value (or one repeated through
        # aliases) must not turn into megabytes of error text.
        for name, limit in (("message", MAX_MESSAGE), ("field", MAX_FIELD)):
            text = getattr(self, name)
            if len(text) > limit:
                object.__setattr__(self, name, text[: limit - 1] + "…")

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ConfigError(Exception):
    """The configuration is invalid; ``errors`` lists every problem found."""

    def __init__(self, errors: Iterable[ConfigIssue]) -> None:
        self.errors: list[ConfigIssue] = list(errors)
        if len(self.errors) > MAX_ISSUES:  # e.g. one bad value repeated through an alias
            rest = len(self.errors) - MAX_ISSUES
            last = self.errors[MAX_ISSUES]
            more = ConfigIssue(last.file, None, None, "", f"... and {rest} more problems")
            self.errors = [*self.errors[:MAX_ISSUES], more]
        super().__init__("\n".join(str(issue) for issue in self.errors))


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (for "did you mean" hints)."""
    tp: Any = Config
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = {(f.alias or n): f for n, f in tp.model_fields.items()}
            if part not in fields:
                return None
            tp = fields[part].annotation  # type: ignore[index]
        elif get_origin(tp) is list:
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _unknown_key_message(loc: Loc) -> str:
    key = str(loc[-1])
    if loc[:-1] == ("github",) and key in ("token", "api_token", "github_token"):
        return (
            "unknown key; set `token_env` to the NAME of the environment variable that "
            "holds the token (the token itself never belongs in this file)"
        )
    model = _model_at(loc[:-1])
    if model is None:
        return "unknown key"
    allowed = [info.alias or name for name, info in model.model_fields.items()]
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"unknown key (did you mean {close[0]!r}?)"
    return f"unknown key (allowed: {', '.join(allowed)})"


_PLAIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,62}")


def _pydantic_message(error: Mapping[str, Any]) -> str:
    kind, msg, loc = error["type"], str(error["msg"]), tuple(error["loc"])
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return _unknown_key_message(loc)
    if kind == "model_type":
        return "expected a mapping of keys to values"
    if kind == "list_type":
        # `organizations: acme` is the most common slip: show the list it should be. The
        # value is echoed only when it looks like a login or a domain (never a token).
        value = error.get("input")
        shown = value if isinstance(value, str) and _PLAIN_RE.fullmatch(value) else "..."
        return f"expected a list: write [{shown}] (or one `- item` per line)"
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


def _value_at(data: Any, loc: tuple) -> Any:
    """The raw value at `loc` in the parsed file (None when the path does not lead there)."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


# --------------------------------------------------------------------------- YAML positions


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves impossible dates (2024-02-30) as strings.

    PyYAML raises a bare ValueError without a position for those; as strings they reach
    pydantic, which reports them like any other bad date, with line and column.
    """


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

# Bounds on hostile YAML. A real ospo.yml is a few levels deep and a few thousand values large;
# without bounds, 20,000 nested brackets raise RecursionError in PyYAML's recursive composer,
# and a few nested aliases ("billion laughs") expand a 100 KB file into millions of values.
MAX_DEPTH = 64
MAX_EXPANDED_VALUES = 200_000


class _LimitError(yaml.MarkedYAMLError):
    """The document is over a bound above (not a syntax error: it parses, it is too big)."""


class _BoundedLoader(_Loader):
    """The loader with a nesting bound, checked while composing (before any recursion)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _LimitError(
                    problem=f"nested more than {MAX_DEPTH} levels deep (too deep for a config)",
                    problem_mark=self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _check_expansion(root: yaml.Node | None) -> None:
    """Reject documents whose aliases expand past MAX_EXPANDED_VALUES values, or into a cycle.

    Counts the values the document would have with every alias replaced by what it names,
    without building it: each node's expanded size is computed once (iteratively, post-order).
    """
    if root is None:
        return
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_EXPANDED_VALUES:
                raise _LimitError(
                    problem=f"aliases expand this document past {MAX_EXPANDED_VALUES:,} values "
                    "(an alias bomb?); write the values out or use fewer nested aliases",
                    problem_mark=node.start_mark,
                )
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise _LimitError(
                problem="an alias refers to a value that contains it (a cycle)",
                problem_mark=node.start_mark,
            )
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _is_empty_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") and node.value == ""


def _node_at(root: yaml.Node | None, loc: Loc, *, key: bool = False) -> yaml.Node | None:
    """The node for a pydantic ``loc``: the value, or the key node when ``key`` is set (or
    when the value is empty); the deepest existing parent when the path does not exist."""
    node = root
    for index, part in enumerate(loc):
        if node is None:
            return None
        last = index == len(loc) - 1
        if isinstance(node, yaml.MappingNode):
            pair = None
            for k, v in node.value:  # later duplicates win, as they do when constructing
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    pair = (k, v)
            if pair is None:
                return node  # e.g. a missing required key: point at the enclosing mapping
            if index + 1 < len(loc) and loc[index + 1] == "[key]":
                return pair[0]
            if last and (key or _is_empty_null(pair[1])):
                return pair[0]
            node = pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node


def _duplicate_key_issues(root: yaml.Node | None) -> Iterator[tuple[yaml.Node, str]]:
    """PyYAML silently keeps the last of two equal keys; report it instead."""
    stack, visited = [root], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in visited:  # aliases can make the graph cyclic
            continue
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and not k.tag.endswith(":merge"):
                    if k.value in seen:
                        first = seen[k.value].start_mark.line + 1
                        yield k, f"duplicate key {k.value!r} (first given on line {first})"
                    seen[k.value] = k
                stack += [k, v]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


_INDENTATION_SIGNS = (
    "expected <block end>",
    "mapping values are not allowed",
    "did not find expected key",
    "did not find expected '-' indicator",
    "block mapping",
    "block sequence",
)


def _indentation_hint(message: str) -> str:
    """What most YAML structure errors in a hand-edited file are: indentation."""
    if "\\t" in message or "'\t'" in message or "found character '\\t'" in message:
        return "; YAML does not allow tabs for indentation: indent with spaces"
    if any(sign in message for sign in _INDENTATION_SIGNS):
        return (
            "; check the indentation here and on the line before: keys of one section line "
            "up with the same number of spaces, and a value on the next line is indented deeper"
        )
    return ""


def _yaml_error(exc: yaml.YAMLError, text: str, source: str) -> ConfigError:
    """A ConfigError for a PyYAML parse error, positioned where the parser gave up."""
    line = column = None
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            line, column = mark.line + 1, mark.column + 1
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            where = f" (line {exc.context_mark.line + 1})" if exc.context_mark else ""
            message = f"{exc.context}{where}: {exc.problem}"
        if isinstance(exc, _LimitError):  # it parses, but it is too deep or too large
            return ConfigError([ConfigIssue(source, line, column, "", message)])
        message += _indentation_hint(message)
    else:  # ReaderError (control characters) has a character offset instead of a mark
        position = getattr(exc, "position", None)
        if isinstance(position, int):
            line = text.count("\n", 0, position) + 1
            column = position - (text.rfind("\n", 0, position) + 1) + 1
        message = getattr(exc, "reason", None) or "cannot be parsed"
    return ConfigError([ConfigIssue(source, line, column, "", f"YAML syntax error: {message}")])


def _parse_yaml(text: str, source: str) -> tuple[Any, yaml.Node | None, list[ConfigIssue]]:
    """Parse ``text`` into (plain data, node tree, duplicate-key issues).

    Syntax errors become a ConfigError; duplicate keys are returned so that they are reported
    together with the validation errors.
    """
    try:
        loader = _BoundedLoader(text)
    except yaml.YAMLError as exc:  # the reader checks for control characters right away
        raise _yaml_error(exc, text, source) from None
    try:
        root = loader.get_single_node()
        _check_expansion(root)
        duplicates = [
            ConfigIssue(source, k.start_mark.line + 1, k.start_mark.column + 1, "", message)
            for k, message in _duplicate_key_issues(root)
        ]
        # Constructing after the duplicate check: construction flattens `<<` merge keys into
        # the mapping nodes, which would look like duplicates.
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text, source) from None
    finally:
        loader.dispose()
    return data, root, duplicates


# --------------------------------------------------------------------------- loading


def _issue(
    source: str, root: yaml.Node | None, loc: Loc, message: str, *, key: bool
) -> ConfigIssue:
    node = _node_at(root, loc, key=key)
    mark = node.start_mark if node is not None else None
    return ConfigIssue(
        source,
        mark.line + 1 if mark else None,
        mark.column + 1 if mark else None,
        _format_loc(loc),
        message,
    )


def _build(
    data: Any,
    source: str,
    root: yaml.Node | None = None,
    path: Path | None = None,
    issues: list[ConfigIssue] | None = None,
) -> Config:
    if data is None:
        data = {}  # an empty file (or only comments) is a valid, empty config
    issues = list(issues or ())
    config: Config | None = None
    try:
        config = Config.model_validate(data, context={_DEFER_CROSS_CHECKS: True})
    except ValidationError as exc:
        for error in exc.errors(include_url=False, include_input=False):
            loc = tuple(error["loc"])
            issues.append(
                _issue(
                    source,
                    root,
                    loc,
                    _pydantic_message({**error, "input": _value_at(data, loc)}),
                    key=error["type"] == "extra_forbidden",
                )
            )
    # Run regardless of the outcome above so that all problems are reported in one go.
    for loc, message in _cross_field_issues(data):
        issues.append(_issue(source, root, loc, message, key=False))
    if issues or config is None:
        unique = dict.fromkeys(issues)  # drop exact duplicates, keep order
        raise ConfigError(sorted(unique, key=lambda i: (i.line or 0, i.column or 0)))
    config._path = path
    config._source = source
    return config


def config_from_mapping(data: Mapping[str, Any] | None, source: str = "<demo>") -> Config:
    """Validate an in-memory config (e.g. the built-in demo). Errors name ``source`` and the
    field but carry no line numbers. Relative paths resolve against the current directory."""
    return _build(dict(data) if data is not None else None, source, None, None)


def load_config(path: str | Path) -> Config:
    """Read and validate a YAML config file; raise :class:`ConfigError` listing all problems."""
    source = os.fspath(path)
    file = Path(path).expanduser()
    try:
        text = file.read_text(encoding="utf-8-sig")  # -sig: tolerate a BOM from Windows editors
    except FileNotFoundError:
        # Name the absolute path too: "not found" is usually about the working directory.
        where = "" if file.is_absolute() else f" (looked for {file.absolute()})"
        raise ConfigError(
            [ConfigIssue(source, None, None, "", f"configuration file not found{where}")]
        ) from None
    except IsADirectoryError:
        raise ConfigError(
            [ConfigIssue(source, None, None, "", "is a directory, expected a YAML file")]
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [ConfigIssue(source, None, None, "", f"not valid UTF-8 text ({exc.reason})")]
        ) from None
    except OSError as exc:
        raise ConfigError(
            [ConfigIssue(source, None, None, "", f"cannot read file: {exc.strerror or exc}")]
        ) from None
    data, root, duplicates = _parse_yaml(text, source)
    return _build(data, source, root, file.absolute(), duplicates)


def find_config_path(
    cli_value: str | Path | None = None, env: Mapping[str, str] = os.environ
) -> Path | None:
    """The config file to use: ``--config`` value, else ``$OSPO_CONFIG``, else ``./ospo.yml``
    if it exists, else None (the caller then uses the built-in demo config).

    An explicitly named file is returned even if missing so that :func:`load_config` reports
    it, rather than silently falling back to demo data.
    """
    if cli_value:
        return Path(cli_value)
    if env.get(CONFIG_ENV_VAR):
        return Path(env[CONFIG_ENV_VAR])
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


def resolve_database_url(config: Config | None, env: Mapping[str, str] = os.environ) -> str:
    """The database URL: ``$DATABASE_URL`` > ``config.database`` > ``sqlite:///ospo_metrics.db``.

    Relative SQLite paths (``sqlite:///name.db``) are left as they are, so SQLAlchemy resolves
    them against the current working directory -- the repository root for a user running
    ``streamlit run app.py`` there -- and not against the config file's folder.
    """
    from_env = env.get(DATABASE_ENV_VAR, "").strip()
    if from_env:
        return from_env
    if config is not None and config.database:
        return config.database
    return DEFAULT_DATABASE_URL
