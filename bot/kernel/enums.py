"""An enum whose members are their own stored text (Python 3.11's ``enum.StrEnum``, for 3.10).

A member *is* a ``str``: it compares and hashes as its value, so a column keeps its plain
strings (no migration), a value read back from the database equals the member, and SQLite and
psycopg2 bind it as text. ``str()`` and f-strings give the value, not ``Class.NAME``.
"""
from __future__ import annotations

import enum


class StrEnum(str, enum.Enum):
    _value_: str   # each member's value is its text

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return self.value.__format__(spec)
