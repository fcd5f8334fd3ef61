"""What the bot says about events and bookings, and how it reads free-text answers.

No Rasa here: the actions call these and send the replies.
"""
from __future__ import annotations

import datetime as dt
import json
import re

from rapidfuzz import fuzz, process

from bot.bookings.models import NoticeKind
from bot.bookings.statuses import BookingStatus, OutcomeStatus
from bot.bookings.views import BookingView, Outcome, SessionView, deadline_text, uk_time
from bot.kernel.replies import Button, Reply
from bot.settings import get_settings

ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
            "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "last": -1}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
NO_ACCESS_NEEDS = "none"  # the booking_access answer "no needs" (domain.yml's deny mapping too)
NONE_WORDS = {"no", "none", "nope", "nothing", "no thanks", "n/a", "na", "not really", "nah", "no."}


def payload(intent: str, **entities: str) -> str:
    return f"/{intent}" + (json.dumps(entities, separators=(",", ":")) if entities else "")


# -- filters from the message that started the booking ---------------------------------------------
def parse_filters(text: str, towns: list[str]) -> dict[str, str]:
    """Kind ("taster_day"/"cv_workshop"), town and a date or month from free text."""
    low = (text or "").lower()
    found: dict[str, str] = {}
    if re.search(r"\bcv\b|workshop|application|interview", low):
        found["kind"] = "cv_workshop"
    elif re.search(r"taster|open day|try out|experience day", low):
        found["kind"] = "taster_day"
    for town in towns:
        if town and re.search(rf"\b{re.escape(town.lower())}\b", low):
            found["town"] = town
    for i, month in enumerate(MONTHS):
        if re.search(rf"\b{month}\b|\b{month[:3]}\b(?!\w)", low) and month != "may" or \
                (month == "may" and re.search(r"\bin may\b", low)):
            found["month"] = str(i + 1)
    for day in WEEKDAYS:
        if re.search(rf"\b{day}s?\b", low):
            found["weekday"] = day
    return found


def apply_filters(sessions: list[SessionView], filters: dict[str, str]) -> list[SessionView]:
    def keep(s: SessionView) -> bool:
        local = uk_time(s.starts_at)
        return ((not filters.get("kind") or s.kind == filters["kind"])
                and (not filters.get("town") or s.town.lower() == filters["town"].lower())
                and (not filters.get("month") or local.month == int(filters["month"]))
                and (not filters.get("weekday") or WEEKDAYS[local.weekday()] == filters["weekday"]))
    return [s for s in sessions if keep(s)]


def describe_filters(filters: dict[str, str]) -> str:
    parts = []
    if filters.get("kind"):
        parts.append("CV workshops" if filters["kind"] == "cv_workshop" else "taster days")
    if filters.get("town"):
        parts.append(f"in {filters['town']}")
    if filters.get("weekday"):
        parts.append(f"on {filters['weekday'].title()}s")
    if filters.get("month"):
        parts.append(f"in {MONTHS[int(filters['month']) - 1].title()}")
    return " ".join(parts) or "events"


# -- reading answers ----------------------------------------------------------------------------
def pick(text: str, options: list[SessionView]) -> SessionView | None:
    """Which of the listed sessions the person means: an id from a button, a number, an
    ordinal ("the second one"), or words that match a title, a town or a date."""
    text = (text or "").strip()
    if not options or not text:
        return None
    by_id = {str(s.id): s for s in options}
    if text in by_id:
        return by_id[text]
    low = text.lower()
    number = re.fullmatch(r"(?:number\s*|no\.?\s*|option\s*)?(\d{1,2})", low)
    if number and 1 <= int(number.group(1)) <= len(options):
        return options[int(number.group(1)) - 1]
    for word, n in ORDINALS.items():
        if re.search(rf"\b{word}\b", low) and n <= len(options):
            return options[n - 1] if n > 0 else options[-1]
    by_town = [s for s in options if re.search(rf"\b{re.escape((s.town or 'online').lower())}\b", low)]
    if len({s.id for s in by_town}) == 1:
        return by_town[0]
    labels = {s.id: f"{s.title} {s.town or 'online'} {label_date(s)}".lower() for s in options}
    best = process.extractOne(low, labels, scorer=fuzz.token_set_ratio, score_cutoff=70)
    if best is None:
        return None
    ties = [k for k, v in labels.items() if fuzz.token_set_ratio(low, v) == best[1]]
    return by_id[str(best[2])] if len(ties) == 1 else None


