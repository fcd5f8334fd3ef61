"""GOV.UK Notify end to end: the running stack (worker, web app, Rasa, actions) pointed at the
fake Notify API on loopback (tests/fakes/fake_notify.py, started by tests/e2e/stack.py).

A booking over REST sends exactly one confirmation with the right template and personalisation;
its receipt is taken by the web app; the reminder is sent once across a worker restart; Notify
down is retried, then sent once; erased details get nothing more; no address, number or key in
any log of the stack."""
from __future__ import annotations

import datetime as dt
import re
import time

import httpx
import pytest

from bot.bookings.models import Booking, Event, EventSession, OutboxMessage
from bot.bookings.service import BookingService
from bot.bootstrap import SqlUnitOfWork
from bot.contact import Contact
from bot.db import session_factory
from tests.e2e.stack import NOTIFY_CALLBACK_TOKEN, STAFF_TEAM, links_of

pytestmark = pytest.mark.e2e
EMAIL = "alex.notify@example.com"
OTHERS = ("rem.notify@example.com", "down.notify@example.com", "erased.notify@example.com")
PHONE = "+447700900456"


def uow(stack):
    factory = session_factory(stack.db_url)
    return lambda: SqlUnitOfWork(factory)


def wait_for(check, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (result := check()):
            return result
        time.sleep(0.3)
    raise AssertionError("timed out waiting")


def button(messages: list[dict], title_part: str) -> dict:
    for m in messages:
        for b in m.get("buttons") or []:
            if title_part.lower() in b["title"].lower():
                return b
    raise AssertionError(f"no button with {title_part!r} in {messages}")


def add_session(stack, title: str, town: str, days: float = 3) -> int:
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)
    with uow(stack)() as u:
        event = Event(kind="taster_day", title=title, status="published")
        event.sessions.append(EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=3),
                                           site="Teaching hospital", town=town, capacity=5))
        u.bookings.add(event)
        u.commit()
        return event.sessions[0].id


def sent_for(stack, ref: str, template_setting: str | None = None):
    template = stack.env[template_setting] if template_setting else None
    return [s for s in list(stack.notify.sent) if s.personalisation.get("reference") == ref
            and (template is None or s.template_id == template)]


def rows(stack, ref: str) -> list[tuple[str, str, int, dict | None]]:
    with uow(stack)() as u:
        b = u.bookings.by_ref(ref)
        found = u.bookings.db.query(OutboxMessage).filter_by(booking_id=b.id).order_by(OutboxMessage.id)
        return [(m.kind, m.state, m.attempts, m.personalisation) for m in found]


def service(stack) -> BookingService:
    return BookingService(uow(stack), notify=True, links=links_of(stack))


def test_a_web_booking_sends_one_confirmation(stack, chat):
    add_session(stack, "Taster day: radiography", "Sheffield")
    listed = chat.say("I want to book a taster day in Sheffield")
    chat.say(button(listed, "radiography")["payload"])
    for answer in ("yes", "17", "Alex", EMAIL, "no"):
        chat.say(answer)
    done = chat.text("/affirm")
    ref = re.search(r"reference is (TD-[A-Z0-9]{4})", done).group(1)
    assert "I'll email you a confirmation now and a reminder the day before." in done
    ics_url = re.search(r"(http://\S+\.ics)", done).group(1)

    wait_for(lambda: sent_for(stack, ref))
    time.sleep(3)   # several more worker passes: still exactly one
    sent = sent_for(stack, ref)
    assert len(sent) == 1
    confirmation = sent[0]
    assert (confirmation.type, confirmation.to) == ("email", EMAIL)
    assert confirmation.template_id == stack.env["NOTIFY_TEMPLATE_CONFIRMATION_EMAIL"]
    p = confirmation.personalisation
    assert (p["first_name"], p["event"], p["reference"]) == ("Alex", "Taster day: radiography", ref)
    assert p["place"] == "Teaching hospital, Sheffield" and p["calendar_link"] == ics_url
    assert p["chat_link"] == stack.env["PUBLIC_URL"] + "/"
    assert re.fullmatch(r"\w+day \d+ \w+ 20\d\d, .+ to .+", p["when"])
    assert confirmation.reference.startswith("outbox-")
    assert [r[:3] for r in rows(stack, ref) if r[0] == "confirmation"] == [("confirmation", "sent", 1)]

    # Notify's delivery receipt, through the web app
    web = f"http://127.0.0.1:{stack.ports['web']}/notify/receipts"
    receipt = {"id": confirmation.id, "reference": confirmation.reference, "to": EMAIL,
               "status": "delivered", "completed_at": "2026-12-02T10:00:05.000000Z",
               "notification_type": "email", "template_id": confirmation.template_id}
    assert httpx.post(web, json=receipt, timeout=10).status_code == 401
    resp = httpx.post(web, json=receipt, timeout=10,
                      headers={"Authorization": f"Bearer {NOTIFY_CALLBACK_TOKEN}"})
    assert resp.status_code == 200 and resp.json() == {"stored": True}
    assert [r[1] for r in rows(stack, ref) if r[0] == "confirmation"] == ["delivered"]

    # the link in the confirmation opens the booking's page on the running web app
    page = httpx.get(p["manage_link"], timeout=10)
    assert page.status_code == 200 and ref in page.text and "Cancel my place" in page.text
    assert EMAIL not in page.text
    assert httpx.get(p["manage_link"][:-3] + "xyz", timeout=10).status_code == 404


