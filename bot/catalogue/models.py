"""Catalogue tables (SQLAlchemy 2 typed ORM)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base


class Role(Base):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(160))
    career_area: Mapped[str] = mapped_column(String(60), index=True)
    summary: Mapped[str] = mapped_column(Text)
    day_to_day: Mapped[str] = mapped_column(Text, default="")
    entry_requirements: Mapped[str] = mapped_column(Text, default="")
    band_min: Mapped[str | None] = mapped_column(String(3))
    band_max: Mapped[str | None] = mapped_column(String(3))
    pay_note: Mapped[str | None] = mapped_column(Text)
    registration_body: Mapped[str | None] = mapped_column(String(200))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    works_with: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[str] = mapped_column(Text, default="")
    progression: Mapped[str] = mapped_column(Text, default="")
    # Facts beyond the page's prose (bot.catalogue.schema.ROLE_FACT_FIELDS); None = not stated.
    gcse: Mapped[str | None] = mapped_column(Text)
    a_levels: Mapped[str | None] = mapped_column(Text)
    ucas_tariff_min: Mapped[int | None] = mapped_column(Integer)
    ucas_tariff_max: Mapped[int | None] = mapped_column(Integer)
    training_years_min: Mapped[float | None] = mapped_column(Float)
    training_years_max: Mapped[float | None] = mapped_column(Float)
    earn_while_training: Mapped[bool | None] = mapped_column(Boolean)
    learning_support_fund: Mapped[bool | None] = mapped_column(Boolean)
    driving_licence: Mapped[str | None] = mapped_column(String(20))  # schema.DrivingLicence
    special_requirements: Mapped[str | None] = mapped_column(Text)
    working_pattern: Mapped[list[str]] = mapped_column(JSON, default=list)  # schema.WorkingPattern
    field_sources: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    source_url: Mapped[str] = mapped_column(String(500))
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    aliases: Mapped[list[RoleAlias]] = relationship(
        back_populates="role", cascade="all, delete-orphan", order_by="RoleAlias.position"
    )
    route_links: Mapped[list[RoleEntryRoute]] = relationship(
        back_populates="role", cascade="all, delete-orphan", order_by="RoleEntryRoute.position"
    )

    def __str__(self) -> str:
        return self.title


class RoleAlias(Base):
    __tablename__ = "role_aliases"
    __table_args__ = (UniqueConstraint("role_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(160))
    position: Mapped[int] = mapped_column(Integer, default=0)

    role: Mapped[Role] = relationship(back_populates="aliases")

    def __str__(self) -> str:
        return self.alias


class EntryRoute(Base):
    __tablename__ = "entry_routes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    level: Mapped[str | None] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="")
    min_age: Mapped[int | None] = mapped_column(Integer)
    source_url: Mapped[str] = mapped_column(String(500))
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    def __str__(self) -> str:
        return self.name


class ContentItem(Base):
    """Sourced guidance that is not a role or a route, e.g. support for care leavers."""

    __tablename__ = "content_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="")
    related_roles: Mapped[list[str]] = mapped_column(JSON, default=list)  # role slugs
    related_routes: Mapped[list[str]] = mapped_column(JSON, default=list)  # route slugs
    source_url: Mapped[str] = mapped_column(String(500))
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    def __str__(self) -> str:
        return self.title


class RoleEntryRoute(Base):
    __tablename__ = "role_entry_routes"
    __table_args__ = (UniqueConstraint("role_id", "route_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("entry_routes.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    role: Mapped[Role] = relationship(back_populates="route_links")
    route: Mapped[EntryRoute] = relationship(lazy="joined")


class PayBand(Base):
    __tablename__ = "pay_bands"
    __table_args__ = (UniqueConstraint("pay_year", "nation", "band"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pay_year: Mapped[str] = mapped_column(String(9))
    nation: Mapped[str] = mapped_column(String(20))
    band: Mapped[str] = mapped_column(String(3))
    minimum: Mapped[int] = mapped_column(Integer)
    maximum: Mapped[int] = mapped_column(Integer)
    source_url: Mapped[str] = mapped_column(String(500))
    reviewed_on: Mapped[dt.date] = mapped_column(Date)

    def __str__(self) -> str:
        return f"Band {self.band} ({self.pay_year}, {self.nation})"
