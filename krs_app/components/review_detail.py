"""One district's result opened by the bureau: values, how it scored, files, thread, history, decisions."""

from __future__ import annotations

import reflex as rx

from krs_app import styles
from krs_app.components.comment_thread import comment_form, comment_list
from krs_app.components.dialog import dialog_content
from krs_app.components.evidence_modal import evidence_list
from krs_app.components.request_field import request_field
from krs_app.components.scroll_region import scroll_region
from krs_app.components.status_icon import status_icon
from krs_app.domain.indicators import NOT_ASSESSED_LABEL
from krs_app.services.review_detail import DetailVariable, HistoryRow
from krs_app.state.panel import PanelState
from krs_app.state.review import ReviewState

D = ReviewState.detail


def _variable(variable: DetailVariable) -> rx.Component:
    return rx.el.tr(
        rx.el.td(variable.key + "."),
        rx.el.td(variable.label),
        rx.el.td(rx.cond(variable.required, variable.value_text, NOT_ASSESSED_LABEL), class_name="krs-num"),
        rx.el.td(rx.cond(variable.central, "ใช้ข้อมูลส่วนกลาง", variable.unit)),
        rx.el.td(
            rx.el.input(type="checkbox", name="faulty-" + variable.key, form="refuse-form", aria_label="ข้อมูลที่ไม่ถูกต้อง")
        ),
    )


def _history(row: HistoryRow) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row.at_text),
        rx.el.td(row.who),
        rx.el.td(row.action_label),
        rx.el.td(row.variable),
        rx.el.td(row.before_text + " → " + row.after_text),
        rx.el.td(row.note),
    )


def _score_box() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            status_icon(D.status, D.status_label, D.status_help, "detail-status"),
            rx.text("ผลลัพธ์ " + D.result_unit + " " + D.result_text, size="2", id="detail-result"),
            rx.text("คะแนน " + D.score_text, size="3", weight="bold", id="detail-score"),
            spacing="4",
            align="center",
            wrap="wrap",
        ),
        rx.text("สูตร: " + D.formula_text + "  =  " + D.formula_with_values, size="2"),
        rx.text("เกณฑ์ระดับ 1–5: " + D.criteria.join(" / ") + " (" + D.direction_text + ")", size="2"),
        rx.text(D.score_explanation, size="2", color=styles.TEXT_LABEL),
        rx.cond(D.reason_text, rx.text(D.reason_text, size="2", color=styles.TEXT_ERROR, id="detail-reason")),
        rx.cond(D.correction_deadline_text, rx.text("แก้ไขได้ถึง " + D.correction_deadline_text, size="2")),
        rx.cond(D.certified_text, rx.text(D.certified_text, size="2", color=styles.TEXT_SUCCESS)),
        rx.cond(
            D.not_applicable,
            rx.callout(
                "ไม่ประเมินตัวชี้วัดนี้ (ไม่นำมาคิดในคะแนนเฉลี่ยถ่วงน้ำหนักของ สพท.): " + D.not_applicable_text,
                icon="info",
                color_scheme="gray",
                size="1",
                id="detail-not-applicable",
            ),
        ),
        rx.cond(
            D.outlier_reason != "",
            rx.callout(
                "ค่าผิดปกติ (คำแนะนำ ไม่ใช่ข้อห้ามรับรองผล): " + D.outlier_reason,
                icon="triangle_alert",
                color_scheme="amber",
                size="1",
                id="detail-outlier",
                role="note",
            ),
        ),
        spacing="1",
        width="100%",
    )


def _reason_form(
    prompt: str, reason_id: str, rows: str, confirm: rx.Component, *between, on_cancel, on_submit, form_id=None
) -> rx.Component:
    """A decision asked with its reason (ไม่รับรอง, ไม่ประเมินตัวชี้วัดนี้): the prompt, the reason
    box, `between` (more fields), then `confirm` and ยกเลิก; sent once (the request id)."""
    return rx.form(
        rx.vstack(
            rx.text(prompt, size="2", weight="medium"),
            rx.text_area(id=reason_id, name="reason", rows=rows, width="100%"),
            *between,
            rx.hstack(
                request_field(ReviewState.request_id),
                confirm,
                rx.button("ยกเลิก", type="button", variant="soft", color_scheme="gray", on_click=on_cancel),
                spacing="2",
            ),
            width="100%",
            spacing="2",
        ),
        id=form_id,
        on_submit=on_submit,
        reset_on_submit=False,
        width="100%",
    )


