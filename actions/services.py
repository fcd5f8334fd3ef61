"""The domain services the actions call, built once per process on first use (by the
composition root, bot/bootstrap.py).

A service holds a unit-of-work *factory*, never a session: each action run opens its own
session and closes it before replying.
"""
from __future__ import annotations

from functools import lru_cache

from bot import bootstrap
from bot.bookings.service import BookingService
from bot.catalogue.service import CatalogueService
from bot.kernel.unit_of_work import UowFactory


@lru_cache(maxsize=1)
def uow_factory() -> UowFactory:
    """Makes a fresh unit of work (and so a fresh session) on each call."""
    return bootstrap.sql_uow_factory()


@lru_cache(maxsize=1)
def catalogue() -> CatalogueService:
    service = bootstrap.catalogue_service(uow_factory())
    service.warm()  # embeddings of the catalogue's text, off the first user's turn
    return service


@lru_cache(maxsize=1)
def bookings() -> BookingService:
    return bootstrap.booking_service(uow_factory())
