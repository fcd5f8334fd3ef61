"""Casework repository."""
from __future__ import annotations

import abc

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.casework.models import HandoffRequest, SafeguardingFlag


class AbstractCaseworkRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, item: SafeguardingFlag | HandoffRequest) -> None: ...

    @abc.abstractmethod
    def open_flags(self) -> list[SafeguardingFlag]: ...

    @abc.abstractmethod
    def open_handoffs(self) -> list[HandoffRequest]: ...

    @abc.abstractmethod
    def forget_contact(self, sender_id: str) -> int: ...


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
        result = self.session.execute(
            update(HandoffRequest).where(HandoffRequest.sender_id == sender_id)
            .values(contact_value=None, first_name=None, notes="contact details deleted at the "
                                                              "person's request"))
        return result.rowcount or 0
