"""The evidence window: Choose File / drag and drop, คำอธิบายไฟล์, แนบไฟล์, and the file list."""

from __future__ import annotations

import json

import reflex as rx

from krs_app import routes, styles
from krs_app.components.dialog import dialog_content
from krs_app.components.download_link import download_link
from krs_app.services.evidence import EvidenceRow
from krs_app.state.panel import PanelState


def _file_row(row: EvidenceRow) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            download_link(row.description, href=row.download_url, class_name="evidence-download"),
            rx.el.div(row.file_name + " · " + row.size_text, style={"color": styles.TEXT_MUTED, "fontSize": "0.8em"}),
            rx.el.details(
                rx.el.summary("SHA-256", style={"fontSize": "0.75em", "color": styles.TEXT_MUTED, "cursor": "pointer"}),
                rx.el.code(row.sha256, style={"fontSize": "0.7em", "wordBreak": "break-all"}),
            ),
        ),
        rx.el.td(row.round_label, custom_attrs={"data-label": "รอบ"}),
        rx.el.td(row.sent_text, custom_attrs={"data-label": "วันที่ส่ง"}),
        rx.el.td(row.uploader, custom_attrs={"data-label": "ผู้แนบไฟล์"}),
        rx.el.td(
            rx.cond(
                row.can_register,
                rx.button(
                    "ลงทะเบียนรับ", size="1", on_click=PanelState.register_receipt(row.id), class_name="evidence-register"
                ),
                rx.text(row.received_text, size="1", class_name="evidence-received"),
            ),
            rx.cond(
                row.can_withdraw,
                rx.cond(
                    PanelState.withdraw_pending == row.id,
                    rx.hstack(
                        rx.text("ถอนไฟล์นี้? สำนักจะเห็นในความคิดเห็น", size="1"),
                        rx.button(
                            "ยืนยันถอนไฟล์",
                            size="1",
                            color_scheme="red",
                            on_click=PanelState.withdraw(row.id),
                            class_name="evidence-withdraw-confirm",
                        ),
                        rx.button(
                            "ยกเลิก", size="1", variant="soft", color_scheme="gray", on_click=PanelState.cancel_withdraw
                        ),
                        spacing="1",
                        wrap="wrap",
                        align="center",
                    ),
                    rx.button(
                        "ถอนไฟล์",
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        on_click=PanelState.ask_withdraw(row.id),
                        class_name="evidence-withdraw",
                    ),
                ),
            ),
        ),
    )


def evidence_list() -> rx.Component:
    return rx.box(
        rx.text("เอกสารประกอบ/เอกสารอ้างอิง", weight="bold", size="3"),
        rx.cond(
            PanelState.files.length() > 0,
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th("คำอธิบายไฟล์"),
                        rx.el.th("รอบ"),
                        rx.el.th("วันที่ส่ง"),
                        rx.el.th("ผู้แนบไฟล์"),
                        rx.el.th("ลงทะเบียนรับ"),
                    )
                ),
                rx.el.tbody(rx.foreach(PanelState.files, _file_row)),
                class_name="krs-table krs-stack",
            ),
            rx.text("ยังไม่มีเอกสารแนบ", size="2", color=styles.TEXT_MUTED),
        ),
        id="evidence-list",
        width="100%",
    )


def _attach_form() -> rx.Component:
    return rx.vstack(
        rx.box(
            rx.el.input(
                type="file",
                id="evidence-file",
                name="evidence-file",
                accept=".pdf,.png,.jpg,.jpeg,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.csv,.txt,.zip",
                aria_label="เลือกไฟล์หลักฐาน",
            ),
            rx.text("หรือลากไฟล์มาวางที่นี่", size="1", color=styles.TEXT_MUTED),
            rx.text("", id="evidence-chosen", size="1", weight="medium"),
            id="evidence-drop",
            class_name="krs-drop",
            width="100%",
        ),
        rx.el.label("คำอธิบายไฟล์", html_for="evidence-description", class_name="krs-label"),
        rx.el.input(
            id="evidence-description",
            max_length=300,
            class_name="krs-cell",
            style={"width": "100%", "textAlign": "left"},
        ),
        rx.el.progress(id="evidence-progress", max=100, value=0, style={"width": "100%", "display": "none"}),
        rx.button(
            rx.icon("paperclip", size=14),
            "แนบไฟล์",
            id="evidence-submit",
            on_click=rx.call_script(
                "window.krsUpload("
                + json.dumps(routes.EVIDENCE_UPLOAD)
                + ", "
                + PanelState.indicator_key.to_string()
                + ", "
                + PanelState.round_key.to_string()
                + ", "
                + PanelState.max_upload_bytes.to_string()
                + ")",
                callback=PanelState.upload_finished,
            ),
        ),
        width="100%",
        spacing="2",
    )


def evidence_modal() -> rx.Component:
    return rx.dialog.root(
        dialog_content(
            rx.dialog.title("การแนบไฟล์ข้อมูลเอกสาร/หลักฐาน"),
            rx.dialog.description(PanelState.title, size="2"),
            rx.vstack(
                rx.cond(
                    PanelState.can_attach,
                    _attach_form(),
                    rx.cond(
                        ~PanelState.round_open,
                        rx.text(
                            "รอบการรายงานนี้ปิดแล้ว แนบไฟล์ไม่ได้", size="2", color=styles.TEXT_MUTED, id="evidence-closed"
                        ),
                    ),
                ),
                rx.cond(
                    PanelState.evidence_message,
                    rx.callout(
                        PanelState.evidence_message,
                        size="1",
                        id="evidence-message",
                        color_scheme=rx.cond(PanelState.evidence_ok, "green", "red"),
                    ),
                ),
                evidence_list(),
                rx.dialog.close(rx.button("ปิด", variant="soft", color_scheme="gray", id="evidence-close")),
                spacing="3",
                width="100%",
            ),
            max_width="900px",
        ),
        open=PanelState.evidence_open,
        on_open_change=PanelState.set_evidence_open,
    )
