"""How a slot's value is kept in the tracker and read back as the type the code means.

Rasa keeps text and bool slots here (``influence_conversation: false``, so the type is only
storage). A codec turns a Python value into that storage (``encode``) and back (``decode``);
``None`` is "not filled" both ways, and a value that can't be read decodes to ``None``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from bot.contact import Contact

T = TypeVar("T")
E = TypeVar("E", bound=Enum)


class SlotType(str, Enum):
    """The slot type declared in domain.yml for this storage."""

    TEXT = "text"
    BOOL = "bool"


class Codec(Generic[T]):
    slot_type: SlotType = SlotType.TEXT

    def encode(self, value: T | None) -> Any:
        return None if value is None else str(value)

    def decode(self, stored: Any) -> T | None:  # pragma: no cover - every codec overrides it
        raise NotImplementedError


class TextCodec(Codec[str]):
    def decode(self, stored: Any) -> str | None:
        return None if stored is None else str(stored)


class IntCodec(Codec[int]):
    def decode(self, stored: Any) -> int | None:
        if isinstance(stored, bool) or stored is None:
            return None
        try:
            return int(str(stored).strip())
        except ValueError:
            return None


class BoolCodec(Codec[bool]):
    slot_type = SlotType.BOOL

    def encode(self, value: bool | None) -> Any:
        return value

    def decode(self, stored: Any) -> bool | None:
        return stored if isinstance(stored, bool) else None


@dataclass(frozen=True)
class EnumCodec(Codec[E]):
    enum: type[E]

    def encode(self, value: E | None) -> Any:
        return None if value is None else value.value

    def decode(self, stored: Any) -> E | None:
        try:
            return None if stored is None else self.enum(stored)
        except ValueError:
            return None


class ContactCodec(Codec[Contact]):
    def encode(self, value: Contact | None) -> Any:
        return None if value is None else value.encode()

    def decode(self, stored: Any) -> Contact | None:
        return Contact.decode(stored) if isinstance(stored, str) else None


class DictCodec(Codec[dict[str, str]]):
    """A small mapping of strings (e.g. the filters someone asked for), kept as JSON text."""

    def encode(self, value: dict[str, str] | None) -> Any:
        return None if value is None else json.dumps(value)

    def decode(self, stored: Any) -> dict[str, str] | None:
        if stored is None:
            return None
        try:
            found = json.loads(stored) if isinstance(stored, str) else stored
        except ValueError:
            return None
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else None


TEXT, INT, BOOL, CONTACT, DICT = TextCodec(), IntCodec(), BoolCodec(), ContactCodec(), DictCodec()
