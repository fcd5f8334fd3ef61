"""The outbox on SQLite: written with the booking change, sent once, retried with back-off on
what can pass, failed at once on what can't, nothing sent after erasure, purge clears it."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.bookings import chat
from bot.bookings.models import Event, EventSession, MessageKind, OutboxMessage, OutboxState, Reminder
from bot.bookings.outbox import (
    FIELDS,
    TO_STAFF,
    Outgoing,
    Policy,
    SendError,
    deliver_outbox,
    record_receipt,
)
from bot.bookings.service import BookingService
from bot.bookings.views import BookingView
from bot.contact import Contact
from tests.conftest import LINK_KEY, links_for_tests  # noqa: F401

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
START = NOW + dt.timedelta(days=3)
EMAIL, PHONE = "sam.web@example.com", "+447911123456"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "notify.md"


class Recorder:
    """A sender: records what it was given; fails first with the errors it is handed."""

    def __init__(self, *errors: SendError) -> None:
        self.sent: list[Outgoing] = []
        self.errors = list(errors)

    def __call__(self, message: Outgoing) -> str:
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append(message)
        return f"00000000-0000-4000-8000-{len(self.sent):012d}"


def templates(kind: str, channel: str) -> str:
    return f"tpl-{kind}-{channel}"


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def sessions(uow_factory):
    with uow_factory() as uow:
        e = Event(kind="taster_day", title="Taster day: nursing", status="published")
        for town, days in (("Leeds", 3), ("York", 5)):
            start = NOW + dt.timedelta(days=days)
            e.sessions.append(EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=3),
                                           site="St James's", town=town, capacity=1))
        uow.bookings.add(e)
        uow.commit()
        return [s.id for s in e.sessions]


@pytest.fixture
def svc(uow_factory, clock):
    return BookingService(uow_factory, clock=clock, notify=True, links=links_for_tests())


def messages(uow_factory) -> list[tuple[str, str, str]]:
    with uow_factory() as uow:
        rows = uow.bookings.db.query(OutboxMessage).order_by(OutboxMessage.id)
        return [(r.kind, r.channel, r.state) for r in rows]


def row(uow_factory, kind: MessageKind) -> SimpleNamespace:
    with uow_factory() as uow:
        found = uow.bookings.db.query(OutboxMessage).filter_by(kind=kind.value).one()
        return SimpleNamespace(**{c.key: getattr(found, c.key) for c in OutboxMessage.__table__.columns})


def deliver(uow_factory, send, at, policy=Policy(max_attempts=4, base_delay=dt.timedelta(seconds=60))):
    return deliver_outbox(uow_factory, send, templates, policy, now=at)


def book(svc, sid, sender="web-1", channel="rest", contact=Contact("email", EMAIL)):
    return svc.book(sid, sender_id=sender, channel=channel, first_name="Sam", contact=contact).booking


# -- written with the change -------------------------------------------------------------------
def test_a_web_booking_writes_its_confirmation_and_reminder(uow_factory, svc, sessions):
    book(svc, sessions[0])
    assert messages(uow_factory) == [("reminder", "email", "pending"), ("confirmation", "email", "pending")]
    reminder = row(uow_factory, MessageKind.REMINDER)
    assert reminder.due_at.replace(tzinfo=dt.timezone.utc) == START - dt.timedelta(hours=24)
    confirmation = row(uow_factory, MessageKind.CONFIRMATION)
    assert set(confirmation.personalisation) == set(FIELDS[MessageKind.CONFIRMATION])
    assert confirmation.personalisation["first_name"] == "Sam"
    assert re.fullmatch(r"http://\S+/bookings/[\w-]+\.ics", confirmation.personalisation["calendar_link"])
    assert EMAIL not in str(confirmation.personalisation)  # the address is read when sending


def test_telegram_no_contact_or_notify_off_write_nothing(uow_factory, clock, svc, sessions):
    off = BookingService(uow_factory, clock=clock, notify=False)
    off.cancel(book(off, sessions[0], sender="off").ref, sender_id="off")
    book(svc, sessions[0], sender="tg", channel="telegram", contact=Contact("telegram", "tg"))
    book(svc, sessions[1], sender="web-none", contact=None)
    assert messages(uow_factory) == []
    with uow_factory() as uow:  # everyone keeps the in-chat reminders
        assert uow.bookings.db.query(Reminder).filter_by(state="pending").count() == 2


def test_a_text_message_for_a_mobile_number(uow_factory, svc, sessions):
    book(svc, sessions[0], contact=Contact("phone", PHONE))
    send = Recorder()
    assert deliver(uow_factory, send, NOW)["notify_sent"] == 1
    assert [(m.channel.value, m.to, m.template_id) for m in send.sent] == [
        ("sms", PHONE, "tpl-confirmation-sms")]


# -- sent once ---------------------------------------------------------------------------------
def test_sent_once_and_the_reminder_only_when_due(uow_factory, svc, sessions):
    b = book(svc, sessions[0])
    send = Recorder()
    assert deliver(uow_factory, send, NOW)["notify_sent"] == 1
    assert deliver(uow_factory, send, NOW)["notify_sent"] == 0
    day_before = START - dt.timedelta(hours=23)
    assert deliver(uow_factory, send, day_before)["notify_sent"] == 1
    assert deliver(uow_factory, send, day_before)["notify_sent"] == 0
    assert [(m.template_id, m.to, m.personalisation["reference"]) for m in send.sent] == [
        ("tpl-confirmation-email", EMAIL, b.ref), ("tpl-reminder-email", EMAIL, b.ref)]
    confirmation = row(uow_factory, MessageKind.CONFIRMATION)
    assert (confirmation.state, confirmation.attempts) == ("sent", 1)
    assert confirmation.notify_id.endswith("000000000001")
    assert send.sent[0].reference == f"outbox-{confirmation.id}"


def test_a_claim_is_taken_once(uow_factory, svc, sessions):
    book(svc, sessions[0])
    confirmation = row(uow_factory, MessageKind.CONFIRMATION)
    with uow_factory() as one, uow_factory() as two:
        assert one.outbox.claim(confirmation.id, NOW) is True
        one.commit()
        assert two.outbox.claim(confirmation.id, NOW) is False


def test_an_interrupted_send_is_not_repeated(uow_factory, svc, sessions):
    book(svc, sessions[0])
    with uow_factory() as uow:  # a worker claimed it, then crashed
        uow.outbox.claim(row(uow_factory, MessageKind.CONFIRMATION).id, NOW)
        uow.commit()
    send = Recorder()
    assert deliver(uow_factory, send, NOW + dt.timedelta(minutes=11))["notify_failed"] == 1
    assert send.sent == []
    assert row(uow_factory, MessageKind.CONFIRMATION).last_error.startswith("interrupted")


# -- retries -----------------------------------------------------------------------------------
def test_5xx_429_and_timeouts_are_retried_with_exponential_back_off(uow_factory, svc, sessions):
    book(svc, sessions[0])
    send = Recorder(SendError("Internal server error", retry=True, status=500),
                    SendError("Exceeded rate limit", retry=True, status=429),
                    SendError("Request failed", retry=True, status=503))   # a timeout
    at, gaps = NOW, []
    for _ in range(3):
        assert deliver(uow_factory, send, at)["notify_retry"] == 1
        nxt = row(uow_factory, MessageKind.CONFIRMATION).next_attempt_at.replace(tzinfo=dt.timezone.utc)
        gaps.append((nxt - at).total_seconds())
        assert deliver(uow_factory, send, nxt - dt.timedelta(seconds=1))["notify_sent"] == 0  # waits
        at = nxt
    assert gaps == [60, 120, 240]
    assert deliver(uow_factory, send, at)["notify_sent"] == 1
    assert len(send.sent) == 1
    confirmation = row(uow_factory, MessageKind.CONFIRMATION)
    assert (confirmation.state, confirmation.attempts) == ("sent", 4)


def test_retries_stop_at_max_attempts(uow_factory, svc, sessions):
    book(svc, sessions[0])
    send = Recorder(*[SendError("Internal server error", retry=True, status=500)] * 10)
    at = NOW
    for _ in range(4):
        deliver(uow_factory, send, at)
        at += dt.timedelta(hours=2)
    confirmation = row(uow_factory, MessageKind.CONFIRMATION)
    assert (confirmation.state, confirmation.attempts) == ("failed", 4)
    assert confirmation.last_error == "500: Internal server error"
    assert deliver(uow_factory, send, at + dt.timedelta(days=1))["notify_sent"] == 0


@pytest.mark.parametrize("status, message", [(400, "Template not found"),
                                             (403, "Invalid token: signature, api token not found")])
def test_400_and_403_are_never_retried(uow_factory, svc, sessions, status, message):
    book(svc, sessions[0])
    send = Recorder(SendError(message, retry=False, status=status))
    assert deliver(uow_factory, send, NOW)["notify_failed"] == 1
    confirmation = row(uow_factory, MessageKind.CONFIRMATION)
    assert (confirmation.state, confirmation.attempts) == ("failed", 1)
    assert confirmation.last_error == f"{status}: {message}"
    assert deliver(uow_factory, Recorder(), NOW + dt.timedelta(hours=3))["notify_sent"] == 0


def test_a_missing_template_id_fails_and_names_the_setting(uow_factory, svc, sessions):
    book(svc, sessions[0])
    counts = deliver_outbox(uow_factory, Recorder(), lambda kind, channel: None, now=NOW)
    assert counts["notify_failed"] == 1
    assert row(uow_factory, MessageKind.CONFIRMATION).last_error == \
        "no template: set NOTIFY_TEMPLATE_CONFIRMATION_EMAIL"


# -- erasure and purge -------------------------------------------------------------------------
def test_erased_details_get_nothing_more(uow_factory, svc, sessions):
    book(svc, sessions[0])
    assert svc.erase("web-1") == 1
    send = Recorder()
    assert deliver(uow_factory, send, START)["notify_sent"] == 0
    assert send.sent == []
    with uow_factory() as uow:
        rows = uow.bookings.db.query(OutboxMessage).all()
        assert {(r.state, r.last_error) for r in rows} == {("cancelled", "contact details removed")}
        assert [r.personalisation for r in rows] == [None, None]


def test_a_message_claimed_after_erasure_is_not_sent(uow_factory, svc, sessions):
    b = book(svc, sessions[0])
    with uow_factory() as uow:  # erased by another path (the booking row blanked directly)
        found = uow.bookings.by_ref(b.ref)
        found.contact_value = None
        uow.commit()
    send = Recorder()
    assert deliver(uow_factory, send, NOW)["notify_skipped"] == 1
    assert send.sent == []


def test_purge_clears_the_personalisation_of_sent_messages_too(uow_factory, clock, svc, sessions):
    book(svc, sessions[0])
    deliver(uow_factory, Recorder(), NOW)
    clock.now = START + dt.timedelta(days=31)
    assert svc.purge(30) == 1
    with uow_factory() as uow:
        rows = uow.bookings.db.query(OutboxMessage).order_by(OutboxMessage.id).all()
        assert [(r.kind, r.state, r.personalisation) for r in rows] == [
            ("reminder", "cancelled", None), ("confirmation", "sent", None)]


# -- every kind --------------------------------------------------------------------------------
def test_staff_cancel_offer_accept_expire_and_move(uow_factory, clock, svc, sessions):
    leeds, york = sessions
    first = book(svc, leeds, sender="first")
    queued = svc.book(leeds, sender_id="second", channel="rest", first_name="Jo",
                      contact=Contact("phone", PHONE), waitlist=True).booking
    assert queued.status == "waiting"
    send = Recorder()
    deliver(uow_factory, send, NOW)
    svc.cancel_by_staff(_id(uow_factory, first.ref), "staff@example.org")
    deliver(uow_factory, send, NOW)
    assert [(m.template_id, m.personalisation["reference"]) for m in send.sent] == [
        ("tpl-confirmation-email", first.ref), ("tpl-offer-sms", queued.ref),
        ("tpl-cancelled-email", first.ref)]
    assert send.sent[1].to == PHONE
    offer = send.sent[1].personalisation
    assert set(offer) == set(FIELDS[MessageKind.OFFER])
    assert offer["offer_deadline"] == "9am on Wednesday 2 December"
    assert svc.accept_offer(queued.ref, sender_id="second").status == "confirmed"
    deliver(uow_factory, send, NOW)
    assert send.sent[-1].template_id == "tpl-confirmation-sms"
    assert svc.reschedule(queued.ref, york, sender_id="second").status == "moved"
    deliver(uow_factory, send, NOW)
    assert send.sent[-1].template_id == "tpl-confirmation-sms" and "Sunday 6 December" in \
        send.sent[-1].personalisation["when"]
    assert svc.session_changed(york) == 1   # staff moved the session
    deliver(uow_factory, send, NOW)
    assert send.sent[-1].template_id == "tpl-moved-sms"
    with uow_factory() as uow:
        reminders = [(r.kind, r.state) for r in uow.bookings.db.query(OutboxMessage)
                     .filter_by(booking_id=_id(uow_factory, queued.ref), kind="reminder")]
    assert sorted(reminders) == [("reminder", "cancelled")] * 2 + [("reminder", "pending")]


def test_an_unanswered_offer_expires_with_a_message(uow_factory, clock, svc, sessions):
    leeds = sessions[0]
    first = book(svc, leeds, sender="first")
    queued = svc.book(leeds, sender_id="second", channel="rest", first_name="Jo",
                      contact=Contact("email", "jo@example.com"), waitlist=True).booking
    svc.cancel(first.ref, sender_id="first")   # the person cancels: no message for that
    clock.now = NOW + dt.timedelta(hours=25)  # the offer was not sent in time, nor taken
    svc.expire_offers()
    send = Recorder()
    deliver(uow_factory, send, clock.now)
    kinds = [(m.template_id, m.personalisation["reference"]) for m in send.sent]
    assert kinds == [("tpl-offer_expired-email", queued.ref)]   # the confirmation: booking cancelled
    offer = row(uow_factory, MessageKind.OFFER)
    assert (offer.state, offer.last_error) == ("cancelled", "booking expired")


def _id(uow_factory, ref: str) -> int:
    with uow_factory() as uow:
        return uow.bookings.by_ref(ref).id


# -- receipts ----------------------------------------------------------------------------------
def test_receipts_are_stored_and_a_failure_is_explained(uow_factory, svc, sessions):
    book(svc, sessions[0])
    deliver(uow_factory, Recorder(), NOW)
    confirmation = row(uow_factory, MessageKind.CONFIRMATION)
    assert record_receipt(uow_factory, confirmation.notify_id, None, "delivered") is True
    assert row(uow_factory, MessageKind.CONFIRMATION).state == OutboxState.DELIVERED.value
    assert record_receipt(uow_factory, None, f"outbox-{confirmation.id}", "permanent-failure")
    failed = row(uow_factory, MessageKind.CONFIRMATION)
    assert (failed.state, failed.delivery_status) == ("failed", "permanent-failure")
    assert failed.last_error.startswith("Notify: permanent-failure")
    assert record_receipt(uow_factory, "f" * 36, "someone-else", "delivered") is False


# -- what the person is told at the end of a booking -------------------------------------------
def _view(channel: str, method: str | None) -> BookingView:
    from bot.bookings.views import SessionView

    s = SessionView(1, 1, "taster_day", "Taster day", "Taster day: nursing", "", START,
                    START + dt.timedelta(hours=3), "St James's", "Leeds", "", None, 5, 4, 14, "", None, True)
    return BookingView("TD-ABCD", "confirmed", s, "Sam", method, None, None, "t" * 32, channel, "x")


@pytest.mark.parametrize("channel, method, notify_on, says", [
    ("telegram", "telegram", False, "I'll send you a reminder here the day before."),
    ("telegram", "telegram", True, "I'll send you a reminder here the day before."),
    ("rest", "email", True, "I'll email you a confirmation now and a reminder the day before."),
    ("rest", "phone", True, "I'll text you a confirmation now and a reminder the day before."),
    ("rest", "email", False, "Reminders will only show here when you reopen this chat"),
])
def test_the_end_of_a_booking_says_how_reminders_come(monkeypatch, channel, method, notify_on, says):
    from bot.settings import Settings

    key = "k-" + "-".join(["11111111-1111-1111-1111-111111111111"] * 2) if notify_on else None
    monkeypatch.setattr(chat, "get_settings", lambda: Settings(notify_api_key=key, secret_key=LINK_KEY))
    from bot.bookings.views import Outcome

    text = chat.booked(Outcome("confirmed", _view(channel, method)), "http://x/b.ics").text
    assert says in text


def test_docs_give_every_template_its_fields():
    docs = DOCS.read_text()
    for kind, fields in FIELDS.items():
        section = docs.split(f"### {kind.value}", 1)[1].split("\n### ", 1)[0]
        for name in fields:
            assert f"(({name}))" in section, (kind, name)
        for setting in ("EMAIL",) if kind in TO_STAFF else ("EMAIL", "SMS"):
            assert f"NOTIFY_TEMPLATE_{kind.value.upper()}_{setting}" in section


def test_staff_moving_a_session_moves_both_reminders_and_back_again(uow_factory, svc, sessions):
    leeds = sessions[0]
    book(svc, leeds)
    tg = svc.book(sessions[1], sender_id="tg", channel="telegram", first_name="T",
                  contact=Contact("telegram", "tg")).booking

    def move_to(start: dt.datetime, sid: int = leeds) -> None:
        with uow_factory() as uow:
            s = uow.bookings.session(sid)
            s.starts_at, s.ends_at = start, start + dt.timedelta(hours=3)
            uow.commit()
        assert svc.session_changed(sid) == 1

    def pending(kind_table):
        with uow_factory() as uow:
            if kind_table == "chat":
                rows = uow.bookings.db.query(Reminder).filter_by(state="pending").all()
                return sorted((r.booking_id, r.due_at.replace(tzinfo=dt.timezone.utc)) for r in rows)
            rows = uow.bookings.db.query(OutboxMessage).filter_by(state="pending", kind="reminder").all()
            return sorted((r.booking_id, r.due_at.replace(tzinfo=dt.timezone.utc)) for r in rows)

    later = START + dt.timedelta(days=1)
    move_to(later)
    assert pending("outbox") == [(1, later - dt.timedelta(hours=24))]
    assert (1, later - dt.timedelta(hours=24)) in pending("chat")
    move_to(START)   # and back: the first reminder row is revived, not duplicated
    assert (1, START - dt.timedelta(hours=24)) in pending("chat")
    assert len([r for r in pending("chat") if r[0] == 1]) == 1
    assert [(k, c) for k, c, _ in messages(uow_factory) if k == "moved"] == [("moved", "email")] * 2
    move_to(NOW + dt.timedelta(days=6), sid=sessions[1])   # Telegram: in-chat reminder moves, no email
    assert [k for k, _, _ in messages(uow_factory)].count("moved") == 2
    assert tg.status == "confirmed"
