"""Structured logs: every write and every refusal carries the event/request id and the user's
id, as JSON lines with KRS_LOG_FORMAT=json; never a password, a session token or a payload."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from krs_app.api import api
from krs_app.ops.logs import configure_logging
from krs_app.ops.request_context import EventLogContext
from krs_app.routes import SESSION_COOKIE
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth, entry
from krs_app.services.errors import NotAllowed, ServiceError
from krs_app.state.session import SessionState
from tests.services.helpers import current_round_id, indicator_id, variable_id

TYPED = "ค่าที่พิมพ์-9e9-ไม่ควรอยู่ในบันทึก"


@pytest.fixture
def log_lines(monkeypatch):
    monkeypatch.setenv("KRS_LOG_FORMAT", "json")
    stream = io.StringIO()
    handler = configure_logging(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()], stream
    logging.getLogger("krs_app").removeHandler(handler)


def _event(name: str, handler):
    """One Reflex event: the app's middleware, then the handler, in the same task (as Reflex runs them)."""

    async def run():
        await EventLogContext().preprocess(app=None, state=None, event=SimpleNamespace(name=name))
        return handler()

    return asyncio.run(run())


def _as_tab(token: str):
    """The session lookup every page state's handler starts with (SessionState._session_user)."""
    tab = SimpleNamespace(
        router=SimpleNamespace(session=SimpleNamespace(client_token="tab-1")), _session_token=lambda: token
    )
    return SessionState.__dict__["_session_user"](tab)


def test_a_refused_write_over_the_websocket_logs_user_and_event_never_password_or_token(krs_db, log_lines):
    read, stream = log_lines
    token, _ = _event("state.login_state.submit", lambda: auth.login("spm07", DEMO_PASSWORD))
    round_id, central, flag = current_round_id(), variable_id("11.2", "a"), variable_id("11.3", "1")

    def refused_save():
        with pytest.raises(NotAllowed):  # a district writing a central variable
            entry.enter_value(_as_tab(token), round_id, central, TYPED)

    _event("state.entry_state.save_value", refused_save)
    assert _event("state.entry_state.save_value", lambda: entry.enter_value(_as_tab(token), round_id, flag, "1")).ok
    user = auth.user_for_token(token)

    lines = read()
    refusals = [line for line in lines if line["logger"] == "krs_app.refusal"]
    writes = [line for line in lines if line["logger"] == "krs_app.write" and line["action"] == "enter_value"]
    assert len(refusals) == 1 and len(writes) == 1
    refused, written = refusals[0], writes[0]
    assert refused["user_id"] == written["user_id"] == user.id
    assert refused["event"] == "state.entry_state.save_value" and refused["refusal"] == "NotAllowed"
    assert len(refused["event_id"]) == 16 and refused["event_id"] != written["event_id"]  # one id per event
    assert written["action"] == "enter_value" and written["indicator_id"] == indicator_id("11.3")
    text = stream.getvalue()
    assert DEMO_PASSWORD not in text and token not in text and TYPED not in text


def test_a_refused_upload_logs_the_request_id_and_user_never_the_token(krs_db, log_lines):
    read, stream = log_lines
    token, bureau = auth.login("finance", DEMO_PASSWORD)
    client = TestClient(api)
    headers = {
        "X-KRS-Upload": "1",
        "X-Request-ID": "lb-7f3a9c",
        "X-Filename": quote("a.pdf"),
        "X-Description": quote("สรุป"),
        "Cookie": f"{SESSION_COOKIE}={token}",
    }
    answer = client.post(
        f"/api/evidence?indicator={indicator_id('11.3')}", content=b"%PDF-1.4 secret body", headers=headers
    )
    assert answer.status_code == 403
    (refused,) = [line for line in read() if line["logger"] == "krs_app.refusal"]
    assert refused["event_id"] == "lb-7f3a9c" and refused["user_id"] == bureau.id
    assert refused["event"] == "POST /api/evidence"
    text = stream.getvalue()
    assert token not in text and DEMO_PASSWORD not in text and "secret body" not in text


def test_a_failed_login_is_logged_without_the_password_typed(krs_db, log_lines):
    read, stream = log_lines

    def wrong_password():
        with pytest.raises(ServiceError):
            auth.login("spm07", "wrong-" + DEMO_PASSWORD)

    _event("state.login_state.submit", wrong_password)
    assert [line["refusal"] for line in read() if line["logger"] == "krs_app.refusal"]
    assert DEMO_PASSWORD not in stream.getvalue()
