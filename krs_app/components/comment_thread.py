"""ความคิดเห็น / ข้อเสนอแนะ: the thread table and the box to send a message."""

from __future__ import annotations

import reflex as rx

from krs_app import styles
from krs_app.components.dialog import dialog_content
from krs_app.components.request_field import request_field
from krs_app.services.threads import MAX_MESSAGE_LENGTH, MessageRow
from krs_app.state.panel import PanelState


def _message_row(row: MessageRow) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.div(row.body, class_name="krs-message")),
        rx.el.td(row.round_label, custom_attrs={"data-label": "รอบ"}),
        rx.el.td(row.sent_text, custom_attrs={"data-label": "วันที่ส่ง"}),
        rx.el.td(
            rx.el.div(row.sender_office),
            rx.el.div(row.sender_name, style={"color": styles.TEXT_MUTED, "fontSize": "0.85em"}),
            custom_attrs={"data-label": "ผู้ส่ง"},
        ),
        rx.el.td(row.opened_text, custom_attrs={"data-label": "วันที่เปิดอ่าน"}),
        class_name=rx.cond(row.mine, "message-mine", "message-theirs"),
        id="message-" + row.id.to_string(),
    )


def comment_list() -> rx.Component:
    return rx.box(
        rx.text("ความคิดเห็น / ข้อเสนอแนะ", weight="bold", size="3"),
        rx.el.table(
            rx.el.thead(
                rx.el.tr(
                    rx.el.th("ข้อความ"), rx.el.th("รอบ"), rx.el.th("วันที่ส่ง"), rx.el.th("ผู้ส่งข้อความ"), rx.el.th("วันที่เปิดอ่าน")
                )
            ),
            rx.el.tbody(rx.foreach(PanelState.messages, _message_row)),
            class_name="krs-table krs-stack",
        ),
        id="comment-list",
        tab_index=0,  # it scrolls on its own: reachable from the keyboard, and named
        role="region",
        aria_label="ความคิดเห็น / ข้อเสนอแนะ",
        width="100%",
        max_height="50vh",
        overflow_y="auto",
    )


CLOSED_TEXT = "รอบการรายงานนี้ปิดแล้ว ส่งความคิดเห็นไม่ได้"


def comment_form() -> rx.Component:
    """The box to send a message; in a closed round only a note that the round is closed."""
    return rx.cond(
        PanelState.round_open,
        _open_comment_form(),
        rx.text(CLOSED_TEXT, size="2", color=styles.TEXT_MUTED, id="comment-closed"),
    )


def _counter() -> rx.Component:
    """ "123 / 2,000 ตัวอักษร" under the box; red, with how much to cut, over the limit."""
    over = PanelState.comment_length > MAX_MESSAGE_LENGTH
    return rx.text(
        PanelState.comment_length_text
        + f" / {MAX_MESSAGE_LENGTH:,} ตัวอักษร"
        + rx.cond(
            over,
            " · เกินกำหนด กรุณาตัดให้สั้นลงก่อนส่ง",
            "",
        ),
        size="1",
        color=rx.cond(over, styles.TEXT_ERROR, styles.TEXT_MUTED),
        id="comment-count",
        custom_attrs={"data-length": PanelState.comment_length},
        align="right",
        width="100%",
    )


def _open_comment_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label("ความคิดเห็น", html_for="comment-input", class_name="krs-label"),
            # No max_length: the browser would cut a longer text silently; the counter shows the
            # length and the server refuses a text over the limit whole, with a message here.
            rx.text_area(
                id="comment-input",
                name="comment",
                rows="3",
                width="100%",
                on_change=PanelState.count_comment,  # in order with the send (a debounced count could land after it)
                custom_attrs={"aria-describedby": "comment-count"},
            ),
            _counter(),
            rx.cond(
                PanelState.comment_error,
                rx.text(PanelState.comment_error, color=styles.TEXT_ERROR, size="1", id="comment-error", role="alert"),
            ),
            request_field(PanelState.request_id),
            rx.button("ส่งความคิดเห็น", id="comment-send", type="submit", loading=PanelState.comment_busy),
            width="100%",
            spacing="2",
        ),
        on_submit=PanelState.send_comment,
        reset_on_submit=False,
        width="100%",
    )


def comment_modal() -> rx.Component:
    return rx.dialog.root(
        dialog_content(
            rx.dialog.title("การติดต่อสื่อสาร"),
            rx.dialog.description(PanelState.title, size="2"),
            rx.vstack(
                comment_list(),
                comment_form(),
                rx.dialog.close(rx.button("ปิด", variant="soft", color_scheme="gray", id="comments-close")),
                spacing="3",
                width="100%",
            ),
            max_width="900px",
        ),
        open=PanelState.comments_open,
        on_open_change=PanelState.set_comments_open,
    )
