"""A plain HTML <form> that the browser submits itself (a real POST and page load).

Reflex's rx.form / rx.el.form always prevent the browser's submit and send an event over the
websocket instead. Logging in and out must be real HTTP requests so that the answer can set or
clear the HttpOnly session cookie (krs_app/api_session.py)."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.base import BaseHTML


class NativeForm(BaseHTML):
    """<form action=... method=...> with no Reflex submit handler."""

    tag = "form"

    action: rx.Var[str]
    method: rx.Var[str]


native_form = NativeForm.create
