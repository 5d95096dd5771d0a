"""License texts to SPDX identifiers, and license expressions to one normalized spelling.

Detection uses `licenseclassifier`, a pure-Python port of Google's licensecheck (the matcher
behind pkg.go.dev): 1.8 MB, no dependencies, ~70 ms to import, a few milliseconds per file.
ScanCode's detection, the field's reference, was measured first (see the README's
"Compliance" section): ~700 MB installed and 4-15 s to load its index in every new process,
too much for a dashboard that installs with one `pip install`.

Expressions (from detection or from SBOMs) are parsed and normalized by `license-expression`
against the SPDX license list it ships: `mit` -> `MIT`, `GPL-2.0+` -> `GPL-2.0-or-later`,
deprecated `GPL-3.0` -> `GPL-3.0-only`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

# A matched license must cover this share of the file's words to be called verbatim; below it
# the file holds the license plus text of its own (an added clause, a custom preamble).
VERBATIM_COVERAGE = 0.9
# Second pass: how much of a file a license must cover to say "a modified <license>".
MODIFIED_COVERAGE_PCT = 20.0
# SPDX words for "nobody looked" and "no license": not an expression of any license.
NO_LICENSE = frozenset({"NOASSERTION", "NONE", ""})

Match = Literal["exact", "modified", "unknown"]
_WORD_RE = re.compile(r"\S+")


class LicenseExpressionError(ValueError):
    """A license expression that does not parse (unbalanced parentheses, a dangling AND)."""


@dataclass(frozen=True)
class LicenseDetection:
    """What a license file's text is: an SPDX expression and how closely the text matched.

    ``exact``: the file is a known license text (a copyright line around it is fine);
    ``modified``: a known license with text of its own added or changed around it;
    ``unknown``: no known license found (``expression`` is None).
    """

    expression: str | None
    match: Match
    coverage: float  # share of the file's words inside matched license text, 0..1


@functools.cache
def _licensing():
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def normalize_expression(expression: str | None) -> str | None:
    """The expression in canonical SPDX spelling; None for empty, NOASSERTION or NONE.

    Unknown identifiers are kept as written (an SBOM may name a LicenseRef or a license the
    SPDX list does not know); an expression that does not parse raises
    :class:`LicenseExpressionError`.
    """
    if expression is None or expression.strip().upper() in NO_LICENSE:
        return None
    from license_expression import ExpressionError

    try:
        parsed = _licensing().parse(expression.strip(), validate=False)
    except ExpressionError as exc:
        raise LicenseExpressionError(f"not a license expression: {expression!r} ({exc})") from None
    if parsed is None:
        return None
    return str(parsed.render())


def _words(text: str) -> int:
    return len(_WORD_RE.findall(text))


def detect_license(text: str) -> LicenseDetection:
    """Identify the license(s) a LICENSE file's text holds."""
    from licenseclassifier import identify_license

    total = _words(text)
    if not total:
        return LicenseDetection(None, "unknown", 0.0)
    matches = identify_license(text)
    match: Match = "exact"
    if not matches:
        matches = identify_license(text, coverage_threshold=MODIFIED_COVERAGE_PCT)
        match = "modified"
    if not matches:
        return LicenseDetection(None, "unknown", 0.0)
    covered = sum(_words(text[m.start : m.end]) for m in matches)
    coverage = min(1.0, covered / total)
    if coverage < VERBATIM_COVERAGE:
        match = "modified"
    # Several texts in one file (vendored licenses, dual licensing): all of them apply.
    ids = list(dict.fromkeys(m.id for m in matches))
    expression = normalize_expression(" AND ".join(ids))
    return LicenseDetection(expression, match, round(coverage, 3))
