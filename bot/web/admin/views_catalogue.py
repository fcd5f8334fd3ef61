"""Catalogue views: roles (with aliases and entry routes), entry routes, content, the pay table.

Every save is checked with the same pydantic shapes the importer uses (bot/catalogue/schema.py),
so the admin and ``python -m bot catalogue import`` refuse the same bad input. Saving a role or
an entry route stamps ``updated_at``, which changes ``repository.version()``: the action server
reloads its matcher within CATALOGUE_REFRESH_SECONDS, without retraining.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

import anyio
from pydantic import ValidationError
from sqladmin._types import _UNSET, MODEL_ATTR, UnsetAny
from sqladmin.filters import AllUniqueStringValuesFilter
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload
from starlette.requests import Request
from wtforms import SelectField

from bot.catalogue.models import ContentItem, EntryRoute, PayBand, Role, RoleAlias, RoleEntryRoute
from bot.catalogue.schema import (
    BANDS,
    CAREER_AREAS,
    CONTENT_TOPICS,
    ROLE_FACT_FIELDS,
    ROUTE_KINDS,
    TAGS,
    BandPay,
    ContentData,
    DrivingLicence,
    RoleData,
    RouteData,
    WorkingPattern,
)
from bot.web.admin.audit import AuditedView, snapshot, sync_sessions
from bot.web.admin.forms import (
    BAND_CHOICES,
    STALE_AFTER,
    LinesField,
    MultiSelect,
    OptionalSelect,
    afc_band,
    friendly,
    http_url,
    not_in_future,
    pay_year,
    reviewed_badge,
    source_link,
)

ROLE_SCALARS = [f for f in RoleData.model_fields if f not in ("aliases", "entry_routes")]
YES_NO = [("", "Not stated"), ("True", "Yes"), ("False", "No")]
LICENCE_CHOICES = [("", "Not stated")] + [(d.value, d.value) for d in DrivingLicence]
EARN_HELP = "Yes when there is a paid way to train (apprenticeship, salaried trainee post)."
LSF_HELP = "Yes when students on the course can get the NHS Learning Support Fund."
FIELD_SOURCES_HELP = ('Where a fact comes from a second page: {"field name": "https://..."}.')
SOURCE_HELP = "The public page this comes from (http:// or https://)."
REVIEWED_HELP = "The day someone last checked the text against the source."


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _source_args() -> dict[str, dict]:
    return {"source_url": {"validators": [http_url()], "description": SOURCE_HELP},
            "reviewed_on": {"validators": [not_in_future], "description": REVIEWED_HELP}}


class ReviewDueFilter:
    """List filter: rows whose reviewed-on date is more than 12 months old."""

    has_operator = False
    template = "sqladmin/filters/lookup_filter.html"
    default_value: UnsetAny = _UNSET  # as sqladmin's SimpleColumnFilter declares it: no default

    def __init__(self, column: str = "reviewed_on", title: str = "Freshness") -> None:
        self.column, self.title, self.parameter_name = column, title, "freshness"

    async def lookups(self, request: Request, model: Any,
                      run_query: Callable[[Select[Any]], Any]) -> list[tuple[str, str]]:
        return [("due", "Review due (over 12 months)"), ("ok", "Reviewed in the last 12 months")]

    async def get_filtered_query(self, query: Select[Any], value: Any, model: Any) -> Select[Any]:
        cutoff = dt.date.today() - STALE_AFTER
        column = getattr(model, self.column)
        if value == "due":
            return query.where(column < cutoff)
        if value == "ok":
            return query.where(column >= cutoff)
        return query


def _check_unique(model_view, model: Any, column, value: Any, label: str) -> None:
    cls = model_view.model
    with model_view.session_maker() as s:
        other = s.scalar(select(cls.id).where(column == value, cls.id != (model.id or -1)))
    if other is not None:
        raise ValueError(f"Another {label} already uses {value!r}: choose a different one.")


def _validated(schema, data: dict, model: Any, fields: list[str], **extra):
    values = {k: data.get(k, getattr(model, k, None)) for k in fields}
    try:
        return schema.model_validate({**values, **extra})
    except ValidationError as exc:
        raise ValueError(friendly(exc)) from exc


class RoleAdmin(AuditedView, model=Role):
    name, name_plural, icon, category = "Role", "Roles", "fa-solid fa-user-doctor", "Catalogue"
    column_list = [Role.title, Role.career_area, Role.band_min, Role.band_max, Role.source_url,
                   Role.reviewed_on, Role.updated_at]
    column_labels = {"band_min": "Band from", "band_max": "Band to", "source_url": "Source",
                     "reviewed_on": "Reviewed on", "route_links": "Entry routes"}
    column_details_list = ["slug", "title", "aliases", "career_area", "summary", "day_to_day",
                           "entry_requirements", "route_links", "band_min", "band_max", "pay_note",
                           "registration_body", "tags", "works_with", "hours", "progression",
                           *ROLE_FACT_FIELDS, "field_sources", "source_url", "reviewed_on",
                           "updated_at"]
    column_searchable_list = [Role.title, Role.slug]
    column_sortable_list = [Role.title, Role.career_area, Role.reviewed_on, Role.updated_at]
    column_default_sort = [("title", False)]
    column_filters = [ReviewDueFilter(), AllUniqueStringValuesFilter(Role.career_area)]
    column_formatters = {"reviewed_on": reviewed_badge, "source_url": source_link}
    column_formatters_detail = {  # one text per related row (SQLAdmin zips them with the rows)
        "reviewed_on": reviewed_badge, "source_url": source_link,
        "route_links": lambda m, _: [link.route.name if link.route else "" for link in m.route_links],
        "aliases": lambda m, _: [alias.alias for alias in m.aliases]}
    non_link_related_fields = ["aliases", "route_links"]
    form_columns = ROLE_SCALARS
    form_overrides = {"career_area": SelectField, "band_min": OptionalSelect,
                      "band_max": OptionalSelect, "tags": MultiSelect,
                      "earn_while_training": OptionalSelect, "learning_support_fund": OptionalSelect,
                      "driving_licence": OptionalSelect, "working_pattern": MultiSelect}
    column_export_list: ClassVar[list[MODEL_ATTR]] = [*ROLE_SCALARS]
    list_template = "catalogue_list.html"

    @property  # fresh each time: SQLAdmin appends to the lists
    def form_args(self) -> dict[str, dict]:  # type: ignore[override]  # sqladmin: a ClassVar; a property makes fresh lists each time
        return {**_source_args(),
                "career_area": {"choices": list(CAREER_AREAS.items())},
                "band_min": {"choices": BAND_CHOICES, "validators": [afc_band]},
                "band_max": {"choices": BAND_CHOICES, "validators": [afc_band]},
                "tags": {"choices": [(t, t) for t in TAGS]},
                "earn_while_training": {"choices": YES_NO, "description": EARN_HELP},
                "learning_support_fund": {"choices": YES_NO, "description": LSF_HELP},
                "driving_licence": {"choices": LICENCE_CHOICES},
                "working_pattern": {"choices": [(p.value, p.value) for p in WorkingPattern]},
                "field_sources": {"description": FIELD_SOURCES_HELP},
                "slug": {"description": "Lower-case words joined by hyphens, e.g. dental-nurse"}}

    async def list_context(self, request: Request) -> dict[str, Any]:
        def due() -> int:
            with self.session_maker() as s:
                return s.scalar(select(func.count(Role.id))
                                .where(Role.reviewed_on < dt.date.today() - STALE_AFTER))
        return {"review_due": await anyio.to_thread.run_sync(due)}

    def _route_choices(self) -> list[tuple[str, str]]:
        with self.session_maker() as s:
            return [(r.slug, r.name) for r in s.scalars(select(EntryRoute).order_by(EntryRoute.name))]

    def _route_ids(self) -> dict[str, int]:
        with self.session_maker() as s:
            return dict(s.execute(select(EntryRoute.slug, EntryRoute.id)).all())

    async def scaffold_form(self, rules=None):
        base = await super().scaffold_form(rules)
        choices = await anyio.to_thread.run_sync(self._route_choices)

        class RoleForm(base):  # type: ignore[misc, valid-type]
            alias_lines = LinesField(
                "Aliases", description="Other names people use for this job, one per line.",
                render_kw={"class": "form-control", "rows": 3})
            entry_route_slugs = MultiSelect(
                "Entry routes", choices=choices, render_kw={"class": "form-control", "size": 8},
                description="Ways into this job (hold Ctrl to pick several).")

        return RoleForm

    def form_edit_query(self, request: Request):
        return super().form_edit_query(request).options(
            selectinload(Role.aliases), selectinload(Role.route_links))

    async def get_form_data_for_edit(self, obj: Role) -> dict[str, Any]:
        data = await super().get_form_data_for_edit(obj)
        data["alias_lines"] = [a.alias for a in obj.aliases]
        data["entry_route_slugs"] = [link.route.slug for link in obj.route_links if link.route]
        return data

    def audit_snapshot(self, model: Role) -> dict[str, Any]:
        out = snapshot(model)
        out["aliases"] = [a.alias for a in model.aliases]
        out["entry_routes"] = [link.route.slug if link.route else link.route_id
                               for link in model.route_links]
        return out

    async def validate_change(self, data, model, is_created, request) -> None:
        aliases = data.pop("alias_lines", None) or []
        slugs = data.pop("entry_route_slugs", None) or []
        valid = _validated(RoleData, data, model, ROLE_SCALARS, aliases=aliases, entry_routes=slugs)
        stored = valid.model_dump(mode="json", include={"working_pattern", "driving_licence"})
        for key in ROLE_SCALARS:
            data[key] = stored[key] if key in stored else getattr(valid, key)
        if model.tags and set(valid.tags) == set(model.tags):
            data["tags"] = list(model.tags)  # the form lists tags in choice order; keep ours
        await anyio.to_thread.run_sync(
            lambda: _check_unique(self, model, Role.slug, valid.slug, "role"))
        ids = await anyio.to_thread.run_sync(self._route_ids)
        unknown = [slug for slug in valid.entry_routes if slug not in ids]
        if unknown:
            raise ValueError(f"Unknown entry routes: {', '.join(unknown)}")
        old_aliases = {a.alias: a for a in model.aliases}
        model.aliases = [_at(old_aliases.get(a) or RoleAlias(alias=a), i)
                         for i, a in enumerate(valid.aliases)]
        old_links = {link.route_id: link for link in model.route_links}
        model.route_links = [_at(old_links.get(ids[s]) or RoleEntryRoute(route_id=ids[s]), i)
                             for i, s in enumerate(valid.entry_routes)]
        model.updated_at = _now()  # a new catalogue version: the bot reloads its matcher


def _at(row, position: int):
    row.position = position
    return row


class EntryRouteAdmin(AuditedView, model=EntryRoute):
    name, name_plural, icon, category = "Entry route", "Entry routes", "fa-solid fa-route", "Catalogue"
    column_list = [EntryRoute.name, EntryRoute.kind, EntryRoute.level, EntryRoute.source_url,
                   EntryRoute.reviewed_on]
    column_searchable_list = [EntryRoute.name, EntryRoute.slug]
    column_sortable_list = [EntryRoute.name, EntryRoute.kind, EntryRoute.reviewed_on]
    column_filters = [ReviewDueFilter(), AllUniqueStringValuesFilter(EntryRoute.kind)]
    column_formatters = {"reviewed_on": reviewed_badge, "source_url": source_link}
    column_formatters_detail = column_formatters
    form_columns = list(RouteData.model_fields)
    form_overrides = {"kind": SelectField, "aliases": LinesField}
    schema_fields = list(RouteData.model_fields)

    @property
    def form_args(self) -> dict[str, dict]:  # type: ignore[override]  # sqladmin: a ClassVar; a property makes fresh lists each time
        return {**_source_args(), "kind": {"choices": [(k, k) for k in ROUTE_KINDS]},
                "aliases": {"description": "Other names, one per line."}}

    async def validate_change(self, data, model, is_created, request) -> None:
        valid = _validated(RouteData, data, model, self.schema_fields)
        data.update(valid.model_dump())
        await anyio.to_thread.run_sync(
            lambda: _check_unique(self, model, EntryRoute.slug, valid.slug, "entry route"))
        model.updated_at = _now()

    async def on_model_delete(self, model: EntryRoute, request: Request) -> None:
        with self.session_maker() as s:
            used = s.scalar(select(func.count(RoleEntryRoute.id))
                            .where(RoleEntryRoute.route_id == model.id))
        if used:
            raise ValueError(f"{model.name} is a way into {used} roles: remove it from them first.")
        await super().on_model_delete(model, request)


class ContentItemAdmin(AuditedView, model=ContentItem):
    name, name_plural, icon, category = "Content item", "Content", "fa-solid fa-book-open", "Catalogue"
    column_list = [ContentItem.title, ContentItem.topic, ContentItem.source_url, ContentItem.reviewed_on]
    column_searchable_list = [ContentItem.title, ContentItem.slug]
    column_sortable_list = [ContentItem.title, ContentItem.topic, ContentItem.reviewed_on]
    column_filters = [ReviewDueFilter(), AllUniqueStringValuesFilter(ContentItem.topic)]
    column_formatters = {"reviewed_on": reviewed_badge, "source_url": source_link}
    column_formatters_detail = column_formatters
    form_columns = list(ContentData.model_fields)
    form_overrides = {"topic": SelectField, "aliases": LinesField, "related_roles": LinesField,
                      "related_routes": LinesField}
    schema_fields = list(ContentData.model_fields)

    @property
    def form_args(self) -> dict[str, dict]:  # type: ignore[override]  # sqladmin: a ClassVar; a property makes fresh lists each time
        return {**_source_args(), "topic": {"choices": [(t, t) for t in CONTENT_TOPICS]}}

    async def validate_change(self, data, model, is_created, request) -> None:
        valid = _validated(ContentData, data, model, self.schema_fields)
        data.update(valid.model_dump())
        await anyio.to_thread.run_sync(
            lambda: _check_unique(self, model, ContentItem.slug, valid.slug, "content item"))
        await anyio.to_thread.run_sync(lambda: self._check_related(valid))
        model.updated_at = _now()


    def _check_related(self, valid: ContentData) -> None:
        with self.session_maker() as s:
            roles = set(s.scalars(select(Role.slug).where(Role.slug.in_(valid.related_roles))))
            routes = set(s.scalars(select(EntryRoute.slug)
                                   .where(EntryRoute.slug.in_(valid.related_routes))))
        unknown = [r for r in valid.related_roles if r not in roles]
        unknown += [r for r in valid.related_routes if r not in routes]
        if unknown:
            raise ValueError(f"No role or entry route has the id {', '.join(unknown)}: check the "
                             "spelling (ids are shown on each role's and route's page).")


class PayBandAdmin(AuditedView, model=PayBand):
    name, name_plural, icon, category = "Pay band", "Pay table", "fa-solid fa-sterling-sign", "Catalogue"
    column_list = [PayBand.pay_year, PayBand.nation, PayBand.band, PayBand.minimum, PayBand.maximum,
                   PayBand.source_url, PayBand.reviewed_on]
    column_sortable_list = [PayBand.pay_year, PayBand.band]
    column_default_sort = [("pay_year", True), ("id", False)]
    column_formatters = {"source_url": source_link}
    form_columns = ["pay_year", "nation", "band", "minimum", "maximum", "source_url", "reviewed_on"]
    form_overrides = {"band": SelectField}
    list_template = "pay_list.html"
    page_size = 25

    @property
    def form_args(self) -> dict[str, dict]:  # type: ignore[override]  # sqladmin: a ClassVar; a property makes fresh lists each time
        return {**_source_args(), "band": {"choices": [(b, f"Band {b}") for b in BANDS]},
                "pay_year": {"validators": [pay_year],
                             "description": "The Agenda for Change year, e.g. 2026/27 (from 1 April)."},
                "minimum": {"description": "Whole pounds a year, full time."},
                "maximum": {"description": "Whole pounds a year, full time."}}

    async def validate_change(self, data, model, is_created, request) -> None:
        try:
            band = BandPay(band=data.get("band", model.band), minimum=data.get("minimum", model.minimum),
                           maximum=data.get("maximum", model.maximum))
        except ValidationError as exc:
            raise ValueError(friendly(exc)) from exc
        data["band"] = band.band
        with self.session_maker() as s:
            clash = s.scalar(select(PayBand.id).where(
                PayBand.pay_year == data.get("pay_year"), PayBand.nation == data.get("nation"),
                PayBand.band == band.band, PayBand.id != (model.id or -1)))
        if clash:
            raise ValueError(f"Band {band.band} already has a row for {data.get('pay_year')} "
                             f"({data.get('nation')}): edit that one instead.")

    async def list_context(self, request: Request) -> dict[str, Any]:
        from bot.web.admin.dashboard import pay_status

        return {"pay": await anyio.to_thread.run_sync(pay_status, sync_sessions(self))}


VIEWS = [RoleAdmin, EntryRouteAdmin, ContentItemAdmin, PayBandAdmin]
