"""Locks that serialize writers of the same rows across processes (PostgreSQL).

Two collections started together (cron and a person, or two workers) may both "replace the
configured employments" or both "open a membership row for new members": each reads what is
there, then inserts what is missing, and under READ COMMITTED both insert. A transaction-level
advisory lock, taken before the read, makes the second wait for the first to commit; it is
released with the transaction. SQLite needs none: it has one writer at a time, and a second
writer fails (busy) rather than duplicating.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (pg_advisory_xact_lock takes a bigint)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def serialize(session: Session, name: str) -> None:
    """Wait until no other transaction holds the lock `name`, then hold it until commit."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})
