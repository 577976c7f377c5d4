"""Run the Alembic migrations (used by `krs migrate` and at start-up)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from krs_app.db.engine import get_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine or get_engine()
    return config


def upgrade_to_head(engine: Engine | None = None) -> None:
    command.upgrade(alembic_config(engine), "head")


def make_revision(message: str) -> None:
    """Developers: autogenerate a migration from the models."""
    command.revision(alembic_config(), message=message, autogenerate=True)
