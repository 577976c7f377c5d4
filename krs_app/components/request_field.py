"""The hidden input carrying a submit form's request id (state/submit.py, services/idempotency.py)."""

from __future__ import annotations

import reflex as rx

from krs_app.state.submit import REQUEST_FIELD


def request_field(value: rx.Var) -> rx.Component:
    return rx.el.input(type="hidden", name=REQUEST_FIELD, value=value)
