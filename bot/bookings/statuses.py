"""Every state a booking, an event or a reminder can be in, and what a booking use case can
answer: declared once, here. The values are the text stored in the database.

A booking moves: waiting -> offered -> confirmed, or confirmed -> cancelled; an offer not taken
in time becomes expired; staff mark a confirmed place attended.
"""
from __future__ import annotations

from collections.abc import Mapping

from bot.kernel.enums import StrEnum


class BookingStatus(StrEnum):
    CONFIRMED = "confirmed"    # the place is theirs
    OFFERED = "offered"        # a waiting-list place, theirs if they accept by the deadline
    WAITING = "waiting"        # on the waiting list
    CANCELLED = "cancelled"    # by the person or by staff
    EXPIRED = "expired"        # an offer not taken in time
    ATTENDED = "attended"      # staff marked it after the event


# A person holds (or queues for) a place: one of these per person per session.
ACTIVE = (BookingStatus.CONFIRMED, BookingStatus.OFFERED, BookingStatus.WAITING)
# The places held rule: these count against a session's capacity.
HOLDING = (BookingStatus.CONFIRMED, BookingStatus.OFFERED)


def holds_a_place(status: str) -> bool:
    return status in HOLDING


def places_held(count_by_status: Mapping[str, int]) -> int:
    """How many places are held, from a count of bookings by status."""
    return sum(count_by_status.get(s, 0) for s in HOLDING)


def places_used(count_by_status: Mapping[str, int]) -> int:
    """Held, plus those who came (a past session's attended places were used too)."""
    return places_held(count_by_status) + count_by_status.get(BookingStatus.ATTENDED, 0)


class EventStatus(StrEnum):
    """An event's and a session's status: only published ones can be booked."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class ReminderState(StrEnum):
    PENDING = "pending"        # waiting for its time (or its next try)
    SENDING = "sending"        # claimed by one worker
    SENT = "sent"
    FAILED = "failed"          # given up
    CANCELLED = "cancelled"    # no longer needed


class OutcomeStatus(StrEnum):
    """What a booking use case answers (``Outcome.status``; ``BookingService.check``)."""

    OK = "ok"                            # check(): it can be booked
    CONFIRMED = "confirmed"
    WAITING = "waiting"                  # booked on the waiting list
    OFFERED = "offered"
    CANCELLED = "cancelled"
    MOVED = "moved"
    EXPIRED = "expired"                  # the offer ran out
    FULL = "full"
    DUPLICATE = "duplicate"              # they have this place already
    PAST = "past"                        # the session has started
    CANCELLED_EVENT = "cancelled_event"  # the session or its event is not published
    TOO_YOUNG = "too_young"
    NOT_FOUND = "not_found"
    NOT_YOURS = "not_yours"
    NOT_OFFERED = "not_offered"


# The outcomes in which the change asked for was made.
SUCCEEDED = frozenset({OutcomeStatus.CONFIRMED, OutcomeStatus.WAITING, OutcomeStatus.CANCELLED,
                       OutcomeStatus.MOVED})
