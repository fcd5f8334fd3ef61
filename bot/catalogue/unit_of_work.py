"""Unit of work: one session, one transaction, one set of repositories."""
from __future__ import annotations

import abc

from sqlalchemy.orm import Session, sessionmaker

from bot.bookings.repository import AbstractBookingsRepository, SqlBookingsRepository
from bot.casework.repository import AbstractCaseworkRepository, SqlCaseworkRepository
from bot.catalogue.repository import AbstractCatalogueRepository, SqlCatalogueRepository


class AbstractUnitOfWork(abc.ABC):
    catalogue: AbstractCatalogueRepository
    casework: AbstractCaseworkRepository
    bookings: AbstractBookingsRepository

    def __enter__(self) -> "AbstractUnitOfWork":
        return self

    def __exit__(self, *exc) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...

    def begin_write(self) -> None:
        """Take the write lock now (SQLite: BEGIN IMMEDIATE); call before the first query."""


class SqlUnitOfWork(AbstractUnitOfWork):
    """Opens a fresh session on ``__enter__`` and closes it on ``__exit__``."""

    def __init__(self, factory: sessionmaker[Session] | None = None) -> None:
        if factory is None:
            from bot.db import session_factory

            factory = session_factory()
        self._factory = factory

    def __enter__(self) -> "SqlUnitOfWork":
        self.session = self._factory()
        self.catalogue = SqlCatalogueRepository(self.session)
        self.casework = SqlCaseworkRepository(self.session)
        self.bookings = SqlBookingsRepository(self.session)
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
