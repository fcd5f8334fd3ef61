"""The domain services the actions call, built once per process on first use.

A service holds a unit-of-work *factory*, never a session: each action run opens its own
session and closes it before replying.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

from bot.catalogue.service import CatalogueService
from bot.catalogue.unit_of_work import SqlUnitOfWork
from bot.db import session_factory
from bot.settings import get_settings


@lru_cache(maxsize=1)
def uow_factory() -> Callable[[], SqlUnitOfWork]:
    """Makes a fresh unit of work (and so a fresh session) on each call."""
    factory = session_factory()
    return lambda: SqlUnitOfWork(factory)


@lru_cache(maxsize=1)
def catalogue() -> CatalogueService:
    settings = get_settings()
    service = CatalogueService(
        uow_factory(),
        refresh_seconds=settings.catalogue_refresh_seconds,
        nation=settings.pay_nation,
    )
    service.warm()  # embeddings of the catalogue's text, off the first user's turn
    return service
