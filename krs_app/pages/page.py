"""The one way to declare a page: `@page(route, title, on_load)` over a function that returns
the page's body. It gives the page its frame (components/layout.page_shell: header, office,
user, logout) and records it; krs_app.py adds every recorded page to the app with add_pages(app).

In the spirit of the Reflex dashboard template's template(route, title, on_load).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx

from krs_app.components.layout import page_shell

APP_TITLE = "KRS System"


@dataclass(frozen=True)
class DeclaredPage:
    route: str
    title: str
    render: Callable[[], rx.Component]
    on_load: object = None  # an event handler of the page's state


PAGES: list[DeclaredPage] = []


def page(
    route: str,
    title: str | None = None,
    on_load=None,
    *,
    layout: Callable[..., rx.Component] | None = page_shell,
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Declare the page at `route`: the browser tab shows "title | KRS System" (only "KRS System"
    without a title), `on_load` runs on every visit, and the body goes into `layout`
    (None: the body is the whole page, as on the login page)."""

    def declare(body: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def render() -> rx.Component:
            return body() if layout is None else layout(body())

        render.__name__ = body.__name__
        render.__doc__ = body.__doc__
        full_title = f"{title} | {APP_TITLE}" if title else APP_TITLE
        PAGES.append(DeclaredPage(route=route, title=full_title, render=render, on_load=on_load))
        return render

    return declare


def add_pages(app: rx.App) -> None:
    """Add every declared page to the app (the page modules must have been imported)."""
    for declared in PAGES:
        app.add_page(declared.render, route=declared.route, title=declared.title, on_load=declared.on_load)
