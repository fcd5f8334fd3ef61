"""Booking throughput through the real service on a SQLite file (what `make run` uses)."""
from __future__ import annotations

import datetime as dt
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.bookings.models import Event, EventSession
from bot.bookings.service import BookingService
from bot.bootstrap import SqlUnitOfWork
from bot.contact import Contact
from bot.db import session_factory, upgrade


def booking_figures(n: int = 400, workers: int = 8) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        factory = session_factory(url)
        uow = lambda: SqlUnitOfWork(factory)  # noqa: E731
        start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7)
        with uow() as u:
            event = Event(kind="cv_workshop", title="Bench", status="published")
            event.sessions.append(EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                               town="Leeds", capacity=n // 2))
            u.bookings.add(event)
            u.commit()
            sid = event.sessions[0].id
        svc = BookingService(uow)

        def book(i: int) -> str:
            return svc.book(sid, sender_id=f"p{i}", channel="rest", first_name="Sam",
                            contact=Contact("email", f"p{i}@example.com"), waitlist=True).status

        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(book, range(n)))
        seconds = time.perf_counter() - began
        return {"attempts": n, "workers": workers, "per_s": n / seconds,
                "confirmed": outcomes.count("confirmed"), "waiting": outcomes.count("waiting")}
