"""Alembic environment: the URL comes from KRS settings, the tables from krs_app.db.models."""

from alembic import context
from sqlmodel import SQLModel

from krs_app.db import models  # noqa: F401  (registers the tables)
from krs_app.db.engine import get_engine

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine") or get_engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
