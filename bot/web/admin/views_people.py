"""Casework (safeguarding flags, requests for a real person), staff accounts and the audit log."""
from __future__ import annotations

import anyio
from markupsafe import Markup
from sqladmin import ModelView, action, expose
from sqladmin.filters import AllUniqueStringValuesFilter
from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import Response
from wtforms import PasswordField, SelectField

from bot.casework.models import HandoffRequest, SafeguardingFlag
from bot.web.admin.audit import AuditedView
from bot.web.admin.auth import StaffError, check_password, hash_password, normalise_email
from bot.web.admin.models import STAFF_ROLES, AuditLog, LoginAttempt, StaffUser
from bot.web.admin.row_actions import apply, confirm, set_status


class _CaseworkBase(AuditedView):
    can_create = can_delete = can_export = False
    category = "Casework"
    form_columns = ["notes"]
    column_sortable_list = ["created_at", "status"]
    column_default_sort = [("created_at", True)]

    @property
    def form_args(self) -> dict[str, dict]:  # type: ignore[override]  # sqladmin: a ClassVar; a property makes fresh lists each time
        return {"notes": {"description": "Staff notes only: what was done, by whom. "
                                         "Don't copy anything the young person wrote."}}

    @action("acknowledge", "Acknowledge", add_in_detail=True, add_in_list=True)
    async def ask_acknowledge(self, request: Request) -> Response:
        return await confirm(self, request, title="Acknowledge these?", verb="Acknowledge",
                             post_path="acknowledge-confirmed")

    @expose("/acknowledge-confirmed", methods=["POST"])
    async def acknowledge(self, request: Request) -> Response:
        return await apply(self, request, "acknowledge", set_status("acknowledged", ("open",)))

    @action("resolve", "Resolve", add_in_detail=True, add_in_list=True)
    async def ask_resolve(self, request: Request) -> Response:
        return await confirm(self, request, title="Mark these as resolved?", verb="Resolve",
                             post_path="resolve-confirmed")

    @expose("/resolve-confirmed", methods=["POST"])
    async def resolve(self, request: Request) -> Response:
        return await apply(self, request, "resolve",
                           set_status("resolved", ("open", "acknowledged")))


class SafeguardingFlagAdmin(_CaseworkBase, model=SafeguardingFlag):
    """A flag says a conversation disclosed a risk; it never holds the message itself."""

    name, name_plural, icon = "Safeguarding flag", "Safeguarding flags", "fa-solid fa-shield-heart"
    column_list = [SafeguardingFlag.id, SafeguardingFlag.created_at, SafeguardingFlag.channel,
                   SafeguardingFlag.urgency, SafeguardingFlag.concerns, SafeguardingFlag.status,
                   SafeguardingFlag.handled_by]
    column_filters = [AllUniqueStringValuesFilter(SafeguardingFlag.status),
                      AllUniqueStringValuesFilter(SafeguardingFlag.urgency)]
    column_formatters = {"urgency": lambda m, a: "URGENT" if m.urgency == "urgent" else "standard"}


class HandoffRequestAdmin(_CaseworkBase, model=HandoffRequest):
    name, name_plural, icon = "Handoff request", "Handoff requests", "fa-solid fa-headset"
    column_list = [HandoffRequest.id, HandoffRequest.created_at, HandoffRequest.channel,
                   HandoffRequest.first_name, HandoffRequest.contact_method, HandoffRequest.topic,
                   HandoffRequest.status, HandoffRequest.handled_by]
    column_filters = [AllUniqueStringValuesFilter(HandoffRequest.status)]


