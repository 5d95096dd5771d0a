"""Rows for hand-made KPI input frames, shared by tests that need many similar commits."""

from __future__ import annotations


def commit_row(sha: str, day: str, author: int, repo: str = "acme/widgets") -> dict:
    """A human, non-merge commit by an Acme employee at noon UTC on `day` (YYYY-MM-DD)."""
    return {
        "repo": repo,
        "sha": sha,
        "authored_at": f"{day}T12:00:00Z",
        "author_id": author,
        "author_name": f"p{author}",
        "is_bot": False,
        "is_merge": False,
        "additions": 1,
        "deletions": 0,
        "files_changed": 1,
        "organization": "Acme",
        "is_employee": True,
        "signed_off": False,
        "relationship": "owned",
    }
