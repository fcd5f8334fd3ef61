"""Reminders and offers are delivered once; failures are retried; erasure; chat parsing."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text

from bot.bookings import chat
from bot.bookings.models import Event, EventSession, Reminder
from bot.bookings.notify import MAX_ATTEMPTS, deliver_due
from bot.bookings.privacy import erase_tracker, process_erasures
from bot.bookings.references import find_reference
from bot.bookings.service import BookingService
from bot.contact import Contact


class Recorder:
    def __init__(self, fail=0):
        self.sent, self.fail = [], fail

    def __call__(self, notice):
        if self.fail:
            self.fail -= 1
            raise ConnectionError("rasa down")
        self.sent.append((notice.kind, notice.ref, notice.sender_id))


@pytest.fixture
def booked(uow_factory):
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    with uow_factory() as uow:
        e = Event(kind="taster_day", title="Taster day", status="published")
        e.sessions.append(EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                       town="Leeds", capacity=1))
        uow.bookings.add(e)
        uow.commit()
        sid = e.sessions[0].id
    svc = BookingService(uow_factory)
    ref = svc.book(sid, sender_id="a", channel="telegram", first_name="A",
                   contact=Contact("telegram", "a")).booking.ref
    return svc, sid, ref


def states(uow_factory):
    with uow_factory() as uow:
        return sorted((r.kind, r.state, r.attempts) for r in uow.bookings.db.query(Reminder))


def test_due_reminder_sent_once(uow_factory, booked):
    _, _, ref = booked
    notify = Recorder()
    now = dt.datetime.now(dt.timezone.utc)
    assert deliver_due(uow_factory, notify, now=now)["sent"] == 0  # not due yet
    later = now + dt.timedelta(days=2, hours=1)
    assert deliver_due(uow_factory, notify, now=later)["sent"] == 1
    assert deliver_due(uow_factory, notify, now=later)["sent"] == 0
    assert notify.sent == [("day_before", ref, "a")]
    assert states(uow_factory) == [("day_before", "sent", 1)]


def test_failures_are_retried_then_given_up(uow_factory, booked):
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2, hours=1)
    notify = Recorder(fail=1)
    assert deliver_due(uow_factory, notify, now=later) == {"sent": 0, "retry": 1, "failed": 0}
    assert deliver_due(uow_factory, notify, now=later)["sent"] == 1
    always = Recorder(fail=99)
    svc, sid, ref = booked
    svc.cancel(ref, sender_id="a")
    b = svc.book(sid, sender_id="b", channel="rest", first_name="B", contact=None).booking
    for _ in range(MAX_ATTEMPTS):
        deliver_due(uow_factory, always, now=later)
    assert ("day_before", "failed", MAX_ATTEMPTS) in states(uow_factory)
    assert b.ref not in [s[1] for s in always.sent]


def test_an_interrupted_send_is_not_repeated(uow_factory, booked):
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2, hours=1)
    with uow_factory() as uow:
        r = uow.bookings.db.query(Reminder).one()
        uow.bookings.claim(r.id, later)  # a worker claimed it, then crashed
        uow.commit()
    notify = Recorder()
    assert deliver_due(uow_factory, notify, now=later + dt.timedelta(minutes=11))["failed"] == 1
    assert notify.sent == [] and states(uow_factory) == [("day_before", "failed", 1)]


def test_a_cancelled_booking_gets_no_reminder(uow_factory, booked):
    svc, _, ref = booked
    svc.cancel(ref, sender_id="a")
    notify = Recorder()
    deliver_due(uow_factory, notify, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3))
    assert notify.sent == []


def test_erasure_removes_tracker_events(uow_factory, booked, tmp_path):
    svc, _, _ = booked
    engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
        conn.execute(text("INSERT INTO events (sender_id, data) VALUES ('a', 'hi'), ('a', 'x'), ('b', 'y')"))
    svc.erase("a")
    assert process_erasures(uow_factory, engine) == 0  # waits until the turn has been saved
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=10)
    assert process_erasures(uow_factory, engine, now=later) == 2
    with engine.connect() as conn:
        assert conn.execute(text("SELECT sender_id FROM events")).fetchall() == [("b",)]
    assert erase_tracker(create_engine("sqlite://"), "a") == 0  # no tracker table yet: fine


@pytest.mark.parametrize("said, expected", [
    ("2", 1), ("the second one", 1), ("York", 1), ("number 1", 0), ("last", 1), ("zzz", None),
])
def test_pick(said, expected):
    from bot.bookings.views import SessionView
    start = dt.datetime(2026, 12, 5, 10, tzinfo=dt.timezone.utc)
    options = [SessionView(i + 1, 1, "taster_day", "Taster day", "Taster day: nursing", "", start,
                           start, "", town, "", None, 5, 5, 14, "", None, True)
               for i, town in enumerate(["Leeds", "York"])]
    found = chat.pick(said, options)
    assert (found.id - 1 if found else None) == expected


def test_parsers():
    assert chat.parse_age("I'm 17") == 17 and chat.parse_age("sixteen") == 16
    assert chat.parse_age("hello") is None and chat.parse_age("200") is None
    assert chat.parse_name("my name is jo") == "Jo" and chat.parse_name("jo@x.com") is None
    assert find_reference("cancel td-7k3q please") == "TD-7K3Q" and find_reference("cancel") is None
    assert chat.parse_access("nope") == "none"
    assert chat.parse_filters("cv workshops in Leeds on saturdays", ["Leeds"]) == {
        "kind": "cv_workshop", "town": "Leeds", "weekday": "saturday"}


def test_sigterm_stops_the_worker_after_its_pass_not_in_the_middle():
    import os
    import signal

    from bot.worker import stop_on_signals

    before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        stopping = stop_on_signals()
        assert not stopping.is_set()
        os.kill(os.getpid(), signal.SIGTERM)   # handled: this process carries on
        assert stopping.wait(5)
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
