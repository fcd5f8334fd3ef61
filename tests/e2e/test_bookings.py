"""A real booking conversation over REST, then the database, the .ics file, the worker's
reminders and offers, and "delete my data", all against the running stack."""
from __future__ import annotations

import datetime as dt
import re
import sqlite3
import time
from types import SimpleNamespace

import httpx
import pytest

from bot.bookings.models import Event, EventSession, Reminder
from bot.bookings.service import BookingService
from bot.bootstrap import SqlUnitOfWork
from bot.contact import Contact
from bot.db import session_factory

pytestmark = pytest.mark.e2e
EMAIL = "sam.booker@example.com"


def uow(stack):
    factory = session_factory(stack.db_url)
    return lambda: SqlUnitOfWork(factory)


def button(messages: list[dict], title_part: str) -> dict:
    for m in messages:
        for b in m.get("buttons") or []:
            if title_part.lower() in b["title"].lower():
                return b
    raise AssertionError(f"no button with {title_part!r} in {messages}")


def text(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def booking(stack, ref: str) -> SimpleNamespace:
    with uow(stack)() as u:
        b = u.bookings.by_ref(ref)
        return SimpleNamespace(status=b.status, first_name=b.first_name, sender_id=b.sender_id,
                               contact_value=b.contact_value, town=b.session.town)


def bot_texts(stack, sender: str) -> list[str]:
    db = sqlite3.connect(stack.tmp / "tracker.db")
    rows = db.execute("SELECT data FROM events WHERE sender_id=? AND type_name='bot'", (sender,))
    texts = [r[0] for r in rows]
    db.close()
    return texts


def wait_for(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (result := check()):
            return result
        time.sleep(0.5)
    raise AssertionError("timed out waiting")


def test_book_list_move_cancel(stack, chat):
    listed = chat.say("I want to book a taster day in Leeds")
    assert "Leeds" in text(listed)
    consent = chat.say(button(listed, "nursing and midwifery")["payload"])
    assert "privacy notice" in text(consent).lower() and "/privacy" in text(consent)
    assert "old are you" in chat.text("yes")
    assert "first name" in chat.text("17").lower()
    assert "email" in chat.text("my name is sam").lower()
    assert "doesn't look like" in chat.text("sam@example")
    second = chat.text("07")
    assert "doesn't look like" in second and "stop" in second  # explained, with a way out
    assert "access needs" in chat.text(EMAIL)
    summary = chat.text("/deny")
    assert "Name: Sam" in summary and EMAIL in summary and "Leeds" in summary
    done = chat.say("/affirm")
    ref = re.search(r"reference is (TD-[A-Z0-9]{4})", text(done)).group(1)
    b = booking(stack, ref)
    assert (b.status, b.first_name, b.contact_value, b.sender_id) == ("confirmed", "Sam", EMAIL, chat.sender)
    ics_url = re.search(r"(http://\S+\.ics)", text(done)).group(1)
    ics = httpx.get(ics_url.replace("localhost", "127.0.0.1"), timeout=10)
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert ref in ics.text and "BEGIN:VEVENT" in ics.text
    assert httpx.get(ics_url.rsplit("/", 1)[0] + "/x" * 30 + ".ics").status_code == 404

    assert ref in chat.text("show my bookings")

    dates = chat.say("can i change the date of my booking")
    new = chat.say(button(dates, "Bradford")["payload"])
    assert "Move " + ref in text(new)
    moved = chat.text("/affirm")
    assert "Done" in moved and booking(stack, ref).town == "Bradford"

    assert "Cancel your place" in chat.text("cancel my booking")
    assert "is cancelled" in chat.text("yes")
    assert booking(stack, ref).status == "cancelled"


def test_stop_half_way_saves_nothing(stack, chat):
    listed = chat.say("book a cv workshop")
    chat.say(button(listed, "CV workshop")["payload"])
    chat.say("yes")
    chat.say("15")
    chat.say("Alex")
    assert "Nothing was saved" in chat.text("stop")
    with uow(stack)() as u:
        assert u.bookings.for_sender(chat.sender) == []


def test_waiting_list_offer_is_delivered_and_accepted(stack, chat):
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    with uow(stack)() as u:
        event = Event(kind="taster_day", title="Taster day: pharmacy", status="published")
        event.sessions.append(EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=4),
                                           site="Pharmacy school", town="York", capacity=1))
        u.bookings.add(event)
        u.commit()
    svc = BookingService(uow(stack))
    first = svc.book(event.sessions[0].id, sender_id="someone-else", channel="rest",
                     first_name="Kim", contact=Contact("email", "kim@example.com")).booking
    listed = chat.say("are there any taster days in York")
    assert "waiting list" in chat.text(button(listed, "pharmacy")["payload"])
    chat.say("/affirm")  # join the waiting list
    chat.say("yes")
    chat.say("18")
    chat.say("Jo")
    chat.say("jo.waiting@example.com")
    chat.say("no")
    queued = chat.text("/affirm")
    assert "waiting list" in queued and "number 1" in queued
    svc.cancel(first.ref, sender_id="someone-else")  # a place comes up
    offer = wait_for(lambda: [t for t in bot_texts(stack, chat.sender) if "Good news" in t])
    assert len(offer) == 1
    taken = chat.text("yes i'll take the place")
    assert "You're booked" in taken
    with uow(stack)() as u:
        statuses = [b.status for b in u.bookings.for_sender(chat.sender)]
    assert statuses == ["confirmed"]


