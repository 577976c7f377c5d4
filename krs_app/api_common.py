"""What every HTTP route beside the websocket shares (api.py, api_central.py): the user behind
the session cookie, the refusal bodies, and the one mapping of service errors to HTTP statuses.

A header every answer should carry belongs here too, so the routes stay as they are.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from krs_app.ops.logs import bind_user
from krs_app.routes import SESSION_COOKIE
from krs_app.services import auth
from krs_app.services.errors import NotAllowed, NotFound, ServiceError

UPLOAD_HEADER = "x-krs-upload"  # uploads carry X-KRS-Upload: 1 (a page's script sets it, a plain form cannot)
BAD_REQUEST = "คำขอไม่ถูกต้อง"
LOGIN_FIRST = "กรุณาเข้าสู่ระบบ"
PLAIN_TEXT = "text/plain; charset=utf-8"


def session_token(request: Request) -> str:
    """The session token of the request's (HttpOnly) session cookie, "" when there is none."""
    return request.cookies.get(SESSION_COOKIE) or ""


def request_user(request: Request) -> auth.CurrentUser | None:
    """The logged-in user behind the request's session cookie, or None: also while they must
    first change a one-time password (as on the pages: only /password until then; login and
    logout, api_session.py, do not ask for a user)."""
    user = auth.user_for_token(session_token(request))
    bind_user(user.id if user else None)
    return None if user is None or user.must_change_password else user


async def read_limited(request: Request, limit: int) -> bytes | None:
    """The request body read while streaming; None as soon as it (or its declared length) passes `limit`."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        if len(body) + len(chunk) > limit:
            return None
        body.extend(chunk)
    return bytes(body)


def refuse(message: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    """A refusal as JSON {"ok": false, "message": ...}, for the page's script to show."""
    return JSONResponse({"ok": False, "message": message}, status_code=status, headers=headers)


def plain_text(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    """A refusal as plain text, for a link the browser opens itself (downloads)."""
    return Response(message, status_code=status, media_type=PLAIN_TEXT, headers=headers)


def error_status(error: ServiceError, other: int = 422) -> int:
    """The HTTP status of a refused use-case: not allowed 403, not found 404, any other `other`."""
    if isinstance(error, NotAllowed):
        return 403
    if isinstance(error, NotFound):
        return 404
    return other
