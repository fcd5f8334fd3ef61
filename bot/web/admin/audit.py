"""The audit log: who changed what, when, with the values before and after.

Every admin view that can change data derives from :class:`AuditedView`: SQLAdmin's hooks take
a snapshot before a change (``on_model_change`` / ``on_model_delete``) and write one row of
``audit_log`` after it is committed, holding only the fields that changed. Custom actions
(cancel a booking, resolve a flag...) and catalogue imports call :func:`record` themselves.
Password hashes are never stored, and contact details only as "(hidden)".
"""
from __future__ import annotations

import datetime as dt
import decimal
import logging
from typing import Any, ClassVar

import anyio
from sqladmin import ModelView
from sqladmin.helpers import get_object_identifier
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from bot.web.admin.auth import actor
from bot.web.admin.models import AuditLog, utcnow

log = logging.getLogger(__name__)
NEVER = frozenset({"password_hash", "ics_token", "updated_at"})
HIDDEN = frozenset({"contact_value"})


def plain(value: Any) -> Any:
    """A JSON-safe copy of ``value``."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def snapshot(obj: Any, relations: tuple[str, ...] = ()) -> dict[str, Any]:
    """Column values of ``obj`` (and the ``relations`` named, as lists of text)."""
    mapper = sa_inspect(obj).mapper
    out: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        if attr.key in NEVER:
            continue
        value = getattr(obj, attr.key, None)
        out[attr.key] = ("(hidden)" if value else None) if attr.key in HIDDEN else plain(value)
    for name in relations:
        out[name] = [str(item) for item in getattr(obj, name, None) or []]
    return out


def changes(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Only the fields that differ (everything, for a create or a delete)."""
    if before is None or after is None:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(factory: sessionmaker[Session], who: str, action: str, entity: str,
           entity_id: Any, before: dict | None, after: dict | None, summary: str = "") -> None:
    """Write one audit row in its own transaction."""
    before, after = changes(before, after)
    if action == "update" and not after:
        return  # saved without changing anything
    with factory() as s:
        s.add(AuditLog(at=utcnow(), actor=who, action=action, entity=entity,
                       entity_id=None if entity_id is None else str(entity_id)[:80],
                       summary=summary[:500], before=before, after=after))
        s.commit()


def sync_sessions(view: ModelView) -> sessionmaker[Session]:
    """``view.session_maker``, which SQLAdmin types as sync or async. The staff admin is mounted
    with a plain ``sessionmaker`` (:func:`bot.web.admin.app.mount_admin`) and uses it synchronously."""
    factory = view.session_maker
    if not isinstance(factory, sessionmaker):
        raise TypeError(f"{view.identity}: the staff admin needs a synchronous sessionmaker, "
                        f"not {type(factory).__name__}")
    return factory


async def arecord(factory: sessionmaker[Session], request: Request, action: str, entity: str,
                  entity_id: Any, before: dict | None, after: dict | None, summary: str = "") -> None:
    await anyio.to_thread.run_sync(lambda: record(factory, actor(request), action, entity,
                                                  entity_id, before, after, summary))


class AuditedView(ModelView):
    """A ModelView whose creates, updates and deletes are written to the audit log.

    Subclasses put their checks in :meth:`validate_change` (raise ``ValueError`` with a message
    for the person filling in the form: SQLAdmin shows it above the form).
    """

    audit_relations: ClassVar[tuple[str, ...]] = ()
    _BEFORE = "audit_before"

    async def validate_change(self, data: dict, model: Any, is_created: bool,
                              request: Request) -> None:
        """Check and normalise ``data`` before it is applied to ``model``."""

    def audit_snapshot(self, model: Any) -> dict[str, Any]:
        return snapshot(model, self.audit_relations)

    async def on_model_change(self, data: dict, model: Any, is_created: bool,
                              request: Request) -> None:
        setattr(request.state, self._BEFORE,
                None if is_created else self.audit_snapshot(model))
        await self.validate_change(data, model, is_created, request)

    async def after_model_change(self, data: dict, model: Any, is_created: bool,
                                 request: Request):
        try:
            after = self.audit_snapshot(model)
            await arecord(sync_sessions(self), request, "create" if is_created else "update",
                          self.identity, get_object_identifier(model),
                          getattr(request.state, self._BEFORE, None), after, str(model))
        except Exception:
            log.exception("could not write the audit log for %s", self.identity)

    async def on_model_delete(self, model: Any, request: Request) -> None:
        setattr(request.state, self._BEFORE, self.audit_snapshot(model))

    async def after_model_delete(self, model: Any, request: Request) -> None:
        try:
            await arecord(sync_sessions(self), request, "delete", self.identity,
                          get_object_identifier(model), getattr(request.state, self._BEFORE, None),
                          None, str(model))
        except Exception:
            log.exception("could not write the audit log for %s", self.identity)
