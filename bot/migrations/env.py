"""Alembic environment: the URL comes from bot.db.alembic_config (i.e. from settings)."""
from alembic import context

import bot.bookings.models  # noqa: F401
import bot.casework.models  # noqa: F401
import bot.catalogue.models  # noqa: F401
import bot.web.admin.models  # noqa: F401  (registers tables)
from bot.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("alembic: sqlalchemy.url is not set")
        engine = make_engine(url)  # creates var/ if needed
        try:
            with engine.connect() as connection:
                _run(connection)
        finally:
            engine.dispose()
    else:
        _run(connectable)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
