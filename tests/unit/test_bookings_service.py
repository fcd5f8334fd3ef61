"""The booking service on in-memory SQLite: booking, waiting list, offers, moving, privacy."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.bookings.calendar import ics_for
from bot.bookings.models import Booking, Event, EventSession, Reminder
from bot.bookings.seed import seed_events
from bot.bookings.service import BookingService
from bot.contact import Contact

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
JO = Contact("email", "jo@example.com")


class Clock:
    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


def add_event(uow_factory, capacity=2, days=10, min_age=14, kind="taster_day", sessions=1):
    with uow_factory() as uow:
        event = Event(kind=kind, title="Taster day: nursing", description="Try it.",
                      min_age=min_age, status="published")
        for i in range(sessions):
            start = NOW + dt.timedelta(days=days + i)
            event.sessions.append(EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=5),
                                               site="Centre", town="Leeds", capacity=capacity))
        uow.bookings.add(event)
        uow.commit()
        return [s.id for s in event.sessions]


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def svc(uow_factory, clock):
    return BookingService(uow_factory, clock=clock, offer_hours=24, reminder_hours=24)


def book(svc, sid, who, **kw):
    kw.setdefault("contact", Contact("email", f"{who}@example.com"))
    return svc.book(sid, sender_id=who, channel="rest", first_name=who.title(), **kw)


def reminders(uow_factory, kind=None):
    with uow_factory() as uow:
        rows = uow.bookings.db.query(Reminder).all()
        return [(r.booking.ref, r.kind, r.state) for r in rows if kind in (None, r.kind)]


def test_book_gives_a_readable_reference_and_a_day_before_reminder(svc, uow_factory):
    (sid,) = add_event(uow_factory)
    out = book(svc, sid, "jo")
    assert out.status == "confirmed" and out.ok
    ref = out.booking.ref
    assert ref.startswith("TD-") and len(ref) == 7 and not set(ref[3:]) & set("01OIL")
    assert out.booking.session.places_left == 1
    assert reminders(uow_factory) == [(ref, "day_before", "pending")]
    with uow_factory() as uow:
        r = uow.bookings.db.query(Reminder).one()
        assert r.due_at.replace(tzinfo=dt.timezone.utc) == NOW + dt.timedelta(days=9)


def test_double_submit_gives_one_booking(svc, uow_factory):
    (sid,) = add_event(uow_factory)
    first, second = book(svc, sid, "jo"), book(svc, sid, "jo")
    assert second.status == "duplicate" and second.booking.ref == first.booking.ref
    with uow_factory() as uow:
        assert uow.bookings.db.query(Booking).count() == 1


def test_full_session_is_refused_or_waitlisted(svc, uow_factory):
    (sid,) = add_event(uow_factory, capacity=1)
    book(svc, sid, "a")
    assert book(svc, sid, "b").status == "full"
    waiting = book(svc, sid, "b", waitlist=True)
    assert waiting.status == "waiting" and waiting.booking.position == 1
    assert book(svc, sid, "c", waitlist=True).booking.position == 2
    assert svc.check(sid) == "full"


@pytest.mark.parametrize("problem", ["past", "cancelled_event", "too_young", "not_found"])
def test_problems_are_named(svc, uow_factory, clock, problem):
    (sid,) = add_event(uow_factory, min_age=16)
    age = None
    if problem == "past":
        clock.now = NOW + dt.timedelta(days=11)
    elif problem == "cancelled_event":
        with uow_factory() as uow:
            uow.bookings.session(sid).status = "cancelled"
            uow.commit()
    elif problem == "too_young":
        age = 15
    elif problem == "not_found":
        sid = 999
    assert book(svc, sid, "jo", age=age).status == problem
    assert svc.check(sid, age) == problem


def test_cancel_offers_the_place_to_the_next_person_with_a_time_limit(svc, uow_factory):
    (sid,) = add_event(uow_factory, capacity=1)
    a = book(svc, sid, "a").booking.ref
    b = book(svc, sid, "b", waitlist=True).booking.ref
    assert svc.cancel(a, sender_id="b").status == "not_yours"
    out = svc.cancel(a, sender_id="a")
    assert out.status == "cancelled" and out.promoted.ref == b and out.promoted.status == "offered"
    assert out.promoted.offer_expires_at.replace(tzinfo=dt.timezone.utc) == NOW + dt.timedelta(hours=24)
    assert (a, "day_before", "cancelled") in reminders(uow_factory)
    assert (b, "offer", "pending") in reminders(uow_factory)
    assert book(svc, sid, "c").status == "full"  # the offer holds the place
    accepted = svc.accept_offer(b, sender_id="b")
    assert accepted.status == "confirmed"
    assert (b, "day_before", "pending") in reminders(uow_factory)


def test_an_offer_not_taken_in_time_passes_on(svc, uow_factory, clock):
    (sid,) = add_event(uow_factory, capacity=1)
    a = book(svc, sid, "a").booking.ref
    b = book(svc, sid, "b", waitlist=True).booking.ref
    c = book(svc, sid, "c", waitlist=True).booking.ref
    svc.cancel(a, sender_id="a")
    clock.now = NOW + dt.timedelta(hours=25)
    promoted = svc.expire_offers()
    assert [p.ref for p in promoted] == [c]
    assert svc.accept_offer(b, sender_id="b").status == "expired"
    assert svc.accept_offer(c, sender_id="c").status == "confirmed"


def test_cancel_by_reference_and_contact_from_another_device(svc, uow_factory):
    (sid,) = add_event(uow_factory)
    ref = book(svc, sid, "jo", contact=JO).booking.ref
    assert svc.find(ref, contact=Contact("email", "x@example.com")) is None
    assert svc.find(ref.lower(), contact=JO).ref == ref
    assert svc.cancel(ref, contact=JO).status == "cancelled"
    assert svc.cancel(ref, contact=JO).status == "not_found"


def test_reschedule_moves_the_place_atomically(svc, uow_factory):
    s1, s2 = add_event(uow_factory, capacity=1, sessions=2)
    ref = book(svc, s1, "a").booking.ref
    waiting = book(svc, s1, "b", waitlist=True).booking.ref
    book(svc, s2, "c")
    full = svc.reschedule(ref, s2, sender_id="a")
    assert full.status == "full" and full.booking.session.id == s1  # nothing changed
    svc.cancel(book(svc, s2, "c").booking.ref, sender_id="c")
    moved = svc.reschedule(ref, s2, sender_id="a")
    assert moved.status == "moved" and moved.booking.session.id == s2
    assert moved.promoted.ref == waiting  # the old place went to the waiting list
    assert [b.ref for b in svc.mine("a")] == [ref]
    assert sorted(r[2] for r in reminders(uow_factory) if r[0] == ref) == ["cancelled", "pending"]


def test_erase_and_purge_remove_contact_details(svc, uow_factory, clock):
    (sid,) = add_event(uow_factory, capacity=5)
    book(svc, sid, "a", access_needs="wheelchair user")
    book(svc, sid, "b")
    from bot.casework.models import HandoffRequest
    with uow_factory() as uow:
        uow.casework.add(HandoffRequest(channel="rest", sender_id="a", contact_method="email",
                                        contact_value="a@example.com", consent=True))
        uow.commit()
    assert svc.erase("a") == 1
    with uow_factory() as uow:
        assert uow.bookings.db.query(HandoffRequest).one().contact_value is None
    with uow_factory() as uow:
        a = uow.bookings.for_sender("a")[0]
        assert (a.first_name, a.contact_value, a.access_needs) == (None, None, None)
        assert a.status == "confirmed"  # the place is kept
        assert uow.bookings.pending_erasures(NOW + dt.timedelta(seconds=1))[0].sender_id == "a"
    assert svc.purge(30) == 0
    clock.now = NOW + dt.timedelta(days=45)
    assert svc.purge(30) == 1  # b's; a's were already removed
    with uow_factory() as uow:
        assert uow.bookings.for_sender("b")[0].contact_value is None


def test_staff_cancellation_tells_the_person(svc, uow_factory):
    (sid,) = add_event(uow_factory)
    out = book(svc, sid, "jo")
    with uow_factory() as uow:
        booking_id = uow.bookings.by_ref(out.booking.ref).id
    assert svc.cancel_by_staff(booking_id, "staff@example.com").status == "cancelled"
    assert (out.booking.ref, "cancelled", "pending") in reminders(uow_factory)


def test_ics_file(svc, uow_factory):
    (sid,) = add_event(uow_factory)
    view = book(svc, sid, "jo").booking
    ics = ics_for(view, now=NOW).decode()
    assert "BEGIN:VEVENT" in ics and view.ref in ics
    assert "DTSTART:20261202T090000Z" in ics and "LOCATION:Centre\\, Leeds" in ics
    assert svc.by_token(view.ics_token).ref == view.ref and svc.by_token("nope") is None


def test_sample_events_are_always_ahead(uow_factory):
    assert seed_events(uow_factory(), today=dt.date.today()) == 6
    assert seed_events(uow_factory(), today=dt.date.today()) == 0
    upcoming = BookingService(uow_factory).upcoming()
    assert len(upcoming) == 6 and {s.kind for s in upcoming} == {"taster_day", "cv_workshop"}
    assert all(s.starts_at.replace(tzinfo=dt.timezone.utc) > dt.datetime.now(dt.timezone.utc)
               for s in upcoming)


@pytest.mark.parametrize("today", [dt.date(2026, 12, 15), dt.date(2026, 12, 22), dt.date(2027, 3, 20)])
def test_sample_events_fall_on_working_days(uow_factory, today):
    """From 15 December the first taster day would be Christmas Day; Easter 2027 too."""
    from bot.bookings.views import uk_time

    closed = {dt.date(2026, 12, 25), dt.date(2026, 12, 28), dt.date(2027, 1, 1),
              dt.date(2027, 3, 26), dt.date(2027, 3, 29)}
    with uow_factory() as uow:
        seed_events(uow_factory(), today=today)
        days = [uk_time(s.starts_at).date() for e in uow.bookings.db.query(Event) for s in e.sessions]
    assert len(days) == 6
    assert all(d.weekday() < 5 and d not in closed for d in days), days
