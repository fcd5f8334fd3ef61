"""The composition root: the one place that builds the real services, each with a factory of
SQL units of work (one session per call, never one opened at import).

Entry points (actions/services.py, bot/web, bot/web/admin, bot/cli.py, bot/worker.py) ask here;
tests build the services themselves, on fakes (tests/fakes/unit_of_work.py) or in-memory SQLite.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from bot.bookings.outbox import SqlOutboxRepository
from bot.bookings.repository import SqlBookingsRepository
from bot.casework.repository import SqlCaseworkRepository
from bot.catalogue.repository import SqlCatalogueRepository
from bot.kernel.unit_of_work import AbstractUnitOfWork, UowFactory

if TYPE_CHECKING:
    from bot.bookings.service import BookingService
    from bot.catalogue.service import CatalogueService


class SqlUnitOfWork(AbstractUnitOfWork):
    """Opens a fresh session on ``__enter__`` and closes it on ``__exit__``."""

    def __init__(self, factory: sessionmaker[Session] | None = None) -> None:
        if factory is None:
            from bot.db import session_factory

            factory = session_factory()
        self._factory = factory

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        self.catalogue = SqlCatalogueRepository(self.session)
        self.casework = SqlCaseworkRepository(self.session)
        self.bookings = SqlBookingsRepository(self.session)
        self.outbox = SqlOutboxRepository(self.session)
        return self

    def __exit__(self, *exc) -> None:
        try:
            super().__exit__(*exc)
        finally:
            self.session.close()

    def begin_write(self) -> None:
        self.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


def sql_uow_factory(session_maker: sessionmaker[Session] | None = None) -> UowFactory:
    """Makes a fresh SQL unit of work (and so a fresh session) on each call; the app's database
    unless a session maker is given (the admin's, a test's)."""
    if session_maker is None:
        from bot.db import session_factory

        session_maker = session_factory()
    return lambda: SqlUnitOfWork(session_maker)


def booking_service(uow_factory: UowFactory | None = None) -> BookingService:
    from bot.bookings.service import BookingService

    return BookingService(uow_factory or sql_uow_factory())


def catalogue_service(uow_factory: UowFactory | None = None) -> CatalogueService:
    """The catalogue with the settings' refresh interval and pay nation (imported here, not at
    the top: it loads spaCy, which the web app and the worker do not need)."""
    from bot.catalogue.service import CatalogueService
    from bot.settings import get_settings

    settings = get_settings()
    return CatalogueService(uow_factory or sql_uow_factory(),
                            refresh_seconds=settings.catalogue_refresh_seconds,
                            nation=settings.pay_nation)
