"""The request id each submit form carries (services/idempotency.py makes a repeat harmless).

A state renders `request_id` into its form (a hidden input, or the argument of the confirming
click); the id is fixed while the form is shown, so a doubled click sends the same id twice,
and a new one is drawn once the answer is shown (the next submit is a new request).
"""

from __future__ import annotations

import secrets

REQUEST_FIELD = "request_id"


def new_request_id() -> str:
    return secrets.token_urlsafe(16)


def form_request_id(form_data: object) -> object:
    return form_data.get(REQUEST_FIELD) if isinstance(form_data, dict) else None
