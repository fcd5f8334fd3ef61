"""Migrations build the schema the models describe, on SQLite and on PostgreSQL."""
from __future__ import annotations

import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import bot.casework.models  # noqa: F401
import bot.catalogue.models  # noqa: F401
from bot.db import Base, alembic_config, upgrade
from tests.conftest import require_service

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _check(url: str) -> None:
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert {"roles", "role_aliases", "entry_routes", "role_entry_routes", "pay_bands"} <= tables
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
    engine.dispose()
    command.downgrade(alembic_config(url), "base")
    engine = create_engine(url)
    with engine.connect() as conn:
        assert "roles" not in inspect(conn).get_table_names()
    engine.dispose()


def test_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.services
def test_postgresql():
    name = f"careers_mig_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        require_service("PostgreSQL", str(exc).splitlines()[0])
    try:
        _check(f"postgresql://postgres@127.0.0.1:5432/{name}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