def test_reminder_is_sent_once_and_survives_a_worker_restart(stack, chat):
    worker = next(s for s in stack.items if s.name == "worker")
    worker.stop()
    try:
        _reminder_after_restart(stack, chat, worker)
    finally:  # whatever happens, the shared stack gets its worker back
        if worker.proc is None or worker.proc.poll() is not None:
            worker.start(stack.env)


def _reminder_after_restart(stack, chat, worker):
    listed = chat.say("book a taster day in Manchester")
    chat.say(button(listed, "allied health")["payload"])
    for answer in ("yes", "16", "Ria", "ria@example.com", "no"):
        chat.say(answer)
    ref = re.search(r"(TD-[A-Z0-9]{4})", chat.text("/affirm")).group(1)
    with uow(stack)() as u:
        reminder = u.bookings.db.query(Reminder).filter_by(booking_id=u.bookings.by_ref(ref).id).one()
        reminder.due_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)  # due now
        reminder_id = reminder.id
        u.commit()
    worker.start(stack.env)  # a fresh worker finds the reminder in the database
    wait_for(lambda: [t for t in bot_texts(stack, chat.sender) if "Reminder:" in t])
    for n in range(2):  # two later passes have run: the first reminder is still sent only once
        later = _due_reminder_for_someone_else(stack, f"{chat.sender}-later-{n}")
        wait_for(lambda later=later: _reminder_state(stack, later) == "sent")
    assert len([t for t in bot_texts(stack, chat.sender) if "Reminder:" in t]) == 1
    with uow(stack)() as u:
        assert u.bookings.db.query(Reminder).filter_by(id=reminder_id).one().state == "sent"


def _due_reminder_for_someone_else(stack, sender: str) -> int:
    """Another person's booking with its reminder due now: once it is sent, the worker has made
    a pass after everything due before it."""
    service = BookingService(uow(stack))
    session = next(s for s in service.upcoming() if s.places_left > 0)
    ref = service.book(session.id, sender_id=sender, channel="rest", first_name="Kim",
                       contact=None).booking.ref
    with uow(stack)() as u:
        reminder = u.bookings.db.query(Reminder).filter_by(booking_id=u.bookings.by_ref(ref).id).one()
        reminder.due_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
        u.commit()
        return reminder.id


def _reminder_state(stack, reminder_id: int) -> str:
    with uow(stack)() as u:
        return u.bookings.db.query(Reminder).filter_by(id=reminder_id).one().state


def test_delete_my_data(stack, chat):
    listed = chat.say("book a cv workshop")
    chat.say(button(listed, "CV workshop")["payload"])
    for answer in ("yes", "16", "Lee", "07911 123456", "no"):
        chat.say(answer)
    ref = re.search(r"(CV-[A-Z0-9]{4})", chat.text("/affirm")).group(1)
    assert booking(stack, ref).contact_value == "+447911123456"
    assert "Delete now?" in chat.text("delete my data")
    assert "Done" in chat.text("yes")
    b = booking(stack, ref)
    assert (b.first_name, b.contact_value, b.status) == (None, None, "confirmed")
    wait_for(lambda: not bot_texts(stack, chat.sender))


def test_no_personal_data_in_logs(stack, chat):
    email, mobile = "logs.check@example.com", "07911 123457"
    listed = chat.say("book a cv workshop")  # a booking and a request for a person, here
    chat.say(button(listed, "CV workshop")["payload"])
    for answer in ("yes", "17", "Logan", email, "no"):
        chat.say(answer)
    assert re.search(r"CV-[A-Z0-9]{4}", chat.text("/affirm"))
    assert "Is that OK" in chat.text("can i talk to a real person")
    chat.say("yes")
    assert "careers team" in chat.text(mobile)
    logs = "".join(p.read_text(errors="replace") for p in (stack.tmp / "logs").glob("*.log"))
    for secret in (email, "+447911123457", mobile, "Logan", EMAIL, "jo.waiting@example.com"):
        assert secret not in logs
