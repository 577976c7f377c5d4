"""A session whose password must first be changed (a one-time password) gets nothing from the
HTTP routes beside the websocket (evidence upload and download, every export, the central
import): as on every page but /password, the one-time password opens nothing but its change.
Login and logout are the routes it keeps."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from krs_app.api import api
from krs_app.routes import SESSION_COOKIE
from krs_app.services import accounts, auth, own_password
from tests.services.helpers import current_round_id, indicator_id, login_as
from tests.services.test_api_routes import PDF, cookie, token_of, upload_headers

NEW_PASSWORD = "Kettle-Blue-Sings-2569"


@pytest.fixture
def client(krs_db):
    with TestClient(api) as test_client:
        yield test_client


def _one_time_session(username: str) -> tuple[str, str]:
    """The KPI office resets this account; its one-time password logs in (must change it)."""
    one_time = accounts.reset_password(login_as("kpi"), username).one_time.password
    token, user = auth.login(username, one_time)
    assert user.must_change_password
    return token, one_time


def _answers(client, district: str, bureau: str, kpi: str, file_id: int) -> dict[str, int]:
    """Status of each route for these sessions (district, bureau, KPI office)."""
    round_id = str(current_round_id())
    upload = client.post(
        "/api/evidence",
        params={"indicator": str(indicator_id("11.3")), "round": round_id},
        content=PDF,
        headers=upload_headers(token=district),
    )
    central = {"indicator": str(indicator_id("11.2")), "round": round_id}
    return {
        "upload": upload.status_code,
        "download": client.get(f"/api/evidence/{file_id}", headers=cookie(district)).status_code,
        "tracking.csv": client.get("/api/tracking.csv", headers=cookie(kpi)).status_code,
        "tracking.xlsx": client.get("/api/tracking.xlsx", headers=cookie(kpi)).status_code,
        "report.xlsx": client.get("/api/report.xlsx", headers=cookie(kpi)).status_code,
        "profile.pdf": client.get("/api/report/district/spm07.pdf", headers=cookie(kpi)).status_code,
        "central-template": client.get("/api/central-template", params=central, headers=cookie(bureau)).status_code,
        "central-import": client.post(
            "/api/central-import",
            params=central,
            content=b"code,value\n",
            headers={**cookie(bureau), "X-KRS-Upload": "1", "X-Filename": "central.csv"},
        ).status_code,
    }


def test_a_one_time_password_session_is_refused_by_every_route_until_it_is_changed(client):
    uploaded = client.post(
        "/api/evidence",
        params={"indicator": str(indicator_id("11.3")), "round": str(current_round_id())},
        content=PDF,
        headers=upload_headers(token=token_of("spm07")),
    )
    assert uploaded.status_code == 200, uploaded.text
    file_id = uploaded.json()["id"]
    accounts.create_account(login_as("kpi"), "kpi-second", "kpi_office", "kpi_office", "ผู้ดูแลระบบ กพร. (ทดสอบ)")
    sessions = {who: _one_time_session(who) for who in ("spm07", "finance", "kpi-second")}
    tokens = {who: token for who, (token, _one_time) in sessions.items()}

    refused = _answers(client, tokens["spm07"], tokens["finance"], tokens["kpi-second"], file_id)
    assert refused == {
        "upload": 401,
        "download": 404,
        "tracking.csv": 403,
        "tracking.xlsx": 403,
        "report.xlsx": 404,
        "profile.pdf": 404,
        "central-template": 401,
        "central-import": 401,
    }

    # The same sessions, once each password is changed: every route answers.
    for token, one_time in sessions.values():
        own_password.change_own_password(token, one_time, NEW_PASSWORD, NEW_PASSWORD)
    answered = _answers(client, tokens["spm07"], tokens["finance"], tokens["kpi-second"], file_id)
    assert answered["upload"] == 200
    assert {k: v for k, v in answered.items() if k not in ("upload", "central-import")} == dict.fromkeys(
        ["download", "tracking.csv", "tracking.xlsx", "report.xlsx", "profile.pdf", "central-template"], 200
    )
    assert answered["central-import"] != 401  # the file is judged now (a preview or its refusal)


def test_login_and_logout_still_work_for_a_one_time_password(client):
    token, one_time = _one_time_session("spm07")
    out = client.post("/api/logout", headers=cookie(token), follow_redirects=False)
    assert out.status_code in (200, 303)
    assert auth.user_for_token(token) is None
    login = client.post("/api/login", data={"username": "spm07", "password": one_time}, follow_redirects=False)
    assert login.status_code == 303 and f"{SESSION_COOKIE}=" in login.headers.get("set-cookie", "")
    assert auth.user_for_token(login.cookies[SESSION_COOKIE]).must_change_password
