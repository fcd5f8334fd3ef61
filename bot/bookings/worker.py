"""The background worker ``make run`` starts: ``python -m bot worker``.

Every ``WORKER_INTERVAL_SECONDS`` it expires waiting-list offers (offering the place to the next
person), delivers due reminders and offers once each, erases conversations whose owners asked,
and purges contact details ``PURGE_AFTER_DAYS`` after an event. All state is in the database, so
a restart of any process loses nothing.
"""
from __future__ import annotations

import logging
import time
from typing import Callable

from bot.bookings.notify import RasaNotifier, deliver_due
from bot.bookings.privacy import process_erasures, tracker_engine
from bot.bookings.service import BookingService
from bot.catalogue.unit_of_work import AbstractUnitOfWork, SqlUnitOfWork
from bot.db import session_factory
from bot.settings import Settings, get_settings

logger = logging.getLogger("bot.worker")


def run_once(uow_factory: Callable[[], AbstractUnitOfWork], settings: Settings,
             notify=None) -> dict[str, int]:
    service = BookingService(uow_factory)
    notify = notify or RasaNotifier(settings.rasa_url, _token(settings))
    promoted = service.expire_offers()
    counts = deliver_due(uow_factory, notify)
    counts["promoted"] = len(promoted)
    counts["erased_events"] = process_erasures(uow_factory,
                                               tracker_engine(settings.tracker_database_url()))
    counts["purged"] = service.purge(settings.purge_after_days)
    return counts


def _token(settings: Settings) -> str | None:
    return settings.rasa_auth_token.get_secret_value() if settings.rasa_auth_token else None


def run_forever() -> int:
    settings = get_settings()
    factory = session_factory()
    uow_factory = lambda: SqlUnitOfWork(factory)  # noqa: E731
    logger.info("worker started; every %.0fs", settings.worker_interval_seconds)
    while True:
        try:
            counts = run_once(uow_factory, settings)
            if any(counts.values()):
                logger.info("worker pass: %s", counts)  # counts only: no personal data
        except Exception:
            logger.exception("worker pass failed; trying again next time")
        time.sleep(settings.worker_interval_seconds)
