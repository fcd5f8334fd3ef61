"""Casework repository."""
from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from bot.casework.models import HandoffRequest, SafeguardingFlag

if TYPE_CHECKING:  # for the annotation; bot.casework.alerts is imported where it is used
    from bot.casework.alerts import StaffAlertRepository


class AbstractCaseworkRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, item: SafeguardingFlag | HandoffRequest) -> None: ...

    @abc.abstractmethod
    def open_flags(self) -> list[SafeguardingFlag]: ...

    @abc.abstractmethod
    def open_handoffs(self) -> list[HandoffRequest]: ...

    @abc.abstractmethod
    def forget_contact(self, sender_id: str) -> int: ...

    @abc.abstractmethod
    def staff_alerts(self) -> StaffAlertRepository:
        """The staff-alert marks and the open items they count (bot/casework/alerts.py), in
        this unit of work's transaction."""


class SqlCaseworkRepository(AbstractCaseworkRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, item: SafeguardingFlag | HandoffRequest) -> None:
        self.session.add(item)

    def open_flags(self) -> list[SafeguardingFlag]:
        stmt = select(SafeguardingFlag).where(SafeguardingFlag.status != "resolved")
        return list(self.session.scalars(stmt.order_by(SafeguardingFlag.created_at)))

    def open_handoffs(self) -> list[HandoffRequest]:
        stmt = select(HandoffRequest).where(HandoffRequest.status != "resolved")
        return list(self.session.scalars(stmt.order_by(HandoffRequest.created_at)))

    def forget_contact(self, sender_id: str) -> int:
        """Remove contact details from this conversation's handoff requests."""
        result = cast(CursorResult[Any], self.session.execute(
            update(HandoffRequest).where(HandoffRequest.sender_id == sender_id)
            .values(contact_value=None, first_name=None, notes="contact details deleted at the "
                                                              "person's request")))
        return result.rowcount or 0

    def staff_alerts(self) -> StaffAlertRepository:
        from bot.casework.alerts import StaffAlertRepository  # alerts imports the outbox's models

        return StaffAlertRepository(self.session)
