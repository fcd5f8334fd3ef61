"""Sample events, dated relative to today so a fresh install always has some ahead.

They are examples for a demo (venues are described, not named): staff replace them in the admin.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import holidays

from bot.bookings.models import Event, EventSession
from bot.bookings.statuses import EventStatus
from bot.kernel.unit_of_work import AbstractUnitOfWork

UK = ZoneInfo("Europe/London")
NOTE = " This is a sample event for trying the booking service."
ACCESS = ("Step-free access and an accessible toilet. Tell us about anything else you need "
          "when you book, and we will do our best to arrange it.")

# (kind, title, description, area, min_age, [(days ahead, start, end, site, town, capacity)])
SAMPLES = [
    ("taster_day", "Taster day: nursing and midwifery",
     "Meet nurses, midwives and nursing associates, try basic skills in a training ward, and "
     "find out about the ways in, from apprenticeships to degrees.", "nursing", 16,
     [(10, "10:00", "15:00", "Hospital education centre", "Leeds", 20),
      (24, "10:00", "15:00", "Hospital education centre", "Bradford", 15)]),
    ("taster_day", "Taster day: allied health professions",
     "Try out the work of physiotherapists, radiographers, paramedics and others, and ask them "
     "how they got in.", "allied-health-professions", 14,
     [(17, "10:00", "14:30", "Community health campus", "Manchester", 20)]),
    ("taster_day", "Taster day: ambulance service",
     "See inside an ambulance, learn basic life support and meet call handlers and paramedics.",
     "ambulance-service-team", 16,
     [(31, "10:00", "14:00", "Ambulance station training room", "Sheffield", 10)]),
    ("cv_workshop", "CV workshop: your first NHS application",
     "Write a CV and a supporting statement for an NHS job or apprenticeship, with help from "
     "recruiters. Bring your CV if you have one; you don't need one to come.", None, 14,
     [(7, "17:00", "18:30", "", "", 30),
      (14, "16:30", "18:00", "Central library, meeting room 2", "Leeds", 12)]),
]


def working_day(day: dt.date) -> dt.date:
    """``day``, or the next weekday that is not a bank holiday in England."""
    closed = holidays.country_holidays("GB", subdiv="ENG", years=(day.year, day.year + 1))
    while day.weekday() >= 5 or day in closed:
        day += dt.timedelta(days=1)
    return day


def _at(today: dt.date, days: int, clock: str) -> dt.datetime:
    hour, minute = (int(x) for x in clock.split(":"))
    local = dt.datetime.combine(working_day(today + dt.timedelta(days=days)),
                                dt.time(hour, minute), UK)
    return local.astimezone(dt.timezone.utc)


def seed_events(uow: AbstractUnitOfWork, today: dt.date | None = None, force: bool = False) -> int:
    """Add the sample events unless some events exist already; returns sessions added."""
    today = today or dt.datetime.now(UK).date()
    with uow:
        if uow.bookings.upcoming(dt.datetime.now(dt.timezone.utc)) and not force:
            return 0
        added = 0
        for kind, title, description, area, min_age, sessions in SAMPLES:
            event = Event(kind=kind, title=title, description=description + NOTE, area=area,
                          min_age=min_age, accessibility=ACCESS, status=EventStatus.PUBLISHED)
            for days, start, end, site, town, capacity in sessions:
                event.sessions.append(EventSession(
                    starts_at=_at(today, days, start), ends_at=_at(today, days, end), site=site,
                    town=town, capacity=capacity, status=EventStatus.PUBLISHED,
                    address="" if not town else f"{site}, {town} (sample venue)",
                    online_url=None if town else "https://meet.example.org/nhs-careers-cv"))
                added += 1
            uow.bookings.add(event)
        uow.commit()
        return added
