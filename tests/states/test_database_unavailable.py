"""The database down while a user acts (PostgreSQL stopped: nothing answers on its port): the
page event ends with DatabaseUnavailable, which the app's backend exception handler shows as a
Thai toast (never the exception's text); a form that shows refusals at its field shows it
there; the tab is not logged out by the outage; and once the database answers again the same
event works, no restart."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from krs_app.db.engine import reset_engine_cache
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth, session_cache
from krs_app.services.errors import DatabaseUnavailable, NotFound
from krs_app.settings import reset_settings_cache
from krs_app.state.entry import EntryState
from krs_app.state.exceptions import UNEXPECTED, backend_error, failure_message
from krs_app.state.password import PasswordState
from krs_app.state.session import SessionBoundary, SessionState
from tests.states.tabs import tab as _tab

DOWN_URL = "postgresql+psycopg://postgres@127.0.0.1:1/krs?connect_timeout=2"  # nothing listens on port 1
SHOWN = "ฐานข้อมูลไม่พร้อมใช้งานชั่วคราว"


def _run(state, name: str, *args):
    return getattr(type(state), name).fn(state, *args)


@pytest.fixture
def database(krs_db, monkeypatch):
    if krs_db != "sqlite":
        pytest.skip("the outage is simulated the same way on either database")

    def down() -> None:
        monkeypatch.setenv("KRS_DATABASE_URL", DOWN_URL)
        reset_settings_cache()
        reset_engine_cache()
        session_cache.forget_all()  # nothing remembered from before the outage

    def up() -> None:
        monkeypatch.delenv("KRS_DATABASE_URL")
        reset_settings_cache()
        reset_engine_cache()

    yield down, up
    monkeypatch.delenv("KRS_DATABASE_URL", raising=False)
    reset_settings_cache()
    reset_engine_cache()


def _toast_text(spec) -> str:
    """The JavaScript the toast event runs, its strings decoded."""
    return str(spec.args[0][1]).encode().decode("unicode_escape")


def test_a_page_event_during_an_outage_shows_the_thai_message_and_works_after(database):
    down, up = database
    token, _user = auth.login("spm07", DEMO_PASSWORD)
    root = _tab(token, "tab-db-down")
    entry = asyncio.run(root.get_state(EntryState))
    session = asyncio.run(root.get_state(SessionState))
    asyncio.run(SessionBoundary().preprocess(None, root, None))
    _run(entry, "load")
    assert entry.district_name and entry.catalogue
    key = session._session_key

    down()
    # The event before the handler (the session boundary) and the handler itself.
    with pytest.raises(DatabaseUnavailable) as at_boundary:
        asyncio.run(SessionBoundary().preprocess(None, root, None))
    assert session._session_key == key and entry.district_name  # an outage logs nobody out
    with pytest.raises(DatabaseUnavailable) as in_handler:
        _run(entry, "load")
    for refused in (at_boundary.value, in_handler.value):
        message, toast_id = failure_message(refused)
        assert SHOWN in message and "ลองใหม่" in message and toast_id == "database-unavailable"
        shown = _toast_text(backend_error(refused))
        assert SHOWN in shown and "database-unavailable" in shown
        assert "OperationalError" not in shown and "psycopg" not in shown

    # A form that shows its refusals at a field shows it there.
    password = asyncio.run(root.get_state(PasswordState))
    session_cache.forget_all()
    answer = _run(password, "save", {"current": DEMO_PASSWORD, "new": "Kettle-Blue-Sings-2569", "confirm": "x"})
    assert answer is None and SHOWN in password.error_new

    up()
    asyncio.run(SessionBoundary().preprocess(None, root, None))
    assert _run(entry, "load") is None and entry.catalogue


def test_a_database_error_outside_a_transaction_and_any_other_error_are_said_in_thai():
    raw = OperationalError("SELECT secret FROM user_account", {}, Exception("connection refused"))
    message, toast_id = failure_message(raw)
    assert SHOWN in message and toast_id == "database-unavailable"
    try:
        try:
            raise raw
        except OperationalError as error:
            raise RuntimeError("wrapped") from error
    except RuntimeError as wrapped:
        assert failure_message(wrapped)[0] == message
    other = ValueError("user_account.password_hash")
    assert failure_message(other) == (UNEXPECTED, "backend-error")
    shown = _toast_text(backend_error(other))
    assert UNEXPECTED in shown and "password_hash" not in shown
    assert failure_message(NotFound()) == (NotFound().message, "refused")  # a refusal says its own Thai text


def test_the_app_uses_this_handler():
    """krs_app.py hands backend_error to rx.App (importing the app module would start it)."""
    source = (Path(__file__).resolve().parents[2] / "krs_app" / "krs_app.py").read_text(encoding="utf-8")
    calls = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "App"]
    [app_call] = calls
    handler = {k.arg: k.value for k in app_call.keywords}["backend_exception_handler"]
    assert isinstance(handler, ast.Name) and handler.id == "backend_error"
