"""The table of results by indicator (counts per status), shared by the bureau and KPI office pages."""

from __future__ import annotations

import reflex as rx

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
    )


def summary_table(rows) -> rx.Component:
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
                )
            ),
            rx.table.body(rx.foreach(rows, _summary_row)),
            variant="surface",
            size="1",
        ),
        label="สรุปรายตัวชี้วัด",
    )
