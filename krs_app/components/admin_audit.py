"""The audit log tab: filters, the table (who, when in Thai, what, before → after), paging, CSV."""

from __future__ import annotations

import reflex as rx

from krs_app import styles
from krs_app.components.admin_form import field_error, labelled, text_input, var_select
from krs_app.components.data_table import data_table, pager
from krs_app.state.admin_audit import AdminAuditState as S


def _error_at(element_id: str) -> rx.Component:
    return field_error(S.error, S.error_field == element_id, element_id + "-error")


def _filters() -> rx.Component:
    def choose(label: str, element_id: str, name: str, options, placeholder: str):
        return labelled(
            label, var_select(element_id, S.filters[name], lambda v: S.set_filter(name, v), options, placeholder)
        )

    def day(label: str, element_id: str, name: str):
        return labelled(label, text_input(element_id, S.filters[name], lambda v: S.set_filter(name, v), "เช่น 1/10/2568"),
                        _error_at(element_id), min_width="8em")  # fmt: skip

    return rx.flex(
        choose("ผู้ดำเนินการ", "audit-filter-user", "username", S.user_options, "ทุกคน"),
        choose("ตัวชี้วัด", "audit-filter-indicator", "indicator", S.indicator_options, "ทุกตัวชี้วัด"),
        choose("การดำเนินการ", "audit-filter-action", "action", S.action_options, "ทุกการดำเนินการ"),
        choose("หน่วยงาน", "audit-filter-office", "office", S.office_options, "ทุกหน่วยงาน"),
        day("ตั้งแต่วันที่", "audit-filter-from", "date_from"),
        day("ถึงวันที่", "audit-filter-to", "date_to"),
        spacing="3",
        wrap="wrap",
        width="100%",
    )


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["at"], white_space="nowrap")),
        rx.table.cell(
            rx.vstack(
                rx.text(row["who"], size="2"), rx.text(row["office"], size="1", color=styles.TEXT_MUTED), spacing="0"
            )
        ),
        rx.table.cell(row["action"]),
        rx.table.cell(rx.text(row["district"], " ", row["indicator"], " ", row["round"], size="2")),
        rx.table.cell(rx.text(row["change"], size="2")),
        id="audit-row-" + row["id"],
    )


def audit_tab() -> rx.Component:
    return rx.vstack(
        _filters(),
        rx.hstack(
            rx.text("ทั้งหมด ", S.total, " รายการ", size="2", color=styles.TEXT_MUTED),
            rx.button(
                rx.icon("download", size=14),
                "ดาวน์โหลด CSV",
                id="audit-csv",
                size="1",
                variant="soft",
                on_click=S.download_csv,
            ),
            _error_at("audit-csv"),
            spacing="3",
            align="center",
        ),
        _error_at("audit-table"),
        data_table(
            ("เมื่อ", "ผู้ดำเนินการ", "การดำเนินการ", "เกี่ยวกับ", "ก่อน → หลัง"),
            S.rows,
            _row,
            label="บันทึกการใช้งาน",
            element_id="audit-table",
        ),
        pager(S.page, S.page_count, S.go_page),
        width="100%",
        spacing="3",
    )
