"""Fixtures of the service tests."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import POSTGRES_URL, _postgres_admin_url


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request, tmp_path):
    """An empty database (SQLite, and PostgreSQL when one answers) for a migration test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'krs.db'}"  # the data directory's default database
        return
    admin = _postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL is not reachable (set KRS_TEST_POSTGRES_URL to run these against PostgreSQL)")
    import psycopg

    name = f"krs_m_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
