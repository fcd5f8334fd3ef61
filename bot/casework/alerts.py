"""Alerts to staff: a new request to talk to a person, or a new urgent safeguarding flag, sends
one email to the team's address (``STAFF_ALERT_EMAIL``) through the Notify outbox.

Rate-limited per kind of item: at most one alert per window (``STAFF_ALERT_MINUTES``). What
arrives inside the window is counted into the next alert, raised when the window ends, so a
burst is one email and nothing goes unannounced. Only items still open are counted (one staff
already picked up needs no email). The email says what kind, how many and links to the item in
the admin (or to the list, for more than one): never message text, a name or contact details.

The worker calls :func:`raise_staff_alerts` each pass, before it sends the outbox.
"""
from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, insert, select, update
from sqlalchemy.orm import Session

from bot.bookings.models import MessageKind, NotifyChannel, OutboxMessage, OutboxState, as_utc, utcnow
from bot.casework.models import HandoffRequest, SafeguardingFlag, StaffAlertMark
from bot.kernel.unit_of_work import AbstractUnitOfWork


class AlertSubject(str, enum.Enum):
    HANDOFF = "handoff"            # a request to talk to a person
    URGENT_FLAG = "urgent_flag"    # a safeguarding flag of immediate danger


@dataclass(frozen=True)
class _Items:
    model: type[HandoffRequest] | type[SafeguardingFlag]
    admin_path: str     # SQLAdmin's identity of the model's view
    one: str
    many: str           # with {count}
    where: tuple[ColumnElement[bool], ...] = ()   # which of the model's rows count


ITEMS = {
    AlertSubject.HANDOFF: _Items(HandoffRequest, "handoff-request",
                                 "A new request to talk to a person",
                                 "{count} new requests to talk to a person"),
    AlertSubject.URGENT_FLAG: _Items(SafeguardingFlag, "safeguarding-flag",
                                     "A new urgent safeguarding flag",
                                     "{count} new urgent safeguarding flags",
                                     where=(SafeguardingFlag.urgency == "urgent",)),
}


class StaffAlertRepository:
    def __init__(self, session: Session) -> None:
        self.db = session

    def mark(self, subject: AlertSubject) -> StaffAlertMark | None:
        return self.db.get(StaffAlertMark, subject.value)

    def unannounced(self, subject: AlertSubject, after: int) -> list[int]:
        items = ITEMS[subject]
        model = items.model
        stmt = (select(model.id).where(model.id > after, model.status == "open", *items.where)
                .order_by(model.id))
        return list(self.db.scalars(stmt))

    def advance(self, subject: AlertSubject, seen: int | None, to: int, now: dt.datetime) -> bool:
        """Move the mark from ``seen`` (None: no mark yet) to ``to``; False if another worker
        moved it first (then it sent the alert)."""
        if seen is None:
            self.db.execute(insert(StaffAlertMark).values(subject=subject.value, last_item_id=to,
                                                          alerted_at=now))
            return True
        result = cast(CursorResult[Any], self.db.execute(
            update(StaffAlertMark)
            .where(StaffAlertMark.subject == subject.value, StaffAlertMark.last_item_id == seen)
            .values(last_item_id=to, alerted_at=now)))
        return result.rowcount == 1


def alert_fields(subject: AlertSubject, ids: list[int], public_url: str) -> dict[str, str]:
    """The template's fields (docs/notify.md): what, how many, and where in the admin."""
    items = ITEMS[subject]
    admin = f"{public_url.rstrip('/')}/admin/{items.admin_path}"
    if len(ids) == 1:
        return {"what": items.one, "count": "1", "admin_link": f"{admin}/details/{ids[0]}"}
    return {"what": items.many.format(count=len(ids)), "count": str(len(ids)),
            "admin_link": f"{admin}/list"}


def raise_staff_alerts(uow_factory: Callable[[], AbstractUnitOfWork], *, public_url: str,
                       window: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Put one alert per kind with unannounced open items in the outbox, unless that kind was
    alerted within ``window``. Returns how many alerts were raised."""
    now = now or utcnow()
    raised = 0
    for subject in AlertSubject:
        with uow_factory() as uow:
            uow.begin_write()
            alerts = uow.casework.staff_alerts()
            mark = alerts.mark(subject)
            if mark is not None and mark.alerted_at is not None and as_utc(mark.alerted_at) > now - window:
                continue
            seen = mark.last_item_id if mark is not None else None
            ids = alerts.unannounced(subject, seen or 0)
            if not ids or not alerts.advance(subject, seen, ids[-1], now):
                continue
            uow.outbox.add(OutboxMessage(
                booking_id=None, kind=MessageKind.STAFF_ALERT.value, channel=NotifyChannel.EMAIL.value,
                personalisation=alert_fields(subject, ids, public_url), due_at=now,
                next_attempt_at=now, state=OutboxState.PENDING.value, attempts=0, created_at=now))
            uow.commit()
            raised += 1
    return raised
