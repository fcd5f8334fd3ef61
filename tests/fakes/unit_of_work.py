"""In-memory repositories and unit of work for the bookings and casework use cases
(cosmicpython's FakeRepository / FakeUnitOfWork): the service runs unchanged, nothing touches a
database. Each fake implements its abstract repository in full, so a method added there and not
here fails at construction (``TypeError: Can't instantiate abstract class``).

The rows are the ORM classes, used as plain objects (no session): ``add`` gives each an id and
the column defaults the database would, and links the relationships the service reads
(``booking.session``, ``session.event``, ``reminder.booking``).

    uow = FakeUnitOfWork()
    service = BookingService(lambda: uow, clock=lambda: NOW, notify=False)
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from bot.bookings.models import (
    Booking,
    ErasureRequest,
    Event,
    EventSession,
    MessageKind,
    NoticeKind,
    OutboxMessage,
    OutboxState,
    Reminder,
    as_utc,
    utcnow,
)
from bot.bookings.outbox import AbstractOutboxRepository
from bot.bookings.repository import AbstractBookingsRepository, Stored
from bot.bookings.statuses import ACTIVE, BookingStatus, EventStatus, ReminderState, holds_a_place
from bot.casework.alerts import StaffAlertRepository
from bot.casework.models import HandoffRequest, SafeguardingFlag
from bot.casework.repository import AbstractCaseworkRepository
from bot.kernel.unit_of_work import AbstractUnitOfWork

_ids = itertools.count(1)


def _stored(item):
    """As the database would store it: an id, and the defaults of the columns left unset."""
    for column in item.__table__.columns:
        if getattr(item, column.key, None) is not None:
            continue
        if column.primary_key:
            setattr(item, column.key, next(_ids))
        elif column.default is not None and column.default.is_scalar:
            setattr(item, column.key, column.default.arg)
        elif column.default is not None and column.default.is_callable:
            setattr(item, column.key, column.default.arg(None))
        elif column.server_default is not None and column.type.python_type is dt.datetime:
            setattr(item, column.key, utcnow())
    return item


class FakeBookingsRepository(AbstractBookingsRepository):
    def __init__(self) -> None:
        self.events: dict[int, Event] = {}
        self.sessions: dict[int, EventSession] = {}
        self.bookings: dict[int, Booking] = {}
        self.reminders: dict[int, Reminder] = {}
        self.erasures: list[ErasureRequest] = []

    # -- events and sessions -------------------------------------------------------------------
    def upcoming(self, now: dt.datetime, kind: str | None = None) -> list[EventSession]:
        found = [s for s in self.sessions.values()
                 if as_utc(s.starts_at) > now and s.status == EventStatus.PUBLISHED
                 and s.event.status == EventStatus.PUBLISHED and (not kind or s.event.kind == kind)]
        return sorted(found, key=lambda s: (as_utc(s.starts_at), s.id))

    def session(self, session_id: int, lock: bool = False) -> EventSession | None:
        return self.sessions.get(session_id)

    def taken(self, session_id: int) -> int:
        return sum(1 for b in self.bookings.values()
                   if b.session_id == session_id and holds_a_place(b.status))

    def taken_many(self, session_ids: list[int]) -> dict[int, int]:
        counts = {sid: self.taken(sid) for sid in session_ids}
        return {sid: n for sid, n in counts.items() if n}

    def add(self, item: Stored) -> None:
        _stored(item)
        if isinstance(item, Event):
            self.events[item.id] = item
            for s in item.sessions:
                s.event_id = item.id
                self.add(s)
        elif isinstance(item, EventSession):
            item.event = item.event or self.events[item.event_id]
            item.event_id = item.event.id
            self.sessions[item.id] = item
        elif isinstance(item, Booking):
            item.session = self.sessions[item.session_id]
            self.bookings[item.id] = item
        elif isinstance(item, Reminder):
            item.booking = self.bookings[item.booking_id]
            self.reminders[item.id] = item
        elif isinstance(item, ErasureRequest):
            self.erasures.append(item)
        else:
            raise TypeError(f"the bookings repository does not store {type(item).__name__}")

    def flush(self) -> None:
        pass

    # -- bookings ------------------------------------------------------------------------------
    def by_ref(self, ref: str) -> Booking | None:
        return next((b for b in self.bookings.values() if b.ref == ref.upper()), None)

    def by_id(self, booking_id: int) -> Booking | None:
        return self.bookings.get(booking_id)

    def by_token(self, token: str) -> Booking | None:
        return next((b for b in self.bookings.values() if b.ics_token == token), None)

    def ref_exists(self, ref: str) -> bool:
        return any(b.ref == ref for b in self.bookings.values())

    def active_for(self, session_id: int, sender_id: str) -> Booking | None:
        return next((b for b in self.bookings.values() if b.session_id == session_id
                     and b.sender_id == sender_id and b.status in ACTIVE), None)

    def for_sender(self, sender_id: str, statuses: Iterable[str] = ACTIVE) -> list[Booking]:
        wanted = tuple(statuses)
        found = [b for b in self.bookings.values() if b.sender_id == sender_id and b.status in wanted]
        return sorted(found, key=lambda b: as_utc(b.session.starts_at))

    def move(self, booking: Booking, session_id: int) -> None:
        booking.session_id = session_id
        booking.session = self.sessions[session_id]

    def _waiting(self, session_id: int) -> list[Booking]:
        found = [b for b in self.bookings.values()
                 if b.session_id == session_id and b.status == BookingStatus.WAITING]
        return sorted(found, key=lambda b: (as_utc(b.created_at), b.id))

    def next_waiting(self, session_id: int) -> Booking | None:
        return next(iter(self._waiting(session_id)), None)

    def waiting_position(self, booking: Booking) -> int:
        return sum(1 for b in self._waiting(booking.session_id)
                   if as_utc(b.created_at) <= as_utc(booking.created_at) and b.id <= booking.id)

    def expired_offers(self, now: dt.datetime) -> list[Booking]:
        return [b for b in self.bookings.values() if b.status == BookingStatus.OFFERED
                and b.offer_expires_at is not None and as_utc(b.offer_expires_at) <= now]

    def to_purge(self, ended_before: dt.datetime) -> list[Booking]:
        return [b for b in self.bookings.values()
                if as_utc(b.session.ends_at) < ended_before and b.purged_at is None]

    # -- reminders -----------------------------------------------------------------------------
    def reminders_for(self, booking_id: int, kind: NoticeKind) -> list[Reminder]:
        return [r for r in self.reminders.values() if r.booking_id == booking_id and r.kind == kind.value]

    def cancel_reminders(self, booking_id: int,
                         kinds: Iterable[NoticeKind] = (NoticeKind.DAY_BEFORE, NoticeKind.OFFER)) -> None:
        values = {k.value for k in kinds}
        for r in self.reminders.values():
            if r.booking_id == booking_id and r.kind in values and r.state == ReminderState.PENDING:
                r.state = ReminderState.CANCELLED

    def due_reminders(self, now: dt.datetime, limit: int) -> list[Reminder]:
        due = [r for r in self.reminders.values()
               if r.state == ReminderState.PENDING and as_utc(r.due_at) <= now]
        return sorted(due, key=lambda r: (as_utc(r.due_at), r.id))[:limit]

    def claim(self, reminder_id: int, now: dt.datetime) -> bool:
        r = self.reminders.get(reminder_id)
        if r is None or r.state != ReminderState.PENDING:
            return False
        r.state, r.claimed_at, r.attempts = ReminderState.SENDING, now, r.attempts + 1
        return True

    def fail_stale_claims(self, claimed_before: dt.datetime) -> int:
        stale = [r for r in self.reminders.values() if r.state == ReminderState.SENDING
                 and r.claimed_at is not None and as_utc(r.claimed_at) < claimed_before]
        for r in stale:
            r.state, r.last_error = ReminderState.FAILED, "interrupted while sending; not resent"
        return len(stale)

    def reminder(self, reminder_id: int) -> Reminder | None:
        return self.reminders.get(reminder_id)

    # -- erasure -------------------------------------------------------------------------------
    def pending_erasures(self, before: dt.datetime) -> list[ErasureRequest]:
        return [e for e in self.erasures if e.done_at is None and as_utc(e.requested_at) <= before]


class FakeOutboxRepository(AbstractOutboxRepository):
    def __init__(self, bookings: FakeBookingsRepository) -> None:
        self.messages: dict[int, OutboxMessage] = {}
        self._bookings = bookings

    def add(self, message: OutboxMessage) -> None:
        _stored(message)
        if message.booking_id is not None:
            message.booking = self._bookings.bookings[message.booking_id]
        self.messages[message.id] = message

    def get(self, message_id: int) -> OutboxMessage | None:
        return self.messages.get(message_id)

    def for_booking(self, booking_id: int) -> list[OutboxMessage]:
        return sorted((m for m in self.messages.values() if m.booking_id == booking_id), key=lambda m: m.id)

    def due(self, now: dt.datetime, limit: int) -> list[int]:
        due = [m for m in self.messages.values()
               if m.state == OutboxState.PENDING.value and as_utc(m.next_attempt_at) <= now]
        return [m.id for m in sorted(due, key=lambda m: (as_utc(m.next_attempt_at), m.id))[:limit]]

    def claim(self, message_id: int, now: dt.datetime) -> bool:
        m = self.messages.get(message_id)
        if m is None or m.state != OutboxState.PENDING.value:
            return False
        m.state, m.claimed_at, m.attempts = OutboxState.SENDING.value, now, m.attempts + 1
        return True

    def fail_stale(self, before: dt.datetime) -> int:
        stale = [m for m in self.messages.values() if m.state == OutboxState.SENDING.value
                 and m.claimed_at is not None and as_utc(m.claimed_at) < before]
        for m in stale:
            m.state, m.last_error = OutboxState.FAILED.value, "interrupted while sending; not resent"
        return len(stale)

    def cancel_pending(self, booking_id: int, kinds: Iterable[MessageKind], reason: str) -> None:
        values = {k.value for k in kinds}
        for m in self.messages.values():
            if m.booking_id == booking_id and m.kind in values and m.state == OutboxState.PENDING.value:
                m.state, m.last_error = OutboxState.CANCELLED.value, reason

    def forget(self, booking_ids: list[int]) -> None:
        for m in self.messages.values():
            if m.booking_id in booking_ids:
                if m.state == OutboxState.PENDING.value:
                    m.state, m.last_error = OutboxState.CANCELLED.value, "contact details removed"
                m.personalisation = None

    def by_receipt(self, notify_id: str | None, reference: str | None) -> OutboxMessage | None:
        found = next((m for m in self.messages.values() if notify_id and m.notify_id == notify_id), None)
        if found is None and reference and reference.startswith("outbox-") and reference[7:].isdigit():
            found = self.get(int(reference[7:]))
        return found


class FakeCaseworkRepository(AbstractCaseworkRepository):
    def __init__(self) -> None:
        self.flags: dict[int, SafeguardingFlag] = {}
        self.handoffs: dict[int, HandoffRequest] = {}

    def add(self, item: SafeguardingFlag | HandoffRequest) -> None:
        _stored(item)
        (self.flags if isinstance(item, SafeguardingFlag) else self.handoffs)[item.id] = item

    def open_flags(self) -> list[SafeguardingFlag]:
        return sorted((f for f in self.flags.values() if f.status != "resolved"), key=lambda f: f.created_at)

    def open_handoffs(self) -> list[HandoffRequest]:
        return sorted((h for h in self.handoffs.values() if h.status != "resolved"),
                      key=lambda h: h.created_at)

    def forget_contact(self, sender_id: str) -> int:
        mine = [h for h in self.handoffs.values() if h.sender_id == sender_id]
        for h in mine:
            h.contact_value = h.first_name = None
            h.notes = "contact details deleted at the person's request"
        return len(mine)

    def staff_alerts(self) -> StaffAlertRepository:
        raise NotImplementedError("staff alerts are tested on the SQL unit of work "
                                  "(tests/unit/test_staff_alerts.py)")


class FakeUnitOfWork(AbstractUnitOfWork):
    """One store for the life of the test: the factory hands out the same object each time.
    ``commits`` counts the commits, ``write_locks`` the write transactions begun."""

    def __init__(self) -> None:
        self.bookings = FakeBookingsRepository()
        self.outbox = FakeOutboxRepository(self.bookings)
        self.casework = FakeCaseworkRepository()
        self.commits = self.write_locks = 0

    def begin_write(self) -> None:
        self.write_locks += 1

    def commit(self) -> None:
        self.commits += 1

    def rollback(self) -> None:
        pass
