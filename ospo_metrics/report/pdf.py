"""The impact report as PDF: the HTML report printed by the real headless Chromium.

Chromium is Debian's (`chromium`, or $OSPO_CHROMIUM); nothing is downloaded. The HTML is
self-contained, so printing it needs no network: Chromium runs with networking features off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

PRINT_TIMEOUT_SECONDS = 90


class PdfError(RuntimeError):
    """The PDF could not be printed (no Chromium, or it failed); the message says why."""


def chromium_path() -> str | None:
    """The Chromium binary to print with, if there is one."""
    configured = os.environ.get("OSPO_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def html_to_pdf(document: str) -> bytes:
    """Print an HTML document to PDF with headless Chromium (A4 or Letter, as the locale's
    default paper; no header or footer)."""
    browser = chromium_path()
    if browser is None:
        raise PdfError(
            "cannot print the PDF: Chromium is not installed (apt-get install chromium, or set "
            "OSPO_CHROMIUM to its path); the HTML report (without --pdf) prints from any browser"
        )
    with tempfile.TemporaryDirectory(prefix="ospo-report-") as folder:
        source = Path(folder) / "report.html"
        target = Path(folder) / "report.pdf"
        source.write_text(document, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfError(f"cannot print the PDF: Chromium did not finish ({exc})") from None
        if not target.exists() or target.stat().st_size == 0:
            raise PdfError("cannot print the PDF: Chromium wrote no file")
        return target.read_bytes()
