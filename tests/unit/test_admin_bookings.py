"""Events, sessions and bookings in the admin: capacity, attendance, cancelling through the
bookings service, waiting lists, per-session CSV, and casework."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.bookings.models import Booking, EventSession, Reminder
from bot.casework.models import HandoffRequest, SafeguardingFlag
from bot.web.admin.models import AuditLog
from tests.unit import test_admin_support as support
from tests.unit.test_admin_support import EDITOR, client, login, post

env = support.env  # the fixture: a migrated database with the admin mounted


def _session_form(env, **changes) -> dict:
    with env.sm() as s:
        found = s.get(EventSession, env.session_id)
    form = {"event": str(found.event_id), "starts_at": f"{found.starts_at:%Y-%m-%d %H:%M:%S}",
            "ends_at": f"{found.ends_at:%Y-%m-%d %H:%M:%S}", "site": found.site,
            "town": found.town, "address": found.address, "online_url": "",
            "capacity": str(found.capacity), "status": "published", "save": "Save"}
    form.update(changes)
    return form


def _edit_session(c, env, **changes):
    path = f"/admin/event-session/edit/{env.session_id}"
    return post(c, path, _session_form(env, **changes), path)


def _status(env, booking_id: int) -> str:
    with env.sm() as s:
        return s.get(Booking, booking_id).status


def test_capacity_never_below_places_already_held(env):
    c = login(env, EDITOR)
    resp = _edit_session(c, env, capacity="2")  # 2 confirmed + 1 offered are held
    assert resp.status_code == 400
    assert "3 places are already booked or offered" in resp.text
    assert _edit_session(c, env, capacity="0").status_code == 400
    assert _edit_session(c, env, capacity="3").status_code == 302
    with env.sm() as s:
        assert s.get(EventSession, env.session_id).capacity == 3


def test_session_dates_and_urls_are_checked(env):
    c = login(env)
    resp = _edit_session(c, env, ends_at="2000-01-01 10:00:00")
    assert resp.status_code == 400 and "must end after it starts" in resp.text
    resp = _edit_session(c, env, online_url="ftp://meet.example.org")
    assert resp.status_code == 400 and "http:// or https://" in resp.text
    resp = _edit_session(c, env, starts_at="not a date")
    assert resp.status_code == 400


def test_mark_attended_only_from_confirmed(env):
    c = login(env, EDITOR)
    ask = c.get("/admin/booking/action/mark-attended?pks=1,4")
    assert ask.status_code == 200 and "TD-T000" in ask.text
    resp = post(c, "/admin/booking/attended-confirmed", {"pks": "1,4"})
    assert resp.status_code == 303
    assert _status(env, 1) == "attended" and _status(env, 4) == "waiting"
    flashed = c.get(resp.headers["location"]).text
    assert "1 done" in flashed and "it is waiting" in flashed
    with env.sm() as s:
        entry = s.scalar(select(AuditLog).where(AuditLog.action == "mark attended"))
    assert entry.actor == EDITOR[0]
    assert entry.before == {"status": "confirmed"} and entry.after == {"status": "attended"}


def test_cancel_goes_through_the_bookings_service(env):
    """The real service: the person is told, the place is offered on, and the change audited."""
    c = login(env, EDITOR)
    assert post(c, "/admin/booking/cancel-confirmed", {"pks": "1"}).status_code == 303
    assert _status(env, 1) == "cancelled"
    assert _status(env, 4) == "offered"  # the waiting person is offered the place
    with env.sm() as s:
        kinds = {r.kind for r in s.scalars(select(Reminder).where(Reminder.booking_id == 1))}
        entry = s.scalar(select(AuditLog).where(AuditLog.action == "cancel"))
    assert "cancelled" in kinds
    assert entry.actor == EDITOR[0]
    assert entry.before["status"] == "confirmed" and entry.after["status"] == "cancelled"


def test_bookings_are_never_deleted_or_edited_here(env):
    c = login(env)
    csrf = {"X-CSRF-Token": __import__("re").search(
        r'name="csrf-token" content="([^"]+)"', c.get("/admin/").text).group(1)}
    assert c.delete("/admin/booking/delete?pks=1", headers=csrf).status_code == 403
    assert c.get("/admin/booking/edit/1").status_code == 403
    assert c.get("/admin/booking/create").status_code == 403
    assert c.get("/admin/booking/export/csv").status_code == 403  # contact details: per session only
    assert _status(env, 1) == "confirmed"


def test_waiting_list_shows_waiting_and_offered_only(env):
    c = login(env)
    page = c.get("/admin/waiting-list/list").text
    assert "TD-T002" in page and "TD-T003" in page  # offered, waiting
    assert "TD-T000" not in page and "TD-T001" not in page


def test_bookings_csv_per_session(env):
    c = login(env, EDITOR)
    resp = c.get(f"/admin/event-session/{env.session_id}/bookings.csv")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    assert "attachment" in resp.headers["content-disposition"]
    lines = resp.text.strip().splitlines()
    assert lines[0].startswith("session,starts_at,ref,status,first_name")
    assert len(lines) == 5 and "sam0@example.com" in resp.text
    assert client(env).get(f"/admin/event-session/{env.session_id}/bookings.csv",
                           follow_redirects=False).status_code == 302
    assert c.get("/admin/event-session/999/bookings.csv").status_code == 404
    listing = c.get("/admin/event-session/list").text
    assert "3 of 5 held" in listing and f'href="{env.session_id}/bookings.csv"' in listing


def test_csv_cells_that_look_like_formulas_are_defused(env):
    with env.sm() as s:
        s.get(Booking, 1).first_name = "=HYPERLINK(\"http://x\")"
        s.commit()
    text = login(env).get(f"/admin/event-session/{env.session_id}/bookings.csv").text
    assert "'=HYPERLINK" in text


def test_casework_acknowledge_and_resolve(env):
    now = dt.datetime.now(dt.timezone.utc)
    with env.sm() as s:
        s.add(SafeguardingFlag(created_at=now, channel="rest", sender_id="abc",
                               concerns=["self_harm"], status="open", notes=""))
        s.add(HandoffRequest(created_at=now, channel="rest", sender_id="def",
                             contact_method="email", contact_value="help.me@example.com",
                             first_name="Ali", topic="nursing", consent=True, status="open"))

        s.commit()
    c = login(env, EDITOR)
    assert "self_harm" in c.get("/admin/safeguarding-flag/list").text
    assert post(c, "/admin/safeguarding-flag/acknowledge-confirmed", {"pks": "1"}).status_code == 303
    assert post(c, "/admin/handoff-request/resolve-confirmed", {"pks": "1"}).status_code == 303
    with env.sm() as s:
        flag, handoff = s.get(SafeguardingFlag, 1), s.get(HandoffRequest, 1)
    assert (flag.status, flag.handled_by) == ("acknowledged", EDITOR[0])
    assert (handoff.status, handoff.handled_by) == ("resolved", EDITOR[0])
    assert c.get("/admin/safeguarding-flag/create").status_code == 403
    with env.sm() as s:
        entry = s.scalar(select(AuditLog).where(AuditLog.entity == "handoff-request"))
    assert "help.me@example.com" not in str(entry.before) + str(entry.after)
