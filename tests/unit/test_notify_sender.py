"""The Notify sender with the official client against the fake Notify API on loopback; the
delivery-receipt endpoint; failures shown to staff; nothing personal or secret in the logs."""
from __future__ import annotations

import datetime as dt
import logging
import time

import jwt
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.bookings.models import Event, EventSession, MessageKind, NotifyChannel, OutboxMessage
from bot.bookings.notify_gov import NotifySender, policy_from
from bot.bookings.outbox import FIELDS, Outgoing, SendError, deliver_outbox
from bot.bookings.service import BookingService
from bot.contact import Contact
from bot.settings import Settings
from tests.conftest import LINK_KEY, links_for_tests  # noqa: F401
from tests.fakes.fake_notify import FakeNotify, template_env

EMAIL, PHONE = "ria.sender@example.com", "+447700900123"
PERSONAL = {"first_name": "Ria", "event": "Taster day", "when": "Monday", "place": "Leeds",
            "reference": "TD-ABCD", "chat_link": "http://x/", "calendar_link": "http://x/a.ics",
            "manage_link": "http://x/bookings/manage/abc.sig"}


@pytest.fixture
def fake():
    with FakeNotify() as running:
        yield running


@pytest.fixture
def env(fake):
    return template_env(fake, {k.value: f for k, f in FIELDS.items()})


def settings_for(fake, env, **extra) -> Settings:
    fields = {k.lower(): v for k, v in env.items()}
    return Settings(notify_api_key=fake.api_key(), notify_base_url=fake.url, secret_key=LINK_KEY,
                    notify_retry_base_seconds=1, **fields, **extra)


def outgoing(env, kind="confirmation", channel=NotifyChannel.EMAIL, to=EMAIL, **changes):
    template = env[f"NOTIFY_TEMPLATE_{kind.upper()}_{channel.name}"]
    return Outgoing(channel, to, template, {**PERSONAL, **changes}, "outbox-1")


def test_email_and_sms_pass_notifys_checks(fake, env):
    send = NotifySender(fake.api_key(), fake.url)
    first = send(outgoing(env))
    second = send(outgoing(env, channel=NotifyChannel.SMS, to=PHONE))
    assert [(s.type, s.to, s.id, s.reference) for s in fake.sent] == [
        ("email", EMAIL, first, "outbox-1"), ("sms", PHONE, second, "outbox-1")]
    assert fake.sent[0].personalisation == PERSONAL


def test_the_fake_checks_the_token_like_notify(fake, env):
    good = fake.api_key()
    now = time.time()

    def check(claims: dict, key: str = fake.secret, **kw) -> str | None:
        return fake._check_token("Bearer " + jwt.encode(claims, key, **kw))
    ours = {"iss": fake.service_id, "iat": int(now)}
    assert check(ours) is None
    assert "signature" in check(ours, "0" * 36)
    assert "service not found" in check({**ours, "iss": "other"})
    assert "30 seconds" in check({**ours, "iat": int(now) - 31})
    assert "30 seconds" in check({**ours, "iat": int(now) + 31})
    assert "HS256" in check(ours, algorithm="HS512")
    assert "iat" in check({"iss": fake.service_id})
    assert "must be provided" in fake._check_token("")
    assert good.startswith("careers-test-")


def test_a_wrong_key_is_403_and_not_retried(fake, env):
    wrong = f"careers-test-{fake.service_id}-00000000-0000-4000-8000-000000000000"
    with pytest.raises(SendError) as err:
        NotifySender(wrong, fake.url)(outgoing(env))
    assert (err.value.status, err.value.retry) == (403, False)
    assert "Invalid token" in err.value.message and fake.sent == []


@pytest.mark.parametrize("change, expected", [
    (dict(template_id="6e3c1d7a-0000-4000-8000-000000000000"), "Template not found"),
    (dict(to="not-an-address"), "email_address Not a valid email address"),
    (dict(personalisation={"first_name": "Ria"}), "Missing personalisation: event"),
])
def test_bad_requests_are_400_and_not_retried(fake, env, change, expected):
    message = outgoing(env)
    fields = {"channel": message.channel, "to": message.to, "template_id": message.template_id,
              "personalisation": message.personalisation, "reference": message.reference, **change}
    with pytest.raises(SendError) as err:
        NotifySender(fake.api_key(), fake.url)(Outgoing(**fields))
    assert (err.value.status, err.value.retry) == (400, False)
    assert expected in err.value.message
    assert "not-an-address" not in err.value.message


def test_an_email_template_is_not_a_text_template(fake, env):
    sms_template = env["NOTIFY_TEMPLATE_CONFIRMATION_SMS"]
    message = outgoing(env)
    with pytest.raises(SendError) as err:
        NotifySender(fake.api_key(), fake.url)(Outgoing(message.channel, EMAIL, sms_template,
                                                        PERSONAL, "outbox-1"))
    assert "sms template is not suitable for email notification" in err.value.message


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limits_and_server_errors_are_retried(fake, env, status):
    fake.fail_next(status)
    with pytest.raises(SendError) as err:
        NotifySender(fake.api_key(), fake.url)(outgoing(env))
    assert (err.value.status, err.value.retry) == (status, True)


def test_timeouts_and_no_connection_are_retried(fake, env):
    fake.slow(1.5)
    with pytest.raises(SendError) as err:
        NotifySender(fake.api_key(), fake.url, timeout=0.3)(outgoing(env))
    assert err.value.retry is True
    fake.slow(0)
    url = fake.url
    fake.stop()
    with pytest.raises(SendError) as err:
        NotifySender(fake.api_key(), url, timeout=1)(outgoing(env))
    assert err.value.retry is True


