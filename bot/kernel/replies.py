"""What the bot sends: a text with its buttons. Built by every context, rendered by actions/."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)