class StaffUserAdmin(AuditedView, model=StaffUser):
    """Admins only. Accounts are disabled, never deleted (the audit log names them)."""

    name, name_plural, icon, category = "Staff account", "Staff", "fa-solid fa-users-gear", "Admin"
    can_delete = can_export = False
    column_list = [StaffUser.email, StaffUser.role, StaffUser.active, StaffUser.last_login_at,
                   StaffUser.created_at]
    column_details_exclude_list = [StaffUser.password_hash, StaffUser.session_epoch]
    column_searchable_list = [StaffUser.email]
    form_columns = ["email", "role", "active"]
    form_overrides = {"role": SelectField}

    @property
    def form_args(self) -> dict[str, dict]:  # type: ignore[override]  # sqladmin: a ClassVar; a property makes fresh lists each time
        return {"role": {"choices": [(r, r) for r in STAFF_ROLES],
                         "description": "admin: everything, incl. staff and the audit log; "
                                        "editor: content, events, bookings and casework."}}

    async def scaffold_form(self, rules=None):
        base = await super().scaffold_form(rules)

        class StaffForm(base):  # type: ignore[misc, valid-type]
            new_password = PasswordField(
                "New password", render_kw={"class": "form-control", "autocomplete": "new-password"},
                description="At least 12 characters. Leave empty to keep the current one.")

        return StaffForm

    def _other_active_admins(self, model: StaffUser) -> int:
        with self.session_maker() as s:
            return s.scalar(select(func.count(StaffUser.id)).where(
                StaffUser.role == "admin", StaffUser.active.is_(True),
                StaffUser.id != (model.id or -1)))

    async def validate_change(self, data, model, is_created, request) -> None:
        password = data.pop("new_password", None) or ""
        try:
            email = normalise_email(data.get("email") or "")
            if password or is_created:
                check_password(password, email)
        except StaffError as exc:
            raise ValueError(str(exc)[:1].upper() + str(exc)[1:] + ".") from exc
        data["email"] = email
        with self.session_maker() as s:
            clash = s.scalar(select(StaffUser.id).where(StaffUser.email == email,
                                                        StaffUser.id != (model.id or -1)))
        if clash:
            raise ValueError(f"{email} already has an account.")
        losing_admin = not is_created and model.role == "admin" and model.active and (
            data.get("role") != "admin" or not data.get("active"))
        if losing_admin and not await anyio.to_thread.run_sync(self._other_active_admins, model):
            raise ValueError("This is the last active admin: make someone else an admin first.")
        if not is_created and (data.get("role") != model.role or not data.get("active")
                               or password):
            model.session_epoch = (model.session_epoch or 0) + 1  # ends their open sessions
        if password:
            model.password_hash = hash_password(password)
        if is_created:
            model.session_epoch = 0


def _pretty(model: AuditLog, attribute: str) -> Markup:
    value = getattr(model, attribute)
    if not value:
        return Markup("&mdash;")
    rows = Markup("").join(Markup("<tr><th>{}</th><td>{}</td></tr>").format(k, v)
                           for k, v in value.items())
    return Markup('<table class="table table-sm">{}</table>').format(rows)


class AuditLogAdmin(ModelView, model=AuditLog):
    """Admins only; nobody can change it from here."""

    name, name_plural, icon, category = "Audit entry", "Audit log", "fa-solid fa-clipboard-list", "Admin"
    can_create = can_edit = can_delete = False
    column_list = [AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.entity,
                   AuditLog.entity_id, AuditLog.summary, AuditLog.before, AuditLog.after]
    column_formatters = {"before": _pretty, "after": _pretty}
    column_formatters_detail = column_formatters
    column_searchable_list = [AuditLog.summary, AuditLog.actor]
    column_sortable_list = [AuditLog.at]
    column_default_sort = [("at", True)]
    column_filters = [AllUniqueStringValuesFilter(AuditLog.entity),
                      AllUniqueStringValuesFilter(AuditLog.action),
                      AllUniqueStringValuesFilter(AuditLog.actor)]
    page_size = 25


class LoginAttemptAdmin(ModelView, model=LoginAttempt):
    """Recent login attempts (kept one day), to spot guessing."""

    name, name_plural, icon, category = "Login attempt", "Login attempts", "fa-solid fa-key", "Admin"
    can_create = can_edit = can_delete = can_export = False
    column_list = [LoginAttempt.at, LoginAttempt.email, LoginAttempt.ip, LoginAttempt.success]
    column_default_sort = [("at", True)]


VIEWS = [SafeguardingFlagAdmin, HandoffRequestAdmin, StaffUserAdmin, AuditLogAdmin, LoginAttemptAdmin]
