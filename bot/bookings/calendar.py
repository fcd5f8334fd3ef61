"""An .ics calendar file for a booking (made with the icalendar library)."""
from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from bot.bookings.views import BookingView


def ics_for(booking: BookingView, now: dt.datetime | None = None) -> bytes:
    s = booking.session
    cal = Calendar()
    cal.add("prodid", "-//NHS careers adviser//bookings//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    ev = Event()
    ev.add("uid", f"{booking.ref}@nhs-careers-adviser")
    ev.add("dtstamp", now or dt.datetime.now(dt.timezone.utc))
    ev.add("dtstart", _utc(s.starts_at))
    ev.add("dtend", _utc(s.ends_at))
    ev.add("summary", f"{s.title} ({booking.ref})")
    ev.add("description", f"{s.description}\n\nBooking reference: {booking.ref}")
    ev.add("location", s.online_url or s.address or s.where)
    cal.add_component(ev)
    ical: bytes = cal.to_ical()
    return ical


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment
