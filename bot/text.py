"""What a chat message has in it, independent of any channel or framework."""
from __future__ import annotations

import unicodedata


def has_words(text: str) -> bool:
    """Does ``text`` hold anything a person could read? Spaces, line breaks, control, format
    (zero-width, direction marks) and unassigned characters don't count; letters, digits,
    punctuation, symbols and emoji do."""
    return any(unicodedata.category(ch)[0] not in "ZC" for ch in text)
