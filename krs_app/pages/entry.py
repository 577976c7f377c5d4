"""บันทึกข้อมูล: the district's data-entry page."""

from __future__ import annotations

import reflex as rx

from krs_app import routes, styles
from krs_app.components.comment_thread import comment_modal
from krs_app.components.entry_summary import entry_summary_box
from krs_app.components.evidence_modal import evidence_modal
from krs_app.components.indicator_row import indicator_row
from krs_app.components.round_select import round_select
from krs_app.components.row_slots import row_slot
from krs_app.pages.page import page
from krs_app.state.entry import EntryState


def _round_bar() -> rx.Component:
    return rx.flex(
        rx.hstack(
            rx.heading("บันทึกข้อมูล", size="5"),
            round_select(EntryState.rounds, EntryState.round_id, EntryState.change_round),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.hstack(
            rx.vstack(
                rx.text("กำหนดส่งข้อมูล " + EntryState.deadline_text, size="2", color=styles.TEXT_LABEL),
                rx.text(
                    EntryState.countdown_text,
                    size="2",
                    weight="bold",
                    color=styles.TEXT_WARNING,
                    id="deadline-countdown",
                ),
                spacing="0",
                align="end",
            ),
            rx.vstack(
                rx.text("คะแนนเฉลี่ยถ่วงน้ำหนัก (ประเมินตนเอง)", size="1", color=styles.TEXT_LABEL),
                rx.text(
                    EntryState.overall_text,
                    id="overall-score",
                    size="6",
                    weight="bold",
                    color=styles.BRAND_BLUE,
                    class_name="krs-num",
                ),
                spacing="0",
                align="end",
            ),
            spacing="5",
            align="center",
        ),
        justify="between",
        align="center",
        wrap="wrap",
        spacing="3",
        padding_y="0.75em",
    )


@page(routes.ENTRY, "บันทึกข้อมูล", on_load=EntryState.load)
def entry_page() -> rx.Component:
    return rx.fragment(
        _round_bar(),
        rx.cond(EntryState.notice, rx.callout(EntryState.notice, icon="info", size="1")),
        rx.cond(
            EntryState.round_closed,
            rx.callout("รอบการรายงานนี้ปิดแล้ว ดูข้อมูลได้อย่างเดียว", icon="lock", color_scheme="gray", size="1"),
        ),
        entry_summary_box(),
        # whose typing the tab keeps until it is saved (assets/krs.js)
        rx.el.div(
            id="entry-drafts",
            hidden=True,
            custom_attrs={"data-user": EntryState.draft_user, "data-round": EntryState.round_id},
        ),
        rx.box(
            rx.foreach(EntryState.catalogue, lambda text, position: indicator_row(text, row_slot(position))),
            id="indicator-list",
        ),
        evidence_modal(),
        comment_modal(),
    )
