"""แจ้งเตือน สพท. ที่ยังไม่รายงานผล: the reminder dialog of the bureau's review page — whom it will
reach before sending, and the reminders already sent on this indicator in this round."""

from __future__ import annotations

import reflex as rx

from krs_app import styles
from krs_app.components.dialog import dialog_content
from krs_app.components.request_field import request_field
from krs_app.services.reminders import SentReminder
from krs_app.state.review import ReviewState

DEFAULT_TEXT = "ขอให้รายงานผลการดำเนินงานตามตัวชี้วัดภายในกำหนด"


def _reach() -> rx.Component:
    return rx.callout(
        rx.cond(
            ReviewState.remind_count > 0,
            "จะส่งถึง สพท. ที่ยังไม่รายงานผล " + ReviewState.remind_count.to_string() + " เขตพื้นที่",
            "ทุกเขตพื้นที่รายงานผลแล้ว ไม่มี สพท. ที่ต้องแจ้งเตือน",
        ),
        icon="users",
        size="1",
        color_scheme=rx.cond(ReviewState.remind_count > 0, "blue", "gray"),
        id="remind-count",
        custom_attrs={"data-count": ReviewState.remind_count},
    )


def _sent_row(row: SentReminder) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row.sent_text),
        rx.el.td(row.sender),
        rx.el.td(row.districts.to_string() + " เขต", class_name="krs-num"),
        rx.el.td(rx.el.div(row.body, class_name="krs-message"), rx.el.div("ภายใน " + row.deadline_text)),
    )


def _sent_list() -> rx.Component:
    return rx.box(
        rx.text("แจ้งเตือนที่ส่งแล้วในรอบนี้", size="2", weight="bold"),
        rx.cond(
            ReviewState.reminders_sent.length() > 0,
            rx.box(
                rx.el.table(
                    rx.el.thead(rx.el.tr(rx.el.th("วันที่ส่ง"), rx.el.th("ผู้ส่ง"), rx.el.th("ส่งถึง"), rx.el.th("ข้อความ"))),
                    rx.el.tbody(rx.foreach(ReviewState.reminders_sent, _sent_row)),
                    class_name="krs-table",
                ),
                max_height="30vh",
                overflow_y="auto",
                tab_index=0,
                aria_label="แจ้งเตือนที่ส่งแล้ว",
            ),
            rx.text("ยังไม่เคยส่งแจ้งเตือนตัวชี้วัดนี้ในรอบนี้", size="1", color=styles.TEXT_MUTED),
        ),
        id="remind-history",
        width="100%",
        padding_top="1em",
    )


def remind_dialog() -> rx.Component:
    return rx.dialog.root(
        dialog_content(
            rx.dialog.title("แจ้งเตือน สพท. ที่ยังไม่รายงานผล"),
            rx.dialog.description("ตัวชี้วัด " + ReviewState.indicator_code + " · " + ReviewState.round_label, size="2"),
            rx.form(
                rx.vstack(
                    _reach(),
                    rx.el.label("ข้อความ", html_for="remind-message", style={"fontSize": "0.9rem"}),
                    rx.text_area(
                        name="remind_message", id="remind-message", rows="3", width="100%", default_value=DEFAULT_TEXT
                    ),
                    rx.el.label("ภายในวันที่", html_for="remind-deadline", style={"fontSize": "0.9rem"}),
                    rx.el.input(type="date", name="remind_deadline", id="remind-deadline", class_name="krs-select"),
                    rx.cond(
                        ReviewState.remind_error,
                        rx.text(
                            ReviewState.remind_error, color=styles.TEXT_ERROR, size="1", id="remind-error", role="alert"
                        ),
                    ),
                    request_field(ReviewState.remind_request_id),
                    rx.hstack(
                        rx.button("ส่งแจ้งเตือน", type="submit", id="remind-send", disabled=ReviewState.remind_count == 0),
                        rx.dialog.close(rx.button("ยกเลิก", type="button", variant="soft", color_scheme="gray")),
                        spacing="2",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=ReviewState.remind,
                reset_on_submit=False,
            ),
            _sent_list(),
            max_width="760px",
        ),
        open=ReviewState.remind_open,
        on_open_change=ReviewState.set_remind_open,
    )
