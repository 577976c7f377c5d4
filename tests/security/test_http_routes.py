"""Attacks over the real HTTP routes of the running app: response headers on every page and
route, CORS from a foreign origin, evidence download / upload across offices and without a
session, hostile file names, malformed ids, body limits, hostile workbooks, formula injection
in every .csv / .xlsx the app writes, the frontend-exception endpoint, health checks."""

from __future__ import annotations

import asyncio
import base64
import csv
import gzip
import hashlib
import io
import json
import re
import time
import uuid
from urllib.parse import quote, unquote

import pytest

from tests.security.http_tab import Tab, http, run

pytestmark = pytest.mark.usefixtures("http_alive")

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n" + b"x" * 300
THAI = re.compile(r"[\u0e00-\u0e7f]")
MARK = uuid.uuid4().hex[:10]
EVIL = "http://evil.example"


def cookie(token: str | None) -> dict[str, str]:
    return {"Cookie": f"krs_session={token}"} if token else {}


def upload(url, token, indicator, body=PDF, name="หลักฐาน.pdf", description="หลักฐาน", round_id=None, extra=None):
    params = f"indicator={quote(str(indicator))}" + (f"&round={round_id}" if round_id else "")
    headers = {
        "X-KRS-Upload": "1",
        "X-Filename": quote(name),
        "X-Description": quote(description),
        "Content-Type": "application/octet-stream",
        **cookie(token),
        **(extra or {}),
    }
    return http("POST", f"{url}/api/evidence?{params}", body, headers)


@pytest.fixture(scope="module")
def files(http_app, http_db, http_tokens):
    """A file of spm07 on 11.3 (finance's indicator)."""
    indicator = http_db.indicator("11.3")
    status, _, body = upload(http_app.url, http_tokens["spm07"], indicator, description=f"ของ spm07 {MARK}")
    assert status == 200, body
    return {"indicator": indicator, "file": json.loads(body)["id"]}


def evidence_state(db) -> tuple:
    return tuple(tuple(r) for r in db.all("SELECT id, original_name, withdrawn_at, received_at FROM evidence_file"))


def staged_leftovers(http_app) -> list:
    tmp = http_app.data_dir / "evidence" / "tmp"
    return sorted(tmp.glob("*.part")) if tmp.exists() else []


# --- headers on every page and route -------------------------------------------------------------

PATHS = [
    "/",
    "/login",
    "/entry",
    "/review",
    "/report",
    "/central",
    "/no-such-page",
    "/krs.js",
    "/krs.css",
    "/favicon.ico",
    "/api/evidence/1",
    "/api/tracking.csv",
    "/api/central-template?indicator=1",
    "/healthz",
    "/readyz",
    "/ping",
]


def _script_src(policy: str) -> str:
    return next(part for part in policy.split(";") if part.strip().startswith("script-src"))


@pytest.mark.parametrize("path", PATHS)
def test_every_page_and_route_carries_the_security_headers(http_app, path):
    status, headers, body = http("GET", http_app.url + path, headers={"Accept-Encoding": "gzip"})
    assert status < 500
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "*" not in policy and "'unsafe-inline'" not in _script_src(policy)
    host = http_app.url.split("://", 1)[1]
    assert f"ws://{host}" in policy
    if headers.get("content-type", "").startswith("text/html"):
        page = gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body
        inline = re.findall(rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", page, re.S)
        assert inline, "a Reflex page has inline scripts"
        for script in inline:
            digest = base64.b64encode(hashlib.sha256(script).digest()).decode()
            assert f"'sha256-{digest}'" in policy  # the page's own scripts run; nothing else inline


# --- CORS: a page on another origin reads nothing -------------------------------------------------


@pytest.mark.parametrize("origin", [EVIL, "http://localhost:1", "null"])
def test_a_foreign_origin_cannot_read_an_offices_file_with_its_cookie(http_app, http_tokens, files, origin):
    _status, headers, _body = http(
        "GET",
        f"{http_app.url}/api/evidence/{files['file']}",
        headers={"Origin": origin, **cookie(http_tokens["spm07"])},
    )
    assert "access-control-allow-origin" not in headers  # so the browser hands the page nothing
    preflight = http(
        "OPTIONS",
        f"{http_app.url}/api/evidence/{files['file']}",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-krs-upload",
        },
    )
    assert preflight[0] >= 400 and "access-control-allow-origin" not in preflight[1]


