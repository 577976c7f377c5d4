"""The root page: a spinner while SessionState.go_home sends the user to their role's page."""

from __future__ import annotations

import reflex as rx

from krs_app import routes
from krs_app.pages.page import page
from krs_app.state.session import SessionState


@page(routes.HOME, on_load=SessionState.go_home, layout=None)
def home_page() -> rx.Component:
    return rx.center(rx.spinner(), min_height="100vh")
