"""Unit of work: one session, one transaction, one set of repositories.

The interface only; the SQL implementation that wires the contexts' repositories together is
in the composition root (bot/bootstrap.py). The repository types are named for the type checker
only, so the kernel imports no context at run time.
"""
from __future__ import annotations

import abc
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # names for the annotations; never imported when the program runs
    from bot.bookings.outbox import AbstractOutboxRepository
    from bot.bookings.repository import AbstractBookingsRepository
    from bot.casework.repository import AbstractCaseworkRepository
    from bot.catalogue.repository import AbstractCatalogueRepository


class AbstractUnitOfWork(abc.ABC):
    catalogue: AbstractCatalogueRepository
    casework: AbstractCaseworkRepository
    bookings: AbstractBookingsRepository
    outbox: AbstractOutboxRepository

    def __enter__(self) -> AbstractUnitOfWork:
        return self

    def __exit__(self, *exc: object) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...

    @abc.abstractmethod
    def begin_write(self) -> None:
        """Take the write lock now (SQLite: BEGIN IMMEDIATE); call before the first query."""


UowFactory = Callable[[], AbstractUnitOfWork]