def test_the_own_origin_is_still_allowed(http_app, http_tokens, files):
    preflight = http(
        "OPTIONS",
        f"{http_app.url}/api/evidence",
        headers={
            "Origin": http_app.url,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-krs-upload",
        },
    )
    assert preflight[0] == 200 and preflight[1]["access-control-allow-origin"] == http_app.url


def test_the_websocket_refuses_a_foreign_origin(http_app, http_tokens):
    async def connect(origin):
        async with Tab(http_app.url, http_tokens["spm07"], "/entry", origin=origin) as tab:
            return tab

    with pytest.raises(Exception):  # noqa: B017 — socketio's ConnectionError: the handshake is refused
        run(connect(EVIL))
    tab = run(connect(http_app.url))
    assert tab.var("entry", "catalogue"), "the own origin still connects and gets its page"


# --- evidence: download across offices and without a session ---------------------------------------


@pytest.mark.parametrize("who", ["spm08", "testing", "anonymous", "forged", "logged-out"])
def test_another_office_or_no_session_cannot_download(http_app, http_db, http_tokens, files, who):
    from krs_app.services import auth

    if who == "logged-out":
        token = auth.login("spm07", "krs2562")[0]
        auth.logout(token)
    else:
        token = {"anonymous": None, "forged": "f" * 43}.get(who, http_tokens.get(who))
    status, _, body = http("GET", f"{http_app.url}/api/evidence/{files['file']}", headers=cookie(token))
    assert status == 404 and PDF not in body
    # the owner, in a second legitimate session, still gets the file
    owner = http("GET", f"{http_app.url}/api/evidence/{files['file']}", headers=cookie(http_tokens["spm07-second"]))
    assert owner[0] == 200 and owner[2] == PDF


@pytest.mark.parametrize("guess", ["1" * 23, str(2**63), "-1", "0", "1.0", "%00", "1%20OR%201=1", "9" * 5000])
def test_a_malformed_or_huge_file_id_is_not_found(http_app, http_tokens, guess):
    status, _, body = http("GET", f"{http_app.url}/api/evidence/{guess}", headers=cookie(http_tokens["kpi"]))
    assert status == 404 and "ไม่พบ" in body.decode("utf-8", "replace")


def _upload_cases(http_db, http_tokens):
    indicator = http_db.indicator("11.3")
    big = 20 * 1024 * 1024 + 128 * 1024
    return {
        "bureau uploads": (http_tokens["finance"], indicator, PDF, {}, 403),
        "kpi office uploads": (http_tokens["kpi"], indicator, PDF, {}, 403),
        "no session": (None, indicator, PDF, {}, 401),
        "forged session": ("f" * 43, indicator, PDF, {}, 401),
        "no marker header": (http_tokens["spm07"], indicator, PDF, {"X-KRS-Upload": "0"}, 400),
        "exe named .pdf": (http_tokens["spm07"], indicator, b"MZ\x90\x00" + b"\x00" * 200, {}, 422),
        "html named .pdf": (http_tokens["spm07"], indicator, b"<html><script>alert(1)</script></html>", {}, 422),
        "empty file": (http_tokens["spm07"], indicator, b"", {}, 422),
        "declared too large": (http_tokens["spm07"], indicator, PDF, {"Content-Length": str(big)}, 413),
        "unknown indicator": (http_tokens["spm07"], 10**23, PDF, {}, 404),
        "indicator not a number": (http_tokens["spm07"], "1;DROP TABLE value", PDF, {}, 400),
    }


UPLOADS = [
    "bureau uploads",
    "kpi office uploads",
    "no session",
    "forged session",
    "no marker header",
    "exe named .pdf",
    "html named .pdf",
    "empty file",
    "declared too large",
    "unknown indicator",
    "indicator not a number",
]


