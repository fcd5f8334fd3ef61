"""The outbox: email and text messages about web bookings, sent through GOV.UK Notify.

Written: the booking service calls :func:`enqueue` inside the unit of work that changes the
booking, so a message exists exactly when the change was committed (never a message about a
booking that rolled back, never a change without its message). Only bookings made on the web
with an email address or a mobile number get one; Telegram users are told in Telegram.

Sent: the worker's :func:`deliver_outbox` claims each due row (pending -> sending, one atomic
update, so two workers never both send it), reads the recipient from the booking *now* (erased
or purged details: nothing is sent), and hands it to a :class:`Sender` (bot/bookings/notify_gov.py).
- accepted by Notify -> ``sent`` (with Notify's id, for the delivery receipt);
- 5xx, 429, a timeout or no connection -> ``pending`` again, next try after an exponential
  back-off (``base * 2**(tries-1)``, at most an hour), ``failed`` after ``max_attempts``;
- 400 or 403 (a bad template, a bad address, a bad key) -> ``failed`` at once with Notify's
  error: trying again would fail the same way;
- a claim interrupted by a crash is not sent again (at most once): ``failed`` after ``STALE``.
Failed messages are shown to staff on the booking in the admin.

Receipts: Notify calls bot/web/notify_callbacks.py, which calls :func:`record_receipt`.

New kinds are new :class:`MessageKind` values with their fields in :data:`FIELDS`. A message to
staff (bot/casework/alerts.py) has no booking (``booking_id`` is None) and goes to the team
address the worker is given (``STAFF_ALERT_EMAIL``), read when it is sent, never stored.
"""
from __future__ import annotations

import abc
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from bot.bookings.links import BookingLinks
from bot.bookings.models import (
    Booking,
    MessageKind,
    NotifyChannel,
    OutboxMessage,
    OutboxState,
    as_utc,
    utcnow,
)
from bot.bookings.statuses import HOLDING, BookingStatus
from bot.bookings.views import deadline_text, full_place, when_text
from bot.kernel.unit_of_work import AbstractUnitOfWork

logger = logging.getLogger(__name__)
STALE = dt.timedelta(minutes=10)
MAX_DELAY = dt.timedelta(hours=1)
ROUTES = {"email": NotifyChannel.EMAIL, "phone": NotifyChannel.SMS}
# Each kind's personalisation fields: its Notify templates use these ((field))s (docs/notify.md).
BASE_FIELDS = ("first_name", "event", "when", "place", "reference", "chat_link")
FIELDS: dict[MessageKind, tuple[str, ...]] = {
    MessageKind.CONFIRMATION: BASE_FIELDS + ("calendar_link", "manage_link"),
    MessageKind.REMINDER: BASE_FIELDS + ("calendar_link", "manage_link"),
    MessageKind.OFFER: BASE_FIELDS + ("offer_deadline", "accept_link"),
    MessageKind.OFFER_EXPIRED: BASE_FIELDS,
    MessageKind.CANCELLED: BASE_FIELDS,
    MessageKind.MOVED: BASE_FIELDS + ("calendar_link", "manage_link"),
    MessageKind.STAFF_ALERT: ("what", "count", "admin_link"),   # no message text, no contact details
}
# A message is sent only while its booking is in one of these states.
WANTED = {
    MessageKind.CONFIRMATION: {BookingStatus.CONFIRMED},
    MessageKind.REMINDER: {BookingStatus.CONFIRMED},
    MessageKind.OFFER: {BookingStatus.OFFERED},
    MessageKind.OFFER_EXPIRED: {BookingStatus.EXPIRED},
    MessageKind.CANCELLED: {BookingStatus.CANCELLED},
    MessageKind.MOVED: set(HOLDING),
}
# Kinds sent to the team's address rather than to a booking's contact details.
TO_STAFF = frozenset({MessageKind.STAFF_ALERT})


# -- what a sender is given and what it may raise ---------------------------------------------
@dataclass(frozen=True)
class Outgoing:
    """One request to Notify. ``to`` is personal data: never log it."""

    channel: NotifyChannel
    to: str
    template_id: str
    personalisation: dict[str, str]
    reference: str                # "outbox-<id>": comes back in the delivery receipt

    def __repr__(self) -> str:   # no address, number or name in any traceback or log
        return f"Outgoing({self.channel.value}, template={self.template_id}, {self.reference})"


