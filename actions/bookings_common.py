"""Shared by the booking actions: the service, the contact route, and slot helpers."""
from __future__ import annotations

import json
from functools import lru_cache

from rasa_sdk import Tracker

from actions import services
from bot.bookings.service import BookingService
from bot.bookings.views import SessionView
from bot.bookings import chat
from bot.contact import Contact, parse_contact

ON_TELEGRAM = {"here", "this chat", "telegram", "on here", "message me here", "this", "here please"}
BOOKING_SLOTS = ["booking_session", "booking_waitlist", "booking_consent", "booking_age",
                 "booking_name", "booking_contact", "booking_access", "booking_confirm",
                 "booking_filter", "booking_tries"]


@lru_cache(maxsize=1)
def bookings() -> BookingService:
    return BookingService(services.uow_factory())


def contact_for(tracker: Tracker, text: str) -> Contact | None:
    if tracker.get_latest_input_channel() == "telegram" and text.strip().lower() in ON_TELEGRAM:
        return Contact("telegram", tracker.sender_id)
    return parse_contact(text)


def stored_contact(value: str | None) -> Contact | None:
    if not value or ":" not in value:
        return None
    method, raw = value.split(":", 1)
    return Contact(method, raw)


def contact_label(value: str | None) -> str:
    c = stored_contact(value)
    return "this Telegram chat" if c and c.method == "telegram" else (c.value if c else "")


def filters(tracker: Tracker) -> dict[str, str]:
    try:
        return json.loads(tracker.get_slot("booking_filter") or "{}")
    except ValueError:
        return {}


def options(tracker: Tracker, age: int | None = None) -> list[SessionView]:
    """The sessions on offer for this conversation: its filters, else everything ahead."""
    every = bookings().upcoming()
    if age is not None:
        every = [s for s in every if s.min_age <= age]
    return (chat.apply_filters(every, filters(tracker)) or every)[:8]


def ics_url(token: str) -> str:
    return bookings().links.calendar(token)
