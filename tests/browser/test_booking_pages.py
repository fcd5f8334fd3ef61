"""The pages behind the links in booking emails and texts, in real Chromium against the running
stack: a booking made over the chat's REST channel, the fake Notify's record of its confirmation
and reminder, then the manage page from the confirmation's link, used with the keyboard only at
320 px (move the date, cancel), an offer accepted from its link, and a tampered link; axe-clean
on every page. Writes var/artefacts/booking-links-transcript.txt and screenshots
booking-manage-320.png, booking-offer-320.png, booking-link-gone.png."""
from __future__ import annotations

import datetime as dt
import json
import re
import time

import pytest
from playwright.sync_api import Page, expect

from bot.bookings.models import Event, EventSession, OutboxMessage
from bot.bookings.service import BookingService
from bot.bootstrap import SqlUnitOfWork
from bot.contact import Contact
from bot.db import session_factory
from tests.browser.helpers import active, run_axe, serious
from tests.e2e.stack import links_of

pytestmark = pytest.mark.e2e
EMAIL = "jo.links@example.com"


def uow(stack):
    factory = session_factory(stack.db_url)
    return lambda: SqlUnitOfWork(factory)


def add_event(stack, title: str, towns: tuple[str, ...], capacity: int = 5) -> list[int]:
    with uow(stack)() as u:
        event = Event(kind="taster_day", title=title, status="published")
        for days, town in enumerate(towns, start=3):
            start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)
            event.sessions.append(EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=3),
                                               site="General Hospital", address="1 Infirmary Road",
                                               town=town, capacity=capacity))
        u.bookings.add(event)
        u.commit()
        return [s.id for s in event.sessions]


def sent(stack, ref: str, setting: str, timeout: float = 90, place: str = ""):
    """The latest message of this template about ``ref`` (whose place names ``place``)."""
    template = stack.env[setting]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [s for s in list(stack.notify.sent) if s.template_id == template
                 and s.personalisation.get("reference") == ref
                 and place in s.personalisation.get("place", "")]
        if found:
            return found[-1]
        time.sleep(0.3)
    raise AssertionError(f"no {setting} for {ref}")


def reminder_due_now(stack, ref: str) -> None:
    with uow(stack)() as u:
        b = u.bookings.by_ref(ref)
        for m in u.bookings.db.query(OutboxMessage).filter_by(booking_id=b.id, kind="reminder"):
            m.next_attempt_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
        u.commit()


def tab_to(page: Page, selector: str, limit: int = 30) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert ring != "none", f"no focus ring on {active(page)}"
            return
    pytest.fail(f"Tab never reached {selector}; last focus: {active(page)}")