def _undo_form(
    name: str, placeholder: str, input_id: str, label: str, button_id: str, on_submit, *hidden, wrap=None, **input_props
) -> rx.Component:
    """Taking a decision back (ยกเลิกการรับรองผล, ยกเลิกการไม่ประเมิน): `hidden` fields, the reason
    (field `name`) and the button on one line."""
    return rx.form(
        rx.hstack(
            *hidden,
            rx.el.input(
                name=name,
                placeholder=placeholder,
                id=input_id,
                class_name="krs-select",
                **input_props,
                style={"flex": "1"},
            ),
            rx.button(label, id=button_id, type="submit", variant="outline", color_scheme="orange"),
            width="100%",
            wrap=wrap,
        ),
        on_submit=on_submit,
        reset_on_submit=True,
        width="100%",
    )


def _not_applicable() -> rx.Component:
    """ไม่ประเมินตัวชี้วัดนี้: mark (with a reason) or undo, by the owning bureau before the round closes."""
    return rx.fragment(
        rx.cond(
            D.actions.can_mark_not_applicable & ~ReviewState.not_applicable_open,
            rx.button(
                "ไม่ประเมินตัวชี้วัดนี้",
                id="not-applicable-button",
                variant="outline",
                color_scheme="gray",
                on_click=ReviewState.open_not_applicable,
            ),
        ),
        rx.cond(
            D.actions.can_mark_not_applicable & ReviewState.not_applicable_open,
            _reason_form(
                "เหตุผลที่ไม่ประเมินตัวชี้วัดนี้สำหรับ สพท. นี้ (เช่น ไม่มีสถานศึกษาตามตัวชี้วัด) "
                "— จะไม่นำมาคิดในคะแนนเฉลี่ยถ่วงน้ำหนัก และแจ้ง สพท. ในความคิดเห็น",
                "not-applicable-reason",
                "2",
                rx.button("ยืนยันไม่ประเมินตัวชี้วัดนี้", id="not-applicable-confirm", type="submit"),
                on_cancel=ReviewState.cancel_not_applicable,
                on_submit=ReviewState.mark_not_applicable,
            ),
        ),
        rx.cond(
            D.actions.can_undo_not_applicable,
            _undo_form(
                "reason",
                "เหตุผลที่ยกเลิก",
                "not-applicable-undo-reason",
                "ยกเลิกการไม่ประเมิน",
                "not-applicable-undo",
                ReviewState.undo_not_applicable,
                request_field(ReviewState.request_id),
                wrap="wrap",
                aria_label="เหตุผลที่ยกเลิกการไม่ประเมินตัวชี้วัดนี้",
            ),
        ),
    )


