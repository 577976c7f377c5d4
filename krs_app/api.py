"""HTTP routes beside Reflex's websocket: evidence upload and authenticated download.

Mounted with App(api_transformer=...). Both read the session cookie and authorize
through the services, like every event handler does.
"""

from __future__ import annotations

import hashlib
from urllib.parse import unquote

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from krs_app.api_central import routes as central_routes
from krs_app.db.engine import get_engine
from krs_app.http_security import content_disposition
from krs_app.routes import SESSION_COOKIE
from krs_app.services import auth
from krs_app.services import evidence as evidence_service
from krs_app.services import tracking as tracking_service
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from krs_app.settings import get_settings

UPLOAD_HEADER = "x-krs-upload"


def _user(request: Request):
    return auth.user_for_token(request.cookies.get(SESSION_COOKIE))


def _refuse(message: str, status: int) -> JSONResponse:
    return JSONResponse({"ok": False, "message": message}, status_code=status)


async def upload_evidence(request: Request) -> Response:
    """POST the raw file body; description and name in headers. The size limit is enforced while streaming."""
    if request.headers.get(UPLOAD_HEADER) != "1":
        return _refuse("คำขอไม่ถูกต้อง", 400)
    user = _user(request)
    if user is None:
        return _refuse("กรุณาเข้าสู่ระบบ", 401)
    limit = get_settings().upload_max_bytes
    declared = request.headers.get("content-length")
    too_big = f"ไฟล์มีขนาดเกิน {limit / (1024 * 1024):g} MB ที่ระบบรับได้"
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return _refuse(too_big, 413)
    try:
        indicator_id = int(request.query_params.get("indicator", ""))
        round_id = int(request.query_params.get("round", "")) if request.query_params.get("round") else None
    except ValueError:
        return _refuse("คำขอไม่ถูกต้อง", 400)
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
        file_id = evidence_service.attach_evidence(
            user, indicator_id, round_id, description, name, staged, size, digest.hexdigest()
        )
    except NotAllowed as error:
        return _refuse(error.message, 403)
    except NotFound as error:
        return _refuse(error.message, 404)
    except ServiceError as error:
        return _refuse(error.message, 413 if error.message == too_big else 422)
    finally:
        if staged.exists():
            staged.unlink()
    return JSONResponse({"ok": True, "id": file_id, "message": "แนบไฟล์เรียบร้อยแล้ว"})


async def download_evidence(request: Request) -> Response:
    try:
        file_id = int(request.path_params["file_id"])
        download = evidence_service.evidence_for_download(_user(request), file_id)
    except (ValueError, NotFound, NotAllowed):
        return Response("ไม่พบไฟล์", status_code=404, media_type="text/plain; charset=utf-8")
    if not download.path.exists():
        return Response("ไม่พบไฟล์", status_code=404, media_type="text/plain; charset=utf-8")
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
    user = _user(request)
    if user is None or not user.is_kpi_office:
        return Response("ไม่มีสิทธิ์", status_code=403, media_type="text/plain; charset=utf-8")
    raw_round = request.query_params.get("round", "")
    round_id = int(raw_round) if raw_round.isdigit() else None
    kind = request.path_params["kind"]
    if kind not in ("csv", "xlsx"):
        return Response("ไม่พบ", status_code=404, media_type="text/plain; charset=utf-8")
    try:
        if kind == "xlsx":
            body = tracking_service.tracking_xlsx(user, round_id)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body = tracking_service.tracking_csv(user, round_id)
            media = "text/csv; charset=utf-8"
    except (NotFound, NotAllowed, ServiceError) as error:
        return Response(error.message, status_code=404, media_type="text/plain; charset=utf-8")
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
        Route("/api/evidence", upload_evidence, methods=["POST"]),
        Route("/api/evidence/{file_id}", download_evidence, methods=["GET"]),
        Route("/api/tracking.{kind:str}", tracking_download, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        *central_routes,
    ]
)