def fits_and_big_enough(page: Page) -> None:
    """No sideways scrolling, and every button, link button and radio at least 24 px (WCAG 2.5.8)."""
    sizes = page.evaluate("() => [document.documentElement.scrollWidth,"
                          " document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], sizes
    small = page.evaluate("""() => [...document.querySelectorAll('button, a.button, input')]
        .filter(e => e.offsetParent).map(e => [e.textContent.trim() || e.id,
            e.getBoundingClientRect().width, e.getBoundingClientRect().height])
        .filter(([, w, h]) => w < 24 || h < 24)""")
    assert small == []


def axe_clean(page: Page, name: str) -> None:
    summary = run_axe(page, name)
    assert serious(summary) == [], json.dumps(summary["violations"], indent=2)
    assert summary["violations"] == [], json.dumps(summary["violations"], indent=2)


def test_a_web_booking_its_emails_and_its_manage_page(stack, chat, new_page, artefacts):
    sessions = add_event(stack, "Taster day: operating theatres", ("Wakefield", "Pontefract"))
    lines: list[str] = []

    def say(text: str) -> list[dict]:
        answer = chat.say(text)
        lines.append(f"> {text}")
        lines.extend(f"< {m.get('text', '')}" + "".join(f" [{b['title']}]" for b in m.get("buttons") or [])
                     for m in answer)
        return answer

    listed = say("I want to book a taster day in Wakefield")
    choice = next(b for m in listed for b in m.get("buttons") or [] if "Wakefield" in b["title"])
    say(choice["payload"])
    for answer in ("yes", "16", "Jo", EMAIL, "no"):
        say(answer)
    done = "\n".join(m.get("text", "") for m in say("/affirm"))
    ref = re.search(r"reference is (TD-[A-Z0-9]{4})", done).group(1)

    confirmation = sent(stack, ref, "NOTIFY_TEMPLATE_CONFIRMATION_EMAIL")
    reminder_due_now(stack, ref)
    reminder = sent(stack, ref, "NOTIFY_TEMPLATE_REMINDER_EMAIL")
    assert confirmation.to == EMAIL and reminder.to == EMAIL
    manage = confirmation.personalisation["manage_link"]
    assert manage == reminder.personalisation["manage_link"]
    lines.append("")
    for record in (confirmation, reminder):
        lines.append(f"fake Notify: {record.type} to {record.to}, template {record.template_id}, "
                     f"reference {record.reference}")
        lines.extend(f"    (({k})) = {v}" for k, v in record.personalisation.items())

    page = new_page(320, 640)
    page.goto(manage)
    expect(page.get_by_role("heading", name="Your booking")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text(ref)
    expect(page.locator(".summary")).to_contain_text("General Hospital, 1 Infirmary Road, Wakefield")
    expect(page.get_by_label(re.compile("Pontefract"))).to_be_visible()
    assert EMAIL not in page.content() and "Jo" not in page.locator("main").inner_text().split()
    fits_and_big_enough(page)
    axe_clean(page, "booking-manage-320")
    page.screenshot(path=artefacts / "booking-manage-320.png", full_page=True)

    # keyboard only: choose the other date and move the place
    tab_to(page, "input[type=radio]")
    page.keyboard.press("Space")
    expect(page.get_by_label(re.compile("Pontefract"))).to_be_checked()
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your place has been moved to the new date.")
    expect(page.locator(".summary")).to_contain_text("Pontefract")
    sent(stack, ref, "NOTIFY_TEMPLATE_CONFIRMATION_EMAIL", place="Pontefract")   # of the new date
    axe_clean(page, "booking-manage-moved")

    # then cancel it: the link asks first, then the booking is cancelled and the link dies
    tab_to(page, "a.button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Cancel your place?")).to_be_visible()
    axe_clean(page, "booking-cancel-check")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your booking is cancelled")).to_be_visible()
    axe_clean(page, "booking-cancelled")
    page.goto(manage)
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    assert ref not in page.content()
    with uow(stack)() as u:
        b = u.bookings.by_ref(ref)
        assert (b.status, b.session_id) == ("cancelled", sessions[1])

    lines.append("")
    lines.append(f"manage page (from ((manage_link))): screenshot {artefacts / 'booking-manage-320.png'}")
    lines.append("keyboard at 320 px: moved to Pontefract (new confirmation sent), then cancelled")
    (artefacts / "booking-links-transcript.txt").write_text("\n".join(lines) + "\n")


def test_an_offer_accepted_from_its_link(stack, new_page, artefacts):
    sid = add_event(stack, "Taster day: pharmacy", ("Barnsley",), capacity=1)[0]
    svc = BookingService(uow(stack), notify=True, links=links_of(stack))
    first = svc.book(sid, sender_id="links-first", channel="rest", first_name="Kit",
                     contact=Contact("email", "kit.links@example.com")).booking
    second = svc.book(sid, sender_id="links-second", channel="rest", first_name="Lou",
                      contact=Contact("email", "lou.links@example.com"), waitlist=True).booking
    assert second.status == "waiting"
    svc.cancel(first.ref, sender_id="links-first")
    offer = sent(stack, second.ref, "NOTIFY_TEMPLATE_OFFER_EMAIL")

    page = new_page(320, 640)
    page.goto(offer.personalisation["accept_link"])
    expect(page.get_by_role("heading", name="A place is free for you")).to_be_visible()
    expect(page.locator("main")).to_contain_text(offer.personalisation["offer_deadline"])
    fits_and_big_enough(page)
    axe_clean(page, "booking-offer-320")
    page.screenshot(path=artefacts / "booking-offer-320.png", full_page=True)
    tab_to(page, "button[type=submit]")
    expect(page.locator(":focus")).to_have_text("Take the place")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("You have taken the place")
    assert svc.find(second.ref, sender_id="links-second").status == "confirmed"


def test_a_tampered_link_gets_a_clear_page(stack, new_page, artefacts):
    sid = add_event(stack, "Taster day: audiology", ("Halifax",))[0]
    svc = BookingService(uow(stack), notify=True, links=links_of(stack))
    b = svc.book(sid, sender_id="links-tamper", channel="rest", first_name="Mo",
                 contact=Contact("email", "mo.links@example.com")).booking
    good = links_of(stack).manage(b.ics_token)
    page = new_page(320, 640)
    response = page.goto(good[:-4] + "AAAA")
    assert response.status == 404
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    assert b.ref not in page.content() and "Halifax" not in page.content()
    fits_and_big_enough(page)
    axe_clean(page, "booking-link-gone")
    page.screenshot(path=artefacts / "booking-link-gone.png", full_page=True)