# -- the whole path on SQLite: outbox -> official client -> fake ---------------------------------
@pytest.fixture
def booked(uow_factory):
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=4)
    with uow_factory() as uow:
        e = Event(kind="cv_workshop", title="CV workshop", status="published")
        e.sessions.append(EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                       site="Library", town="Leeds", capacity=5))
        uow.bookings.add(e)
        uow.commit()
        sid = e.sessions[0].id
    svc = BookingService(uow_factory, notify=True, links=links_for_tests())
    return svc.book(sid, sender_id="web", channel="rest", first_name="Ria",
                    contact=Contact("email", EMAIL)).booking


def test_notify_down_then_up_sends_once(uow_factory, booked, fake, env, caplog):
    caplog.set_level(logging.DEBUG)
    settings = settings_for(fake, env)
    send = NotifySender(fake.api_key(), fake.url)
    fake.fail_next(500, 2)
    now = dt.datetime.now(dt.timezone.utc)
    for at in (now, now + dt.timedelta(seconds=1.5), now + dt.timedelta(seconds=4)):
        counts = deliver_outbox(uow_factory, send, settings.notify_template, policy_from(settings), now=at)
    assert counts["notify_sent"] == 1 and fake.requests == 3
    assert [(s.to, s.template_id, s.personalisation["reference"]) for s in fake.sent] == [
        (EMAIL, env["NOTIFY_TEMPLATE_CONFIRMATION_EMAIL"], booked.ref)]
    logs = caplog.text
    for secret in (EMAIL, fake.secret, fake.api_key(), "Ria"):
        assert secret not in logs
    assert "not sent (500): will retry" in logs


def test_an_unknown_template_fails_and_staff_see_why(uow_factory, booked, fake, env):
    env = {**env, "NOTIFY_TEMPLATE_CONFIRMATION_EMAIL": "6e3c1d7a-0000-4000-8000-000000000000"}
    settings = settings_for(fake, env)
    send = NotifySender(fake.api_key(), fake.url)
    counts = deliver_outbox(uow_factory, send, settings.notify_template, policy_from(settings))
    assert counts["notify_failed"] == 1 and fake.sent == []
    from bot.web.admin.views_events import _messages

    with uow_factory() as uow:
        shown = _messages(uow.bookings.by_ref(booked.ref), "messages")
    assert shown[-1] == "FAILED: confirmation by email: failed (400: Template not found)"


# -- delivery receipts ------------------------------------------------------------------------
TOKEN = "receipts-token-6f1d2c3b4a5e"


@pytest.fixture
def receipts(monkeypatch, uow_factory):
    from bot.web import notify_callbacks

    monkeypatch.setattr(notify_callbacks, "get_settings",
                        lambda: Settings(notify_callback_token=TOKEN))
    monkeypatch.setattr(notify_callbacks, "sql_uow_factory", lambda: uow_factory)
    return TestClient(Starlette(routes=notify_callbacks.routes))


def _sent_row(uow_factory, booked, fake, env) -> OutboxMessage:
    settings = settings_for(fake, env)
    deliver_outbox(uow_factory, NotifySender(fake.api_key(), fake.url), settings.notify_template)
    with uow_factory() as uow:
        found = uow.bookings.db.query(OutboxMessage).filter_by(kind=MessageKind.CONFIRMATION.value).one()
        return found.id, found.notify_id


def test_receipts_need_the_bearer_token(receipts, monkeypatch):
    body = {"id": "x", "status": "delivered"}
    assert receipts.post("/notify/receipts", json=body).status_code == 401
    assert receipts.post("/notify/receipts", json=body,
                         headers={"Authorization": "Bearer wrong-token-123456"}).status_code == 401
    from bot.web import notify_callbacks

    monkeypatch.setattr(notify_callbacks, "get_settings", lambda: Settings())
    assert receipts.post("/notify/receipts", json=body,
                         headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


def test_receipts_are_stored(receipts, uow_factory, booked, fake, env, caplog):
    row_id, notify_id = _sent_row(uow_factory, booked, fake, env)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    receipt = {"id": notify_id, "reference": f"outbox-{row_id}", "to": EMAIL, "status": "delivered",
               "created_at": "2026-12-02T10:00:00.000000Z", "completed_at": "2026-12-02T10:00:05.000000Z",
               "sent_at": "2026-12-02T10:00:01.000000Z", "notification_type": "email",
               "template_id": env["NOTIFY_TEMPLATE_CONFIRMATION_EMAIL"], "template_version": 1}
    resp = receipts.post("/notify/receipts", json=receipt, headers=auth)
    assert resp.status_code == 200 and resp.json() == {"stored": True}
    with uow_factory() as uow:
        found = uow.bookings.db.get(OutboxMessage, row_id)
        assert (found.state, found.delivery_status) == ("delivered", "delivered")
        assert found.delivery_at.replace(tzinfo=None) == dt.datetime(2026, 12, 2, 10, 0, 5)
    resp = receipts.post("/notify/receipts", json={**receipt, "id": None, "status": "permanent-failure"},
                         headers=auth)
    assert resp.json() == {"stored": True}
    with uow_factory() as uow:
        assert uow.bookings.db.get(OutboxMessage, row_id).state == "failed"
    assert receipts.post("/notify/receipts", content=b"nope", headers=auth).status_code == 400
    assert receipts.post("/notify/receipts", json={"id": "0" * 36, "status": "delivered"},
                         headers=auth).json() == {"stored": False}
    assert EMAIL not in caplog.text
