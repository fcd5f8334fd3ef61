"""Deliver booking notices through the Rasa server, exactly once each.

A notice is a ``Reminder`` row. The worker claims it (pending -> sending, an atomic update, so
two workers never both send it), asks Rasa to run the ``EXTERNAL_booking_notice`` intent for
that conversation on the channel it used (Rasa's HTTP API ``trigger_intent`` with
``output_channel=latest``: Telegram users get a message; web users see it in the chat), then
marks it sent. If Rasa can't be reached it goes back to pending and is tried again later; after
``MAX_ATTEMPTS`` it is marked failed for staff to see. A claim interrupted by a crash is not
re-sent (at most once): it is marked failed after ``STALE`` so staff can follow it up.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

import httpx

from bot.bookings.models import NoticeKind, Reminder, utcnow
from bot.bookings.statuses import ReminderState, holds_a_place
from bot.kernel.unit_of_work import AbstractUnitOfWork

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
STALE = dt.timedelta(minutes=10)
INTENT = "EXTERNAL_booking_notice"


@dataclass(frozen=True)
class Notice:
    reminder_id: int
    kind: NoticeKind
    ref: str
    sender_id: str
    channel: str


class Notifier(Protocol):
    def __call__(self, notice: Notice) -> None: ...


class RasaNotifier:
    """Triggers the notice intent in the person's conversation through Rasa's HTTP API."""

    def __init__(self, rasa_url: str, token: str | None, timeout: float = 30) -> None:
        self.rasa_url, self.token, self.timeout = rasa_url.rstrip("/"), token, timeout

    def __call__(self, notice: Notice) -> None:
        url = f"{self.rasa_url}/conversations/{quote(notice.sender_id, safe='')}/trigger_intent"
        params = {"output_channel": "latest"}
        if self.token:
            params["token"] = self.token
        body = {"name": INTENT, "entities": {"notice_ref": notice.ref, "notice_kind": notice.kind.value}}
        resp = httpx.post(url, params=params, json=body, timeout=self.timeout)
        resp.raise_for_status()


def deliver_due(uow_factory: Callable[[], AbstractUnitOfWork], notify: Notifier,
                now: dt.datetime | None = None, limit: int = 50) -> dict[str, int]:
    """Send what is due. Returns counts: sent, retry, failed."""
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    with uow_factory() as uow:  # claims interrupted by a crash: don't risk sending twice
        uow.begin_write()
        counts["failed"] += uow.bookings.fail_stale_claims(now - STALE)
        uow.commit()
    with uow_factory() as uow:
        due = [r.id for r in uow.bookings.due_reminders(now, limit)]
    for reminder_id in due:
        notice = _claim(uow_factory, reminder_id, now)
        if notice is None:
            continue
        try:
            notify(notice)
        except Exception as exc:  # Rasa down, timeout, 4xx/5xx: try again on a later pass
            outcome = _finish(uow_factory, reminder_id, error=type(exc).__name__)
            logger.warning("notice %s (%s) not delivered: %s", reminder_id, notice.kind.value,
                           type(exc).__name__)
        else:
            outcome = _finish(uow_factory, reminder_id, sent_at=now)
        counts[outcome] += 1
    return counts


def _claimed(uow: AbstractUnitOfWork, reminder_id: int) -> Reminder:
    """A reminder this worker has claimed: its row is there (a claim is an update of it)."""
    r = uow.bookings.reminder(reminder_id)
    if r is None:
        raise LookupError(f"reminder {reminder_id} was claimed but is no longer there")
    return r


def _claim(uow_factory: Callable[[], AbstractUnitOfWork], reminder_id: int, now: dt.datetime
           ) -> Notice | None:
    with uow_factory() as uow:
        uow.begin_write()
        if not uow.bookings.claim(reminder_id, now):
            return None
        r = _claimed(uow, reminder_id)
        b = r.booking
        uow.commit()
        if r.kind in (NoticeKind.DAY_BEFORE, NoticeKind.OFFER) and not holds_a_place(b.status):
            _finish(uow_factory, reminder_id, cancelled=True)
            return None
        return Notice(r.id, NoticeKind(r.kind), b.ref, b.sender_id, b.channel)


def _finish(uow_factory: Callable[[], AbstractUnitOfWork], reminder_id: int, *,
            sent_at: dt.datetime | None = None, error: str | None = None,
            cancelled: bool = False) -> str:
    with uow_factory() as uow:
        uow.begin_write()
        r = _claimed(uow, reminder_id)
        if cancelled:
            r.state, outcome = ReminderState.CANCELLED, "failed"
        elif sent_at is not None:
            r.state, r.sent_at, r.last_error, outcome = ReminderState.SENT, sent_at, None, "sent"
        elif r.attempts >= MAX_ATTEMPTS:
            r.state, r.last_error, outcome = ReminderState.FAILED, error, "failed"
        else:
            r.state, r.last_error, outcome = ReminderState.PENDING, error, "retry"
        uow.commit()
        return outcome
