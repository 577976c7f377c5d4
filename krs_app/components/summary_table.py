"""The table of results by indicator (counts per status), shared by the bureau and KPI office pages."""

from __future__ import annotations

import reflex as rx

from krs_app import styles
from krs_app.components.scroll_region import scroll_region
from krs_app.services.overview import IndicatorSummary


def _summary_row(summary: IndicatorSummary) -> rx.Component:
    return rx.table.row(
        rx.table.cell(summary.code),
        rx.table.cell(summary.name),
        rx.table.cell(summary.bureau),
        rx.table.cell(summary.awaiting, text_align="right"),
        rx.table.cell(summary.certified, text_align="right"),
        rx.table.cell(summary.not_certified, text_align="right"),
        rx.table.cell(summary.not_reported, text_align="right"),
        rx.table.cell(
            rx.cond(
                summary.new_data > 0,
                rx.badge(summary.new_data, color_scheme="orange", variant="solid"),
                rx.text("0", color=styles.TEXT_SECONDARY),
            ),
            text_align="right",
            id="summary-new-" + summary.code.replace(".", "_"),
            custom_attrs={"data-count": summary.new_data},
        ),
    )


def summary_table(rows) -> rx.Component:
    """In its own labelled, keyboard-reachable scroll box: at phone width the table scrolls, not the page."""
    return scroll_region(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("ตัวชี้วัด"),
                    rx.table.column_header_cell("ชื่อตัวชี้วัด"),
                    rx.table.column_header_cell("สำนัก"),
                    rx.table.column_header_cell("รอการรับรองผล"),
                    rx.table.column_header_cell("รับรองผล"),
                    rx.table.column_header_cell("ไม่รับรอง"),
                    rx.table.column_header_cell("ยังไม่รายงานผล"),
                    rx.table.column_header_cell("มีข้อมูลใหม่"),
                )
            ),
            rx.table.body(rx.foreach(rows, _summary_row)),
            variant="surface",
            size="1",
        ),
        label="สรุปรายตัวชี้วัด",
    )
