"""Keep booking link tokens out of the web app's access log.

A manage, offer or calendar link is the key to a booking (bot/bookings/links.py), so the access
log (uvicorn's, one line per request) shows its path with the token replaced by "…".
"""
from __future__ import annotations

import logging
import re

# the token, and its signature after a "." on manage and offer links (bot/bookings/links.py)
TOKEN_IN_PATH = re.compile(r"(/bookings/(?:manage/|offer/)?)[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]{20,})?"
                           r"(?=\.ics|/|\?|$)")


def hide_tokens(path: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1…", path)


class HideLinkTokens(logging.Filter):
    """On uvicorn's access logger: its record's args are (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(hide_tokens(a) if isinstance(a, str) else a for a in record.args)
        return True


def install() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, HideLinkTokens) for f in access.filters):
        access.addFilter(HideLinkTokens())