@pytest.mark.parametrize("case", UPLOADS)
def test_a_refused_upload_stores_nothing(http_app, http_db, http_tokens, case):
    token, indicator, body, extra, expected = _upload_cases(http_db, http_tokens)[case]
    before = evidence_state(http_db)
    if "Content-Length" in extra:
        # urllib sends the real length; declare a larger one on a raw socket
        status = _raw_post_status(
            http_app.url, f"/api/evidence?indicator={indicator}", token, int(extra["Content-Length"])
        )
    else:
        status, _, answer = upload(http_app.url, token, indicator, body=body, name="x.pdf", extra=extra)
        if expected in (400, 401, 403, 422):
            assert THAI.search(json.loads(answer)["message"])
    assert status == expected
    assert evidence_state(http_db) == before
    assert staged_leftovers(http_app) == []


def _raw_post_status(url: str, path: str, token: str | None, declared: int) -> int:
    import http.client

    host = url.split("://", 1)[1]
    connection = http.client.HTTPConnection(host, timeout=30)
    connection.putrequest("POST", path)
    for name, value in {"X-KRS-Upload": "1", "X-Filename": "x.pdf", "X-Description": "x", **cookie(token)}.items():
        connection.putheader(name, value)
    connection.putheader("Content-Length", str(declared))
    connection.endheaders()
    connection.send(PDF)
    status = connection.getresponse().status
    connection.close()
    return status


def test_a_streamed_upload_over_the_limit_is_cut_off_and_stores_nothing(http_app, http_db, http_tokens):
    import http.client

    before = evidence_state(http_db)
    host = http_app.url.split("://", 1)[1]
    connection = http.client.HTTPConnection(host, timeout=60)
    indicator = http_db.indicator("11.3")
    headers = {"X-KRS-Upload": "1", "X-Filename": "big.pdf", "X-Description": "x", **cookie(http_tokens["spm07"])}

    def chunks():
        yield PDF
        for _ in range(22 * 16):  # 22 MB in 64 KB chunks, no declared length
            yield b"z" * 65536

    try:
        connection.request(
            "POST", f"/api/evidence?indicator={indicator}", body=chunks(), headers=headers, encode_chunked=True
        )
        status = connection.getresponse().status
    except (BrokenPipeError, ConnectionResetError):
        status = 413  # the server stopped reading and closed: the body was refused
    finally:
        connection.close()
    assert status == 413
    assert evidence_state(http_db) == before
    assert staged_leftovers(http_app) == []


HOSTILE_NAMES = [
    "../../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\x.pdf",
    'a";filename=evil.exe;.pdf',
    "line\r\nSet-Cookie: krs_session=stolen.pdf",
    "\u202egpj.exe.pdf",
    "<img src=x onerror=alert(1)>.pdf",
    "ก" * 300 + ".pdf",
    "nul\x00byte.pdf",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=[f"name{i}" for i in range(len(HOSTILE_NAMES))])
def test_a_hostile_file_name_is_stored_safe_and_sent_back_safe(http_app, http_db, http_tokens, name):
    from krs_app.domain.evidence_rules import safe_file_name

    indicator = http_db.indicator("11.3")
    status, _, body = upload(http_app.url, http_tokens["spm07"], indicator, name=name)
    assert status == 200, body
    file_id = json.loads(body)["id"]
    stored = http_db.value("SELECT original_name FROM evidence_file WHERE id = ?", file_id)
    assert "/" not in stored and "\\" not in stored and not re.search(r"[\x00-\x1f\u202a-\u202e]", stored)
    assert stored == safe_file_name(name.replace("\x00", "")) or stored == safe_file_name(name)
    on_disk = list((http_app.data_dir / "evidence").rglob("*"))
    assert not any(p.name == stored for p in on_disk), "the original name is data, never a path"
    status, headers, content = http(
        "GET", f"{http_app.url}/api/evidence/{file_id}", headers=cookie(http_tokens["finance"])
    )
    assert status == 200 and content == PDF
    disposition = headers["content-disposition"]
    assert disposition.startswith("attachment; ")
    assert "set-cookie" not in headers
    assert re.fullmatch(r"[A-Za-z0-9._-]+", re.search(r'filename="([^"]*)"', disposition).group(1))
    encoded = re.search(r"filename\*=UTF-8''(\S+)$", disposition).group(1)
    assert re.fullmatch(r"[A-Za-z0-9!#$&+^`|~._%-]+", encoded) and unquote(encoded) == stored


