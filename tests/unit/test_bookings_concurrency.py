"""No overselling, ever: 200 people try for 20 places at once, on SQLite and on PostgreSQL."""
from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.bookings.models import Booking, Event, EventSession
from bot.bookings.service import BookingService
from bot.bootstrap import SqlUnitOfWork
from bot.contact import Contact
from bot.db import session_factory, upgrade

ATTEMPTS, PLACES = 200, 20


def _event(uow_factory) -> int:
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=5)
    with uow_factory() as uow:
        event = Event(kind="cv_workshop", title="CV workshop", status="published")
        event.sessions.append(EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                           town="Leeds", capacity=PLACES))
        uow.bookings.add(event)
        uow.commit()
        return event.sessions[0].id


def _storm(url: str) -> None:
    factory = session_factory(url)
    uow_factory = lambda: SqlUnitOfWork(factory)  # noqa: E731
    svc = BookingService(uow_factory)
    sid = _event(uow_factory)

    def attempt(i: int) -> str:
        # person 7 double-submits: the same sender twice at the same moment
        who = "p7" if i == 199 else f"p{i}"
        return svc.book(sid, sender_id=who, channel="rest", first_name="Sam",
                        contact=Contact("email", f"{who}@example.com")).status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = Counter(pool.map(attempt, range(ATTEMPTS)))
    seconds = time.perf_counter() - started
    print(f"\n{url.split(':')[0]}: {dict(outcomes)} in {seconds:.2f}s")
    assert outcomes["confirmed"] == PLACES
    assert outcomes["full"] + outcomes["duplicate"] == ATTEMPTS - PLACES
    assert outcomes["duplicate"] <= 1
    with uow_factory() as uow:
        rows = uow.bookings.db.query(Booking).filter_by(session_id=sid).all()
        assert len(rows) == PLACES and {b.status for b in rows} == {"confirmed"}
        assert len({b.sender_id for b in rows}) == PLACES
        assert len({b.ref for b in rows}) == PLACES
    # the rest are offered the waiting list, which never oversells either
    waiting = svc.book(sid, sender_id="late", channel="rest", first_name="Al",
                       contact=None, waitlist=True)
    assert waiting.status == "waiting"


def test_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.db'}"
    upgrade(url)
    _storm(url)


@pytest.mark.services
def test_postgresql(pg_url):
    _storm(pg_url)
