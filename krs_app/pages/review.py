"""The bureau's review page (ตรวจสอบและรับรองผล)."""

from __future__ import annotations

import reflex as rx

from krs_app.components.comment_thread import comment_modal
from krs_app.components.evidence_modal import evidence_modal
from krs_app.components.layout import page_shell
from krs_app.components.summary_table import summary_table
from krs_app.services.threads import NewFromDistrict
from krs_app.state.panel import PanelState
from krs_app.state.review import ReviewState


def _new_item(item: NewFromDistrict) -> rx.Component:
    code_id = item.indicator_code.replace(".", "_")
    title = item.indicator_code + " — " + item.district_name
    return rx.el.tr(
        rx.el.td(item.indicator_code),
        rx.el.td(item.district_name),
        rx.el.td(
            rx.hstack(
                rx.badge(
                    rx.icon("bell-ring", size=12), "มีข้อมูลใหม่", color_scheme="orange", variant="solid",
                    id="new-badge-" + item.district_code + "-" + code_id,
                    class_name="krs-badge-new",
                    on_click=PanelState.open_badge(item.indicator_id, item.district_id, "", title),
                ),
                rx.icon_button(
                    rx.icon("paperclip", size=14), size="1",
                    id="review-evidence-" + item.district_code + "-" + code_id,
                    on_click=PanelState.open_evidence(item.indicator_id, item.district_id, "", title),
                ),
                rx.icon_button(
                    rx.icon("message-square-share", size=14), size="1",
                    id="review-comments-" + item.district_code + "-" + code_id,
                    on_click=PanelState.open_comments(item.indicator_id, item.district_id, "", title),
                ),
                spacing="2",
            )
        ),
    )


def review_page() -> rx.Component:
    return page_shell(
        rx.heading("ตรวจสอบและรับรองผล — " + ReviewState.round_label, size="5", padding_y="0.75em"),
        rx.box(
            rx.text("มีข้อมูลใหม่จาก สพท.", weight="bold", size="3"),
            rx.cond(
                ReviewState.new_items.length() > 0,
                rx.el.table(
                    rx.el.thead(rx.el.tr(rx.el.th("ตัวชี้วัด"), rx.el.th("สพท."), rx.el.th(""))),
                    rx.el.tbody(rx.foreach(ReviewState.new_items, _new_item)),
                    class_name="krs-table",
                ),
                rx.text("ไม่มีข้อมูลใหม่", size="2", color="#6b7280"),
            ),
            id="new-from-districts",
            background="white",
            padding="1em",
            border_radius="8px",
            margin_bottom="1em",
        ),
        summary_table(ReviewState.summaries),
        evidence_modal(),
        comment_modal(),
    )
