"""Shared fixtures: in-memory SQLite catalogues built from small hand-written content."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bot.catalogue import io
from bot.catalogue.service import CatalogueService
from bot.catalogue.unit_of_work import SqlUnitOfWork
from bot.db import Base, make_engine

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def session_maker():
    import bot.casework.models  # noqa: F401
    import bot.catalogue.models  # noqa: F401

    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def uow_factory(session_maker):
    return lambda: SqlUnitOfWork(session_maker)


@pytest.fixture
def catalogue_data():
    return io.read(FIXTURES / "catalogue.yaml")


@pytest.fixture
def seeded(uow_factory, catalogue_data):
    io.load(uow_factory(), catalogue_data)
    return uow_factory


@pytest.fixture
def service(seeded):
    return CatalogueService(seeded, refresh_seconds=0)


def require_service(name: str, reason: str) -> None:
    """Skip locally when a service is missing, but fail in CI where it must be there."""
    if IN_CI:
        pytest.fail(f"{name} is required in CI: {reason}")
    pytest.skip(f"{name} not available: {reason}")
