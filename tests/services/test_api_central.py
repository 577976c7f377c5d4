"""The central-data HTTP routes: import preview (raw body, streamed size limit) and the CSV template."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from krs_app.api_central import MAX_IMPORT_BYTES, routes
from krs_app.db.engine import session_scope
from krs_app.db.models import District
from krs_app.routes import SESSION_COOKIE
from krs_app.services import auth, central_import_apply
from tests.services.helpers import (
    audit_count,
    current_round_id,
    district_id,
    districts_with_status,
    indicator_id,
    login_as,
    stored_value,
)

THAI = re.compile(r"[\u0e00-\u0e7f]")
FILE_NAME = "ข้อมูลส่วนกลาง 11.2.csv"


def token_of(username: str) -> str:
    token, _user = auth.login(username, "krs2562")
    return token


def headers(token: str | None, *, marker: bool = True, name: str = FILE_NAME) -> dict[str, str]:
    result = {"X-Filename": quote(name), "Content-Type": "application/octet-stream"}
    if token:
        result["Cookie"] = f"{SESSION_COOKIE}={token}"
    if marker:
        result["X-KRS-Upload"] = "1"
    return result


def csv_bytes(*lines: str) -> bytes:
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def client(krs_db):
    with TestClient(Starlette(routes=routes)) as test_client:
        yield test_client


def post(client, body, token, *, code="11.2", round_id=None, **header_args):
    params = {"indicator": str(indicator_id(code)), "round": str(round_id or current_round_id())}
    return client.post("/api/central-import", params=params, content=body, headers=headers(token, **header_args))


def good_and_bad_file() -> tuple[bytes, int, float, float]:
    """spm07's whole (b) raised by 3, and a row with a district code that does not exist."""
    spm07 = district_id("spm07")
    whole = stored_value(spm07, "11.2", "b", current_round_id())
    new = int(whole) + 3
    return csv_bytes("district_code,ชื่อ สพท.,b", f"spm07,สพม. เขต 7,{new}", "zz999,ไม่มีเขตนี้,12"), spm07, whole, new


# --- who may ----------------------------------------------------------------------------------


def test_the_preview_needs_a_session(client):
    body, *_ = good_and_bad_file()
    response = post(client, body, None)
    assert response.status_code == 401
    assert response.json() == {"ok": False, "message": "กรุณาเข้าสู่ระบบ"}


def test_the_preview_needs_the_marker_header(client):
    body, *_ = good_and_bad_file()
    response = post(client, body, token_of("finance"), marker=False)
    assert response.status_code == 400 and response.json()["ok"] is False


@pytest.mark.parametrize("username", ["spm07", "testing"])
def test_only_the_owning_bureau_may_preview(client, username):
    body, *_ = good_and_bad_file()
    response = post(client, body, token_of(username))
    assert response.status_code == 403
    payload = response.json()
    assert payload["ok"] is False and THAI.search(payload["message"])
    assert "token" not in payload


def test_an_ended_session_is_refused(client):
    token = token_of("finance")
    auth.logout(token)
    body, *_ = good_and_bad_file()
    assert post(client, body, token).status_code == 401


@pytest.mark.parametrize("params", [{}, {"indicator": "x", "round": "1"}, {"indicator": "22"}, {"round": "1"}])
def test_malformed_parameters_are_refused(client, params):
    response = client.post("/api/central-import", params=params, content=b"a", headers=headers(token_of("finance")))
    assert response.status_code == 400 and response.json()["ok"] is False


def test_the_template_needs_a_session_and_the_bureau(client):
    params = {"indicator": str(indicator_id("11.2"))}
    assert client.get("/api/central-template", params=params).status_code == 401
    response = client.get("/api/central-template", params=params, headers=headers(token_of("spm07")))
    assert response.status_code == 403 and THAI.search(response.text)


# --- size ---------------------------------------------------------------------------------------


def test_a_file_over_5_mb_is_refused_by_its_declared_length(client):
    response = post(client, b"x" * (MAX_IMPORT_BYTES + 1), token_of("finance"))
    assert response.status_code == 413
    assert response.json() == {"ok": False, "message": "ไฟล์มีขนาดเกิน 5 MB ที่ระบบรับได้"}


