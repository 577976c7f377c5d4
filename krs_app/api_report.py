"""Report downloads: the page's view as .xlsx or PDF, and a district's one-page profile PDF.

Authorized like the page, from the session cookie: no session, a role that cannot see the
report, or another office's profile all get the same 404. The query holds the page's filters
(round, level, province, bureau, sort, desc); the services validate them. Files are built in
a worker thread and streamed from where they were built (a temporary file for the .xlsx, the
PDF's own buffer) without a second copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from krs_app import routes as paths
from krs_app.api_common import plain_text, request_user
from krs_app.services.clock import utcnow
from krs_app.services.errors import ServiceError
from krs_app.services.report_pdf import profile_pdf, report_pdf
from krs_app.services.report_profile import district_profile
from krs_app.services.report_view import ReportFilters, report_view
from krs_app.services.report_xlsx import report_xlsx_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024


def _not_found() -> Response:
    return plain_text("ไม่พบ", 404)


def _int_or_none(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None


def filters_from_query(request: Request) -> tuple[int | None, ReportFilters]:
    q = request.query_params
    return _int_or_none(q.get("round")), ReportFilters(
        level=q.get("level", "")[:20],
        province=q.get("province", "")[:80],
        bureau_id=_int_or_none(q.get("bureau")),
        sort=q.get("sort", "rank")[:20] or "rank",
        descending=q.get("desc") == "1",
    )


def _headers(file_name: str) -> dict[str, str]:
    return {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(file_name)}",
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }


def _file_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := handle.read(CHUNK):
            yield chunk
    finally:
        handle.close()


def _buffer_chunks(buffer: bytearray) -> Iterator[bytes]:
    view = memoryview(buffer)
    for start in range(0, len(view), CHUNK):
        yield bytes(view[start : start + CHUNK])


async def report_download(request: Request) -> Response:
    user = request_user(request)
    kind = request.path_params["kind"]
    if user is None or kind not in ("xlsx", "pdf"):
        return _not_found()
    round_id, filters = filters_from_query(request)
    try:
        view = await run_in_threadpool(report_view, user, round_id, filters)
        now = utcnow()
        if kind == "xlsx":
            handle = await run_in_threadpool(report_xlsx_file, view, now)
            return StreamingResponse(_file_chunks(handle), media_type=XLSX, headers=_headers("รายงานผล.xlsx"))
        pdf = await run_in_threadpool(report_pdf, view, now, user.office_name)
    except ServiceError:
        return _not_found()
    return StreamingResponse(_buffer_chunks(pdf), media_type="application/pdf", headers=_headers("รายงานผล.pdf"))


async def profile_download(request: Request) -> Response:
    user = request_user(request)
    if user is None:
        return _not_found()
    try:
        profile = await run_in_threadpool(district_profile, user, request.path_params["code"])
        pdf = await run_in_threadpool(profile_pdf, profile, utcnow())
    except ServiceError:
        return _not_found()
    return StreamingResponse(
        _buffer_chunks(pdf), media_type="application/pdf", headers=_headers(f"ข้อมูลรายเขต-{profile.code}.pdf")
    )


routes = [
    Route(paths.REPORT_DOWNLOAD, report_download, methods=["GET"]),
    Route(paths.REPORT_PROFILE_PDF, profile_download, methods=["GET"]),
]
