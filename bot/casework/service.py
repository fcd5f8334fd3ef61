"""Record what staff must follow up. Callers pass a unit-of-work factory."""
from __future__ import annotations

from collections.abc import Callable

from bot.casework.models import HandoffRequest, SafeguardingFlag
from bot.contact import Contact
from bot.kernel.unit_of_work import AbstractUnitOfWork


def record_flag(uow_factory: Callable[[], AbstractUnitOfWork], *, channel: str, sender_id: str,
                concerns: list[str], urgent: bool = False) -> int:
    """Store a safeguarding flag: who (conversation id), where, what kind, how urgent. Never the
    message."""
    with uow_factory() as uow:
        flag = SafeguardingFlag(channel=channel[:40], sender_id=sender_id[:128], concerns=concerns,
                                urgency="urgent" if urgent else "standard")
        uow.casework.add(flag)
        uow.commit()
        return flag.id


def request_handoff(uow_factory: Callable[[], AbstractUnitOfWork], *, channel: str, sender_id: str,
                    contact: Contact) -> int:
    with uow_factory() as uow:
        request = HandoffRequest(channel=channel[:40], sender_id=sender_id[:128], consent=True,
                                 contact_method=contact.method, contact_value=contact.value)
        uow.casework.add(request)
        uow.commit()
        return request.id