# --- other routes: roles, ids, body limits, hostile workbooks --------------------------------------


@pytest.mark.parametrize(
    ("who", "path", "expected"),
    [
        ("spm07", "/api/tracking.csv", 403),
        ("finance", "/api/tracking.xlsx", 403),
        (None, "/api/tracking.csv", 403),
        ("kpi", "/api/tracking.csv?round=" + "1" * 23, 404),
        ("spm07", "/api/central-template?indicator={i112}", 403),
        ("testing", "/api/central-template?indicator={i112}", 403),
        (None, "/api/central-template?indicator={i112}", 401),
        ("finance", "/api/central-template?indicator=" + "9" * 30, 400),
    ],
)
def test_exports_refuse_the_wrong_caller_and_bad_ids(http_app, http_db, http_tokens, who, path, expected):
    url = http_app.url + path.format(i112=http_db.indicator("11.2"))
    status, _, body = http("GET", url, headers=cookie(http_tokens.get(who) if who else None))
    assert status == expected
    assert THAI.search(body.decode("utf-8", "replace"))
    assert b"district_code" not in body and b"spm08" not in body and "รอการรับรองผล".encode() not in body


def test_a_small_route_refuses_a_large_body(http_app, http_tokens):
    status, _, body = http("POST", http_app.url + "/api/tracking.csv", b"x" * (200 * 1024), cookie(http_tokens["kpi"]))
    assert status == 413 and THAI.search(json.loads(body)["message"])


def _xlsx_with_entity() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["district_code", "b"])
    book.active.append(["spm07", "&xxe;"])
    plain = io.BytesIO()
    book.save(plain)
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, mark, rest = data.partition(b"?>")
                entity = b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                data = head + mark + entity + rest if mark else entity + data
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "body"),
    [("x.xlsx", _xlsx_with_entity()), ("x.xlsx", b"PK\x03\x04" + b"\x00" * 100), ("x.csv", b"\xff\xfe\x00bad")],
    ids=["doctype-entity", "broken-zip", "not-utf8"],
)
def test_a_hostile_import_file_gets_a_thai_4xx_and_changes_nothing(http_app, http_db, http_tokens, name, body):
    before = http_db.snapshot()
    params = f"indicator={http_db.indicator('11.2')}&round={http_db.current_round()}"
    headers = {"X-KRS-Upload": "1", "X-Filename": quote(name), **cookie(http_tokens["finance"])}
    status, _, answer = http("POST", f"{http_app.url}/api/central-import?{params}", body, headers)
    assert 400 <= status < 500, answer
    message = json.loads(answer)["message"]
    assert THAI.search(message) and "root:" not in message
    assert http_db.snapshot() == before


# --- formula injection in every .csv / .xlsx the app writes ----------------------------------------


@pytest.fixture
def hostile_names(http_db):
    """Names an administrator (or a compromised account editor) could give: formulas. Restored after."""
    rows = {
        "bureau": ("name", http_db.value("SELECT bureau_id FROM indicator WHERE code = '11.2'")),
        "indicator": ("name", http_db.indicator("11.2")),
        "district": ("name", http_db.district("spm07")),
    }
    saved = {
        table: http_db.value(f"SELECT {col} FROM {table} WHERE id = ?", row_id) for table, (col, row_id) in rows.items()
    }
    saved_short = http_db.value("SELECT short_name FROM district WHERE id = ?", rows["district"][1])
    http_db.execute(
        "UPDATE bureau SET name = ? WHERE id = ?", '=HYPERLINK("http://evil.example","x")', rows["bureau"][1]
    )
    http_db.execute("UPDATE indicator SET name = ? WHERE id = ?", "+SUM(1,2)", rows["indicator"][1])
    http_db.execute(
        "UPDATE district SET name = ?, short_name = ? WHERE id = ?", "@cmd|' /C calc'!A0", "-2+3", rows["district"][1]
    )
    yield
    for table, (col, row_id) in rows.items():
        http_db.execute(f"UPDATE {table} SET {col} = ? WHERE id = ?", saved[table], row_id)
    http_db.execute("UPDATE district SET short_name = ? WHERE id = ?", saved_short, rows["district"][1])


