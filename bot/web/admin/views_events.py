"""Events, their sessions, bookings and waiting lists.

Bookings are never created, edited or deleted here: staff mark a place attended, or cancel it
through ``bot.bookings.service`` (which tells the person on their channel and offers the place
to the next on the waiting list). A session's capacity can't go below the places already held.
"""
from __future__ import annotations

import csv
import io
from typing import Any

import anyio
from markupsafe import Markup
from sqladmin import action, expose
from sqlalchemy import func, select
from sqlalchemy.orm import object_session, selectinload
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from wtforms import SelectField
from wtforms.validators import NumberRange

from bot.bookings.models import KINDS, Booking, Event, EventSession, OutboxState
from bot.bookings.statuses import ACTIVE, HOLDING, BookingStatus, EventStatus, places_held
from bot.bootstrap import booking_service, sql_uow_factory
from bot.web.admin.audit import AuditedView, record, snapshot, sync_sessions
from bot.web.admin.auth import actor
from bot.web.admin.forms import http_url
from bot.web.admin.row_actions import apply, confirm, flash, list_url, pks_of, set_status

MOVED_FIELDS = ("starts_at", "ends_at", "site", "town", "address", "online_url")
CSV_FIELDS = ["ref", "status", "first_name", "contact_method", "contact_value", "access_needs",
              "channel", "created_at", "offer_expires_at"]


def cancel_booking(uow_factory, booking_id: int, staff_email: str):
    """Cancel through the bookings service (it tells the person and offers the place on)."""
    return booking_service(uow_factory).cancel_by_staff(booking_id, staff_email)


def _messages(model: Booking, attribute: str) -> list[str]:
    """The booking's email and text messages (GOV.UK Notify), a failure first in each line."""
    return [("FAILED: " if m.state == OutboxState.FAILED.value else "") + str(m)
            for m in model.messages]


