"""A contact route someone gives us: an email, a UK mobile number, or the Telegram chat itself.

One parser for every form that asks for one (booking, handoff) and for a contact found inside a
longer message ("TD-7K3Q jo@example.com"), and one way to keep it in a slot (``encode`` /
``decode``: ``"email:jo@example.com"``, ``"phone:+447700900123"``, ``"telegram:<chat id>"``).

The Telegram route: on Telegram, the form offers a "Use this chat" button (payload ``here``); that
answer, or typing one of ``THIS_CHAT``, means "message me here", and the route is the Telegram
chat id, which is the conversation's sender id (bot/rasa_server/channels/telegram.py). Elsewhere those words
are not a contact: the widget has no way to reach someone after they leave.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

import phonenumbers
from email_validator import EmailNotValidError, validate_email

TELEGRAM_CHANNEL = "telegram"
THIS_CHAT = frozenset({"here", "this chat", "telegram", "on here", "message me here", "this",
                       "here please", "use this chat"})
_PHONE_IN_TEXT = re.compile(r"(?:\+44\s?|0)7[\d\s]{9,12}")


class ContactMethod(str, Enum):
    EMAIL = "email"
    PHONE = "phone"
    TELEGRAM = "telegram"


@dataclass(frozen=True)
class Contact:
    method: ContactMethod
    value: str    # lower-case email, E.164 phone number, or the Telegram chat id

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", ContactMethod(self.method))

    def encode(self) -> str:
        return f"{self.method.value}:{self.value}"

    @classmethod
    def decode(cls, stored: str | None) -> Contact | None:
        method, _, value = (stored or "").partition(":")
        if not value or method not in {m.value for m in ContactMethod}:
            return None
        return cls(ContactMethod(method), value)

    @property
    def label(self) -> str:
        """How the bot names it back: the address or number, or "this Telegram chat"."""
        return "this Telegram chat" if self.method is ContactMethod.TELEGRAM else self.value

    @property
    def how(self) -> str:
        """How someone will be reached: "by email", "by phone", "here on Telegram"."""
        return {ContactMethod.EMAIL: "by email", ContactMethod.PHONE: "by phone",
                ContactMethod.TELEGRAM: "here on Telegram"}[self.method]


def parse_contact(text: str) -> Contact | None:
    """An email address or a UK phone number from ``text``, or None if it is neither."""
    text = (text or "").strip()
    if not text or len(text) > 254:
        return None
    if "@" in text:
        try:
            result = validate_email(text, check_deliverability=False)
        except EmailNotValidError:
            return None
        return Contact(ContactMethod.EMAIL, result.normalized.lower())
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return Contact(ContactMethod.PHONE,
                   phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def contact_route(text: str, channel: str | None, sender_id: str) -> Contact | None:
    """The answer to "how should we contact you?": this Telegram chat, an email or a mobile."""
    if channel == TELEGRAM_CHANNEL and (text or "").strip().lower().strip(".!") in THIS_CHAT:
        return Contact(ContactMethod.TELEGRAM, sender_id)
    return parse_contact(text)


def find_contact(text: str) -> Contact | None:
    """An email or UK mobile number written somewhere in a longer message."""
    for word in (text or "").split():
        if "@" in word and (found := parse_contact(word.strip(".,;()<>"))):
            return found
    m = _PHONE_IN_TEXT.search(text or "")
    return parse_contact(m.group(0)) if m else None