class SendError(Exception):
    """Notify refused or could not be reached. ``retry``: worth trying again later."""

    def __init__(self, message: str, *, retry: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.message, self.retry, self.status = message, retry, status


class Sender(Protocol):
    def __call__(self, message: Outgoing) -> str:
        """Send it; return Notify's notification id, or raise :class:`SendError`."""


TemplateLookup = Callable[[str, str], "str | None"]   # (kind, channel) -> template id


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 6
    base_delay: dt.timedelta = dt.timedelta(seconds=60)

    def delay(self, attempts: int) -> dt.timedelta:
        backoff: dt.timedelta = self.base_delay * (2 ** max(attempts - 1, 0))
        return min(backoff, MAX_DELAY)


# -- queries ------------------------------------------------------------------------------------
class AbstractOutboxRepository(abc.ABC):
    """The outbox's rows (``uow.outbox``): the SQL one below; an in-memory one in tests."""

    @abc.abstractmethod
    def add(self, message: OutboxMessage) -> None: ...

    @abc.abstractmethod
    def get(self, message_id: int) -> OutboxMessage | None: ...

    @abc.abstractmethod
    def for_booking(self, booking_id: int) -> list[OutboxMessage]: ...

    @abc.abstractmethod
    def due(self, now: dt.datetime, limit: int) -> list[int]:
        """The ids of pending messages whose next try is due, oldest first."""

    @abc.abstractmethod
    def claim(self, message_id: int, now: dt.datetime) -> bool:
        """Atomically move one message from pending to sending; False if someone else did."""

    @abc.abstractmethod
    def fail_stale(self, before: dt.datetime) -> int:
        """Messages left sending (claimed before ``before``) are failed, not resent."""

    @abc.abstractmethod
    def cancel_pending(self, booking_id: int, kinds: Iterable[MessageKind], reason: str) -> None: ...

    @abc.abstractmethod
    def forget(self, booking_ids: list[int]) -> None:
        """Contact details removed: no personalisation kept, nothing more sent."""

    @abc.abstractmethod
    def by_receipt(self, notify_id: str | None, reference: str | None) -> OutboxMessage | None: ...


class SqlOutboxRepository(AbstractOutboxRepository):
    def __init__(self, session: Session) -> None:
        self.db = session

    def add(self, message: OutboxMessage) -> None:
        self.db.add(message)
        self.db.flush()

    def get(self, message_id: int) -> OutboxMessage | None:
        return self.db.get(OutboxMessage, message_id)

    def for_booking(self, booking_id: int) -> list[OutboxMessage]:
        stmt = select(OutboxMessage).where(OutboxMessage.booking_id == booking_id).order_by(OutboxMessage.id)
        return list(self.db.scalars(stmt))

    def due(self, now: dt.datetime, limit: int) -> list[int]:
        stmt = (select(OutboxMessage.id)
                .where(OutboxMessage.state == OutboxState.PENDING.value,
                       OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
        return list(self.db.scalars(stmt))

    def claim(self, message_id: int, now: dt.datetime) -> bool:
        """Atomically move one message from pending to sending; False if someone else did."""
        result = cast(CursorResult[Any], self.db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.PENDING.value)
            .values(state=OutboxState.SENDING.value, claimed_at=now,
                    attempts=OutboxMessage.attempts + 1)))
        return result.rowcount == 1

    def fail_stale(self, before: dt.datetime) -> int:
        result = cast(CursorResult[Any], self.db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.state == OutboxState.SENDING.value,
                   OutboxMessage.claimed_at < before)
            .values(state=OutboxState.FAILED.value,
                    last_error="interrupted while sending; not resent")))
        return result.rowcount or 0

    def cancel_pending(self, booking_id: int, kinds: Iterable[MessageKind], reason: str) -> None:
        self.db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.booking_id == booking_id,
                   OutboxMessage.kind.in_([k.value for k in kinds]),
                   OutboxMessage.state == OutboxState.PENDING.value)
            .values(state=OutboxState.CANCELLED.value, last_error=reason))

    def forget(self, booking_ids: list[int]) -> None:
        """Contact details removed: no personalisation kept, nothing more sent."""
        if not booking_ids:
            return
        rows = OutboxMessage.booking_id.in_(booking_ids)
        self.db.execute(update(OutboxMessage).where(rows, OutboxMessage.state == OutboxState.PENDING.value)
                        .values(state=OutboxState.CANCELLED.value, last_error="contact details removed"))
        self.db.execute(update(OutboxMessage).where(rows).values(personalisation=None))

    def by_receipt(self, notify_id: str | None, reference: str | None) -> OutboxMessage | None:
        if notify_id:
            found = self.db.scalars(select(OutboxMessage).where(OutboxMessage.notify_id == notify_id)).first()
            if found:
                return found
        if reference and reference.startswith("outbox-") and reference[7:].isdigit():
            return self.get(int(reference[7:]))
        return None


