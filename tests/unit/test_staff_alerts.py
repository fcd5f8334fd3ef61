"""Staff alerts: a new request for a person or an urgent safeguarding flag emails the team's
address once per burst, with a link to the admin and nothing about the young person."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.bookings.models import MessageKind, OutboxMessage
from bot.bookings.outbox import deliver_outbox
from bot.casework.alerts import raise_staff_alerts
from bot.casework.models import HandoffRequest, SafeguardingFlag
from bot.casework.service import record_flag, request_handoff
from bot.contact import Contact
from bot.settings import Settings
from tests.unit.test_notify_outbox import Recorder, templates

TEAM = "careers-team@example.nhs.uk"
URL = "https://careers.example.org"
WINDOW = dt.timedelta(minutes=15)
T0 = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.timezone.utc)


def handoff(uow_factory, n: int = 1) -> list[int]:
    return [request_handoff(uow_factory, channel="rest", sender_id=f"s-{i}",
                            contact=Contact("email", f"young.person{i}@example.com")) for i in range(n)]


def alerts(uow_factory) -> list[dict]:
    with uow_factory() as uow:
        rows = uow.casework.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == MessageKind.STAFF_ALERT.value)
            .order_by(OutboxMessage.id))
        return [dict(m.personalisation) for m in rows]


def raise_at(uow_factory, now: dt.datetime) -> int:
    return raise_staff_alerts(uow_factory, public_url=URL, window=WINDOW, now=now)


def test_a_burst_of_requests_is_one_email_with_a_link_to_the_list(uow_factory):
    handoff(uow_factory, 3)
    assert raise_at(uow_factory, T0) == 1
    assert alerts(uow_factory) == [{"what": "3 new requests to talk to a person", "count": "3",
                                    "admin_link": f"{URL}/admin/handoff-request/list"}]
    assert raise_at(uow_factory, T0 + dt.timedelta(minutes=1)) == 0   # nothing new


def test_what_comes_inside_the_window_goes_in_the_next_email_when_it_ends(uow_factory):
    first = handoff(uow_factory)[0]
    assert raise_at(uow_factory, T0) == 1
    later = request_handoff(uow_factory, channel="telegram", sender_id="t-9",
                            contact=Contact("phone", "+447700900123"))
    assert raise_at(uow_factory, T0 + dt.timedelta(minutes=5)) == 0   # inside the window: wait
    assert raise_at(uow_factory, T0 + dt.timedelta(minutes=16)) == 1
    assert [a["admin_link"] for a in alerts(uow_factory)] == [
        f"{URL}/admin/handoff-request/details/{first}", f"{URL}/admin/handoff-request/details/{later}"]


def test_only_urgent_flags_alert_and_only_while_open(uow_factory):
    record_flag(uow_factory, channel="rest", sender_id="a", concerns=["bullying"], urgent=False)
    assert raise_at(uow_factory, T0) == 0
    urgent = record_flag(uow_factory, channel="rest", sender_id="b", concerns=["suicide"], urgent=True)
    assert raise_at(uow_factory, T0) == 1
    assert alerts(uow_factory) == [{"what": "A new urgent safeguarding flag", "count": "1",
                                    "admin_link": f"{URL}/admin/safeguarding-flag/details/{urgent}"}]
    picked_up = record_flag(uow_factory, channel="rest", sender_id="c", concerns=["abuse"], urgent=True)
    with uow_factory() as uow:
        uow.casework.session.get(SafeguardingFlag, picked_up).status = "acknowledged"
        uow.commit()
    assert raise_at(uow_factory, T0 + dt.timedelta(hours=1)) == 0


def test_the_two_kinds_are_limited_separately(uow_factory):
    handoff(uow_factory)
    record_flag(uow_factory, channel="rest", sender_id="b", concerns=["suicide"], urgent=True)
    assert raise_at(uow_factory, T0) == 2


def test_sent_to_the_team_address_with_nothing_about_the_young_person(uow_factory):
    handoff(uow_factory, 2)
    raise_at(uow_factory, T0)
    sent = Recorder()
    counts = deliver_outbox(uow_factory, sent, templates, now=T0, staff_address=TEAM)
    assert counts["notify_sent"] == 1
    [message] = sent.sent
    assert message.to == TEAM and message.template_id == "tpl-staff_alert-email"
    with uow_factory() as uow:
        people = uow.casework.session.query(HandoffRequest).all()
        secrets = {p.contact_value for p in people} | {p.sender_id for p in people}
    assert not any(s in v for s in secrets for v in message.personalisation.values())


def test_without_a_team_address_an_alert_is_not_sent(uow_factory):
    handoff(uow_factory)
    raise_at(uow_factory, T0)
    sent = Recorder()
    counts = deliver_outbox(uow_factory, sent, templates, now=T0, staff_address=None)
    assert not sent.sent and counts["notify_skipped"] == 1


@pytest.mark.parametrize("value, ok", [("Team@Example.NHS.uk", "team@example.nhs.uk"), ("", None)])
def test_the_team_address_setting(value, ok):
    assert Settings(staff_alert_email=value).staff_alert_email == ok


def test_a_team_address_that_is_not_one_is_refused():
    with pytest.raises(ValueError):
        Settings(staff_alert_email="the careers team")
