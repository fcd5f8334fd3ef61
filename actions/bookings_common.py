"""Shared by the booking actions: the service, the sessions on offer, and the contact route."""
from __future__ import annotations

from rasa_sdk import Tracker

from actions.services import bookings
from bot.bookings import chat
from bot.bookings.views import SessionView
from bot.contact import Contact, contact_route
from bot.forms.registry import FORMS, FormName

BOOKING = FORMS[FormName.BOOKING]
FILTER = BOOKING.slot("booking_filter")


def contact_for(tracker: Tracker, text: str) -> Contact | None:
    """The contact route in an answer: on Telegram "here" means this chat (bot/contact.py)."""
    return contact_route(text, tracker.get_latest_input_channel(), tracker.sender_id)


def filters(tracker: Tracker) -> dict[str, str]:
    return FILTER.codec.decode(tracker.get_slot(FILTER.name)) or {}


def options(tracker: Tracker, age: int | None = None) -> list[SessionView]:
    """The sessions on offer for this conversation: its filters, else everything ahead."""
    every = bookings().upcoming()
    if age is not None:
        every = [s for s in every if s.min_age <= age]
    return (chat.apply_filters(every, filters(tracker)) or every)[:8]


def ics_url(token: str) -> str:
    return bookings().links.calendar(token)
