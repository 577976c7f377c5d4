"""A file import card of /admin (catalogue workbook, accounts, districts, bureaus): the file field
with its Thai message, ตรวจสอบไฟล์ (the file is posted by window.krsPostFile, as on the central
page), the preview of every change and every refused row with its reason, ยืนยันนำเข้า; and the
one-time passwords of imported accounts, shown once."""

from __future__ import annotations

import json

import reflex as rx

from krs_app import routes, styles
from krs_app.components.download_link import download_link
from krs_app.components.import_preview import (
    boxed_table,
    changes_list,
    import_preview,
    preview_actions,
    refused_list,
    refused_row,
)
from krs_app.services.admin_imports import MAX_BYTES, ImportLine, ImportRefusal
from krs_app.state.admin import AdminState
from krs_app.state.admin_imports import AdminImportState as S


def _line(line) -> rx.Component:
    return rx.cond(line > 0, rx.text(line), rx.text("-"))


def _change_row(change: ImportLine) -> rx.Component:
    return rx.el.tr(
        rx.el.td(_line(change.line)),
        rx.el.td(rx.el.code(change.code)),
        rx.el.td(change.name),
        rx.el.td(change.summary),
    )


def _refused_row(refusal: ImportRefusal) -> rx.Component:
    return refused_row(_line(refusal.line), refusal.code, refusal.reason)


def _preview() -> rx.Component:
    return import_preview(
        S.preview_message,
        S.filename,
        changes_list(
            "รายการที่จะเปลี่ยนแปลง",
            ("แถว", "รหัส", "ชื่อ", "การเปลี่ยนแปลง"),
            S.changes,
            _change_row,
            "admin-import-changes",
            "ไม่มีรายการที่ต้องเปลี่ยนแปลง",
        ),
        refused_list(
            "แถวที่ไม่ผ่านการตรวจสอบ (ไม่นำเข้าทั้งไฟล์)",
            ("แถว", "รหัส", "เหตุผล"),
            S.refused,
            _refused_row,
            "admin-import-refused",
        ),
        preview_actions(
            "admin-import-apply",
            S.apply(S.request_id),
            "admin-import-cancel",
            S.cancel,
            loading=S.busy,
            disabled=~S.can_apply | S.busy,
        ),
        element_id="admin-import-preview",
        message_id="admin-import-summary",
        filename_id="admin-import-file",
    )


def _post_script(kind: str, url) -> str | rx.Var:
    tail = f", {MAX_BYTES[kind]}, {json.dumps('admin-file-' + kind)})"
    if isinstance(url, str):
        return f"window.krsPostFile({json.dumps(url)}{tail}"
    return "window.krsPostFile(" + url.to_string() + tail


