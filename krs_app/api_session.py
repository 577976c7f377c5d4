"""Logging in and out over plain HTTP, so the session cookie can be HttpOnly.

The login form posts natively to POST /api/login (no script involved); the answer sets
`krs_session` HttpOnly, SameSite=Lax (and Secure when the app is served over https) and
sends the browser to its home page. The full page load opens a new websocket whose
handshake carries the cookie; the server reads the token from there
(state.session.SessionState._session_token) — no script on the page can read it.

POST /api/logout ends the session in the database, clears the cookie and goes to /login.
(Both answer with a redirect to "/", which sends the browser on; see _to_index.)

A refused login goes back to /login with a short-lived, signed flash cookie holding the Thai
message and the username typed, which the login page shows where they were entered.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from krs_app import routes as paths
from krs_app.api_common import BAD_REQUEST, plain_text, session_token
from krs_app.services import auth
from krs_app.services.errors import ServiceError
from krs_app.services.login_gate import login_gate
from krs_app.settings import get_settings

SESSION_MAX_AGE = 60 * 60 * 24 * 7  # the browser may keep it a week; the server ends idle sessions sooner
FLASH_COOKIE = "krs_login_flash"
FLASH_MAX_AGE = 30
MAX_FORM_BYTES = 4096


def _secure() -> bool:
    return os.environ.get("KRS_API_URL", "").lower().startswith("https://")


def _set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        paths.SESSION_COOKIE,
        token,
        max_age=SESSION_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(),
    )


def _clear(response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=_secure())


def _sign(data: bytes) -> str:
    return hmac.new(get_settings().secret.encode(), b"login-flash:" + data, hashlib.sha256).hexdigest()[:32]


def encode_flash(message: str, username: str) -> str:
    fields = {"m": message[:300], "u": username[:100], "i": secrets.token_hex(8)}
    data = json.dumps(fields, ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=") + "." + _sign(data)


def decode_flash(value: str) -> tuple[str, str, str]:
    """(message, username, id) of a flash cookie this server signed, else ("", "", "").
    The id lets the login page show each refusal once (a reload does not show it again)."""
    try:
        encoded, signature = value.rsplit(".", 1)
        data = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if not hmac.compare_digest(signature, _sign(data)):
            return "", "", ""
        fields = json.loads(data)
        return str(fields.get("m", ""))[:300], str(fields.get("u", ""))[:100], str(fields.get("i", ""))[:32]
    except (ValueError, TypeError, AttributeError):
        return "", "", ""


def _same_origin(request: Request) -> bool:
    """A form posted from another site (login CSRF, forced logout) carries its Origin: refuse it."""
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not sent by a browser for a same-origin form on some versions; SameSite covers the rest
    host = request.headers.get("host", "")
    parts = urlsplit(origin)
    return bool(parts.scheme in ("http", "https") and parts.netloc and parts.netloc == host)


def client_address(request: Request) -> str:
    """The client's address, through as many reverse proxies as Reflex is told to trust."""
    from reflex.config import get_config

    address = request.client.host if request.client else ""
    hops = get_config().trusted_proxy_hops
    if hops:
        forwarded = [ip.strip() for ip in request.headers.get("x-forwarded-for", "").split(",") if ip.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return address


def _to_index() -> RedirectResponse:
    """Every answer sends the browser to "/": a full page load whose new websocket carries the
    cookies just set, and the index page sends each role on to its home (or to /login) by
    client-side routing, so page URLs stay as they are (/entry, not the static server's /entry/)."""
    return RedirectResponse(paths.HOME, status_code=303)


def _back_to_login(message: str, username: str) -> Response:
    response = _to_index()
    response.set_cookie(
        FLASH_COOKIE,
        encode_flash(message, username),
        max_age=FLASH_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(),
    )
    return response


async def login(request: Request) -> Response:
    if not _same_origin(request):
        return plain_text(BAD_REQUEST, 403)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        return plain_text(BAD_REQUEST, 413)
    try:
        form = await request.form(max_files=0, max_fields=10)
        username = str(form.get("username") or "")[:100]
        password = str(form.get("password") or "")[:1000]
    except Exception:  # noqa: BLE001 - any unreadable body is a bad request
        return plain_text(BAD_REQUEST, 400)
    try:
        token, _user = await login_gate().login(client_address(request), username, password)
    except ServiceError as error:
        return _back_to_login(error.message, username)
    response = _to_index()
    _set_session_cookie(response, token)
    _clear(response, FLASH_COOKIE)
    return response


async def logout(request: Request) -> Response:
    if not _same_origin(request):
        return plain_text(BAD_REQUEST, 403)
    # auth.logout forgets the session in services.session_cache after its commit (in every
    # process), so the next event of any tab holding this token finds nobody behind it.
    await run_in_threadpool(auth.logout, session_token(request))
    response = _to_index()
    _clear(response, paths.SESSION_COOKIE)
    return response


routes: list[Route] = [
    Route(paths.API_LOGIN, login, methods=["POST"]),
    Route(paths.API_LOGOUT, logout, methods=["POST"]),
]
