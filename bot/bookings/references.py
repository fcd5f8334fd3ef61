"""The booking reference: "TD-7K3Q", a prefix for the kind of event and four characters from
an alphabet without 0/O or 1/I/L (easy to read out). Made, found in free text and normalised
here, and nowhere else.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable

PREFIXES = {"taster_day": "TD", "cv_workshop": "CV", "open_evening": "OE", "work_experience": "WE"}
OTHER_PREFIX = "EV"             # a kind with no prefix of its own
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 4
# In a message: "TD-7K3Q", "td 7k3q", "TD7K3Q" (any case, a space or hyphen or nothing between).
PATTERN = re.compile(rf"\b({'|'.join([*PREFIXES.values(), OTHER_PREFIX])})\s*(-?)\s*"
                     rf"([{ALPHABET}]{{{LENGTH}}})\b", re.IGNORECASE)


def new_reference(kind: str, taken: Callable[[str], bool]) -> str:
    """A fresh reference for an event of ``kind``; ``taken(ref)`` says one is in use."""
    prefix = PREFIXES.get(kind, OTHER_PREFIX)
    while True:
        ref = f"{prefix}-{''.join(secrets.choice(ALPHABET) for _ in range(LENGTH))}"
        if not taken(ref):
            return ref


def find_reference(text: str) -> str | None:
    """The first reference in a message, normalised; None if there is none."""
    for m in PATTERN.finditer(text or ""):
        if m.group(2) or re.search(r"\d", m.group(3)):  # "TD-ABCD" or "td7k3q", not "cv fast"
            return f"{m.group(1)}-{m.group(3)}".upper()
    return None


def normalise_reference(ref: str) -> str:
    """As stored: trimmed, upper case ("td-7k3q " -> "TD-7K3Q")."""
    return ref.strip().upper()
