"""Tokens a page holds and hands back (an import preview's changes): the payload as JSON,
signed with the app's secret for one purpose, and valid for a limited time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from krs_app.services.clock import utcnow
from krs_app.settings import get_settings

MAX_TOKEN_LENGTH = 4_000_000


def _sign(purpose: bytes, payload: bytes) -> str:
    secret = get_settings().secret.encode()
    return hmac.new(secret, purpose + payload, hashlib.sha256).hexdigest()


def make_token(purpose: bytes, payload: dict) -> str:
    """The signed token; `payload["at"]` is the ISO time it was issued."""
    raw = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
    return f"{raw}.{_sign(purpose, raw.encode())}"


def read_token(purpose: bytes, token: object, lifetime: timedelta) -> dict | None:
    """The payload of a token made for this purpose and issued less than `lifetime` ago;
    None for anything else (forged, altered, malformed or expired)."""
    if not isinstance(token, str) or "." not in token or len(token) > MAX_TOKEN_LENGTH:
        return None
    raw, signature = token.rsplit(".", 1)
    if not hmac.compare_digest(_sign(purpose, raw.encode()), signature):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(raw.encode()))
        issued = datetime.fromisoformat(payload["at"])
    except (ValueError, KeyError, TypeError):
        return None
    if utcnow() - issued > lifetime:
        return None
    return payload