def test_a_file_over_5_mb_is_refused_while_streaming(client):
    """Without a Content-Length (chunked), the limit is enforced on the bytes read."""
    chunk = b"spm07,1\n" * 8192  # 64 KiB

    def body():
        for _ in range(MAX_IMPORT_BYTES // len(chunk) + 2):
            yield chunk

    token = token_of("finance")
    response = client.post(
        "/api/central-import",
        params={"indicator": str(indicator_id("11.2")), "round": str(current_round_id())},
        content=body(),
        headers=headers(token),
    )
    assert response.status_code == 413
    assert THAI.search(response.json()["message"])
    assert audit_count("import_central") == 0


def test_a_file_of_exactly_5_mb_is_read(client):
    """The limit is inclusive: a CSV of exactly 5 MB (50 districts with a long note each) is read."""
    head = "district_code,b,หมายเหตุ\n"
    rows = [f"spm{n:02d},," for n in range(1, 51)]
    room = MAX_IMPORT_BYTES - len(head.encode()) - sum(len(r) + 1 for r in rows)
    pads = [room // 50] * 49 + [room - 49 * (room // 50)]
    body = (head + "".join(f"{r}{'#' * pad}\n" for r, pad in zip(rows, pads, strict=True))).encode()
    assert len(body) == MAX_IMPORT_BYTES
    response = post(client, body, token_of("finance"))
    assert response.status_code == 200, response.text
    payload = response.json()
    assert payload["ok"] is True and payload["unchanged"] == 50 and payload["refused"] == []


# --- the preview --------------------------------------------------------------------------------


def test_the_preview_lists_the_change_and_the_refusal_and_stores_nothing(client):
    round_id = current_round_id()
    body, spm07, whole, new = good_and_bad_file()
    part = stored_value(spm07, "11.2", "a", round_id)
    response = post(client, body, token_of("finance"), round_id=round_id)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    payload = response.json()
    assert payload["ok"] is True and THAI.search(payload["message"])
    assert payload["indicator_id"] == indicator_id("11.2") and payload["round_id"] == round_id
    assert payload["indicator_code"] == "11.2"
    assert payload["filename"] == FILE_NAME
    assert payload["columns"] == ["b"]
    assert payload["value_count"] == 1
    [change] = payload["changes"]
    assert change["district_code"] == "spm07" and change["district_name"] == "สพม. เขต 7" and change["line"] == 2
    assert change["changes"] == [{"key": "b", "old_text": str(int(whole)), "new_text": str(new)}]
    assert change["summary"] == f"b: {int(whole)} → {new}"
    [refusal] = payload["refused"]
    assert refusal == {"line": 3, "district_code": "zz999", "reason": 'ไม่พบรหัสเขตพื้นที่ "zz999"'}
    assert isinstance(payload["token"], str) and payload["token"]

    # Nothing stored, nothing audited.
    assert stored_value(spm07, "11.2", "b", round_id) == whole
    assert stored_value(spm07, "11.2", "a", round_id) == part
    assert audit_count("import_central") == 0

    # The token is what the page hands to apply_import: applied by the same user, it stores the change.
    outcome = central_import_apply.apply_import(login_as("finance"), payload["token"])
    assert outcome.districts == 1 and outcome.values == 1
    assert stored_value(spm07, "11.2", "b", round_id) == new


def test_locked_rows_are_refused_in_the_preview(client):
    round_id = current_round_id()
    certified = districts_with_status("11.2", round_id, "certified")[0]
    with session_scope() as session:
        code = session.get(District, certified).code
    whole = stored_value(certified, "11.2", "b", round_id)
    body = csv_bytes("district_code,b", f"{code},{int(whole) + 1}")
    payload = post(client, body, token_of("finance")).json()
    assert payload["ok"] is True and payload["changes"] == []
    assert "รับรอง" in payload["refused"][0]["reason"]


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        ("data.txt", b"district_code,a\nspm07,1\n", "รองรับเฉพาะไฟล์ .xlsx หรือ .csv"),
        ("data.csv", b"", "ไฟล์ว่างเปล่า"),
        ("data.xlsx", b"not a zip", "อ่านไฟล์ Excel ไม่ได้"),
    ],
)
def test_unreadable_files_get_a_thai_reason(client, name, body, expected):
    response = post(client, body, token_of("finance"), name=name)
    assert response.status_code == 422
    payload = response.json()
    assert payload["ok"] is False and expected in payload["message"]


# --- the template -------------------------------------------------------------------------------


def test_the_template_is_a_csv_attachment_of_the_current_values(client):
    round_id = current_round_id()
    response = client.get(
        "/api/central-template",
        params={"indicator": str(indicator_id("11.2")), "round": str(round_id)},
        headers=headers(token_of("finance")),
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and 'filename="central-11.2.csv"' in disposition
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "district_code,ชื่อ สพท.,a,b"
    assert len(lines) == 1 + 245
    spm07 = district_id("spm07")
    a = stored_value(spm07, "11.2", "a", round_id)
    b = stored_value(spm07, "11.2", "b", round_id)
    assert f"spm07,สพม. เขต 7,{int(a)},{int(b)}" in lines

    # Filled in and posted back unchanged, it changes nothing.
    preview = post(client, response.content, token_of("finance"), round_id=round_id).json()
    assert preview["ok"] is True and preview["changes"] == [] and preview["refused"] == []
    assert preview["unchanged"] == 245


# --- hostile workbooks ------------------------------------------------------------------------------


def _xlsx_with_prolog(prolog: str, encoding: str = "utf-8") -> bytes:
    """A real workbook whose first sheet's XML starts with the given DOCTYPE / ENTITY prolog."""
    import io
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["district_code", "b"])
    sheet.append(["spm07", "&xxe;"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                head, _, rest = text.partition("?>")
                text = (head + "?>" + prolog + rest) if rest else prolog + text
                if encoding != "utf-8":
                    text = text.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"')
                data = text.encode(encoding)
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("prolog", "encoding"),
    [
        ('<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "utf-8"),
        ('<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>', "utf-8"),
        ("<!doctype r>", "utf-8"),
        ('<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "utf-16-le"),
    ],
)
def test_a_workbook_with_doctype_or_entity_declarations_is_refused_in_thai(client, prolog, encoding):
    spm07 = district_id("spm07")
    before = stored_value(spm07, "11.2", "b", current_round_id())
    response = post(client, _xlsx_with_prolog(prolog, encoding), token_of("finance"), name="data.xlsx")
    assert response.status_code == 422, response.text
    payload = response.json()
    assert payload["ok"] is False and "DOCTYPE" in payload["message"] and THAI.search(payload["message"])
    assert "root:" not in response.text
    assert stored_value(spm07, "11.2", "b", current_round_id()) == before