# -- writing (inside the booking service's unit of work) --------------------------------------
def route_for(b: Booking) -> NotifyChannel | None:
    """Email or text for a web booking that still has its contact details; else None."""
    if b.channel == "telegram" or b.purged_at is not None or not b.contact_value:
        return None
    return ROUTES.get(b.contact_method or "")


def personalisation_for(b: Booking, kind: MessageKind, links: BookingLinks) -> dict[str, str]:
    """The template fields (docs/notify.md lists them for each kind). All plain text."""
    s = b.session
    place = "Online" if s.online_url else full_place(s.site, s.address, s.town)
    wanted = FIELDS[kind]
    fields = {"first_name": b.first_name or "there", "event": s.event.title,
              "when": when_text(s.starts_at, s.ends_at), "place": place,
              "reference": b.ref, "chat_link": links.chat(),
              "calendar_link": links.calendar(b.ics_token), "offer_deadline": "",
              # signed links (bot/bookings/links.py), made only for the kinds that carry them
              "manage_link": links.manage(b.ics_token) if "manage_link" in wanted else "",
              "accept_link": links.accept(b.ics_token) if "accept_link" in wanted else ""}
    if b.offer_expires_at:
        fields["offer_deadline"] = deadline_text(b.offer_expires_at)
    return {name: fields[name] for name in wanted}


def enqueue(uow: AbstractUnitOfWork, b: Booking, kind: MessageKind, now: dt.datetime,
            links: BookingLinks, due_at: dt.datetime | None = None) -> OutboxMessage | None:
    """Add a message about ``b`` to the outbox, in the caller's transaction (None: no route)."""
    channel = route_for(b)
    if channel is None:
        return None
    due = due_at or now
    message = OutboxMessage(booking_id=b.id, kind=kind.value, channel=channel.value,
                            personalisation=personalisation_for(b, kind, links),
                            due_at=due, next_attempt_at=due, state=OutboxState.PENDING.value,
                            attempts=0, created_at=now)
    uow.outbox.add(message)
    return message


# -- sending (the worker) -----------------------------------------------------------------------
def still_wanted(message: OutboxMessage, now: dt.datetime) -> str | None:
    """Why this message must not be sent now, or None when it should be."""
    kind = MessageKind(message.kind)
    b = message.booking
    if b is None:
        return None if kind in TO_STAFF else "no booking"
    if route_for(b) is None or not message.personalisation:
        return "contact details removed"
    if b.status not in WANTED[kind]:
        return f"booking is {b.status}"
    if kind is MessageKind.OFFER and b.offer_expires_at and as_utc(b.offer_expires_at) <= now:
        return "offer ended"
    return None


def deliver_outbox(uow_factory: Callable[[], AbstractUnitOfWork], send: Sender,
                   templates: TemplateLookup, policy: Policy = Policy(),
                   now: dt.datetime | None = None, limit: int = 50,
                   staff_address: str | None = None) -> dict[str, int]:
    """Send what is due (a staff alert to ``staff_address``). Returns counts: notify_sent,
    notify_retry, notify_failed, notify_skipped."""
    now = now or utcnow()
    counts = {"notify_sent": 0, "notify_retry": 0, "notify_failed": 0, "notify_skipped": 0}
    with uow_factory() as uow:   # claims interrupted by a crash: don't risk sending twice
        uow.begin_write()
        counts["notify_failed"] += uow.outbox.fail_stale(now - STALE)
        uow.commit()
    with uow_factory() as uow:
        due = uow.outbox.due(now, limit)
    for message_id in due:
        claimed = _claim(uow_factory, message_id, templates, now, staff_address)
        if claimed is None:
            continue
        if isinstance(claimed, tuple):   # not sent: (state, reason)
            state, reason = claimed
            _finish(uow_factory, message_id, state=state, error=reason)
            counts["notify_skipped" if state is OutboxState.CANCELLED else "notify_failed"] += 1
            continue
        try:
            notify_id = send(claimed)
        except SendError as exc:
            outcome = _after_error(uow_factory, message_id, exc, policy, now)
            logger.warning("notify message %s not sent (%s): %s", message_id,
                           exc.status or "no answer", "will retry" if outcome == "notify_retry"
                           else "failed")
        else:
            _finish(uow_factory, message_id, state=OutboxState.SENT, sent_at=now, notify_id=notify_id)
            outcome = "notify_sent"
        counts[outcome] += 1
    return counts