def _cells_of(kind: str, body: bytes) -> list[str]:
    if kind == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(body))
        return [
            c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)
        ]
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]


@pytest.mark.parametrize(
    ("kind", "who", "path"),
    [
        ("csv", "kpi", "/api/tracking.csv"),
        ("xlsx", "kpi", "/api/tracking.xlsx"),
        ("csv", "finance", "/api/central-template?indicator={i112}"),
    ],
    ids=["tracking.csv", "tracking.xlsx", "central-template.csv"],
)
def test_no_exported_cell_starts_a_formula(http_app, http_db, http_tokens, hostile_names, kind, who, path):
    url = http_app.url + path.format(i112=http_db.indicator("11.2"))
    status, _, body = http("GET", url, headers=cookie(http_tokens[who]))
    assert status == 200
    cells = _cells_of(kind, body)
    text = " ".join(cells)
    assert any(name in text for name in ("HYPERLINK", "SUM(1,2)", "calc", "-2+3")), (
        "the hostile names are in the export"
    )
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert dangerous == []


# --- Reflex's frontend-exception endpoint and health checks ----------------------------------------


def test_an_anonymous_flood_of_frontend_error_reports_is_capped(http_app, http_tokens):
    from reflex.state import FrontendEventExceptionState

    handler = f"{FrontendEventExceptionState.get_full_name()}.handle_frontend_exception"
    log = http_app.data_dir / "server.log"
    marker = f"FLOOD-{uuid.uuid4().hex[:8]}"
    start = log.stat().st_size if log.exists() else 0

    async def flood():
        async with Tab(http_app.url, None, "/login") as tab:
            for i in range(50):
                await tab.client.emit(
                    "event",
                    {
                        "name": handler,
                        "payload": {"info": f"{marker} big {i} " + "x" * 900_000, "component_stack": ""},
                        "router_data": {},
                    },
                    namespace="/_event",
                )
            for i in range(20):
                await tab.client.emit(
                    "event",
                    {
                        "name": handler,
                        "payload": {"info": f"{marker} small {i}", "component_stack": ""},
                        "router_data": {},
                    },
                    namespace="/_event",
                )
            await tab.settle(quiet=1.0, limit=30)
            sent = time.monotonic()
        # a legitimate tab is served right after
        async with Tab(http_app.url, http_tokens["spm07"], "/entry") as tab:
            return tab, time.monotonic() - sent

    tab, seconds = run(flood())
    print(f"legitimate tab served {seconds:.2f} s after a flood of 50 x 900 KB + 20 reports")
    assert tab.var("entry", "catalogue")
    logged = log.read_text(errors="replace")[start:] if log.exists() else ""
    assert logged.count(f"{marker} big") == 0, "oversized reports never reach the log"
    assert logged.count(f"{marker} small") <= 5, "at most a handful of reports per client"


def test_healthz_and_readyz_answer_for_a_load_balancer(http_app):
    status, _, body = http("GET", http_app.url + "/healthz")
    assert status == 200 and json.loads(body)["ok"] is True
    status, _, body = http("GET", http_app.url + "/readyz")
    assert status == 200 and json.loads(body) == {"ok": True, "database": True}


def test_parallel_downloads_by_an_attacker_do_not_stall_the_owner(http_app, http_tokens, files):
    async def attacker():
        return await asyncio.gather(
            *(
                asyncio.to_thread(
                    http,
                    "GET",
                    f"{http_app.url}/api/evidence/{files['file'] + k}",
                    None,
                    cookie(http_tokens["testing"]),
                )
                for k in range(30)
            )
        )

    answers = run(attacker())
    assert all(status == 404 for status, _, _ in answers)
    owner = http("GET", f"{http_app.url}/api/evidence/{files['file']}", headers=cookie(http_tokens["spm07"]))
    assert owner[0] == 200 and owner[2] == PDF
