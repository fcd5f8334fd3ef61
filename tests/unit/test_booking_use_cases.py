"""The bookings and casework use cases on the in-memory fakes (tests/fakes/unit_of_work.py):
no database, no Rasa, no patched service locators. The booking rules also run on in-memory
SQLite (``units`` is parametrised), which keeps the fake honest."""
from __future__ import annotations

import datetime as dt
import inspect

import pytest
from sqlalchemy import text

from bot.bookings.models import Event, EventSession, MessageKind, NoticeKind
from bot.bookings.outbox import AbstractOutboxRepository
from bot.bookings.references import PATTERN, find_reference, normalise_reference
from bot.bookings.repository import AbstractBookingsRepository
from bot.bookings.service import BookingService
from bot.bookings.statuses import BookingStatus, OutcomeStatus, ReminderState
from bot.casework import service as casework
from bot.casework.repository import AbstractCaseworkRepository
from bot.contact import Contact
from tests.conftest import links_for_tests
from tests.fakes.unit_of_work import (
    FakeBookingsRepository,
    FakeCaseworkRepository,
    FakeOutboxRepository,
    FakeUnitOfWork,
)

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
JO = Contact("email", "jo@example.com")


@pytest.fixture(params=["fake", "sqlite"])
def units(request):
    """A unit-of-work factory: the fake, or SQL on in-memory SQLite."""
    if request.param == "fake":
        uow = FakeUnitOfWork()
        return lambda: uow
    return request.getfixturevalue("uow_factory")


@pytest.fixture
def fake():
    return FakeUnitOfWork()


def service(units, **kw) -> BookingService:
    kw.setdefault("notify", False)
    return BookingService(units, clock=lambda: NOW, offer_hours=24, reminder_hours=24,
                          links=links_for_tests(), **kw)


def add_event(units, capacities=(2,), kind="taster_day", days=5) -> list[int]:
    """A published event with one session per capacity, a day apart; their ids."""
    event = Event(kind=kind, title=f"Taster day {kind}", status="published", min_age=14)
    for i, capacity in enumerate(capacities):
        start = NOW + dt.timedelta(days=days + i)
        event.sessions.append(EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=3),
                                           site="Centre", town="Leeds", capacity=capacity))
    with units() as uow:
        uow.bookings.add(event)
        uow.commit()
        return [s.id for s in event.sessions]


def book(svc, session_id, who, **kw):
    return svc.book(session_id, sender_id=who, channel="rest", first_name=who.title(),
                    contact=Contact("email", f"{who}@example.com"), **kw)


def reminders(units, ref, kind=NoticeKind.DAY_BEFORE) -> list[str]:
    with units() as uow:
        return sorted(r.state for r in uow.bookings.reminders_for(uow.bookings.by_ref(ref).id, kind))


# -- the fakes are complete -------------------------------------------------------------------------
@pytest.mark.parametrize("fake_class, abstract", [
    (FakeBookingsRepository, AbstractBookingsRepository),
    (FakeOutboxRepository, AbstractOutboxRepository),
    (FakeCaseworkRepository, AbstractCaseworkRepository)])
def test_each_fake_implements_its_abstract_repository(fake_class, abstract):
    assert not fake_class.__abstractmethods__
    for name in abstract.__abstractmethods__:
        assert inspect.signature(getattr(fake_class, name)).parameters.keys() == \
            inspect.signature(getattr(abstract, name)).parameters.keys(), name


def test_every_repository_method_the_service_calls_is_abstract():
    source = inspect.getsource(BookingService)
    used = {name for name in dir(FakeBookingsRepository) if not name.startswith("_")
            and (f"bookings.{name}(" in source or f"repo.{name}(" in source)}
    assert used and used <= AbstractBookingsRepository.__abstractmethods__


# -- booking ---------------------------------------------------------------------------------------
def test_book_confirms_a_place_with_a_reference_and_a_reminder(units):
    (sid,) = add_event(units)
    out = book(service(units), sid, "jo")
    assert out.status is OutcomeStatus.CONFIRMED and out.ok and not out.waiting_list_fallback
    assert out.booking.status is BookingStatus.CONFIRMED and out.booking.session.places_left == 1
    assert PATTERN.fullmatch(out.booking.ref) and out.booking.ref.startswith("TD-")
    assert reminders(units, out.booking.ref) == [ReminderState.PENDING]


def test_a_second_booking_of_the_same_session_is_a_duplicate(units):
    (sid,) = add_event(units)
    svc = service(units)
    first = book(svc, sid, "jo")
    again = book(svc, sid, "jo")
    assert again.status is OutcomeStatus.DUPLICATE and again.booking.ref == first.booking.ref


def test_a_full_session_is_full_unless_they_join_the_waiting_list(units):
    (sid,) = add_event(units, capacities=(1,))
    svc = service(units)
    book(svc, sid, "ann")
    assert book(svc, sid, "bo").status is OutcomeStatus.FULL
    chose = book(svc, sid, "bo", waitlist=True)
    assert chose.status is OutcomeStatus.WAITING and not chose.waiting_list_fallback
    assert chose.booking.position == 1