def test_reminder_is_sent_once_across_a_worker_restart(stack):
    worker = next(s for s in stack.items if s.name == "worker")
    sid = add_session(stack, "Taster day: paramedics", "Hull", days=2)
    worker.stop()
    try:
        b = service(stack).book(sid, sender_id="notify-reminder", channel="rest", first_name="Rem",
                                contact=Contact("email", OTHERS[0])).booking
        with uow(stack)() as u:   # the reminder is due now
            booking_id = u.bookings.by_ref(b.ref).id
            for m in u.bookings.db.query(OutboxMessage).filter_by(booking_id=booking_id, kind="reminder"):
                m.next_attempt_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
            u.commit()
        assert sent_for(stack, b.ref) == []   # nothing while the worker is down
        worker.start(stack.env)   # a fresh worker finds both in the database
        # a worker starting on a busy 2-core machine can take a while; SIGTERM then ends it only
        # after its pass, so what it handed to Notify is marked sent (bot/worker.py)
        wait_for(lambda: sent_for(stack, b.ref, "NOTIFY_TEMPLATE_REMINDER_EMAIL"), timeout=90)
        worker.stop()
        worker.start(stack.env)   # and another restart sends nothing again
        time.sleep(4)
    finally:   # whatever happens, the shared stack gets its worker back
        if worker.proc is None or worker.proc.poll() is not None:
            worker.start(stack.env)
    assert len(sent_for(stack, b.ref, "NOTIFY_TEMPLATE_REMINDER_EMAIL")) == 1
    assert len(sent_for(stack, b.ref, "NOTIFY_TEMPLATE_CONFIRMATION_EMAIL")) == 1
    assert sorted(r[:2] for r in rows(stack, b.ref)) == [("confirmation", "sent"), ("reminder", "sent")]


def test_notify_down_is_retried_then_sent_once(stack):
    sid = add_session(stack, "Taster day: dietetics", "Derby")
    stack.notify.fail_next(500, 2)
    before = len(stack.notify.rejected)
    b = service(stack).book(sid, sender_id="notify-down", channel="rest", first_name="Dee",
                            contact=Contact("email", OTHERS[1])).booking
    wait_for(lambda: sent_for(stack, b.ref))
    time.sleep(3)
    assert len(sent_for(stack, b.ref)) == 1
    assert [s for s, _ in stack.notify.rejected[before:]].count(500) == 2
    confirmation = [r for r in rows(stack, b.ref) if r[0] == "confirmation"][0]
    assert confirmation[1] == "sent" and confirmation[2] >= 2


def test_erased_details_get_nothing_more(stack):
    sid = add_session(stack, "Taster day: podiatry", "Lincoln")
    svc = service(stack)
    b = svc.book(sid, sender_id="notify-erased", channel="rest", first_name="Eri",
                 contact=Contact("phone", PHONE)).booking
    wait_for(lambda: sent_for(stack, b.ref))
    assert svc.erase("notify-erased") == 1
    with uow(stack)() as u:   # the reminder would be due now
        booking_id = u.bookings.by_ref(b.ref).id
        for m in u.bookings.db.query(OutboxMessage).filter_by(booking_id=booking_id, kind="reminder"):
            m.next_attempt_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
        u.commit()
    time.sleep(4)
    sent = sent_for(stack, b.ref)
    assert [(s.type, s.template_id) for s in sent] == [("sms", stack.env["NOTIFY_TEMPLATE_CONFIRMATION_SMS"])]
    assert [(k, s, p) for k, s, _, p in rows(stack, b.ref)] == [
        ("reminder", "cancelled", None), ("confirmation", "sent", None)]


def test_a_request_for_a_person_alerts_the_team_without_their_details(stack, chat):
    assert "Is that OK" in chat.text("can i talk to a real person")
    chat.text("yes")
    assert "reference H" in chat.text("sam.alert@example.com")
    alert = wait_for(lambda: next((s for s in list(stack.notify.sent) if s.to == STAFF_TEAM
                                   and "/admin/handoff-request/" in s.personalisation["admin_link"]),
                                  None))
    assert alert.type == "email" and alert.template_id == stack.env["NOTIFY_TEMPLATE_STAFF_ALERT_EMAIL"]
    assert "request" in alert.personalisation["what"] and alert.personalisation["count"].isdigit()
    assert "sam.alert" not in str(alert.personalisation) and chat.sender not in str(alert.personalisation)


def test_no_address_number_or_key_in_the_logs(stack):
    logs = "".join(p.read_text(errors="replace") for p in (stack.tmp / "logs").glob("*.log"))
    secrets = (EMAIL, *OTHERS, PHONE, "07700 900456", stack.notify.api_key(), stack.notify.secret,
               NOTIFY_CALLBACK_TOKEN, STAFF_TEAM, "sam.alert@example.com")
    for secret in secrets:
        assert secret not in logs
    with uow(stack)() as u:   # the booking links' tokens (the key to each booking) neither
        tokens = [t for (t,) in u.bookings.db.query(Booking.ics_token)]
    assert tokens and not [t for t in tokens if t in logs]
    assert "GOV.UK Notify on" in logs   # the worker said so when it started
