"""The background worker ``make run`` starts: ``python -m bot worker``.

Every ``WORKER_INTERVAL_SECONDS`` it expires waiting-list offers (offering the place to the next
person), delivers due reminders and offers once each, sends the outbox's emails and texts through
GOV.UK Notify (when ``NOTIFY_API_KEY`` is set), alerts staff to new requests for a person and
urgent safeguarding flags (``STAFF_ALERT_EMAIL``), erases conversations whose owners asked, and
purges contact details ``PURGE_AFTER_DAYS`` after an event. All state is in the database, so
a restart of any process loses nothing.

It sits beside the contexts, not in one: it drives bookings and casework (staff alerts) alike.
"""
from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable

from bot.bookings.notify import RasaNotifier, deliver_due
from bot.bookings.notify_gov import policy_from, sender_from
from bot.bookings.outbox import deliver_outbox
from bot.bookings.privacy import process_erasures, tracker_engine
from bot.bookings.service import BookingService
from bot.bootstrap import sql_uow_factory
from bot.casework.alerts import raise_staff_alerts
from bot.kernel.unit_of_work import AbstractUnitOfWork
from bot.settings import Settings, get_settings

logger = logging.getLogger("bot.worker")


def run_once(uow_factory: Callable[[], AbstractUnitOfWork], settings: Settings,
             notify=None, send=None) -> dict[str, int]:
    """One pass. ``send``: the Notify sender (default: from settings; None when Notify is off)."""
    service = BookingService(uow_factory)
    notify = notify or RasaNotifier(settings.rasa_url, _token(settings))
    send = send or sender_from(settings)
    promoted = service.expire_offers()
    counts = deliver_due(uow_factory, notify)
    if send is not None:
        if settings.staff_alert_email:
            counts["staff_alerts"] = raise_staff_alerts(
                uow_factory, public_url=settings.public_url,
                window=dt.timedelta(minutes=settings.staff_alert_minutes))
        counts.update(deliver_outbox(uow_factory, send, settings.notify_template,
                                     policy_from(settings), staff_address=settings.staff_alert_email))
    counts["promoted"] = len(promoted)
    counts["erased_events"] = process_erasures(uow_factory,
                                               tracker_engine(settings.tracker_database_url()))
    counts["purged"] = service.purge(settings.purge_after_days)
    return counts


def _token(settings: Settings) -> str | None:
    return settings.rasa_auth_token.get_secret_value() if settings.rasa_auth_token else None


def run_forever() -> int:
    settings = get_settings()
    uow_factory = sql_uow_factory()
    logger.info("worker started; every %.0fs; GOV.UK Notify %s", settings.worker_interval_seconds,
                "on" if settings.notify_enabled else "off (no NOTIFY_API_KEY)")
    send = sender_from(settings)   # one client for the life of the process
    stopping = stop_on_signals()
    while not stopping.is_set():
        try:
            counts = run_once(uow_factory, settings, send=send)
            if any(counts.values()):
                logger.info("worker pass: %s", counts)  # counts only: no personal data
        except Exception:
            logger.exception("worker pass failed; trying again next time")
        stopping.wait(settings.worker_interval_seconds)
    logger.info("worker stopped")
    return 0


def stop_on_signals() -> threading.Event:
    """SIGTERM (a deploy, `docker stop`, Ctrl-C in `make run`) ends the worker after the pass it
    is in: a message handed to Notify is always marked sent, never left half-done (which the
    outbox would have to call "interrupted, not resent")."""
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    return stopping
