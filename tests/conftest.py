"""Shared fixtures: in-memory SQLite catalogues built from small hand-written content, a fresh
PostgreSQL database, and the running stacks (tests/e2e/stack.py) shared by e2e and browser tests."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from bot.bootstrap import SqlUnitOfWork
from bot.catalogue import io
from bot.catalogue.service import CatalogueService
from bot.db import Base, make_engine
from tests.e2e.stack import chat, stack, telegram  # noqa: F401  (one instance per test session)

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() == "true"
# Signs manage-booking links in tests that build a BookingService with Notify on.
LINK_KEY = "tests-only-link-key-4b7e1d9c2a6f"
PUBLIC_URL = "http://localhost:8000"


def links_for_tests(public_url: str = PUBLIC_URL):
    from bot.bookings.links import BookingLinks

    return BookingLinks(public_url, LINK_KEY)


@pytest.fixture
def session_maker():
    import bot.bookings.models  # noqa: F401
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


PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def pg_url():
    """A fresh, migrated PostgreSQL database on 127.0.0.1:5432, dropped afterwards."""
    from bot.db import upgrade

    name = f"careers_test_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        require_service("PostgreSQL", str(exc).splitlines()[0])
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        from bot.db import get_engine

        get_engine.cache_clear()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
