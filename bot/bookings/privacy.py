"""Removing a conversation from Rasa's SQL tracker store ("delete my data").

The erasure runs after the turn that asked for it has been saved (the worker waits ``GRACE``),
because Rasa writes a turn's events only when the turn ends.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache

from sqlalchemy import MetaData, Table, delete, inspect
from sqlalchemy.engine import Engine

from bot.bookings.models import utcnow
from bot.db import make_engine
from bot.kernel.unit_of_work import AbstractUnitOfWork

GRACE = dt.timedelta(seconds=5)


@lru_cache(maxsize=4)
def tracker_engine(url: str) -> Engine:
    return make_engine(url)


def erase_tracker(engine: Engine, sender_id: str) -> int:
    """Delete every stored event of one conversation; returns how many."""
    if not inspect(engine).has_table("events"):
        return 0
    events = Table("events", MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        return conn.execute(delete(events).where(events.c.sender_id == sender_id)).rowcount or 0


def process_erasures(uow_factory: Callable[[], AbstractUnitOfWork], engine: Engine,
                     now: dt.datetime | None = None) -> int:
    """Carry out the erasure requests older than ``GRACE``; returns events deleted."""
    now = now or utcnow()
    with uow_factory() as uow:
        pending = [(r.id, r.sender_id) for r in uow.bookings.pending_erasures(now - GRACE)]
    deleted = 0
    for request_id, sender_id in pending:
        count = erase_tracker(engine, sender_id)
        deleted += count
        with uow_factory() as uow:
            uow.begin_write()
            for r in uow.bookings.pending_erasures(now):
                if r.id == request_id:
                    r.done_at = utcnow()
                    r.details = {**(r.details or {}), "tracker_events": count}
            uow.commit()
    return deleted
