"""Read-only snapshots of catalogue rows, safe to use after the session is closed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from bot.catalogue.models import ContentItem, EntryRoute, PayBand, Role
from bot.catalogue.schema import CAREER_AREAS, DrivingLicence, WorkingPattern, band_rank

T = TypeVar("T")


@dataclass(frozen=True)
class RouteView:
    slug: str
    name: str
    kind: str
    level: str | None
    summary: str
    min_age: int | None
    source_url: str
    details: str = ""
    reviewed_on: dt.date | None = None

    @classmethod
    def of(cls, route: EntryRoute) -> RouteView:
        return cls(route.slug, route.name, route.kind, route.level, route.summary,
                   route.min_age, route.source_url, route.details, route.reviewed_on)


@dataclass(frozen=True)
class ContentView:
    slug: str
    topic: str
    title: str
    summary: str
    details: str
    source_url: str
    reviewed_on: dt.date
    related_roles: tuple[str, ...] = ()
    related_routes: tuple[str, ...] = ()

    @classmethod
    def of(cls, item: ContentItem) -> ContentView:
        return cls(item.slug, item.topic, item.title, item.summary, item.details, item.source_url,
                   item.reviewed_on, tuple(item.related_roles or ()),
                   tuple(item.related_routes or ()))


@dataclass(frozen=True)
class RoleView:
    slug: str
    title: str
    aliases: tuple[str, ...]
    career_area: str
    summary: str
    day_to_day: str
    entry_requirements: str
    routes: tuple[RouteView, ...]
    band_min: str | None
    band_max: str | None
    pay_note: str | None
    registration_body: str | None
    tags: tuple[str, ...]
    works_with: str
    hours: str
    progression: str
    source_url: str
    reviewed_on: dt.date
    gcse: str | None = None
    a_levels: str | None = None
    ucas_tariff: tuple[int, int] | None = None
    training_years: tuple[float, float] | None = None
    earn_while_training: bool | None = None
    learning_support_fund: bool | None = None
    driving_licence: DrivingLicence | None = None
    special_requirements: str | None = None
    working_pattern: tuple[WorkingPattern, ...] = ()
    field_sources: tuple[tuple[str, str], ...] = ()

    def source_of(self, *fields: str) -> str:
        """The page a fact came from: its own source if it has one, else the role's."""
        own = dict(self.field_sources)
        return next((own[f] for f in fields if f in own), self.source_url)

    @property
    def area_name(self) -> str:
        return CAREER_AREAS.get(self.career_area, self.career_area)

    @classmethod
    def of(cls, role: Role) -> RoleView:
        return cls(
            slug=role.slug, title=role.title, aliases=tuple(a.alias for a in role.aliases),
            career_area=role.career_area, summary=role.summary, day_to_day=role.day_to_day,
            entry_requirements=role.entry_requirements,
            routes=tuple(RouteView.of(link.route) for link in role.route_links),
            band_min=role.band_min, band_max=role.band_max, pay_note=role.pay_note,
            registration_body=role.registration_body, tags=tuple(role.tags or ()),
            works_with=role.works_with, hours=role.hours, progression=role.progression,
            source_url=role.source_url, reviewed_on=role.reviewed_on,
            gcse=role.gcse, a_levels=role.a_levels,
            ucas_tariff=_pair(role.ucas_tariff_min, role.ucas_tariff_max),
            training_years=_pair(role.training_years_min, role.training_years_max),
            earn_while_training=role.earn_while_training,
            learning_support_fund=role.learning_support_fund,
            driving_licence=DrivingLicence(role.driving_licence) if role.driving_licence else None,
            special_requirements=role.special_requirements,
            working_pattern=tuple(WorkingPattern(p) for p in role.working_pattern or ()),
            field_sources=tuple(sorted((role.field_sources or {}).items())),
        )


def _pair(low: T | None, high: T | None) -> tuple[T, T] | None:
    return None if low is None or high is None else (low, high)


@dataclass(frozen=True)
class PayRange:
    """What a role pays on Agenda for Change, from the pay table."""

    band_min: str
    band_max: str
    minimum: int
    maximum: int
    pay_year: str
    nation: str
    source_url: str

    @classmethod
    def for_role(cls, role: RoleView, bands: list[PayBand]) -> PayRange | None:
        if role.band_min is None or role.band_max is None:
            return None
        by_band = {b.band: b for b in bands}
        low, high = by_band.get(role.band_min), by_band.get(role.band_max)
        if low is None or high is None:
            return None
        return cls(role.band_min, role.band_max, low.minimum, high.maximum, low.pay_year,
                   low.nation, low.source_url)

    @property
    def bands_text(self) -> str:
        if self.band_min == self.band_max:
            return f"band {self.band_min}"
        span = band_rank(self.band_max) - band_rank(self.band_min)
        joiner = " or " if span == 1 else " to "
        return f"bands {self.band_min}{joiner}{self.band_max}"


@dataclass(frozen=True)
class BandView:
    """One row of the Agenda for Change pay table."""

    band: str
    minimum: int
    maximum: int
    pay_year: str
    nation: str
    source_url: str

    @classmethod
    def of(cls, row: PayBand) -> BandView:
        return cls(row.band, row.minimum, row.maximum, row.pay_year, row.nation, row.source_url)
