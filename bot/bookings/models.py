"""Booking tables: an event (what), its sessions (when and where), bookings and reminders,
and the outbox of email and text messages sent through GOV.UK Notify (bot/bookings/outbox.py).

A booking's ``status`` is a :class:`~bot.bookings.statuses.BookingStatus` (stored as its text);
which statuses hold a place is said once, in bot/bookings/statuses.py.
"""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.bookings.statuses import ACTIVE, EventStatus, ReminderState
from bot.db import Base

KINDS = {"taster_day": "Taster day", "cv_workshop": "CV workshop", "open_evening": "Open evening",
         "work_experience": "Work experience day"}
# one active booking per person per session (the partial unique index below)
_ACTIVE_SQL = text("status IN ({})".format(",".join(f"'{s.value}'" for s in ACTIVE)))


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC time (SQLite hands back naive ones)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str | None] = mapped_column(String(80))
    min_age: Mapped[int] = mapped_column(Integer, default=14)
    accessibility: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.DRAFT.value, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now())

    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventSession.starts_at")

    @property
    def kind_name(self) -> str:
        return KINDS.get(self.kind, self.kind.replace("_", " ").capitalize())

    def __str__(self) -> str:
        return self.title


class EventSession(Base):
    """One dated occurrence of an event, with its own place and capacity."""

    __tablename__ = "event_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    site: Mapped[str] = mapped_column(String(200), default="")
    town: Mapped[str] = mapped_column(String(80), default="", index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.PUBLISHED.value, index=True)

    event: Mapped[Event] = relationship(back_populates="sessions", lazy="joined")
    bookings: Mapped[list[Booking]] = relationship(back_populates="session")

    def __str__(self) -> str:
        return f"{self.event.title if self.event else 'Session'} {self.starts_at:%d %b %Y %H:%M}"


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        # one active booking per person per session, whatever the timing (double submits)
        Index("uq_bookings_active_sender", "session_id", "sender_id", unique=True,
              sqlite_where=_ACTIVE_SQL, postgresql_where=_ACTIVE_SQL),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(12), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)          # BookingStatus
    channel: Mapped[str] = mapped_column(String(40))
    sender_id: Mapped[str] = mapped_column(String(128), index=True)
    first_name: Mapped[str | None] = mapped_column(String(80))
    contact_method: Mapped[str | None] = mapped_column(String(20))
    contact_value: Mapped[str | None] = mapped_column(String(200))
    access_needs: Mapped[str | None] = mapped_column(Text)
    consent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ics_token: Mapped[str] = mapped_column(String(64), unique=True)
    offer_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    purged_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                    onupdate=utcnow)

    session: Mapped[EventSession] = relationship(back_populates="bookings", lazy="joined")
    messages: Mapped[list[OutboxMessage]] = relationship(
        back_populates="booking", viewonly=True, order_by="OutboxMessage.id")

    def __str__(self) -> str:
        return f"{self.ref} ({self.status})"


class NoticeKind(str, enum.Enum):
    """What a chat notice (a ``Reminder`` row, delivered in the person's conversation) says."""

    DAY_BEFORE = "day_before"    # the reminder the day before
    OFFER = "offer"              # a waiting-list place: take it by the deadline
    CANCELLED = "cancelled"      # staff cancelled the place


class Reminder(Base):
    """A message to deliver once in the chat: the day-before reminder, a waiting-list offer, a
    cancellation by staff."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("booking_id", "kind", "due_at", name="uq_reminder_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))          # NoticeKind
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    state: Mapped[str] = mapped_column(String(20), default=ReminderState.PENDING.value,
                                       index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(300))

    booking: Mapped[Booking] = relationship(lazy="joined")


class ErasureRequest(Base):
    """"Delete my data": the conversation's tracker events are removed after the turn ends."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128), index=True)
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MessageKind(str, enum.Enum):
    """What an outbox message says; each has an email and a text-message template in Notify."""

    CONFIRMATION = "confirmation"      # booked (or accepted an offer, or moved by the person)
    REMINDER = "reminder"              # the day before
    OFFER = "offer"                    # a waiting-list place, with its deadline
    OFFER_EXPIRED = "offer_expired"
    CANCELLED = "cancelled"            # by staff
    MOVED = "moved"                    # staff changed the session's date, time or place
    STAFF_ALERT = "staff_alert"        # to the team's address: something in the admin needs them


class NotifyChannel(str, enum.Enum):
    EMAIL = "email"
    SMS = "sms"


class OutboxState(str, enum.Enum):
    PENDING = "pending"        # waiting for its time (or its next try)
    SENDING = "sending"        # claimed by one worker
    SENT = "sent"              # accepted by Notify; a delivery receipt may follow
    DELIVERED = "delivered"    # Notify's receipt says it arrived
    FAILED = "failed"          # given up: shown to staff on the booking
    CANCELLED = "cancelled"    # no longer needed (booking changed, details erased)


class OutboxMessage(Base):
    """One email or text message to send through GOV.UK Notify, written in the same transaction
    as the booking change that caused it. The recipient is read from the booking when it is
    sent (so erased details are never used); ``personalisation`` is cleared by the purge."""

    __tablename__ = "notify_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True)   # None: a message to staff
    kind: Mapped[str] = mapped_column(String(30))                      # MessageKind
    channel: Mapped[str] = mapped_column(String(10))                   # NotifyChannel
    personalisation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    state: Mapped[str] = mapped_column(String(20), default=OutboxState.PENDING.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    notify_id: Mapped[str | None] = mapped_column(String(36), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(30))  # from Notify's receipt
    delivery_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    booking: Mapped[Booking | None] = relationship(back_populates="messages", lazy="joined")

    def __str__(self) -> str:
        text = f"{self.kind.replace('_', ' ')} by {self.channel}: {self.state}"
        return f"{text} ({self.last_error})" if self.last_error else text