def test_a_session_that_fills_while_they_book_falls_back_to_the_waiting_list(units):
    (sid,) = add_event(units, capacities=(1,))
    svc = service(units)
    book(svc, sid, "ann")   # the last place goes while bo is still answering
    out = book(svc, sid, "bo", fall_back_to_waiting_list=True)
    assert out.status is OutcomeStatus.WAITING and out.waiting_list_fallback and out.ok
    assert out.booking.status is BookingStatus.WAITING and out.booking.position == 1
    assert reminders(units, out.booking.ref) == []   # no reminder for a queued place
    # with a place still free, the same call simply books it
    (other,) = add_event(units, capacities=(1,), kind="cv_workshop")
    free = book(svc, other, "bo", fall_back_to_waiting_list=True)
    assert free.status is OutcomeStatus.CONFIRMED and not free.waiting_list_fallback


def test_problems_come_before_the_waiting_list(units):
    (sid,) = add_event(units, capacities=(1,))
    svc = service(units)
    assert book(svc, sid, "kid", age=12, fall_back_to_waiting_list=True).status is OutcomeStatus.TOO_YOUNG
    assert book(svc, 999_999, "jo", fall_back_to_waiting_list=True).status is OutcomeStatus.NOT_FOUND
    assert svc.check(sid) is OutcomeStatus.OK


# -- alternatives ----------------------------------------------------------------------------------
def test_other_dates_are_the_same_events_other_sessions_with_places(units):
    first, full, later = add_event(units, capacities=(2, 1, 3))
    add_event(units, capacities=(5,), kind="cv_workshop")   # another event: never offered
    svc = service(units)
    book(svc, full, "ann")
    mine = book(svc, first, "jo").booking
    assert [s.id for s in svc.other_dates(mine)] == [later]
    assert svc.other_dates(None) == []


# -- cancelling and rescheduling --------------------------------------------------------------------
def test_cancel_frees_the_place_for_the_first_person_waiting(units):
    (sid,) = add_event(units, capacities=(1,))
    svc = service(units)
    jo = book(svc, sid, "jo").booking
    bo = book(svc, sid, "bo", waitlist=True).booking
    assert svc.cancel(jo.ref, sender_id="someone-else").status is OutcomeStatus.NOT_YOURS
    out = svc.cancel(jo.ref.lower(), contact=Contact("email", "jo@example.com"))
    assert out.status is OutcomeStatus.CANCELLED and out.booking.status is BookingStatus.CANCELLED
    assert out.promoted.ref == bo.ref and out.promoted.status is BookingStatus.OFFERED
    assert out.promoted.offer_expires_at is not None
    assert reminders(units, jo.ref) == [ReminderState.CANCELLED]
    assert reminders(units, bo.ref, NoticeKind.OFFER) == [ReminderState.PENDING]
    assert svc.cancel(jo.ref, sender_id="jo").status is OutcomeStatus.NOT_FOUND   # already cancelled


def test_reschedule_moves_a_confirmed_place_and_offers_the_old_one(units):
    first, second = add_event(units, capacities=(1, 1))
    svc = service(units)
    jo = book(svc, first, "jo").booking
    bo = book(svc, first, "bo", waitlist=True).booking
    out = svc.reschedule(jo.ref, second, sender_id="jo")
    assert out.status is OutcomeStatus.MOVED and out.booking.session.id == second
    assert out.promoted.ref == bo.ref and out.promoted.status is BookingStatus.OFFERED
    assert reminders(units, jo.ref) == [ReminderState.CANCELLED, ReminderState.PENDING]
    assert svc.reschedule(jo.ref, second, sender_id="jo").status is OutcomeStatus.DUPLICATE
    assert svc.reschedule(bo.ref, second, sender_id="bo").status is OutcomeStatus.NOT_FOUND  # offered


def test_reschedule_to_a_full_date_changes_nothing(units):
    first, second = add_event(units, capacities=(2, 1))
    svc = service(units)
    jo, ann = book(svc, first, "jo").booking, book(svc, first, "ann").booking
    assert svc.reschedule(jo.ref, second, sender_id="jo").status is OutcomeStatus.MOVED
    out = svc.reschedule(ann.ref, second, sender_id="ann")
    assert out.status is OutcomeStatus.FULL and out.booking.session.id == first
    assert svc.other_dates(out.booking) == []


def test_staff_cancel_tells_the_person_and_offers_the_place(units):
    (sid,) = add_event(units, capacities=(1,))
    svc = service(units)
    jo = book(svc, sid, "jo").booking
    bo = book(svc, sid, "bo", waitlist=True).booking
    with units() as uow:
        booking_id = uow.bookings.by_ref(jo.ref).id
    out = svc.cancel_by_staff(booking_id, "staff@example.com")
    assert out.status is OutcomeStatus.CANCELLED and out.promoted.ref == bo.ref
    assert reminders(units, jo.ref, NoticeKind.CANCELLED) == [ReminderState.PENDING]
    assert svc.cancel_by_staff(booking_id, "staff@example.com").status is OutcomeStatus.NOT_FOUND


