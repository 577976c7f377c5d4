"""The district's summary at the top of บันทึกข้อมูล (id entry-summary): new messages, refusals with
their correction deadlines, values still to enter — each a jump to its row (and to the control
to use there: the new-data badge, the resubmit button, the first empty cell)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from krs_app import styles
from krs_app.components.row_slots import row_slot
from krs_app.services.entry_summary import LABELS
from krs_app.services.views import AttentionItem
from krs_app.state.entry import EntryState


def _jump(item: AttentionItem) -> EventSpec:
    """Scroll the row into view and move the keyboard focus to what to use there (ids are
    id characters only: services.entry_summary)."""
    return rx.call_script(
        "(() => { const row = document.getElementById('"
        + item.row_id
        + "'); if (!row) return; row.scrollIntoView({block: 'center'}); const target = document.getElementById('"
        + item.focus_id
        + "') || row; if (!target.hasAttribute('tabindex') && !target.matches('input, button, a, textarea, select'))"
        " target.setAttribute('tabindex', '-1'); target.focus({preventScroll: true}); })()"
    )


def _item(item: AttentionItem) -> rx.Component:
    return rx.el.li(
        rx.badge(
            item.label,
            color_scheme=rx.match(item.kind, ("message", "orange"), ("refused", "red"), "amber"),
            variant="soft",
            size="1",
        ),
        rx.el.button(
            "ตัวชี้วัด " + item.code,
            on_click=_jump(item),
            class_name="krs-link",
            id="summary-" + item.kind + "-" + item.row_id,
            title="ไปที่ตัวชี้วัดนี้",
        ),
        rx.text(item.text, as_="span", size="2", color=styles.TEXT_LABEL),
        class_name="krs-summary-item",
        style={"display": "flex", "gap": "0.5em", "alignItems": "baseline", "flexWrap": "wrap", "padding": "0.2em 0"},
    )


def _items_of_kind(kind: str) -> rx.Component:
    """This kind's lines, row by row in page order (each row's lines are in its slot)."""
    return rx.foreach(
        EntryState.catalogue,
        lambda _text, position: rx.foreach(
            row_slot(position).attention, lambda item: rx.cond(item.kind == kind, _item(item))
        ),
    )


def entry_summary_box() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.cond(
                EntryState.attention_count > 0,
                rx.icon("list-todo", size=16, color=styles.TEXT_WARNING),
                rx.icon("circle-check", size=16, color=styles.TEXT_SUCCESS),
            ),
            rx.text(EntryState.summary_headline, weight="bold", size="2", id="entry-summary-headline"),
            align="center",
            spacing="2",
        ),
        rx.cond(
            EntryState.attention_count > 0,
            rx.el.ul(
                *[_items_of_kind(kind) for kind in LABELS],  # messages, then refusals, then values to enter
                style={
                    "listStyle": "none",
                    "margin": "0.4em 0 0",
                    "padding": 0,
                    "maxHeight": "14em",
                    "overflowY": "auto",
                },
                tab_index=0,
                aria_label="รายการที่ต้องดำเนินการ",
            ),
        ),
        id="entry-summary",
        role="region",
        aria_label="สรุปสิ่งที่ต้องดำเนินการ",
        background="white",
        border="1px solid #e5e7eb",
        border_radius="8px",
        padding="0.6em 0.8em",
        margin_bottom="0.5em",
        width="100%",
    )
