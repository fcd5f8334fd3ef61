"""Repositories: the only code that queries catalogue tables."""
from __future__ import annotations

import abc
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from bot.catalogue.models import ContentItem, EntryRoute, PayBand, Role


class AbstractCatalogueRepository(abc.ABC):
    @abc.abstractmethod
    def get_role(self, slug: str) -> Role | None: ...

    @abc.abstractmethod
    def list_roles(self) -> list[Role]: ...

    @abc.abstractmethod
    def add_role(self, role: Role) -> None: ...

    @abc.abstractmethod
    def get_route(self, slug: str) -> EntryRoute | None: ...

    @abc.abstractmethod
    def list_routes(self) -> list[EntryRoute]: ...

    @abc.abstractmethod
    def add_route(self, route: EntryRoute) -> None: ...

    @abc.abstractmethod
    def get_content(self, slug: str) -> ContentItem | None: ...

    @abc.abstractmethod
    def list_content(self, topic: str | None = None) -> list[ContentItem]: ...

    @abc.abstractmethod
    def add_content(self, item: ContentItem) -> None: ...

    @abc.abstractmethod
    def pay_bands(self, nation: str, pay_year: str | None = None) -> list[PayBand]:
        """Bands of ``pay_year`` (default: the latest year held for ``nation``)."""

    @abc.abstractmethod
    def all_pay_bands(self) -> list[PayBand]: ...

    @abc.abstractmethod
    def add_pay_band(self, band: PayBand) -> None: ...

    @abc.abstractmethod
    def version(self) -> tuple[Any, ...]:
        """A cheap fingerprint of roles and routes; its first item is the number of roles."""


class SqlCatalogueRepository(AbstractCatalogueRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def _roles(self) -> Select[tuple[Role]]:
        return select(Role).options(
            selectinload(Role.aliases), selectinload(Role.route_links)
        )

    def get_role(self, slug: str) -> Role | None:
        return self.session.scalars(self._roles().where(Role.slug == slug)).first()

    def list_roles(self) -> list[Role]:
        return list(self.session.scalars(self._roles().order_by(Role.title)))

    def add_role(self, role: Role) -> None:
        self.session.add(role)

    def get_route(self, slug: str) -> EntryRoute | None:
        return self.session.scalars(select(EntryRoute).where(EntryRoute.slug == slug)).first()

    def list_routes(self) -> list[EntryRoute]:
        return list(self.session.scalars(select(EntryRoute).order_by(EntryRoute.id)))

    def add_route(self, route: EntryRoute) -> None:
        self.session.add(route)

    def get_content(self, slug: str) -> ContentItem | None:
        return self.session.scalars(select(ContentItem).where(ContentItem.slug == slug)).first()

    def list_content(self, topic: str | None = None) -> list[ContentItem]:
        stmt = select(ContentItem).order_by(ContentItem.id)
        if topic:
            stmt = stmt.where(ContentItem.topic == topic)
        return list(self.session.scalars(stmt))

    def add_content(self, item: ContentItem) -> None:
        self.session.add(item)

    def pay_bands(self, nation: str, pay_year: str | None = None) -> list[PayBand]:
        if pay_year is None:
            pay_year = self.session.scalar(
                select(func.max(PayBand.pay_year)).where(PayBand.nation == nation)
            )
            if pay_year is None:
                return []
        stmt = select(PayBand).where(PayBand.nation == nation, PayBand.pay_year == pay_year)
        return list(self.session.scalars(stmt))

    def all_pay_bands(self) -> list[PayBand]:
        stmt = select(PayBand).order_by(PayBand.nation, PayBand.pay_year, PayBand.id)
        return list(self.session.scalars(stmt))

    def add_pay_band(self, band: PayBand) -> None:
        self.session.add(band)

    def version(self) -> tuple[Any, ...]:
        """(role count, last role change, route count, last route change, content count, last
        content change)."""
        roles = self.session.execute(select(func.count(Role.id), func.max(Role.updated_at))).one()
        routes = self.session.execute(
            select(func.count(EntryRoute.id), func.max(EntryRoute.updated_at))).one()
        content = self.session.execute(
            select(func.count(ContentItem.id), func.max(ContentItem.updated_at))).one()
        return int(roles[0]), roles[1], int(routes[0]), routes[1], int(content[0]), content[1]