def test_accepting_an_offer_confirms_it(units):
    (sid,) = add_event(units, capacities=(1,))
    svc = service(units)
    jo = book(svc, sid, "jo").booking
    bo = book(svc, sid, "bo", waitlist=True).booking
    svc.cancel(jo.ref, sender_id="jo")
    out = svc.accept_offer(bo.ref, sender_id="bo")
    assert out.status is OutcomeStatus.CONFIRMED and out.booking.status is BookingStatus.CONFIRMED
    assert svc.accept_offer(bo.ref, sender_id="bo").status is OutcomeStatus.DUPLICATE


# -- on the fake only: what the unit of work saw ------------------------------------------------------
def test_each_change_is_one_committed_write(fake):
    (sid,) = add_event(lambda: fake)
    svc = service(lambda: fake)
    before = fake.commits, fake.write_locks
    jo = book(svc, sid, "jo").booking
    svc.cancel(jo.ref, sender_id="jo")
    assert (fake.commits - before[0], fake.write_locks - before[1]) == (2, 2)
    assert book(svc, 999_999, "jo").status is OutcomeStatus.NOT_FOUND
    assert fake.commits - before[0] == 2   # nothing committed for a refusal


def test_with_notify_on_a_web_booking_gets_its_confirmation_in_the_outbox(fake):
    (sid,) = add_event(lambda: fake)
    svc = service(lambda: fake, notify=True)
    jo = book(svc, sid, "jo").booking
    booking_id = fake.bookings.by_ref(jo.ref).id
    kinds = [(m.kind, m.state) for m in fake.outbox.for_booking(booking_id)]
    assert kinds == [(MessageKind.REMINDER.value, "pending"), (MessageKind.CONFIRMATION.value, "pending")]
    svc.cancel(jo.ref, sender_id="jo")
    assert [m.state for m in fake.outbox.for_booking(booking_id)] == ["cancelled", "pending"]


def test_erase_blanks_bookings_and_requests_to_talk_to_a_person(fake):
    (sid,) = add_event(lambda: fake)
    svc = service(lambda: fake)
    jo = book(svc, sid, "jo").booking
    casework.request_handoff(lambda: fake, channel="rest", sender_id="jo", contact=JO)
    assert svc.erase("jo") == 1
    b = fake.bookings.by_ref(jo.ref)
    assert (b.first_name, b.contact_value, b.status) == (None, None, BookingStatus.CONFIRMED)
    assert [h.contact_value for h in fake.casework.open_handoffs()] == [None]
    assert fake.bookings.pending_erasures(NOW)[0].details == {"bookings": 1, "handoffs": 1}


# -- casework ----------------------------------------------------------------------------------------
def test_a_handoff_request_is_stored_for_staff(fake):
    request_id = casework.request_handoff(lambda: fake, channel="telegram" * 10, sender_id="s1",
                                          contact=JO)
    (found,) = fake.casework.open_handoffs()
    assert found.id == request_id and fake.commits == 1
    assert (found.channel, found.contact_method, found.contact_value, found.consent, found.status) == (
        ("telegram" * 10)[:40], "email", "jo@example.com", True, "open")


def test_a_safeguarding_flag_keeps_no_message_text(fake):
    flag_id = casework.record_flag(lambda: fake, channel="rest", sender_id="s1",
                                   concerns=["self_harm"], urgent=True)
    (found,) = fake.casework.open_flags()
    assert found.id == flag_id and (found.urgency, found.concerns) == ("urgent", ["self_harm"])


# -- the reference format and the stored text --------------------------------------------------------
def test_a_reference_is_found_in_free_text_and_normalised():
    assert find_reference("cancel td 7k3q please") == "TD-7K3Q"
    assert find_reference("I booked a CV fast") is None and find_reference("") is None
    assert normalise_reference(" we-abcd ") == "WE-ABCD"


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_units(request):
    """SQL units of work on in-memory SQLite, or on a fresh PostgreSQL database (psycopg2)."""
    if request.param == "sqlite":
        return request.getfixturevalue("uow_factory")
    from bot.bootstrap import sql_uow_factory
    from bot.db import session_factory

    return sql_uow_factory(session_factory(request.getfixturevalue("pg_url")))


def test_statuses_are_stored_as_plain_text(sql_units):
    """A str-Enum binds as its text on both drivers: the stored values are unchanged."""
    (sid,) = add_event(sql_units)
    ref = book(service(sql_units), sid, "jo").booking.ref
    with sql_units() as uow:
        stored = uow.session.execute(text("SELECT status FROM bookings WHERE ref = :ref"),
                                     {"ref": ref}).scalar_one()
        by_enum = uow.session.execute(text("SELECT count(*) FROM bookings WHERE status = :s"),
                                      {"s": BookingStatus.CONFIRMED}).scalar_one()
        confirmed = uow.bookings.for_sender("jo", statuses=(BookingStatus.CONFIRMED,))
        found = [(b.ref, b.status) for b in confirmed]
    assert type(stored) is str and stored == "confirmed" and by_enum == 1
    assert found == [(ref, BookingStatus.CONFIRMED)]
    assert f"{BookingStatus.WAITING}" == str(BookingStatus.WAITING) == "waiting"