def _decisions() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.button(
                rx.icon("circle-check", size=14),
                "รับรองผล",
                id="certify-button",
                color_scheme="green",
                on_click=ReviewState.certify,
                disabled=~D.actions.can_certify,
            ),
            rx.button(
                rx.icon("octagon-x", size=14),
                "ไม่รับรอง",
                id="refuse-button",
                color_scheme="red",
                variant="soft",
                on_click=ReviewState.open_refuse,
                disabled=~D.actions.can_refuse,
            ),
            spacing="2",
            wrap="wrap",
        ),
        _not_applicable(),
        rx.cond(
            ~D.actions.can_certify & (D.actions.certify_reason != ""),
            rx.text(D.actions.certify_reason, size="1", color=styles.TEXT_MUTED, id="certify-reason"),
        ),
        rx.cond(
            ReviewState.refuse_open,
            _reason_form(
                "เหตุผลที่ไม่รับรอง (จะส่งถึง สพท. ในความคิดเห็นด้วย)",
                "refuse-reason",
                "3",
                rx.button(
                    "ยืนยันไม่รับรอง", id="refuse-confirm", type="submit", color_scheme="red", loading=ReviewState.busy
                ),
                rx.el.label(
                    "ให้แก้ไขได้ถึงวันที่ (พ.ศ. วว/ดด/ปปปป ไม่เกิน " + D.actions.latest_correction_deadline_text + ")",
                    html_for="refuse-deadline",
                    font_size="14px",
                ),
                rx.el.input(
                    type="text",
                    id="refuse-deadline",
                    name="deadline",
                    default_value=D.actions.default_correction_text,
                    placeholder="วว/ดด/ปปปป",
                    input_mode="numeric",
                    class_name="krs-select",
                    max_length=10,
                ),
                rx.el.label(
                    rx.el.input(type="checkbox", id="refuse-final", name="final"),
                    " ไม่เปิดให้แก้ไข (ไม่รับรองผลเป็นที่สิ้นสุด คะแนน 1.00000)",
                    font_size="14px",
                ),
                rx.text("ทำเครื่องหมายตัวแปรที่ไม่ถูกต้องในตารางด้านบนได้", size="1", color=styles.TEXT_MUTED),
                on_cancel=ReviewState.cancel_refuse,
                on_submit=ReviewState.refuse,
                form_id="refuse-form",
            ),
        ),
        rx.cond(
            D.actions.can_undo,
            _undo_form(
                "undo_reason", "เหตุผลที่ยกเลิกการรับรอง", "undo-reason", "ยกเลิกการรับรองผล", "undo-button", ReviewState.undo
            ),
        ),
        rx.cond(
            ReviewState.decision_error,
            rx.callout(ReviewState.decision_error, color_scheme="red", size="1", id="decision-error"),
        ),
        width="100%",
        spacing="2",
    )


def review_detail_dialog() -> rx.Component:
    return rx.dialog.root(
        dialog_content(
            rx.dialog.title(D.indicator_code + " " + D.indicator_name),
            rx.dialog.description(D.district_name + " — " + D.round_label, size="2"),
            rx.vstack(
                rx.el.table(
                    rx.el.thead(
                        rx.el.tr(rx.el.th(""), rx.el.th("ตัวแปร"), rx.el.th("ค่า"), rx.el.th("หน่วย"), rx.el.th("ไม่ถูกต้อง"))
                    ),
                    rx.el.tbody(rx.foreach(D.variables, _variable)),
                    class_name="krs-table",
                ),
                _score_box(),
                _decisions(),
                rx.divider(),
                evidence_list(),
                rx.cond(
                    PanelState.evidence_message, rx.text(PanelState.evidence_message, size="1", id="evidence-message")
                ),
                rx.divider(),
                comment_list(),
                comment_form(),
                rx.divider(),
                rx.text("ประวัติการแก้ไขข้อมูลและการตัดสิน", weight="bold", size="3"),
                scroll_region(
                    rx.el.table(
                        rx.el.thead(
                            rx.el.tr(
                                rx.el.th("เมื่อ"),
                                rx.el.th("โดย"),
                                rx.el.th("การดำเนินการ"),
                                rx.el.th("ตัวแปร"),
                                rx.el.th("ค่าเดิม → ค่าใหม่"),
                                rx.el.th("หมายเหตุ"),
                            )
                        ),
                        rx.el.tbody(rx.foreach(D.history, _history), rx.foreach(D.decisions, _history)),
                        class_name="krs-table",
                        id="detail-history",
                    ),
                    label="ประวัติการแก้ไขข้อมูลและการตัดสิน",
                ),
                rx.dialog.close(rx.button("ปิด", variant="soft", color_scheme="gray", id="detail-close")),
                spacing="3",
                width="100%",
            ),
            max_width="1000px",
            id="review-detail",
        ),
        open=ReviewState.detail_open,
        on_open_change=ReviewState.set_detail_open,
    )