def _claimed(uow: AbstractUnitOfWork, message_id: int) -> OutboxMessage:
    """A message this worker has claimed: its row is there (a claim is an update of it)."""
    message = uow.outbox.get(message_id)
    if message is None:
        raise LookupError(f"outbox message {message_id} was claimed but is no longer there")
    return message


def _claim(uow_factory: Callable[[], AbstractUnitOfWork], message_id: int, templates: TemplateLookup,
           now: dt.datetime, staff_address: str | None
           ) -> Outgoing | tuple[OutboxState, str] | None:
    """Claim one message: what to send, or (state, reason) when it is not sent, or None when
    another worker claimed it first."""
    with uow_factory() as uow:
        uow.begin_write()
        if not uow.outbox.claim(message_id, now):
            return None
        message = _claimed(uow, message_id)
        uow.commit()
        reason = still_wanted(message, now)
        if reason:
            return OutboxState.CANCELLED, f"not sent: {reason}"
        template_id = templates(message.kind, message.channel)
        if not template_id:
            setting = f"NOTIFY_TEMPLATE_{message.kind}_{message.channel}".upper()
            return OutboxState.FAILED, f"no template: set {setting}"
        to = message.booking.contact_value if message.booking is not None else staff_address
        if not to:
            return OutboxState.CANCELLED, "not sent: no recipient"
        return Outgoing(NotifyChannel(message.channel), to, template_id,
                        dict(message.personalisation or {}), f"outbox-{message.id}")


def _after_error(uow_factory: Callable[[], AbstractUnitOfWork], message_id: int, exc: SendError,
                 policy: Policy, now: dt.datetime) -> str:
    with uow_factory() as uow:
        uow.begin_write()
        message = _claimed(uow, message_id)
        error = f"{exc.status or 'no answer'}: {exc.message}"[:300]
        if exc.retry and message.attempts < policy.max_attempts:
            message.state = OutboxState.PENDING.value
            message.next_attempt_at = now + policy.delay(message.attempts)
            outcome = "notify_retry"
        else:
            message.state = OutboxState.FAILED.value
            outcome = "notify_failed"
        message.last_error = error
        uow.commit()
        return outcome


def _finish(uow_factory: Callable[[], AbstractUnitOfWork], message_id: int, *, state: OutboxState,
            error: str | None = None, sent_at: dt.datetime | None = None,
            notify_id: str | None = None) -> None:
    with uow_factory() as uow:
        uow.begin_write()
        message = _claimed(uow, message_id)
        message.state, message.last_error = state.value, error
        if sent_at is not None:
            message.sent_at, message.notify_id = sent_at, notify_id
        uow.commit()


# -- delivery receipts --------------------------------------------------------------------------
FAILED_RECEIPTS = {
    "permanent-failure": "the address or number does not exist or can't receive messages",
    "temporary-failure": "the inbox was full or the phone was off, and Notify stopped trying",
    "technical-failure": "a problem between Notify and its provider; it was not sent",
}


def record_receipt(uow_factory: Callable[[], AbstractUnitOfWork], notify_id: str | None,
                   reference: str | None, status: str, at: dt.datetime | None = None) -> bool:
    """Store Notify's delivery status on its outbox row; False when no row matches."""
    status = (status or "")[:30]
    with uow_factory() as uow:
        uow.begin_write()
        message = uow.outbox.by_receipt(notify_id, reference)
        if message is None:
            return False
        message.delivery_status, message.delivery_at = status, at or utcnow()
        if status == "delivered":
            message.state = OutboxState.DELIVERED.value
        elif status in FAILED_RECEIPTS:
            message.state = OutboxState.FAILED.value
            message.last_error = f"Notify: {status} ({FAILED_RECEIPTS[status]})"
        uow.commit()
        return True
