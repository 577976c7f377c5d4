"""HTTP hardening around the whole app: every page, every /api/* route, the built frontend.

`secure_headers` wraps the ASGI app Reflex builds (App(api_transformer=[api, secure_headers]))
— it sits outside the frontend mount (`krs run` serves the built pages and the backend on one
port), so its headers reach pages, static files and API answers alike:

- Content-Security-Policy: only the app's own origin. Scripts: the app's files, plus the
  inline scripts of the page being served, allowed one by one by their SHA-256 (computed from
  the HTML actually sent, so an injected script never matches). 'unsafe-eval' stays because
  Reflex's event loop (.web/utils/state.js) evaluates rx.call_script code and every event
  callback with eval(); no 'unsafe-inline' for scripts. Styles need 'unsafe-inline' (Emotion
  and Radix write <style> tags and style attributes at run time). connect-src names the
  websocket (ws:// or wss://) of the own origin. frame-ancestors 'none'.
- A 304 Not Modified (a browser revalidating a cached page) carries no policy: the browser
  merges a 304's headers into the cached page's, and the cached one holds that page's hashes.
- X-Frame-Options DENY, X-Content-Type-Options nosniff, Referrer-Policy same-origin.
- A request body limit on every route: the evidence upload KRS_UPLOAD_MAX_MB + a margin, the
  central import its own limit + a margin, everything else BODY_LIMIT_BYTES; checked on the
  declared length and again while the body streams (413 with a Thai message).

CORS is Reflex's own middleware, given only the own origin (rxconfig.py, settings.own_origins).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from krs_app import routes
from krs_app.settings import get_settings, own_origins

BODY_LIMIT_BYTES = 64 * 1024
UPLOAD_MARGIN_BYTES = 64 * 1024
TOO_LARGE = "ข้อมูลที่ส่งมามีขนาดเกินที่ระบบรับได้"
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.S | re.I)
_REPLACED = {b"content-security-policy", b"x-frame-options", b"x-content-type-options", b"referrer-policy"}

Scope = dict
Message = dict
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def _websocket_origins() -> list[str]:
    return [re.sub(r"^http", "ws", origin) for origin in own_origins()]


def content_security_policy(script_hashes: list[str] | tuple[str, ...] = ()) -> str:
    scripts = " ".join(["'self'", "'unsafe-eval'", *(f"'sha256-{h}'" for h in script_hashes)])
    connect = " ".join(["'self'", *own_origins(), *_websocket_origins()])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def inline_script_hashes(html: bytes) -> list[str]:
    """Base64 SHA-256 of each inline <script> body of a page, as CSP hash sources."""
    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        digest = base64.b64encode(hashlib.sha256(match.group(1)).digest()).decode()
        if digest not in hashes:
            hashes.append(digest)
    return hashes


def content_disposition(file_name: str, fallback: str = "download") -> str:
    """`attachment` with an ASCII filename and the real name as an RFC 5987 filename*.

    The ASCII name is the real one when it is plain ASCII, else `fallback`; every byte of the
    real name outside RFC 5987's attr-char is percent-encoded (quotes, ';', '/', CR/LF never
    reach the header as they are).
    """
    plain = re.fullmatch(r"[A-Za-z0-9._ -]+", file_name) is not None
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", file_name if plain else fallback).strip("._")
    if not re.search(r"[A-Za-z0-9]", ascii_name):
        ascii_name = "download"
    encoded = quote(file_name, safe="!#$&+^`|~-._")  # RFC 5987 attr-char minus ALPHA/DIGIT
    return f"attachment; filename=\"{ascii_name[:150]}\"; filename*=UTF-8''{encoded}"


def body_limit(path: str) -> int:
    if path == routes.EVIDENCE_UPLOAD:
        return get_settings().upload_max_bytes + UPLOAD_MARGIN_BYTES
    if path == routes.CENTRAL_IMPORT:
        from krs_app.api_central import MAX_IMPORT_BYTES

        return MAX_IMPORT_BYTES + UPLOAD_MARGIN_BYTES
    return BODY_LIMIT_BYTES


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value
    return None


def _with_security_headers(headers: list, script_hashes: list[str], *, policy: bool = True) -> list:
    kept = [(k, v) for k, v in headers if k.lower() not in _REPLACED]
    csp = [(b"content-security-policy", content_security_policy(script_hashes).encode())] if policy else []
    return [
        *kept,
        *csp,
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]


async def _send_too_large(send: Send) -> None:
    body = json.dumps({"ok": False, "message": TOO_LARGE}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": _with_security_headers(headers, [])})
    await send({"type": "http.response.body", "body": body})


def _is_html(headers: list) -> bool:
    return any(k.lower() == b"content-type" and v.lower().startswith(b"text/html") for k, v in headers)


def _encoding(headers: list) -> bytes:
    for k, v in headers:
        if k.lower() == b"content-encoding":
            return v.strip().lower()
    return b""


def secure_headers(app):
    """The ASGI middleware (an api_transformer): headers on every answer, a body limit on every request."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        limit = body_limit(scope.get("path", ""))
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _send_too_large(send)
            return
        received = 0
        overflow = False
        started = False
        held_start: Message | None = None
        held_body: list[bytes] = []

        async def limited_receive() -> Message:
            nonlocal received, overflow
            if overflow:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    overflow = True
                    return {"type": "http.disconnect"}
            return message

        async def secured_send(message: Message) -> None:
            nonlocal started, held_start
            if overflow and not started:
                return  # the answer is the 413 sent below
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                if _is_html(headers):
                    held_start = {**message, "headers": headers}  # hashes need the whole page
                    return
                started = True
                # A 304 has no page to hash; the browser merges its headers into the cached
                # page's, so a policy here (with no hashes) would block that page's inline scripts.
                fresh = message.get("status") != 304
                await send({**message, "headers": _with_security_headers(headers, [], policy=fresh)})
                return
            if message["type"] == "http.response.body" and held_start is not None:
                held_body.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(held_body)
                page = body
                if _encoding(held_start["headers"]) == b"gzip":
                    try:
                        page = gzip.decompress(body)
                    except (OSError, EOFError):
                        page = b""
                start, held_start = held_start, None
                started = True
                await send({**start, "headers": _with_security_headers(start["headers"], inline_script_hashes(page))})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        try:
            await app(scope, limited_receive, secured_send)
        except Exception:
            if not overflow:
                raise
        if overflow and not started:
            await _send_too_large(send)

    return middleware
