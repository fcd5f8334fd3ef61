"""Links that manage a booking without the chat (bot/bookings/links.py, bot/web/manage.py), on
SQLite through the real Starlette routes: signed, purpose-bound, alive only while the booking is,
and a clear page (never someone else's booking) for anything else."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.testclient import TestClient

from bot.bookings.links import BookingLinks, LinkPurpose
from bot.bookings.models import Event, EventSession, MessageKind, OutboxMessage
from bot.bookings.outbox import FIELDS
from bot.bookings.service import BookingService
from bot.contact import Contact
from bot.settings import InsecureSetting, Settings
from bot.web import manage
from bot.web.templating import STATIC_DIR
from tests.conftest import LINK_KEY, PUBLIC_URL, links_for_tests

LINKS = links_for_tests()
GONE = "This link no longer works"


def _later(days: float) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)


@pytest.fixture
def event(uow_factory):
    """A taster day on three dates; the first has one place."""
    with uow_factory() as uow:
        e = Event(kind="taster_day", title="Taster day: radiography", status="published")
        for town, days, places in (("Leeds", 3, 1), ("York", 5, 4), ("Hull", 8, 4)):
            start = _later(days)
            e.sessions.append(EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=3),
                                           site="St James's", address="Beckett Street", town=town,
                                           capacity=places))
        uow.bookings.add(e)
        uow.commit()
        return [s.id for s in e.sessions]


@pytest.fixture
def svc(uow_factory):
    return BookingService(uow_factory, notify=True, links=LINKS)


@pytest.fixture
def web(monkeypatch, svc):
    monkeypatch.setattr(manage, "_links", lambda: LINKS)
    monkeypatch.setattr(manage, "_service", lambda: svc)
    app = Starlette(routes=[*manage.routes,
                            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static")])
    return TestClient(app, follow_redirects=False)


def book(svc, sid, who="web-alex", name="Alex", email="alex@example.com", waitlist=False):
    return svc.book(sid, sender_id=who, channel="rest", first_name=name,
                    contact=Contact("email", email), waitlist=waitlist)


def path(url: str) -> str:
    assert url.startswith(PUBLIC_URL)
    return url[len(PUBLIC_URL):]


def sent_links(uow_factory, ref: str, kind: MessageKind) -> dict[str, str]:
    with uow_factory() as uow:
        b = uow.bookings.by_ref(ref)
        row = (uow.bookings.db.query(OutboxMessage).filter_by(booking_id=b.id, kind=kind.value)
               .order_by(OutboxMessage.id.desc()).first())
        return dict(row.personalisation)


# -- the links themselves ---------------------------------------------------------------------
def test_a_link_is_signed_for_one_purpose_and_one_key():
    token = "x" * 32
    signed = LINKS.signed(LinkPurpose.MANAGE, token)
    assert LINKS.token_from(LinkPurpose.MANAGE, signed) == token
    assert LINKS.token_from(LinkPurpose.ACCEPT, signed) is None            # not an offer link
    flipped = signed[:-1] + ("A" if signed[-1] != "A" else "B")
    assert LINKS.token_from(LinkPurpose.MANAGE, flipped) is None            # edited
    assert LINKS.token_from(LinkPurpose.MANAGE, "y" * 32 + signed[32:]) is None   # other token
    assert LINKS.token_from(LinkPurpose.MANAGE, token) is None              # unsigned
    rotated = BookingLinks(PUBLIC_URL, "another-key-9f8e7d6c5b4a")
    assert rotated.token_from(LinkPurpose.MANAGE, signed) is None           # SECRET_KEY changed
    assert LINKS.manage(token).startswith(PUBLIC_URL + "/bookings/manage/")


def test_no_key_no_links_and_notify_will_not_start_without_one():
    with pytest.raises(InsecureSetting, match="SECRET_KEY"):
        BookingLinks(PUBLIC_URL, None).manage("x" * 32)
    key = "k-" + "-".join(["11111111-1111-1111-1111-111111111111"] * 2)
    with pytest.raises(ValueError, match="SECRET_KEY signs the manage-booking links"):
        Settings(notify_api_key=key, secret_key=None, _env_file=None)
    assert Settings(notify_api_key=key, secret_key=LINK_KEY, _env_file=None).notify_enabled


def test_emails_carry_the_links_for_their_kind(uow_factory, svc, event):
    assert "manage_link" in FIELDS[MessageKind.CONFIRMATION] and "accept_link" in FIELDS[MessageKind.OFFER]
    first = book(svc, event[0]).booking
    p = sent_links(uow_factory, first.ref, MessageKind.CONFIRMATION)
    assert LINKS.token_from(LinkPurpose.MANAGE, p["manage_link"].rsplit("/", 1)[1]) == first.ics_token
    assert p["calendar_link"] == f"{PUBLIC_URL}/bookings/{first.ics_token}.ics"
    second = book(svc, event[0], "web-bo", "Bo", "bo@example.com", waitlist=True).booking
    assert second.status == "waiting"
    svc.cancel(first.ref, sender_id="web-alex")
    offer = sent_links(uow_factory, second.ref, MessageKind.OFFER)
    assert LINKS.token_from(LinkPurpose.ACCEPT, offer["accept_link"].rsplit("/", 1)[1]) == second.ics_token


# -- the pages ----------------------------------------------------------------------------------
def test_the_manage_page_shows_the_booking_privately(web, svc, event):
    b = book(svc, event[0]).booking
    resp = web.get(path(LINKS.manage(b.ics_token)))
    assert resp.status_code == 200
    page = resp.text
    for shown in ("Your booking", "Taster day: radiography", "St James&#39;s, Beckett Street, Leeds",
                  b.ref, "Move my place", "Cancel my place", f"/bookings/{b.ics_token}.ics"):
        assert shown in page
    assert "York" in page and "Hull" in page          # the other dates, with places
    assert "alex@example.com" not in page and "Alex" not in page
    assert resp.headers["cache-control"] == "private, no-store"
    assert resp.headers["referrer-policy"] == "no-referrer"
    assert "<script" not in page


@pytest.mark.parametrize("mangle", [
    lambda s: s[:-2] + "zz",                       # an edited signature
    lambda s: "A" + s[1:],                         # an edited token
    lambda s: s.split(".")[0],                     # the token without its signature
    lambda s: "nonsense",
])
def test_a_tampered_link_gets_a_clear_page_and_no_booking(web, svc, event, mangle):
    b = book(svc, event[0]).booking
    other = book(svc, event[1], "web-cy", "Cy", "cy@example.com").booking
    signed = LINKS.signed(LinkPurpose.MANAGE, b.ics_token)
    resp = web.get(f"/bookings/manage/{mangle(signed)}")
    assert resp.status_code == 404 and GONE in resp.text and "ask in the chat" in resp.text
    assert b.ref not in resp.text and other.ref not in resp.text
    assert web.post(f"/bookings/manage/{mangle(signed)}/cancel").status_code == 404
    assert svc.find(b.ref, sender_id="web-alex").status == "confirmed"


def test_an_offer_link_does_not_open_the_manage_page(web, svc, event):
    b = book(svc, event[0]).booking
    accept = LINKS.signed(LinkPurpose.ACCEPT, b.ics_token)
    assert web.get(f"/bookings/manage/{accept}").status_code == 404
    assert web.post(f"/bookings/manage/{accept}/cancel").status_code == 404


def test_cancel_asks_first_then_cancels_and_the_link_dies(web, svc, event, uow_factory):
    b = book(svc, event[0]).booking
    waiting = book(svc, event[0], "web-bo", "Bo", "bo@example.com", waitlist=True).booking
    here = path(LINKS.manage(b.ics_token))
    check = web.get(here + "/cancel")
    assert check.status_code == 200 and "Yes, cancel my place" in check.text
    assert svc.find(b.ref, sender_id="web-alex").status == "confirmed"    # looking changes nothing
    done = web.post(here + "/cancel")
    assert done.status_code == 200 and "Your booking is cancelled" in done.text
    assert svc.find(b.ref, sender_id="web-alex").status == "cancelled"
    assert svc.find(waiting.ref, sender_id="web-bo").status == "offered"  # the next person
    assert "accept_link" in sent_links(uow_factory, waiting.ref, MessageKind.OFFER)
    again = web.get(here)
    assert again.status_code == 404 and GONE in again.text and b.ref not in again.text


def test_change_the_date(web, svc, event, uow_factory):
    b = book(svc, event[0]).booking
    here = path(LINKS.manage(b.ics_token))
    moved = web.post(here + "/change", data={"session_id": str(event[1])})
    assert moved.status_code == 303 and moved.headers["location"] == here + "?done=moved"
    page = web.get(moved.headers["location"]).text
    assert "Your place has been moved to the new date." in page and "Beckett Street, York" in page
    assert svc.find(b.ref, sender_id="web-alex").session.id == event[1]
    assert sent_links(uow_factory, b.ref, MessageKind.CONFIRMATION)["when"] in page


def test_change_refuses_what_the_page_did_not_offer(web, svc, event, uow_factory):
    b = book(svc, event[1]).booking
    with uow_factory() as uow:   # a session of another event, with places
        e = Event(kind="cv_workshop", title="CV workshop", status="published")
        start = _later(4)
        e.sessions.append(EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                       site="Library", town="Leeds", capacity=9))
        uow.bookings.add(e)
        uow.commit()
        elsewhere = e.sessions[0].id
    here = path(LINKS.manage(b.ics_token))
    empty = web.post(here + "/change", data={})
    assert empty.status_code == 400 and "Choose a new date" in empty.text
    wrong = web.post(here + "/change", data={"session_id": str(elsewhere)})
    assert wrong.headers["location"] == here + "?done=not_found"
    assert "Your place is unchanged" in web.get(wrong.headers["location"]).text
    full = web.post(here + "/change", data={"session_id": str(event[0])})   # 1 place: still free
    assert full.headers["location"] == here + "?done=moved"
    assert svc.find(b.ref, sender_id="web-alex").session.id == event[0]


def test_accept_an_offer_from_its_link(web, svc, event):
    first = book(svc, event[0]).booking
    second = book(svc, event[0], "web-bo", "Bo", "bo@example.com", waitlist=True).booking
    offer = path(LINKS.accept(second.ics_token))
    assert web.get(offer).status_code == 404                      # not offered yet: nothing
    svc.cancel(first.ref, sender_id="web-alex")
    page = web.get(offer)
    assert page.status_code == 200 and "A place is free for you" in page.text
    assert re.search(r"take it by <strong>\d+(:\d\d)?[ap]m on \w+day \d+ \w+</strong>", page.text)
    assert svc.find(second.ref, sender_id="web-bo").status == "offered"   # looking: no change
    took = web.post(offer + "/accept")
    assert took.status_code == 303
    assert took.headers["location"] == path(LINKS.manage(second.ics_token)) + "?done=confirmed"
    assert "You have taken the place" in web.get(took.headers["location"]).text
    assert svc.find(second.ref, sender_id="web-bo").status == "confirmed"
    assert web.get(offer).headers["location"].endswith("?done=duplicate")   # a second click


def test_turn_down_an_offer_and_an_ended_offer(web, svc, event, uow_factory):
    first = book(svc, event[0]).booking
    second = book(svc, event[0], "web-bo", "Bo", "bo@example.com", waitlist=True).booking
    third = book(svc, event[0], "web-di", "Di", "di@example.com", waitlist=True).booking
    svc.cancel(first.ref, sender_id="web-alex")
    declined = web.post(path(LINKS.accept(second.ics_token)) + "/decline")
    assert declined.status_code == 200 and "You have turned down the place" in declined.text
    assert svc.find(third.ref, sender_id="web-di").status == "offered"
    with uow_factory() as uow:   # the offer's time runs out before the worker expires it
        uow.bookings.by_ref(third.ref).offer_expires_at = _later(-0.01)
        uow.commit()
    ended = web.get(path(LINKS.accept(third.ics_token)))
    assert ended.status_code == 404 and "This offer has ended" in ended.text
    assert web.post(path(LINKS.accept(third.ics_token)) + "/accept").status_code == 404
    assert svc.find(third.ref, sender_id="web-di").status == "expired"


def test_a_link_dies_with_its_session_and_with_a_purge(web, svc, event, uow_factory):
    b = book(svc, event[1]).booking
    here = path(LINKS.manage(b.ics_token))
    assert web.get(here).status_code == 200
    with uow_factory() as uow:
        s = uow.bookings.session(event[1])
        s.starts_at, s.ends_at = _later(-0.2), _later(-0.1)
        uow.commit()
    assert web.get(here).status_code == 404
    c = book(svc, event[2], "web-cy", "Cy", "cy@example.com").booking
    assert svc.erase("web-cy") == 1
    assert web.get(path(LINKS.manage(c.ics_token))).status_code == 404


def test_the_access_log_never_holds_a_link_token(caplog):
    import logging

    from bot.web import link_logs

    token = "aLPHni-qlyNe22XOrMDgml_gTZ7V5HJe"
    signed = LINKS.signed(LinkPurpose.MANAGE, token)
    for path_, shown in ((f"/bookings/manage/{signed}", "/bookings/manage/…"),
                         (f"/bookings/manage/{signed}/cancel", "/bookings/manage/…/cancel"),
                         (f"/bookings/offer/{signed}/accept", "/bookings/offer/…/accept"),
                         (f"/bookings/manage/{signed}?done=moved", "/bookings/manage/…?done=moved"),
                         (f"/bookings/{token}.ics", "/bookings/….ics"),
                         ("/roles/paramedic", "/roles/paramedic")):
        assert link_logs.hide_tokens(path_) == shown
    link_logs.install()
    link_logs.install()   # once only
    access = logging.getLogger("uvicorn.access")
    assert sum(isinstance(f, link_logs.HideLinkTokens) for f in access.filters) == 1
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", f"/bookings/manage/{signed}",
                    "1.1", 200)
    assert token not in caplog.text and "/bookings/manage/…" in caplog.text


@pytest.mark.parametrize("site,address,town,shown", [
    ("General Hospital", "1 Infirmary Road", "Wakefield", "General Hospital, 1 Infirmary Road, Wakefield"),
    ("Hospital education centre", "Hospital education centre, Leeds (sample venue)", "Leeds",
     "Hospital education centre, Leeds (sample venue)"),
    ("St James's", "", "Leeds", "St James's, Leeds"),
    ("", "", "", "to be confirmed"),
])
def test_a_place_is_named_once_in_full(site, address, town, shown):
    from bot.bookings.views import full_place

    assert full_place(site, address, town) == shown
