"""Plain, detached views of sessions and bookings (what the actions and web pages render)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.bookings.models import Booking, EventSession
from bot.bookings.statuses import SUCCEEDED, BookingStatus, EventStatus, OutcomeStatus

UK = ZoneInfo("Europe/London")


def uk_time(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:  # SQLite returns naive datetimes: they are stored in UTC
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(UK)


def deadline_text(moment: dt.datetime) -> str:
    """A time limit as people say it, UK time: "4pm on Friday 4 December"."""
    t = uk_time(moment)
    return (f"{t:%-I:%M%p} on {t:%A} {t.day} {t:%B}"
            .replace(":00", "").replace("AM", "am").replace("PM", "pm"))


def when_text(start: dt.datetime, end: dt.datetime) -> str:
    s, e = uk_time(start), uk_time(end)

    def clock(t: dt.datetime) -> str:
        return t.strftime("%-I:%M%p").lower().replace(":00", "")

    return f"{s:%A} {s.day} {s:%B} {s.year}, {clock(s)} to {clock(e)}"


def full_place(site: str | None, address: str | None, town: str | None) -> str:
    """"Site, address, town", leaving out a site or town the address already names."""
    named = (address or "").lower()
    parts = [p for p in (site, town) if p and p.lower() not in named]
    if address:
        parts.insert(1 if site and site in parts else 0, address)
    return ", ".join(parts) or "to be confirmed"


@dataclass(frozen=True)
class SessionView:
    id: int
    event_id: int
    kind: str
    kind_name: str
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    site: str
    town: str
    address: str
    online_url: str | None
    capacity: int
    places_left: int
    min_age: int
    accessibility: str
    area: str | None
    published: bool

    @classmethod
    def of(cls, s: EventSession, taken: int) -> SessionView:
        e = s.event
        return cls(s.id, e.id, e.kind, e.kind_name, e.title, e.description, s.starts_at, s.ends_at,
                   s.site, s.town, s.address, s.online_url, s.capacity, max(s.capacity - taken, 0),
                   e.min_age, e.accessibility, e.area,
                   s.status == EventStatus.PUBLISHED and e.status == EventStatus.PUBLISHED)

    @property
    def when(self) -> str:
        return when_text(self.starts_at, self.ends_at)

    @property
    def where(self) -> str:
        if self.online_url:
            return "Online"
        return ", ".join(p for p in (self.site, self.town) if p)

    @property
    def place(self) -> str:
        """In full, for a page or a message: the site, street address and town."""
        if self.online_url:
            return "Online (the joining link is in the calendar file)"
        return full_place(self.site, self.address, self.town)

    @property
    def short(self) -> str:
        s = uk_time(self.starts_at)
        return f"{self.title}, {s:%a} {s.day} {s:%b} ({self.town or 'online'})"


@dataclass(frozen=True)
class BookingView:
    ref: str
    status: BookingStatus
    session: SessionView
    first_name: str | None
    contact_method: str | None
    access_needs: str | None
    offer_expires_at: dt.datetime | None
    ics_token: str
    channel: str
    sender_id: str
    position: int = 0

    @classmethod
    def of(cls, b: Booking, taken: int, position: int = 0) -> BookingView:
        return cls(b.ref, BookingStatus(b.status), SessionView.of(b.session, taken), b.first_name,
                   b.contact_method, b.access_needs, b.offer_expires_at, b.ics_token, b.channel,
                   b.sender_id, position)


@dataclass(frozen=True)
class Outcome:
    """What happened (``status``), to which booking, and who was offered the place it freed.
    ``waiting_list_fallback``: the session filled while they were booking, so they were put on
    its waiting list instead (``BookingService.book(fall_back_to_waiting_list=True)``)."""

    status: OutcomeStatus
    booking: BookingView | None = None
    promoted: BookingView | None = None
    waiting_list_fallback: bool = False

    @property
    def ok(self) -> bool:
        return self.status in SUCCEEDED


class NotFound(LookupError):
    """A session or booking that a conversation's form already chose is no longer there (or no
    longer this conversation's). The action apologises (actions/base.py ThreadedAction)."""


def found_session(view: SessionView | None, session_id: object) -> SessionView:
    if view is None:
        raise NotFound(f"session {session_id} not found")
    return view


def found_booking(view: BookingView | None) -> BookingView:
    if view is None:   # the reference is left out: it is what the person typed
        raise NotFound("booking not found for this conversation")
    return view