def _safe_cell(value: Any) -> str:
    """CSV cells that a spreadsheet would run as a formula get a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _bookings_summary(model: EventSession, attribute: str) -> Markup:
    counts: dict[str, int] = {}
    for b in model.bookings:
        counts[b.status] = counts.get(b.status, 0) + 1
    held = places_held(counts)
    return Markup("{} of {} held · {} waiting · {} attended").format(
        held, model.capacity, counts.get(BookingStatus.WAITING, 0), counts.get(BookingStatus.ATTENDED, 0))


def _csv_link(model: EventSession, attribute: str) -> Markup:
    return Markup('<a href="{}/bookings.csv">Bookings (CSV)</a>').format(model.id)


class EventAdmin(AuditedView, model=Event):
    name, name_plural, icon, category = "Event", "Events", "fa-solid fa-calendar", "Events"
    column_list = [Event.title, Event.kind, Event.area, Event.min_age, Event.status]
    column_searchable_list = [Event.title]
    column_sortable_list = [Event.title, Event.kind, Event.status]
    form_columns = ["kind", "title", "description", "area", "min_age", "accessibility", "status"]
    form_overrides = {"kind": SelectField, "status": SelectField}

    @property
    def form_args(self) -> dict[str, dict]:  # type: ignore[override]  # sqladmin: a ClassVar; a property makes fresh lists each time
        return {"kind": {"choices": list(KINDS.items())},
                "status": {"choices": [(s.value, s.value) for s in EventStatus],
                           "description": "Only published events can be booked."},
                "min_age": {"validators": [NumberRange(10, 99, "Give an age from 10 to 99")]}}

    async def on_model_delete(self, model: Event, request: Request) -> None:
        with self.session_maker() as s:
            booked = s.scalar(select(func.count(Booking.id)).join(EventSession)
                              .where(EventSession.event_id == model.id))
        if booked:
            raise ValueError(f"{model.title} has {booked} bookings: set its status to "
                             "'cancelled' instead of deleting it.")
        await super().on_model_delete(model, request)


class EventSessionAdmin(AuditedView, model=EventSession):
    name, name_plural, icon, category = "Session", "Sessions", "fa-solid fa-clock", "Events"
    column_list = [EventSession.event, EventSession.starts_at, EventSession.town,
                   EventSession.status, EventSession.capacity, "id"]
    column_labels = {"capacity": "Places", "id": "Download"}
    column_formatters = {"capacity": _bookings_summary, "id": _csv_link}
    column_details_exclude_list = [EventSession.bookings]
    column_sortable_list = [EventSession.starts_at, EventSession.town]
    column_default_sort = [("starts_at", True)]
    form_columns = ["event", "starts_at", "ends_at", "site", "town", "address", "online_url",
                    "capacity", "status"]
    form_overrides = {"status": SelectField}

    @property
    def form_args(self) -> dict[str, dict]:  # type: ignore[override]  # sqladmin: a ClassVar; a property makes fresh lists each time
        return {"online_url": {"validators": [http_url(optional=True)]},
                "capacity": {"validators": [NumberRange(1, 10000, "Give at least 1 place")]},
                "status": {"choices": [(s.value, s.value)
                                       for s in (EventStatus.PUBLISHED, EventStatus.CANCELLED)]},
                "starts_at": {"description": "In UTC, written YYYY-MM-DD HH:MM:SS."},
                "ends_at": {"description": "In UTC, written YYYY-MM-DD HH:MM:SS."}}

    def list_query(self, request: Request):
        return super().list_query(request).options(selectinload(EventSession.bookings))

    async def validate_change(self, data, model, is_created, request) -> None:
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            raise ValueError("The session must end after it starts.")
        if is_created or data.get("capacity") is None:
            return
        s = object_session(model)  # the same transaction as the update (see docs/admin.md)
        if s is None:   # SQLAdmin loads the row it updates in its session
            raise RuntimeError(f"session {model.id} is not in a database session while it is edited")
        s.execute(select(EventSession.id).where(EventSession.id == model.id).with_for_update())
        held = s.scalar(select(func.count(Booking.id)).where(
            Booking.session_id == model.id, Booking.status.in_(HOLDING)))
        if data["capacity"] < held:
            raise ValueError(f"Capacity can't be {data['capacity']}: {held} places are already "
                             f"booked or offered. Keep it at {held} or more, or cancel bookings first.")

    async def after_model_change(self, data, model, is_created, request):
        before = getattr(request.state, self._BEFORE, None) or {}
        await super().after_model_change(data, model, is_created, request)
        after = self.audit_snapshot(model)
        if not is_created and any(before.get(f) != after.get(f) for f in MOVED_FIELDS):
            from bot.bookings.service import BookingService  # tells each person (email or text)

            await anyio.to_thread.run_sync(
                BookingService(_uow_factory(self)).session_changed, model.id)

    async def on_model_delete(self, model: EventSession, request: Request) -> None:
        with self.session_maker() as s:
            booked = s.scalar(select(func.count(Booking.id)).where(Booking.session_id == model.id))
        if booked:
            raise ValueError(f"This session has {booked} bookings: set its status to "
                             "'cancelled' instead of deleting it.")
        await super().on_model_delete(model, request)

    @expose("/{pk:int}/bookings.csv", methods=["GET"])
    async def bookings_csv(self, request: Request) -> Response:
        session_id = request.path_params["pk"]

        def build() -> str | None:
            with self.session_maker() as s:
                found = s.get(EventSession, session_id)
                if found is None:
                    return None
                rows = s.scalars(select(Booking).where(Booking.session_id == session_id)
                                 .order_by(Booking.created_at)).all()
                out = io.StringIO()
                writer = csv.writer(out)
                writer.writerow(["session", "starts_at", *CSV_FIELDS])
                for b in rows:
                    writer.writerow([_safe_cell(found), found.starts_at.isoformat(),
                                     *(_safe_cell(getattr(b, f)) for f in CSV_FIELDS)])
            record(sync_sessions(self), actor(request), "export", self.identity, session_id,
                   None, None, f"bookings CSV ({len(rows)} rows)")
            return out.getvalue()

        text = await anyio.to_thread.run_sync(build)
        if text is None:
            return Response("No such session", status_code=404)
        return Response(text, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="session-{session_id}-bookings.csv"'})


class _BookingBase(AuditedView, model=Booking):
    can_create = can_edit = can_delete = can_export = False
    icon, category = "fa-solid fa-ticket", "Events"
    column_details_exclude_list = [Booking.ics_token]
    column_labels = {"messages": "Email and text messages"}
    column_formatters_detail = {"messages": _messages}
    non_link_related_fields = ["messages"]
    column_searchable_list = [Booking.ref]
    column_sortable_list = [Booking.created_at, Booking.status]

    async def _ask_cancel(self, request: Request) -> Response:
        return await confirm(self, request, title="Cancel these bookings?", verb="Cancel bookings",
                             post_path="cancel-confirmed",
                             explain="Each person is told on their channel; a freed place is "
                                     "offered to the next person on the waiting list.")

    async def _cancel(self, request: Request) -> Response:
        form = await request.form()
        who = actor(request)

        def run() -> tuple[int, list[str]]:
            done, problems = 0, []
            for pk in pks_of(str(form.get("pks", ""))):
                with self.session_maker() as s:
                    row = s.get(Booking, int(pk))
                    before = snapshot(row) if row else None
                if row is None or row.status not in ACTIVE:
                    problems.append(f"#{pk}: {'not found' if row is None else row.status}")
                    continue
                outcome = cancel_booking(_uow_factory(self), int(pk), who)
                with self.session_maker() as s:
                    after = snapshot(s.get(Booking, int(pk)))
                record(sync_sessions(self), who, "cancel", "booking", pk, before, after,
                       f"{row.ref}: {getattr(outcome, 'status', outcome)}")
                done += 1
            return done, problems

        done, problems = await anyio.to_thread.run_sync(run)
        if done:
            flash(request, f"Cancelled {done} booking(s); each person is told on their channel.")
        if problems:
            flash(request, "Not cancelled: " + "; ".join(problems), "danger")
        return RedirectResponse(list_url(request, self), 303)


def _uow_factory(view) -> Any:
    return sql_uow_factory(view.session_maker)


class BookingAdmin(_BookingBase, model=Booking):
    name, name_plural = "Booking", "Bookings"
    column_list = [Booking.ref, Booking.session, Booking.status, Booking.first_name,
                   Booking.channel, Booking.created_at]
    column_default_sort = [("created_at", True)]

    @action("mark-attended", "Mark attended", add_in_detail=True, add_in_list=True)
    async def ask_attended(self, request: Request) -> Response:
        return await confirm(self, request, title="Mark these people as attended?",
                             verb="Mark attended", post_path="attended-confirmed")

    @expose("/attended-confirmed", methods=["POST"])
    async def attended(self, request: Request) -> Response:
        return await apply(self, request, "mark attended",
                           set_status(BookingStatus.ATTENDED, (BookingStatus.CONFIRMED,)))

    @action("cancel", "Cancel booking", add_in_detail=True, add_in_list=True)
    async def ask_cancel(self, request: Request) -> Response:
        return await self._ask_cancel(request)

    @expose("/cancel-confirmed", methods=["POST"])
    async def cancel(self, request: Request) -> Response:
        return await self._cancel(request)


class WaitingListAdmin(_BookingBase, model=Booking):
    name, name_plural, icon = "Waiting list", "Waiting lists", "fa-solid fa-hourglass-half"
    column_list = [Booking.ref, Booking.session, Booking.status, Booking.created_at,
                   Booking.offer_expires_at]
    column_labels = {"offer_expires_at": "Offer ends"}
    column_default_sort = [("session_id", False), ("created_at", False)]

    def list_query(self, request: Request):
        return super().list_query(request).where(
            Booking.status.in_((BookingStatus.WAITING, BookingStatus.OFFERED)))

    @action("cancel", "Remove from waiting list", add_in_detail=True, add_in_list=True)
    async def ask_cancel(self, request: Request) -> Response:
        return await self._ask_cancel(request)

    @expose("/cancel-confirmed", methods=["POST"])
    async def cancel(self, request: Request) -> Response:
        return await self._cancel(request)


WaitingListAdmin.identity = "waiting-list"  # the metaclass names views after their model

VIEWS = [EventAdmin, EventSessionAdmin, BookingAdmin, WaitingListAdmin]
