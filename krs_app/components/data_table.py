"""A list of a state's rows as a table under Thai column headers, in its own labelled scroll box
(the /admin tabs); and the pager under a paged list (ก่อนหน้า · หน้า n / m · ถัดไป)."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from krs_app.components.scroll_region import scroll_region


def data_table(
    headers: tuple[str, ...],
    rows,
    make_row: Callable[..., rx.Component],
    *,
    label: str,
    element_id: str | None = None,
) -> rx.Component:
    """`rows` (a list var), one `make_row(row)` each, under `headers`; `label` names the scroll box."""
    return scroll_region(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(rows, make_row)),
            size="1",
            min_width="720px",
            id=element_id,
        ),
        label=label,
    )


def pager(page, page_count, go_page: Callable, *after, **props) -> rx.Component:
    """Previous / "หน้า page / page_count" (then `after`) / next; `go_page(n)` is the state's event."""
    return rx.hstack(
        rx.button("ก่อนหน้า", size="1", variant="soft", disabled=page <= 1, on_click=go_page(page - 1)),
        rx.text("หน้า ", page, " / ", page_count, *after, size="2"),
        rx.button("ถัดไป", size="1", variant="soft", disabled=page >= page_count, on_click=go_page(page + 1)),
        spacing="2",
        align="center",
        **props,
    )
