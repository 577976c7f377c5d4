"""The /admin HTTP routes (catalogue workbook download, file import previews) and the one
preview → apply shape behind them (services.admin_imports): KPI office only, size-limited,
a bad file refused in Thai with nothing stored, apply all-or-nothing and once."""

from __future__ import annotations

import re
from io import BytesIO
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from starlette.applications import Starlette
from starlette.testclient import TestClient

from krs_app.api_admin import routes
from krs_app.routes import SESSION_COOKIE
from krs_app.services import admin_imports, auth, catalogue_editor
from krs_app.services.errors import NotAllowed, ServiceError
from tests.services.helpers import audit_count, current_round_id, login_as, round_row

THAI = re.compile(r"[\u0e00-\u0e7f]")


def token_of(username: str) -> str:
    token, _user = auth.login(username, "krs2562")
    return token


def this_year() -> int:
    return round_row(current_round_id()).fiscal_year_id


@pytest.fixture
def client(krs_db):
    with TestClient(Starlette(routes=routes)) as test_client:
        yield test_client


def post(client, kind: str, body: bytes, token: str | None, name: str = "ไฟล์.csv", year: int | None = None):
    headers = {"X-KRS-Upload": "1", "X-Filename": quote(name), "Content-Type": "application/octet-stream"}
    if token:
        headers["Cookie"] = f"{SESSION_COOKIE}={token}"
    params = {"year": str(year)} if year else {}
    return client.post(f"/api/admin/import/{kind}", params=params, content=body, headers=headers)


def download(client, token: str | None, year: int):
    cookies = {"Cookie": f"{SESSION_COOKIE}={token}"} if token else {}
    return client.get("/api/admin/catalogue.xlsx", params={"year": str(year)}, headers=cookies)


def csv_bytes(*lines: str) -> bytes:
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


BUREAUS = csv_bytes("code,name,short_name", "e2e-new,สำนักนำเข้าใหม่,สนม.")


@pytest.mark.parametrize("username", ["spm07", "finance"])
def test_a_district_or_a_bureau_is_refused_every_admin_route(client, username):
    token = token_of(username)
    assert download(client, token, this_year()).status_code == 403
    for kind in admin_imports.KINDS:
        response = post(client, kind, BUREAUS, token, year=this_year())
        assert response.status_code == 403 and THAI.search(response.json()["message"])
    with pytest.raises(NotAllowed):
        admin_imports.apply_import(login_as(username), "bureaus", "x.y")
    assert audit_count("import_offices") == 0


def test_no_session_no_file(client):
    assert download(client, None, this_year()).status_code == 401
    assert post(client, "bureaus", BUREAUS, None).status_code == 401


def test_the_kpi_office_downloads_the_shown_years_catalogue(client):
    response = download(client, token_of("kpi"), this_year())
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["ตัวชี้วัด", "ตัวแปร"] and book["ตัวชี้วัด"].max_row == 28


def test_a_file_over_the_limit_or_not_a_spreadsheet_is_refused_in_thai(client):
    kpi = token_of("kpi")
    big = post(client, "catalogue", b"x" * (admin_imports.MAX_CATALOGUE_BYTES + 1), kpi, "a.xlsx", this_year())
    assert big.status_code == 413 and THAI.search(big.json()["message"])
    junk = post(client, "catalogue", b"not a workbook", kpi, "a.xlsx", this_year())
    assert junk.status_code == 422 and THAI.search(junk.json()["message"])
    offices = post(client, "districts", b"\x00\x01\x02garbage", kpi, "a.xlsx")
    assert offices.status_code == 422 and THAI.search(offices.json()["message"])


def test_a_bureau_file_previews_then_applies_once(client):
    kpi_user = login_as("kpi")
    response = post(client, "bureaus", BUREAUS, token_of("kpi"))
    answer = response.json()
    assert response.status_code == 200 and answer["kind"] == "bureaus" and answer["can_apply"]
    assert [c["code"] for c in answer["changes"]] == ["e2e-new"] and answer["refused"] == []
    outcome = admin_imports.apply_import(kpi_user, "bureaus", answer["token"])
    assert "เพิ่มใหม่ 1" in outcome.message
    with pytest.raises(ServiceError):  # the same preview again: applied already
        admin_imports.apply_import(kpi_user, "bureaus", answer["token"])
    assert audit_count("import_offices") == 1


def test_a_catalogue_with_a_refused_row_cannot_be_applied(client):
    kpi = login_as("kpi")
    content = admin_imports.catalogue_workbook.export_workbook(kpi, this_year())
    book = load_workbook(BytesIO(content))
    book["ตัวชี้วัด"].append(["99.7", "ผิดสูตร", "finance", 1, "higher", "percent", "v1 * x", 20, 40, 60, 80, 100, 1])
    book["ตัวแปร"].append(["99.7", "1", "ส่งแล้ว", "", "flag", "district", "6,12"])
    out = BytesIO()
    book.save(out)
    answer = post(client, "catalogue", out.getvalue(), token_of("kpi"), "cat.xlsx", this_year()).json()
    assert answer["ok"] and not answer["can_apply"] and answer["token"] == ""
    assert answer["refused"][0]["code"] == "99.7" and THAI.search(answer["refused"][0]["reason"])
    assert "99.7" not in {r.code for r in catalogue_editor.list_catalogue(kpi, this_year()).rows}
