"""HTTP routes beside Reflex's websocket: evidence upload and authenticated download (and,
from api_central.py and api_session.py, the central import and login/logout).

Mounted with App(api_transformer=...). Both read the session cookie and authorize
through the services, like every event handler does.
"""

from __future__ import annotations

import hashlib
from urllib.parse import unquote

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from krs_app import routes
from krs_app.api_admin import routes as admin_routes
from krs_app.api_central import routes as central_routes
from krs_app.api_common import (
    BAD_REQUEST,
    LOGIN_FIRST,
    UPLOAD_HEADER,
    error_status,
    plain_text,
    refuse,
    request_user,
)
from krs_app.api_report import routes as report_routes
from krs_app.api_session import routes as session_routes
from krs_app.db.engine import get_engine
from krs_app.http_security import content_disposition
from krs_app.ops.request_context import RequestLogContext
from krs_app.services import evidence as evidence_service
from krs_app.services import idempotency
from krs_app.services import tracking as tracking_service
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from krs_app.settings import get_settings


async def upload_evidence(request: Request) -> Response:
    """POST the raw file body; description and name in headers. The size limit is enforced while streaming."""
    if request.headers.get(UPLOAD_HEADER) != "1":
        return refuse(BAD_REQUEST, 400)
    user = request_user(request)
    if user is None:
        return refuse(LOGIN_FIRST, 401)
    limit = get_settings().upload_max_bytes
    declared = request.headers.get("content-length")
    too_big = f"ไฟล์มีขนาดเกิน {limit / (1024 * 1024):g} MB ที่ระบบรับได้"
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return refuse(too_big, 413)
    try:
        indicator_id = int(request.query_params.get("indicator", ""))
        round_id = int(request.query_params.get("round", "")) if request.query_params.get("round") else None
    except ValueError:
        return refuse(BAD_REQUEST, 400)
    description = unquote(request.headers.get("x-description", ""))
    name = unquote(request.headers.get("x-filename", ""))
    staged = evidence_service.new_staging_path()
    digest = hashlib.sha256()
    size = 0
    try:
        with open(staged, "wb") as handle:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise ServiceError(too_big)
                digest.update(chunk)
                handle.write(chunk)
        file_id = idempotency.once(
            user,
            request.headers.get("x-request-id"),
            "attach_evidence",
            lambda: evidence_service.attach_evidence(
                user, indicator_id, round_id, description, name, staged, size, digest.hexdigest()
            ),
        )
    except ServiceError as error:
        return refuse(error.message, error_status(error, other=413 if error.message == too_big else 422))
    finally:
        if staged.exists():
            staged.unlink()
    return JSONResponse({"ok": True, "id": file_id, "message": "แนบไฟล์เรียบร้อยแล้ว"})


async def download_evidence(request: Request) -> Response:
    try:
        file_id = int(request.path_params["file_id"])
        download = evidence_service.evidence_for_download(request_user(request), file_id)
    except (ValueError, NotFound, NotAllowed):
        return plain_text("ไม่พบไฟล์", 404)
    if not download.path.exists():
        return plain_text("ไม่พบไฟล์", 404)
    return FileResponse(
        download.path,
        media_type=download.content_type,
        headers={
            "Content-Disposition": content_disposition(
                download.file_name, fallback=f"evidence-{file_id}.{download.file_name.rsplit('.', 1)[-1]}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


async def tracking_download(request: Request) -> Response:
    """ติดตามการรับรองผล as CSV (UTF-8 with BOM, for Excel) or .xlsx: KPI office only."""
    user = request_user(request)
    if user is None or not user.is_kpi_office:
        return plain_text("ไม่มีสิทธิ์", 403)
    raw_round = request.query_params.get("round", "")
    round_id = int(raw_round) if raw_round.isdigit() else None
    kind = request.path_params["kind"]
    if kind not in ("csv", "xlsx"):
        return plain_text("ไม่พบ", 404)
    try:
        if kind == "xlsx":
            body = tracking_service.tracking_xlsx(user, round_id)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body = tracking_service.tracking_csv(user, round_id)
            media = "text/csv; charset=utf-8"
    except ServiceError as error:  # NotFound and NotAllowed too: the tracking files answer 404 either way
        return plain_text(error.message, 404)
    disposition = content_disposition(f"ติดตามการรับรองผล.{kind}", fallback=f"tracking.{kind}")
    return Response(
        body, media_type=media, headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"}
    )


async def healthz(_request: Request) -> Response:
    """The process is up (for a load balancer's liveness check)."""
    return JSONResponse({"ok": True}, headers={"Cache-Control": "no-store"})


def _database_answers() -> bool:
    with get_engine().connect() as connection:
        return connection.execute(text("SELECT 1")).scalar() == 1


def _redis_answers(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return bool(client.ping())
    finally:
        client.close()


async def readyz(_request: Request) -> Response:
    """Ready to serve: the database answers and, when configured, Redis too (503 otherwise)."""
    checks: dict[str, bool] = {}
    try:
        checks["database"] = await run_in_threadpool(_database_answers)
    except Exception:  # noqa: BLE001 — any failure means "not ready", never a 500
        checks["database"] = False
    redis_url = get_settings().redis_url
    if redis_url:
        try:
            checks["redis"] = await run_in_threadpool(_redis_answers, redis_url)
        except Exception:  # noqa: BLE001
            checks["redis"] = False
    ready = all(checks.values())
    return JSONResponse(
        {"ok": ready, **checks}, status_code=200 if ready else 503, headers={"Cache-Control": "no-store"}
    )


api = Starlette(
    routes=[
        Route(routes.EVIDENCE_UPLOAD, upload_evidence, methods=["POST"]),
        Route(routes.EVIDENCE_DOWNLOAD, download_evidence, methods=["GET"]),
        Route(routes.TRACKING_DOWNLOAD, tracking_download, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        *central_routes,
        *admin_routes,
        *session_routes,
        *report_routes,
    ],
    middleware=[Middleware(RequestLogContext)],  # a log id per request (krs_app.ops.logs)
)
