"""HTTP routes of the central-data page (ข้อมูลส่วนกลาง), mounted beside Reflex like api.py's.

POST /api/central-import?indicator=<id>&round=<id>
    The raw file as the body, `X-KRS-Upload: 1`, the file name URL-encoded in `X-Filename`,
    the session cookie. Read while streaming with a 5 MB limit; answered with the preview
    (what importing would change, what is refused and why) and a signed token. Stores nothing:
    the bureau confirms on the page, which applies the token through the services.
GET /api/central-template?indicator=<id>&round=<id>
    The current central values as a CSV to fill in and import back.

Who may do either is decided by services.central_import and services.central_grid from the user behind the cookie.
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
from krs_app.services import central_grid, central_import
from krs_app.services.errors import ServiceError

MAX_IMPORT_BYTES = central_import.MAX_IMPORT_BYTES
TOO_BIG = f"ไฟล์มีขนาดเกิน {MAX_IMPORT_BYTES // (1024 * 1024)} MB ที่ระบบรับได้"
NO_STORE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def _refuse(message: str, status: int) -> JSONResponse:
    return refuse(message, status, NO_STORE)


def _text(message: str, status: int) -> Response:
    return plain_text(message, status, NO_STORE)


def _id_param(request: Request, name: str, *, required: bool) -> int | None:
    """A positive integer query parameter; ValueError when missing (if required) or malformed."""
    text = request.query_params.get(name, "").strip()
    if not text:
        if required:
            raise ValueError(name)
        return None
    if not text.isdigit() or len(text) > 12:
        raise ValueError(name)
    return int(text)


async def central_import_preview(request: Request) -> Response:
    if request.headers.get(UPLOAD_HEADER) != "1":
        return _refuse(BAD_REQUEST, 400)
    user = await run_in_threadpool(request_user, request)
    if user is None:
        return _refuse(LOGIN_FIRST, 401)
    try:
        indicator_id = _id_param(request, "indicator", required=True)
        round_id = _id_param(request, "round", required=True)
    except ValueError:
        return _refuse(BAD_REQUEST, 400)
    filename = unquote(request.headers.get("x-filename", "")).strip()[-200:]
    body = await read_limited(request, MAX_IMPORT_BYTES)
    if body is None:
        return _refuse(TOO_BIG, 413)
    try:
        preview = await run_in_threadpool(central_import.preview_import, user, indicator_id, round_id, filename, body)
    except ServiceError as error:
        return _refuse(error.message, error_status(error))
    message = (
        f"ตรวจสอบไฟล์แล้ว: จะเปลี่ยนแปลง {len(preview.changes):,} เขต ({preview.value_count:,} ค่า), "
        f"ไม่นำเข้า {len(preview.refused):,} แถว, ไม่เปลี่ยนแปลง {preview.unchanged:,} แถว"
    )
    return JSONResponse({**asdict(preview), "ok": True, "message": message}, headers=NO_STORE)


async def central_template(request: Request) -> Response:
    user = await run_in_threadpool(request_user, request)
    if user is None:
        return _text(LOGIN_FIRST, 401)
    try:
        indicator_id = _id_param(request, "indicator", required=True)
        round_id = _id_param(request, "round", required=False)
    except ValueError:
        return _text(BAD_REQUEST, 400)

    def build() -> tuple[str, bytes]:
        grid = central_grid.central_grid(user, indicator_id, round_id)
        return grid.indicator_code, central_grid.template_csv(user, indicator_id, grid.round_id)

    try:
        code, content = await run_in_threadpool(build)
    except ServiceError as error:
        return _text(error.message, error_status(error))
    disposition = content_disposition(f"ข้อมูลส่วนกลาง ตัวชี้วัด {code}.csv", fallback=f"central-{code}.csv")
    return Response(
        content, media_type="text/csv; charset=utf-8", headers={**NO_STORE, "Content-Disposition": disposition}
    )


routes: list[Route] = [
    Route(paths.CENTRAL_IMPORT, central_import_preview, methods=["POST"]),
    Route(paths.CENTRAL_TEMPLATE, central_template, methods=["GET"]),
]
