"""HTTP routes of /admin (the KPI office only; services.admin_imports / catalogue_workbook decide).

GET /api/admin/catalogue.xlsx?year=<id>
    The year's indicator catalogue as the workbook the import reads back.
POST /api/admin/import/<kind>?year=<id>   kind: catalogue | accounts | districts | bureaus
    The raw file as the body, `X-KRS-Upload: 1`, the file name URL-encoded in `X-Filename`, the
    session cookie; read while streaming with the kind's size limit. Answered with the preview
    (every change, every refused row and why) and a signed token; stores nothing — the page's
    ยืนยันนำเข้า applies the token through the services.
"""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import unquote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from krs_app import routes as paths
from krs_app.api_common import (
    BAD_REQUEST,
    LOGIN_FIRST,
    UPLOAD_HEADER,
    error_status,
    plain_text,
    read_limited,
    refuse,
    request_user,
)
from krs_app.http_security import content_disposition
from krs_app.services import admin_imports, catalogue_workbook, fiscal_years
from krs_app.services.errors import ServiceError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_KPI_OFFICE = "การนำเข้าข้อมูลเป็นหน้าที่ของ กพร. เท่านั้น"
NO_STORE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def _year(request: Request) -> int | None:
    text = request.query_params.get("year", "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 else None


async def catalogue_download(request: Request) -> Response:
    user = await run_in_threadpool(request_user, request)
    if user is None:
        return plain_text(LOGIN_FIRST, 401, NO_STORE)
    year_id = _year(request)
    if year_id is None:
        return plain_text(BAD_REQUEST, 400, NO_STORE)

    def build() -> tuple[str, bytes]:
        content = catalogue_workbook.export_workbook(user, year_id)
        label = next((str(y.year_be) for y in fiscal_years.list_years(user) if y.id == year_id), str(year_id))
        return label, content

    try:
        year_be, content = await run_in_threadpool(build)
    except ServiceError as error:
        return plain_text(error.message, error_status(error), NO_STORE)
    disposition = content_disposition(f"แค็ตตาล็อกตัวชี้วัด ปีงบประมาณ {year_be}.xlsx", fallback=f"catalogue-{year_be}.xlsx")
    return Response(content, media_type=XLSX, headers={**NO_STORE, "Content-Disposition": disposition})


async def import_preview(request: Request) -> Response:
    kind = request.path_params.get("kind", "")
    if request.headers.get(UPLOAD_HEADER) != "1" or kind not in admin_imports.KINDS:
        return refuse(BAD_REQUEST, 400, NO_STORE)
    user = await run_in_threadpool(request_user, request)
    if user is None:
        return refuse(LOGIN_FIRST, 401, NO_STORE)
    if not user.is_kpi_office:
        return refuse(NOT_KPI_OFFICE, 403, NO_STORE)  # before reading a byte of the body
    limit = admin_imports.MAX_BYTES[kind]
    too_big = f"ไฟล์มีขนาดเกิน {limit // (1024 * 1024)} MB ที่ระบบรับได้"
    body = await read_limited(request, limit)
    if body is None:
        return refuse(too_big, 413, NO_STORE)
    filename = unquote(request.headers.get("x-filename", "")).strip()[-200:]
    try:
        preview = await run_in_threadpool(admin_imports.preview_import, user, kind, _year(request), filename, body)
    except ServiceError as error:
        return refuse(error.message, error_status(error), NO_STORE)
    answer = {**asdict(preview), "ok": True, "can_apply": preview.can_apply, "message": preview.message}
    return JSONResponse(answer, headers=NO_STORE)


routes: list[Route] = [
    Route(paths.ADMIN_CATALOGUE_XLSX, catalogue_download, methods=["GET"]),
    Route(paths.ADMIN_IMPORT, import_preview, methods=["POST"]),
]
