"""Booking service: every change is one unit of work; capacity is checked under a write lock.

PostgreSQL: ``SELECT ... FOR UPDATE`` on the session row. SQLite: ``BEGIN IMMEDIATE``. So two
people never both get "the last place", and a double submit finds the first booking.
With Notify on, each change also writes its email or text message to the outbox in the same
transaction (bot/bookings/outbox.py); the worker sends it.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from bot.bookings import outbox
from bot.bookings.links import BookingLinks
from bot.bookings.models import Booking, ErasureRequest, MessageKind, NoticeKind, Reminder, as_utc, utcnow
from bot.bookings.references import new_reference, normalise_reference
from bot.bookings.statuses import ACTIVE, BookingStatus, OutcomeStatus, ReminderState, holds_a_place
from bot.bookings.views import BookingView, Outcome, SessionView
from bot.contact import Contact
from bot.kernel.unit_of_work import AbstractUnitOfWork, UowFactory
from bot.settings import get_settings


class BookingService:
    def __init__(self, uow_factory: UowFactory, clock: Callable[[], dt.datetime] = utcnow,
                 offer_hours: float | None = None, reminder_hours: float | None = None,
                 notify: bool | None = None, links: BookingLinks | None = None) -> None:
        settings = get_settings()
        self.uow_factory, self.clock = uow_factory, clock
        self.notify = settings.notify_enabled if notify is None else notify   # email and text
        self.links = links or BookingLinks.from_settings(settings)   # in the emails and texts
        self.offer_hours = settings.offer_hours if offer_hours is None else offer_hours
        self.reminder_hours = (settings.reminder_hours_before if reminder_hours is None
                               else reminder_hours)

    # -- reading -------------------------------------------------------------------------------
    def upcoming(self, kind: str | None = None) -> list[SessionView]:
        with self.uow_factory() as uow:
            sessions = uow.bookings.upcoming(self.clock(), kind)
            taken = uow.bookings.taken_many([s.id for s in sessions])
            return [SessionView.of(s, taken.get(s.id, 0)) for s in sessions]

    def session(self, session_id: int) -> SessionView | None:
        with self.uow_factory() as uow:
            found = uow.bookings.session(session_id)
            return SessionView.of(found, uow.bookings.taken(found.id)) if found else None

    def check(self, session_id: int, age: int | None = None) -> OutcomeStatus:
        """OK, FULL, PAST, CANCELLED_EVENT, TOO_YOUNG or NOT_FOUND."""
        view = self.session(session_id)
        if view is None:
            return OutcomeStatus.NOT_FOUND
        return self._problem(view, age) or (OutcomeStatus.FULL if view.places_left == 0
                                            else OutcomeStatus.OK)

    def _problem(self, view: SessionView | None, age: int | None) -> OutcomeStatus | None:
        if view is None:
            return OutcomeStatus.NOT_FOUND
        if as_utc(view.starts_at) <= self.clock():
            return OutcomeStatus.PAST
        if not view.published:
            return OutcomeStatus.CANCELLED_EVENT
        if age is not None and age < view.min_age:
            return OutcomeStatus.TOO_YOUNG
        return None

    def mine(self, sender_id: str) -> list[BookingView]:
        with self.uow_factory() as uow:
            now = self.clock()
            found = [b for b in uow.bookings.for_sender(sender_id)
                     if as_utc(b.session.ends_at) > now]
            return [self._view(uow, b) for b in found]

    def find(self, ref: str, contact: Contact | None = None, sender_id: str | None = None
             ) -> BookingView | None:
        """A booking by reference, if the contact or the conversation matches it."""
        with self.uow_factory() as uow:
            b = uow.bookings.by_ref(normalise_reference(ref))
            if b is None or not self._owns(b, sender_id, contact):
                return None
            return self._view(uow, b)

    def by_token(self, token: str) -> BookingView | None:
        with self.uow_factory() as uow:
            b = uow.bookings.by_token(token)
            return self._view(uow, b) if b and holds_a_place(b.status) else None

    def for_link(self, token: str) -> BookingView | None:
        """The booking a manage or offer link is for, while it is active and its session has
        not ended; else None (cancelled, finished, purged or unknown: all look the same)."""
        with self.uow_factory() as uow:
            b = uow.bookings.by_token(token)
            if (b is None or b.status not in ACTIVE or b.purged_at is not None
                    or as_utc(b.session.ends_at) <= self.clock()):
                return None
            return self._view(uow, b)

    def other_dates(self, booking: BookingView | None) -> list[SessionView]:
        """The alternatives: other sessions of the same event the booking could move to (places
        left), soonest first; none for no booking."""
        if booking is None:
            return []
        return [s for s in self.upcoming(booking.session.kind)
                if s.event_id == booking.session.event_id and s.id != booking.session.id
                and s.places_left > 0 and s.published]

    # -- booking -------------------------------------------------------------------------------
    def book(self, session_id: int, *, sender_id: str, channel: str, first_name: str,
             contact: Contact | None, access_needs: str | None = None, age: int | None = None,
             waitlist: bool = False, fall_back_to_waiting_list: bool = False) -> Outcome:
        """Book a place. When the session is full: join the waiting list if ``waitlist`` (they
        chose it); else, with ``fall_back_to_waiting_list`` (the last place went while they were
        answering), join it anyway and say so (``Outcome.waiting_list_fallback``); else FULL."""
        with self.uow_factory() as uow:
            uow.begin_write()
            repo = uow.bookings
            s = repo.session(session_id, lock=True)
            if s is None:
                return Outcome(OutcomeStatus.NOT_FOUND)
            taken = repo.taken(session_id)
            problem = self._problem(SessionView.of(s, taken), age)
            if problem:
                return Outcome(problem)
            existing = repo.active_for(session_id, sender_id)
            if existing is not None:
                return Outcome(OutcomeStatus.DUPLICATE, self._view(uow, existing))
            full = taken >= s.capacity
            if full and not (waitlist or fall_back_to_waiting_list):
                return Outcome(OutcomeStatus.FULL)
            booking = Booking(ref=new_reference(s.event.kind, repo.ref_exists), session_id=s.id,
                              status=BookingStatus.WAITING if full else BookingStatus.CONFIRMED,
                              channel=channel[:40],
                              sender_id=sender_id[:128], first_name=first_name[:80],
                              contact_method=contact.method if contact else channel[:20],
                              contact_value=contact.value if contact else None,
                              access_needs=(access_needs or None), consent_at=self.clock(),
                              ics_token=secrets.token_urlsafe(24), created_at=self.clock())
            try:
                repo.add(booking)
            except IntegrityError:  # a double submit that raced us: report the first one
                uow.rollback()
                return Outcome(OutcomeStatus.DUPLICATE, self._existing(session_id, sender_id))
            if booking.status == BookingStatus.CONFIRMED:
                self._schedule_reminder(uow, booking)
                self._message(uow, booking, MessageKind.CONFIRMATION)
            uow.commit()
            return Outcome(OutcomeStatus(booking.status), self._view(uow, booking),
                           waiting_list_fallback=full and not waitlist)

    def _existing(self, session_id: int, sender_id: str) -> BookingView | None:
        with self.uow_factory() as uow:
            b = uow.bookings.active_for(session_id, sender_id)
            return self._view(uow, b) if b else None

    def cancel(self, ref: str, *, sender_id: str | None = None, contact: Contact | None = None,
               token: str | None = None) -> Outcome:
        with self.uow_factory() as uow:
            uow.begin_write()
            b = uow.bookings.by_ref(normalise_reference(ref))
            if b is None or b.status not in ACTIVE:
                return Outcome(OutcomeStatus.NOT_FOUND)
            if not self._owns(b, sender_id, contact, token):
                return Outcome(OutcomeStatus.NOT_YOURS)
            uow.bookings.session(b.session_id, lock=True)
            promoted = self._release(uow, b, BookingStatus.CANCELLED)
            uow.commit()
            return Outcome(OutcomeStatus.CANCELLED, self._view(uow, b), promoted)

    def cancel_by_staff(self, booking_id: int, staff_email: str) -> Outcome:
        """Staff cancel a place; the person is told on their channel; the next person offered."""
        with self.uow_factory() as uow:
            uow.begin_write()
            b = uow.bookings.by_id(booking_id)
            if b is None or b.status not in ACTIVE:
                return Outcome(OutcomeStatus.NOT_FOUND)
            uow.bookings.session(b.session_id, lock=True)
            promoted = self._release(uow, b, BookingStatus.CANCELLED)
            uow.bookings.add(Reminder(booking_id=b.id, kind=NoticeKind.CANCELLED.value, due_at=self.clock()))
            self._message(uow, b, MessageKind.CANCELLED)
            uow.commit()
            return Outcome(OutcomeStatus.CANCELLED, self._view(uow, b), promoted)

    def reschedule(self, ref: str, new_session_id: int, *, sender_id: str | None = None,
                   contact: Contact | None = None, token: str | None = None) -> Outcome:
        """Move a confirmed place to another session in one transaction (or change nothing)."""
        with self.uow_factory() as uow:
            uow.begin_write()
            repo = uow.bookings
            b = repo.by_ref(normalise_reference(ref))
            if b is None or b.status != BookingStatus.CONFIRMED:
                return Outcome(OutcomeStatus.NOT_FOUND)
            if not self._owns(b, sender_id, contact, token):
                return Outcome(OutcomeStatus.NOT_YOURS)
            old_id = b.session_id
            for sid in sorted({old_id, new_session_id}):  # lock in id order: no deadlocks
                repo.session(sid, lock=True)
            target = repo.session(new_session_id)
            if target is None:
                return Outcome(OutcomeStatus.NOT_FOUND, self._view(uow, b))
            problem = self._problem(SessionView.of(target, 0), None)
            if problem or new_session_id == old_id:
                return Outcome(problem or OutcomeStatus.DUPLICATE, self._view(uow, b))
            if repo.taken(new_session_id) >= target.capacity:
                return Outcome(OutcomeStatus.FULL, self._view(uow, b))
            if repo.active_for(new_session_id, b.sender_id):
                return Outcome(OutcomeStatus.DUPLICATE, self._view(uow, b))
            self._cancel_reminders(uow, b, reason="moved to another date")
            repo.move(b, new_session_id)
            self._schedule_reminder(uow, b)
            self._message(uow, b, MessageKind.CONFIRMATION)   # of the new date
            promoted = self._promote(uow, old_id)
            uow.commit()
            return Outcome(OutcomeStatus.MOVED, self._view(uow, b), promoted)

    # -- waiting list ----------------------------------------------------------------------------
    def accept_offer(self, ref: str, *, sender_id: str | None = None, token: str | None = None
                     ) -> Outcome:
        with self.uow_factory() as uow:
            uow.begin_write()
            b = uow.bookings.by_ref(normalise_reference(ref))
            if b is None:
                return Outcome(OutcomeStatus.NOT_FOUND)
            if not self._owns(b, sender_id, None, token):
                return Outcome(OutcomeStatus.NOT_YOURS)
            if b.status == BookingStatus.CONFIRMED:
                return Outcome(OutcomeStatus.DUPLICATE, self._view(uow, b))
            if b.status != BookingStatus.OFFERED:
                return Outcome(OutcomeStatus.EXPIRED if b.status == BookingStatus.EXPIRED
                               else OutcomeStatus.NOT_OFFERED, self._view(uow, b))
            if b.offer_expires_at is None or as_utc(b.offer_expires_at) <= self.clock():
                promoted = self._release(uow, b, BookingStatus.EXPIRED)
                uow.commit()
                return Outcome(OutcomeStatus.EXPIRED, self._view(uow, b), promoted)
            b.status, b.offer_expires_at = BookingStatus.CONFIRMED, None
            self._cancel_reminders(uow, b, kinds=(NoticeKind.OFFER,))
            self._schedule_reminder(uow, b)
            self._message(uow, b, MessageKind.CONFIRMATION)
            uow.commit()
            return Outcome(OutcomeStatus.CONFIRMED, self._view(uow, b))

    def session_changed(self, session_id: int) -> int:
        """Staff changed a session's date, time or place: each person holding a place gets
        their reminder at the new time and is told by email or text. Returns how many."""
        with self.uow_factory() as uow:
            uow.begin_write()
            s = uow.bookings.session(session_id, lock=True)
            held = [b for b in (s.bookings if s else []) if holds_a_place(b.status)]
            for b in held:
                if b.status == BookingStatus.CONFIRMED:
                    self._move_reminder(uow, b)
                self._message(uow, b, MessageKind.MOVED)
            uow.commit()
            return len(held)

    def _move_reminder(self, uow: AbstractUnitOfWork, b: Booking) -> None:
        """The day-before reminder follows the session's (maybe new) start. A reminder row is
        unique per due time, so one already there for that time is kept or revived."""
        due = as_utc(b.session.starts_at) - dt.timedelta(hours=self.reminder_hours)
        wanted = due > self.clock()
        rows = uow.bookings.reminders_for(b.id, NoticeKind.DAY_BEFORE)
        same = next((r for r in rows if as_utc(r.due_at) == due), None)
        for r in rows:
            if r.state == ReminderState.PENDING and (r is not same or not wanted):
                r.state = ReminderState.CANCELLED
        if wanted and same is None:
            uow.bookings.add(Reminder(booking_id=b.id, kind=NoticeKind.DAY_BEFORE.value, due_at=due))
        elif wanted and same is not None and same.state == ReminderState.CANCELLED:
            same.state = ReminderState.PENDING
        uow.outbox.cancel_pending(b.id, [MessageKind.REMINDER], "session changed")
        if wanted:
            self._message(uow, b, MessageKind.REMINDER, due_at=due)

    def decline_offer(self, ref: str, *, sender_id: str | None = None, token: str | None = None
                      ) -> Outcome:
        return self.cancel(ref, sender_id=sender_id, token=token)

    def expire_offers(self) -> list[BookingView]:
        """Offers past their time limit expire; each frees its place for the next person."""
        promoted: list[BookingView] = []
        with self.uow_factory() as uow:
            uow.begin_write()
            for b in uow.bookings.expired_offers(self.clock()):
                nxt = self._release(uow, b, BookingStatus.EXPIRED)
                if nxt:
                    promoted.append(nxt)
            uow.commit()
        return promoted

    # -- privacy ---------------------------------------------------------------------------------
    def erase(self, sender_id: str) -> int:
        """Remove this conversation's contact details now (bookings and requests to talk to a
        person); its tracker events follow (worker). Places stay booked."""
        with self.uow_factory() as uow:
            uow.begin_write()
            found = uow.bookings.for_sender(sender_id, statuses=tuple(BookingStatus))
            for b in found:
                self._blank(b)
            uow.outbox.forget([b.id for b in found])
            handoffs = uow.casework.forget_contact(sender_id)
            uow.bookings.add(ErasureRequest(sender_id=sender_id[:128], requested_at=self.clock(),
                                            details={"bookings": len(found), "handoffs": handoffs}))
            uow.commit()
            return len(found)

    def purge(self, days: int) -> int:
        """Contact details of bookings whose session ended more than ``days`` ago are removed."""
        with self.uow_factory() as uow:
            uow.begin_write()
            found = uow.bookings.to_purge(self.clock() - dt.timedelta(days=days))
            for b in found:
                self._blank(b)
            uow.outbox.forget([b.id for b in found])
            uow.commit()
            return len(found)

    def _blank(self, b: Booking) -> None:
        b.first_name = b.contact_value = b.access_needs = None
        b.purged_at = self.clock()

    # -- inside a unit of work ---------------------------------------------------------------------
    def _owns(self, b: Booking, sender_id: str | None, contact: Contact | None,
              token: str | None = None) -> bool:
        """The conversation that booked it, its contact details, or its link's token."""
        if sender_id and b.sender_id == sender_id:
            return True
        if token and secrets.compare_digest(token.encode(), b.ics_token.encode()):
            return True
        return bool(contact and b.contact_value and contact.method == b.contact_method
                    and contact.value == b.contact_value)

    def _view(self, uow: AbstractUnitOfWork, b: Booking) -> BookingView:
        position = uow.bookings.waiting_position(b) if b.status == BookingStatus.WAITING else 0
        return BookingView.of(b, uow.bookings.taken(b.session_id), position)

    def _schedule_reminder(self, uow: AbstractUnitOfWork, b: Booking) -> None:
        due = as_utc(b.session.starts_at) - dt.timedelta(hours=self.reminder_hours)
        if due > self.clock():  # booked less than a day ahead: no reminder needed
            uow.bookings.add(Reminder(booking_id=b.id, kind=NoticeKind.DAY_BEFORE.value, due_at=due))
            self._message(uow, b, MessageKind.REMINDER, due_at=due)

    def _message(self, uow: AbstractUnitOfWork, b: Booking, kind: MessageKind,
                 due_at: dt.datetime | None = None) -> None:
        """An email or text about ``b`` (web bookings with contact details, Notify on)."""
        if self.notify:
            outbox.enqueue(uow, b, kind, self.clock(), self.links, due_at)

    def _cancel_reminders(self, uow: AbstractUnitOfWork, b: Booking,
                          kinds: tuple[NoticeKind, ...] = (NoticeKind.DAY_BEFORE, NoticeKind.OFFER),
                          reason: str | None = None) -> None:
        uow.bookings.cancel_reminders(b.id, kinds=kinds)
        as_messages = {NoticeKind.DAY_BEFORE: MessageKind.REMINDER, NoticeKind.OFFER: MessageKind.OFFER}
        uow.outbox.cancel_pending(b.id, [as_messages[k] for k in kinds],
                                        reason or f"booking {b.status}")

    def _release(self, uow: AbstractUnitOfWork, b: Booking, status: BookingStatus
                 ) -> BookingView | None:
        held = holds_a_place(b.status)
        b.status, b.offer_expires_at = status, None
        self._cancel_reminders(uow, b)
        if status == BookingStatus.EXPIRED:
            self._message(uow, b, MessageKind.OFFER_EXPIRED)
        uow.bookings.flush()
        return self._promote(uow, b.session_id) if held else None

    def _promote(self, uow: AbstractUnitOfWork, session_id: int) -> BookingView | None:
        """Offer a freed place to the first person waiting, with a time limit to accept."""
        s = uow.bookings.session(session_id)
        now = self.clock()
        if s is None or uow.bookings.taken(session_id) >= s.capacity:
            return None
        latest = as_utc(s.starts_at) - dt.timedelta(hours=2)
        if latest <= now:
            return None
        nxt = uow.bookings.next_waiting(session_id)
        if nxt is None:
            return None
        nxt.status = BookingStatus.OFFERED
        nxt.offer_expires_at = min(now + dt.timedelta(hours=self.offer_hours), latest)
        uow.bookings.add(Reminder(booking_id=nxt.id, kind=NoticeKind.OFFER.value, due_at=now))
        self._message(uow, nxt, MessageKind.OFFER)
        return self._view(uow, nxt)