def parse_age(text: str) -> int | None:
    low = (text or "").lower()
    digits = re.findall(r"\b(\d{1,3})\b", low)
    if len(digits) == 1:
        age = int(digits[0])
    else:
        words = [NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", low) if w in NUMBER_WORDS]
        if not words:
            return None
        age = sum(words) if len(words) == 2 and words[0] == 20 else words[-1]
    return age if 5 <= age <= 99 else None


def parse_name(text: str) -> str | None:
    text = re.sub(r"(?i)^\s*(hi|hello|hey)?[,\s]*(my name is|my name's|i'm|im|i am|it's|its|"
                  r"call me|name:?)\s+", "", (text or "").strip()).strip(" .!")
    letters_only = re.fullmatch(r"[^\W\d_](?:[^\W\d_]|['. -])*", text)
    if not text or len(text) > 40 or len(text.split()) > 3 or not letters_only:
        return None
    return " ".join(w[:1].upper() + w[1:] for w in text.split())


def parse_access(text: str) -> str:
    text = (text or "").strip()
    return NO_ACCESS_NEEDS if text.lower().strip(" .!") in NONE_WORDS else text[:500]


# -- saying it ----------------------------------------------------------------------------------
def label_date(s: SessionView) -> str:
    local = uk_time(s.starts_at)
    return f"{local:%a} {local.day} {local:%b}"


def button_title(s: SessionView) -> str:
    places = "full: waiting list" if s.places_left == 0 else f"{s.places_left} places"
    return f"{s.title} - {label_date(s)}, {s.town or 'online'} ({places})"


def session_list(sessions: list[SessionView], intro: str, slot: str = "booking_session") -> Reply:
    lines = [intro]
    lines += [f"{i}. {button_title(s)}" for i, s in enumerate(sessions, 1)]
    lines.append("Tap one, or type its number.")
    buttons = tuple(Button(button_title(s), payload("choose", **{slot: str(s.id)})) for s in sessions)
    return Reply("\n".join(lines), buttons)


def session_details(s: SessionView) -> str:
    return f"{s.title}\nWhen: {s.when}\nWhere: {s.place}"


def summary(s: SessionView, name: str, contact: str, access: str, waitlist: bool) -> str:
    lines = ["Please check this:", session_details(s), f"Name: {name}", f"Contact: {contact}"]
    if access and access != NO_ACCESS_NEEDS:
        lines.append(f"Access needs: {access}")
    if waitlist:
        lines.append("This session is full, so this puts you on the waiting list.")
    return "\n".join(lines) + "\nShall I book it?"


def booked(out: Outcome, ics_url: str) -> Reply:
    b = out.booking
    if b is None:   # callers pass a booked or waiting outcome, which always has its booking
        raise ValueError(f"booked() needs the booking of a {out.status} outcome")
    if out.status == OutcomeStatus.WAITING:
        return Reply(f"You're on the waiting list for {b.session.title} on {label_date(b.session)}: "
                     f"number {b.position} in the queue. Your reference is {b.ref}. If a place "
                     f"comes up {_reach(b, 'offer')}, and you'll have a day to say yes.",
                     (Button("My bookings", "/my_bookings"),))
    return Reply(f"You're booked! Your reference is {b.ref}.\n{session_details(b.session)}\n"
                 f"Add it to your calendar: {ics_url}\n"
                 f"{_reach(b, 'reminder')} To cancel or change it, just ask.",
                 (Button("My bookings", "/my_bookings"),
                  Button("Cancel this booking", payload("cancel_booking", booking_ref=b.ref))))


def _reach(b: BookingView, what: str) -> str:
    """How we'll get in touch: in Telegram; by email or text (GOV.UK Notify); or, on the web
    without Notify, only in this chat when it is reopened (said plainly)."""
    if b.channel == "telegram":
        return ("I'll message you here" if what == "offer"
                else "I'll send you a reminder here the day before.")
    route = {"email": "email", "phone": "text"}.get(b.contact_method or "")
    if route and get_settings().notify_enabled:
        return (f"I'll {route} you" if what == "offer" else
                f"I'll {route} you a confirmation now and a reminder the day before.")
    if what == "offer":
        return "you'll see it here only when you reopen this chat"
    return ("Reminders will only show here when you reopen this chat, so please note the date "
            "(we can't email or text you at the moment).")


PROBLEMS = {
    OutcomeStatus.PAST: "Sorry, that session has already started, so it can't be booked.",
    OutcomeStatus.CANCELLED_EVENT: "Sorry, that session has been cancelled.",
    OutcomeStatus.NOT_FOUND: "Sorry, I can't find that session any more.",
    OutcomeStatus.FULL: "Sorry, that session is now full.",
}


def too_young(s: SessionView, age: int) -> str:
    return (f"{s.title} is for people aged {s.min_age} and over, so I can't book you on it "
            f"this time. Here are other events you can come to.")


def booking_line(b: BookingView) -> str:
    state = {BookingStatus.CONFIRMED: "booked",
             BookingStatus.WAITING: f"waiting list, number {b.position}",
             BookingStatus.OFFERED: "a place is yours if you accept it"}.get(b.status, b.status)
    return f"{b.ref}: {b.session.title}, {label_date(b.session)}, {b.session.town or 'online'} ({state})"


def my_bookings(bookings: list[BookingView]) -> Reply:
    if not bookings:
        return Reply("I can't find any bookings from this chat. If you booked somewhere else, "
                     "type your reference and the email or mobile you used, like "
                     "\"cancel TD-7K3Q jo@example.com\".",
                     (Button("Book a taster day", "/book_event"),))
    buttons: list[Button] = []
    for b in bookings:
        if b.status == BookingStatus.OFFERED:
            buttons.append(Button(f"Accept {b.ref}", payload("accept_offer", booking_ref=b.ref)))
        buttons.append(Button(f"Cancel {b.ref}", payload("cancel_booking", booking_ref=b.ref)))
        if b.status == BookingStatus.CONFIRMED:
            buttons.append(Button(f"Change date {b.ref}",
                                  payload("reschedule_booking", booking_ref=b.ref)))
    return Reply("Your bookings:\n" + "\n".join(booking_line(b) for b in bookings),
                 tuple(buttons))


def notice(kind: NoticeKind, b: BookingView) -> Reply:
    s = b.session
    if kind is NoticeKind.DAY_BEFORE:
        return Reply(f"Reminder: {s.title} is tomorrow.\n{session_details(s)}\nReference {b.ref}. "
                     "See you there! If you can't make it, please cancel so someone else can go.",
                     (Button("Cancel my place", payload("cancel_booking", booking_ref=b.ref)),))
    if kind is NoticeKind.OFFER:
        by = f" by {deadline_text(b.offer_expires_at)}" if b.offer_expires_at else ""
        return Reply(f"Good news: a place has come up on {s.title} on {label_date(s)}. "
                     f"It's yours if you say yes{by}. Reference {b.ref}.",
                     (Button("Yes, I'll take it", payload("accept_offer", booking_ref=b.ref)),
                      Button("No thanks", payload("decline_offer", booking_ref=b.ref))))
    return Reply(f"Sorry: your place on {s.title} on {label_date(s)} (reference {b.ref}) has been "
                 "cancelled by the organisers. Ask me to book another date any time.",
                 (Button("See other events", "/book_event"),))


def local_now() -> dt.datetime:
    return uk_time(dt.datetime.now(dt.timezone.utc))


# -- what's on, without starting a booking ------------------------------------------------------
def whats_on(sessions: list[SessionView], filters: dict[str, str], limit: int = 6) -> Reply:
    """Upcoming events as a list, each with a button that starts booking that session."""
    what = describe_filters(filters)
    if not sessions:
        return Reply(f"There are no {what} open for booking right now. New dates are added often, "
                     "so please ask again soon.")
    lines = [f"Here are the {what} coming up:"]
    lines += [f"• {button_title(s)}: {s.description.split('. ')[0].rstrip('.')}." for s in sessions[:limit]]
    lines.append("Tap one to book a place. It's free to ask, and nothing is booked until you confirm.")
    buttons = tuple(Button(f"Book: {s.title} - {label_date(s)}",
                           payload("book_event", booking_session=str(s.id))) for s in sessions[:limit])
    return Reply("\n\n".join(lines), buttons)


def cv_help(workshops: list[SessionView]) -> Reply:
    """Help with a CV, an application or an interview: our CV workshops, from their own listing."""
    if not workshops:
        return Reply("I can't read or write a CV for you, but our CV workshops can help. There are "
                     "none open for booking right now; new dates are added often, so please ask "
                     "again soon. A person from our careers team can also help.",
                     (Button("Talk to a person", payload("request_human")),))
    first = workshops[0]
    lines = [f"I can't read or write a CV for you, but our CV workshops can help. {first.description}"]
    lines += [f"• {button_title(s)}" for s in workshops[:4]]
    buttons = tuple(Button(f"Book: {label_date(s)}, {s.town or 'online'}",
                           payload("book_event", booking_session=str(s.id))) for s in workshops[:4])
    return Reply("\n\n".join(lines), buttons + (Button("Talk to a person", payload("request_human")),))