def import_card(kind: str, title: str, help_text: str, url, accept: str = ".xlsx,.csv", *extra) -> rx.Component:
    """The upload → preview → confirm card of one import kind."""
    return rx.box(
        rx.text(title, weight="bold", size="3"),
        rx.text(help_text, size="1", color=styles.TEXT_SECONDARY),
        *extra,
        rx.flex(
            rx.el.input(
                type="file",
                id=f"admin-file-{kind}",
                name=f"admin-file-{kind}",
                accept=accept,
                aria_label="เลือกไฟล์ " + title,
            ),
            rx.button(
                rx.icon("file-search", size=14),
                "ตรวจสอบไฟล์",
                id=f"admin-preview-{kind}",
                size="2",
                variant="soft",
                on_click=rx.call_script(_post_script(kind, url), callback=S.preview_received),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
            padding_top="0.4em",
        ),
        rx.cond(
            (S.field_kind == kind) & (S.field_message != ""),
            rx.text(
                S.field_message,
                id=f"admin-import-message-{kind}",
                role="alert",
                size="2",
                color=rx.cond(S.field_ok, styles.TEXT_SUCCESS, styles.TEXT_ERROR),
            ),
        ),
        rx.cond(S.kind == kind, rx.box(_preview(), padding_top="0.75em", width="100%")),
        class_name="krs-indicator",
        id=f"admin-import-{kind}",
        width="100%",
    )


def onetime_passwords() -> rx.Component:
    """The one-time passwords of the accounts just imported: shown once, then forgotten."""
    return rx.cond(
        S.passwords.length() > 0,
        rx.callout(
            rx.vstack(
                rx.text("รหัสผ่านใช้ครั้งเดียวของบัญชีที่นำเข้า (แสดงครั้งเดียว ระบบไม่เก็บรหัสนี้ไว้)", weight="bold"),
                boxed_table(
                    ("ชื่อผู้ใช้", "รหัสผ่านใช้ครั้งเดียว"),
                    S.passwords,
                    lambda p: rx.el.tr(rx.el.td(p["username"]), rx.el.td(rx.el.code(p["password"]))),
                    "account-import-passwords",
                ),
                rx.hstack(
                    rx.button(
                        "ดาวน์โหลด (.csv)", size="1", id="account-import-passwords-csv", on_click=S.download_passwords
                    ),
                    rx.button("ซ่อนรหัสผ่าน", size="1", variant="soft", color_scheme="gray", on_click=S.forget_passwords),
                    spacing="2",
                ),
                spacing="2",
                width="100%",
            ),
            icon="key-round",
            color_scheme="amber",
            width="100%",
        ),
    )


def account_import_card() -> rx.Component:
    return rx.vstack(
        import_card(
            "accounts",
            "นำเข้าบัญชีจากไฟล์ (.xlsx / .csv)",
            "แถวแรกเป็นหัวคอลัมน์: ชื่อผู้ใช้, บทบาท (สพท. / สำนัก / กพร.), หน่วยงาน (รหัส สพท. หรือสำนัก), ชื่อ "
            "— ระบบแสดงรายการให้ตรวจสอบก่อน และสร้างทุกบัญชีหรือไม่สร้างเลย",
            routes.admin_import("accounts"),
        ),
        onetime_passwords(),
        width="100%",
        spacing="2",
    )


def office_import_cards() -> rx.Component:
    return rx.flex(
        import_card(
            "districts",
            "นำเข้า สพท. จากไฟล์ (.xlsx / .csv)",
            "หัวคอลัมน์: รหัส, ชื่อ, ชื่อย่อ, ประเภท (สพป. / สพม.), จังหวัด — รหัสที่มีอยู่แล้วคือการแก้ไข รหัสใหม่คือการเพิ่ม",
            routes.admin_import("districts"),
        ),
        import_card(
            "bureaus",
            "นำเข้าสำนักจากไฟล์ (.xlsx / .csv)",
            "หัวคอลัมน์: รหัส, ชื่อ, ชื่อย่อ — รหัสที่มีอยู่แล้วคือการแก้ไข รหัสใหม่คือการเพิ่ม",
            routes.admin_import("bureaus"),
        ),
        direction="column",
        spacing="3",
        width="100%",
    )


def catalogue_import_card() -> rx.Component:
    """The shown year's catalogue: its workbook to download, and a workbook to import back."""
    return import_card(
        "catalogue",
        "แค็ตตาล็อกตัวชี้วัดเป็นไฟล์ Excel",
        "ดาวน์โหลดแค็ตตาล็อกของปีที่เลือก แก้ไขใน Excel (แผ่นงาน ตัวชี้วัด และ ตัวแปร) แล้วนำเข้า "
        "ระบบแสดงทุกการเปลี่ยนแปลงและทุกแถวที่ไม่ผ่านพร้อมเหตุผล และบันทึกทั้งไฟล์หรือไม่บันทึกเลย",
        routes.admin_import("catalogue", AdminState.year_id),
        ".xlsx",
        rx.box(
            download_link(
                rx.icon("download", size=14),
                "ดาวน์โหลดแค็ตตาล็อก (.xlsx)",
                href=routes.admin_catalogue_xlsx(AdminState.year_id),
                id="catalogue-export",
                style={"display": "inline-flex", "gap": "0.3em", "alignItems": "center", "fontSize": "0.9em"},
            ),
            padding_y="0.4em",
        ),
    )
