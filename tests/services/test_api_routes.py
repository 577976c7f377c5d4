"""The HTTP routes beside Reflex: evidence upload (raw body) and authenticated download."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from krs_app.api import api
from krs_app.db.engine import session_scope
from krs_app.db.models import EvidenceFile
from krs_app.routes import SESSION_COOKIE
from krs_app.services import auth, evidence
from krs_app.settings import get_settings, reset_settings_cache
from tests.services import helpers
from tests.services.helpers import current_round_id

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
THAI = re.compile(r"[\u0e00-\u0e7f]")
THAI_NAME = "งบเทียบยอดเงินฝาก ฉบับแก้ไข.pdf"


def indicator_id(code: str) -> int:
    return helpers.indicator_id(code)


def token_of(username: str) -> str:
    token, _user = auth.login(username, "krs2562")
    return token


def cookie(token: str | None) -> dict[str, str]:
    return {"Cookie": f"{SESSION_COOKIE}={token}"} if token else {}


def upload_headers(name=THAI_NAME, description="รายการปรับปรุงบัญชี", token=None, marker=True) -> dict[str, str]:
    headers = {
        "X-Filename": quote(name),
        "X-Description": quote(description),
        "Content-Type": "application/octet-stream",
        **cookie(token),
    }
    if marker:
        headers["X-KRS-Upload"] = "1"
    return headers


def evidence_count() -> int:
    with session_scope() as session:
        return len(list(session.exec(select(EvidenceFile))))


def files_under_evidence_dir() -> list[Path]:
    root = get_settings().evidence_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def client(krs_db):
    with TestClient(api) as test_client:
        yield test_client


@pytest.fixture
def one_mb_limit(krs_db, monkeypatch):
    monkeypatch.setenv("KRS_UPLOAD_MAX_MB", "1")
    reset_settings_cache()
    assert get_settings().upload_max_bytes == 1024 * 1024
    yield 1024 * 1024
    monkeypatch.delenv("KRS_UPLOAD_MAX_MB", raising=False)
    reset_settings_cache()
    assert get_settings().upload_max_bytes == 20 * 1024 * 1024


def post(client, body, *, code="11.3", round_id=None, **header_args):
    params = {"indicator": str(indicator_id(code))}
    if round_id is not None:
        params["round"] = str(round_id)
    return client.post("/api/evidence", params=params, content=body, headers=upload_headers(**header_args))


# --- upload ------------------------------------------------------------------------------------


def test_a_district_uploads_a_pdf(client):
    token = token_of("spm07")
    response = post(client, PDF, token=token, round_id=current_round_id())
    assert response.status_code == 200, response.text
    payload = response.json()
    assert payload["ok"] is True
    assert isinstance(payload["id"], int)
    assert THAI.search(payload["message"])
    with session_scope() as session:
        row = session.get(EvidenceFile, payload["id"])
    assert row.original_name == THAI_NAME
    assert row.description == "รายการปรับปรุงบัญชี"
    assert row.size_bytes == len(PDF)
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    assert row.round_id == current_round_id()
    stored = [p for p in files_under_evidence_dir() if p.parent.name != "tmp"]
    assert len(stored) == 1 and stored[0].read_bytes() == PDF
    assert not list((get_settings().evidence_dir / "tmp").glob("*")), "nothing left in staging"


def test_an_upload_without_the_marker_header_is_refused(client):
    response = post(client, PDF, token=token_of("spm07"), marker=False)
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert evidence_count() == 0


def test_an_upload_without_a_session_is_refused(client):
    response = post(client, PDF, token=None)
    assert response.status_code == 401
    assert THAI.search(response.json()["message"])
    assert evidence_count() == 0


def test_an_upload_with_an_ended_session_is_refused(client):
    token = token_of("spm07")
    auth.logout(token)
    assert post(client, PDF, token=token).status_code == 401
    assert post(client, PDF, token="not-a-real-token").status_code == 401
    assert evidence_count() == 0


def test_a_bureau_cannot_upload(client):
    response = post(client, PDF, token=token_of("finance"))
    assert response.status_code == 403
    assert evidence_count() == 0
    assert files_under_evidence_dir() == []


def test_an_upload_without_an_indicator_is_a_bad_request(client):
    response = client.post(
        "/api/evidence", params={"indicator": "abc"}, content=PDF, headers=upload_headers(token=token_of("spm07"))
    )
    assert response.status_code == 400
    assert evidence_count() == 0


def test_a_body_over_the_declared_limit_is_refused_and_nothing_is_stored(client, one_mb_limit):
    body = PDF + b"0" * one_mb_limit
    response = post(client, body, token=token_of("spm07"))
    assert response.status_code == 413
    assert response.json()["ok"] is False
    assert "1 MB" in response.json()["message"]
    assert evidence_count() == 0
    assert files_under_evidence_dir() == []


def test_a_streamed_body_over_the_limit_is_cut_off_and_nothing_is_stored(client, one_mb_limit):
    def chunks():  # no Content-Length: the limit must be enforced while reading
        yield PDF
        for _ in range(20):
            yield b"0" * (64 * 1024)

    response = post(client, chunks(), token=token_of("spm07"))
    assert response.status_code == 413
    assert "1 MB" in response.json()["message"]
    assert evidence_count() == 0
    assert files_under_evidence_dir() == []


def test_a_body_just_under_the_limit_is_accepted(client, one_mb_limit):
    body = PDF + b"0" * (one_mb_limit - len(PDF))
    response = post(client, body, token=token_of("spm07"))
    assert response.status_code == 200, response.text
    assert evidence_count() == 1


def test_wrong_content_is_refused_with_a_thai_reason(client):
    response = post(client, PNG, token=token_of("spm07"), name="รายงาน.pdf")
    assert response.status_code == 422
    payload = response.json()
    assert payload["ok"] is False and THAI.search(payload["message"])
    assert evidence_count() == 0
    assert files_under_evidence_dir() == []


def test_a_missing_description_is_refused_with_a_thai_reason(client):
    response = post(client, PDF, token=token_of("spm07"), description="")
    assert response.status_code == 422
    assert "คำอธิบาย" in response.json()["message"]
    assert evidence_count() == 0


def test_a_path_in_the_file_name_is_not_kept(client):
    response = post(client, PDF, token=token_of("spm07"), name="../../assets/evil.pdf")
    assert response.status_code == 200
    with session_scope() as session:
        assert session.get(EvidenceFile, response.json()["id"]).original_name == "evil.pdf"


# --- download ----------------------------------------------------------------------------------


def _uploaded(client, token) -> int:
    response = post(client, PDF, token=token)
    assert response.status_code == 200, response.text
    return response.json()["id"]


def test_the_owner_downloads_the_same_bytes_under_the_original_name(client):
    token = token_of("spm07")
    file_id = _uploaded(client, token)
    response = client.get(f"/api/evidence/{file_id}", headers=cookie(token))
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"].startswith("application/pdf")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment")
    match = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    assert match, disposition
    assert unquote(match.group(1)) == THAI_NAME
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("username", ["finance", "kpi"])
def test_the_owning_bureau_and_kpi_office_download(client, username):
    file_id = _uploaded(client, token_of("spm07"))
    response = client.get(f"/api/evidence/{file_id}", headers=cookie(token_of(username)))
    assert response.status_code == 200 and response.content == PDF


@pytest.mark.parametrize("username", ["spm08", "testing"])
def test_other_offices_get_not_found(client, username):
    file_id = _uploaded(client, token_of("spm07"))
    response = client.get(f"/api/evidence/{file_id}", headers=cookie(token_of(username)))
    assert response.status_code == 404
    assert PDF not in response.content


def test_anonymous_gets_not_found(client):
    file_id = _uploaded(client, token_of("spm07"))
    response = client.get(f"/api/evidence/{file_id}")
    assert response.status_code == 404
    assert PDF not in response.content
    assert client.get(f"/api/evidence/{file_id}", headers=cookie("forged")).status_code == 404


@pytest.mark.parametrize("guess", ["999999", "0", "-1", "abc", "1.5"])
def test_a_guessed_id_gets_not_found(client, guess):
    token = token_of("spm07")
    _uploaded(client, token)
    assert client.get(f"/api/evidence/{guess}", headers=cookie(token)).status_code == 404


def test_a_withdrawn_file_is_no_longer_served(client):
    token = token_of("spm07")
    file_id = _uploaded(client, token)
    evidence.withdraw_evidence(auth.user_for_token(token), file_id)
    assert client.get(f"/api/evidence/{file_id}", headers=cookie(token)).status_code == 404


def test_an_oversized_stream_is_not_read_to_the_end(krs_db, one_mb_limit):
    """The limit protects the server's disk: reading stops soon after the limit, not at the end of the body."""
    import asyncio
    import threading

    chunk = b"0" * (64 * 1024)
    total_chunks = 200  # 12.5 MB offered against a 1 MB limit
    pulled = 0

    async def receive():
        nonlocal pulled
        pulled += 1
        if pulled == 1:
            return {"type": "http.request", "body": PDF, "more_body": True}
        return {"type": "http.request", "body": chunk, "more_body": pulled < total_chunks}

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    token = token_of("spm07")
    headers = [(k.lower().encode(), v.encode()) for k, v in upload_headers(token=token).items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/evidence",
        "raw_path": b"/api/evidence",
        "query_string": f"indicator={indicator_id('11.3')}".encode(),
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    # A fresh loop in its own thread: the browser tests' Playwright may own this thread's loop.
    worker = threading.Thread(target=lambda: asyncio.run(api(scope, receive, send)))
    worker.start()
    worker.join(60)
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 413
    assert pulled <= one_mb_limit // len(chunk) + 2, f"read {pulled} of {total_chunks} chunks"
    assert evidence_count() == 0
    assert files_under_evidence_dir() == []
