"""Bookings repository: the queries the service needs, nothing more."""
from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from bot.bookings.models import Booking, ErasureRequest, Event, EventSession, NoticeKind, Reminder
from bot.bookings.statuses import ACTIVE, HOLDING, BookingStatus, EventStatus, ReminderState

Stored = Event | EventSession | Booking | Reminder | ErasureRequest   # what add() takes


class AbstractBookingsRepository(abc.ABC):
    """Every query and write the bookings use cases and the worker need. The SQL one is below;
    tests have an in-memory one (tests/fakes/unit_of_work.py)."""

    # -- events and sessions -------------------------------------------------------------------
    @abc.abstractmethod
    def upcoming(self, now: dt.datetime, kind: str | None = None) -> list[EventSession]:
        """Published sessions of published events starting after ``now``, soonest first."""

    @abc.abstractmethod
    def session(self, session_id: int, lock: bool = False) -> EventSession | None:
        """One session; ``lock``: hold its row until the unit of work ends."""

    @abc.abstractmethod
    def taken(self, session_id: int) -> int:
        """Places held (bot/bookings/statuses.py HOLDING) on one session."""

    @abc.abstractmethod
    def taken_many(self, session_ids: list[int]) -> dict[int, int]:
        """Places held, by session (sessions with none are left out)."""

    @abc.abstractmethod
    def add(self, item: Stored) -> None:
        """Add an event, a session, a booking, a reminder or an erasure request (it gets its id)."""

    @abc.abstractmethod
    def flush(self) -> None:
        """Make the changes so far visible to the next query."""

    # -- bookings ------------------------------------------------------------------------------
    @abc.abstractmethod
    def by_ref(self, ref: str) -> Booking | None: ...

    @abc.abstractmethod
    def by_id(self, booking_id: int) -> Booking | None: ...

    @abc.abstractmethod
    def by_token(self, token: str) -> Booking | None: ...

    @abc.abstractmethod
    def ref_exists(self, ref: str) -> bool: ...

    @abc.abstractmethod
    def active_for(self, session_id: int, sender_id: str) -> Booking | None:
        """This person's active (ACTIVE) booking on the session, if any."""

    @abc.abstractmethod
    def for_sender(self, sender_id: str, statuses: Iterable[str] = ACTIVE) -> list[Booking]:
        """One conversation's bookings in these statuses, by session start."""

    @abc.abstractmethod
    def move(self, booking: Booking, session_id: int) -> None:
        """Put the booking on another session (``booking.session`` is then the new one)."""

    @abc.abstractmethod
    def next_waiting(self, session_id: int) -> Booking | None:
        """The first in the session's waiting-list queue."""

    @abc.abstractmethod
    def waiting_position(self, booking: Booking) -> int:
        """Where a waiting booking is in its queue, from 1."""

    @abc.abstractmethod
    def expired_offers(self, now: dt.datetime) -> list[Booking]: ...

    @abc.abstractmethod
    def to_purge(self, ended_before: dt.datetime) -> list[Booking]:
        """Bookings of sessions that ended before then, not yet purged."""

    # -- reminders -----------------------------------------------------------------------------
    @abc.abstractmethod
    def reminders_for(self, booking_id: int, kind: NoticeKind) -> list[Reminder]: ...

    @abc.abstractmethod
    def cancel_reminders(self, booking_id: int,
                         kinds: Iterable[NoticeKind] = (NoticeKind.DAY_BEFORE, NoticeKind.OFFER)) -> None:
        """Pending reminders of these kinds are cancelled."""

    @abc.abstractmethod
    def due_reminders(self, now: dt.datetime, limit: int) -> list[Reminder]: ...

    @abc.abstractmethod
    def claim(self, reminder_id: int, now: dt.datetime) -> bool:
        """Atomically move one reminder from pending to sending; False if someone else did."""

    @abc.abstractmethod
    def fail_stale_claims(self, claimed_before: dt.datetime) -> int:
        """Reminders left sending by a crash are failed (never resent); how many."""

    @abc.abstractmethod
    def reminder(self, reminder_id: int) -> Reminder | None: ...

    # -- erasure -------------------------------------------------------------------------------
    @abc.abstractmethod
    def pending_erasures(self, before: dt.datetime) -> list[ErasureRequest]: ...


class SqlBookingsRepository(AbstractBookingsRepository):
    def __init__(self, session: Session) -> None:
        self.db = session

    # -- events and sessions -----------------------------------------------------------------
    def upcoming(self, now: dt.datetime, kind: str | None = None) -> list[EventSession]:
        stmt = (select(EventSession).join(Event)
                .where(EventSession.starts_at > now, EventSession.status == EventStatus.PUBLISHED,
                       Event.status == EventStatus.PUBLISHED)
                .order_by(EventSession.starts_at, EventSession.id))
        if kind:
            stmt = stmt.where(Event.kind == kind)
        return list(self.db.scalars(stmt))

    def session(self, session_id: int, lock: bool = False) -> EventSession | None:
        stmt = select(EventSession).where(EventSession.id == session_id)
        if lock:  # a row lock on PostgreSQL; SQLite is already locked by BEGIN IMMEDIATE
            stmt = stmt.with_for_update(of=EventSession)
        return self.db.scalars(stmt).first()

    def taken(self, session_id: int) -> int:
        stmt = select(func.count(Booking.id)).where(Booking.session_id == session_id,
                                                    Booking.status.in_(HOLDING))
        return int(self.db.scalar(stmt) or 0)

    def taken_many(self, session_ids: list[int]) -> dict[int, int]:
        if not session_ids:
            return {}
        stmt = (select(Booking.session_id, func.count(Booking.id))
                .where(Booking.session_id.in_(session_ids), Booking.status.in_(HOLDING))
                .group_by(Booking.session_id))
        return {sid: int(n) for sid, n in self.db.execute(stmt)}

    def add(self, item: Stored) -> None:
        self.db.add(item)
        self.db.flush()

    def flush(self) -> None:
        self.db.flush()

    # -- bookings ----------------------------------------------------------------------------
    def by_ref(self, ref: str) -> Booking | None:
        return self.db.scalars(select(Booking).where(Booking.ref == ref.upper())).first()

    def by_id(self, booking_id: int) -> Booking | None:
        return self.db.get(Booking, booking_id)

    def by_token(self, token: str) -> Booking | None:
        return self.db.scalars(select(Booking).where(Booking.ics_token == token)).first()

    def ref_exists(self, ref: str) -> bool:
        return (self.db.scalar(select(func.count(Booking.id)).where(Booking.ref == ref)) or 0) > 0

    def active_for(self, session_id: int, sender_id: str) -> Booking | None:
        stmt = select(Booking).where(Booking.session_id == session_id,
                                     Booking.sender_id == sender_id, Booking.status.in_(ACTIVE))
        return self.db.scalars(stmt).first()

    def for_sender(self, sender_id: str, statuses: Iterable[str] = ACTIVE) -> list[Booking]:
        stmt = (select(Booking).join(EventSession)
                .where(Booking.sender_id == sender_id, Booking.status.in_(tuple(statuses)))
                .order_by(EventSession.starts_at))
        return list(self.db.scalars(stmt))

    def move(self, booking: Booking, session_id: int) -> None:
        booking.session_id = session_id
        self.db.flush()
        self.db.refresh(booking)

    def next_waiting(self, session_id: int) -> Booking | None:
        stmt = (select(Booking).where(Booking.session_id == session_id,
                                      Booking.status == BookingStatus.WAITING)
                .order_by(Booking.created_at, Booking.id))
        return self.db.scalars(stmt).first()

    def waiting_position(self, booking: Booking) -> int:
        stmt = select(func.count(Booking.id)).where(
            Booking.session_id == booking.session_id, Booking.status == BookingStatus.WAITING,
            Booking.created_at <= booking.created_at, Booking.id <= booking.id)
        return int(self.db.scalar(stmt) or 0)

    def expired_offers(self, now: dt.datetime) -> list[Booking]:
        stmt = select(Booking).where(Booking.status == BookingStatus.OFFERED,
                                     Booking.offer_expires_at <= now)
        return list(self.db.scalars(stmt))

    def to_purge(self, ended_before: dt.datetime) -> list[Booking]:
        stmt = (select(Booking).join(EventSession)
                .where(EventSession.ends_at < ended_before, Booking.purged_at.is_(None)))
        return list(self.db.scalars(stmt))

    # -- reminders ---------------------------------------------------------------------------
    def reminders_for(self, booking_id: int, kind: NoticeKind) -> list[Reminder]:
        stmt = select(Reminder).where(Reminder.booking_id == booking_id, Reminder.kind == kind.value)
        return list(self.db.scalars(stmt))

    def cancel_reminders(self, booking_id: int,
                         kinds: Iterable[NoticeKind] = (NoticeKind.DAY_BEFORE, NoticeKind.OFFER)) -> None:
        self.db.execute(update(Reminder).where(Reminder.booking_id == booking_id,
                                               Reminder.kind.in_([k.value for k in kinds]),
                                               Reminder.state == ReminderState.PENDING)
                        .values(state=ReminderState.CANCELLED))

    def due_reminders(self, now: dt.datetime, limit: int) -> list[Reminder]:
        stmt = (select(Reminder).where(Reminder.state == ReminderState.PENDING, Reminder.due_at <= now)
                .order_by(Reminder.due_at, Reminder.id).limit(limit))
        return list(self.db.scalars(stmt))

    def claim(self, reminder_id: int, now: dt.datetime) -> bool:
        """Atomically move one reminder from pending to sending; False if someone else did."""
        result = cast(CursorResult[Any], self.db.execute(
            update(Reminder)
            .where(Reminder.id == reminder_id, Reminder.state == ReminderState.PENDING)
            .values(state=ReminderState.SENDING, claimed_at=now, attempts=Reminder.attempts + 1)))
        return result.rowcount == 1

    def fail_stale_claims(self, claimed_before: dt.datetime) -> int:
        result = cast(CursorResult[Any], self.db.execute(
            update(Reminder).where(Reminder.state == ReminderState.SENDING,
                                   Reminder.claimed_at < claimed_before)
            .values(state=ReminderState.FAILED, last_error="interrupted while sending; not resent")))
        return result.rowcount or 0

    def reminder(self, reminder_id: int) -> Reminder | None:
        return self.db.get(Reminder, reminder_id)

    # -- erasure -----------------------------------------------------------------------------
    def pending_erasures(self, before: dt.datetime) -> list[ErasureRequest]:
        stmt = select(ErasureRequest).where(ErasureRequest.done_at.is_(None),
                                            ErasureRequest.requested_at <= before)
        return list(self.db.scalars(stmt))
