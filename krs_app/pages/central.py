"""ข้อมูลส่วนกลาง: the bureau fills the centrally supplied variables of its indicators,
cell by cell for each district or from an .xlsx / .csv file (check first, then confirm)."""

from __future__ import annotations

import reflex as rx

from krs_app import routes, styles
from krs_app.components.download_link import download_link
from krs_app.components.import_preview import changes_list, import_preview, preview_actions, refused_list, refused_row
from krs_app.components.number_cell import number_cell
from krs_app.components.round_select import round_select
from krs_app.components.scroll_region import scroll_region
from krs_app.components.status_icon import status_icon
from krs_app.pages.page import page
from krs_app.services.central_import import MAX_IMPORT_BYTES
from krs_app.services.views import (
    GridCell,
    GridColumn,
    GridRow,
    IndicatorOption,
    PreviewChange,
    PreviewRefusal,
)
from krs_app.state.central import CentralState
from krs_app.state.central_import import CentralImportState


def _option(option: IndicatorOption) -> rx.Component:
    return rx.el.option(option.label, value=option.id)


def _selectors() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.heading("ข้อมูลส่วนกลาง", size="5"),
            rx.text(
                'กรอกตัวแปรที่ "ใช้ข้อมูลส่วนกลาง" ให้ทุกเขตพื้นที่ ทีละช่องหรือนำเข้าจากไฟล์', size="2", color=styles.TEXT_SECONDARY
            ),
            spacing="1",
        ),
        rx.hstack(
            rx.vstack(
                rx.text("ตัวชี้วัด", size="1", color=styles.TEXT_LABEL),
                rx.el.select(
                    rx.foreach(CentralState.indicators, _option),
                    id="central-indicator",
                    value=CentralState.indicator_id,
                    on_change=CentralState.change_indicator,
                    class_name="krs-select",
                    aria_label="ตัวชี้วัด",
                    style={"maxWidth": "32em"},
                ),
                spacing="1",
            ),
            rx.vstack(
                rx.text("รอบการรายงาน", size="1", color=styles.TEXT_LABEL),
                round_select(CentralState.rounds, CentralState.round_id, CentralState.change_round),
                spacing="1",
            ),
            spacing="3",
            wrap="wrap",
            align="end",
        ),
        justify="between",
        align="end",
        wrap="wrap",
        spacing="3",
        padding_y="0.75em",
    )


# ---------------------------------------------------------------- the grid


def _column_head(column: GridColumn) -> rx.Component:
    return rx.el.th(
        rx.tooltip(rx.text("ข้อ " + column.key + ". (" + column.unit + ")", as_="span"), content=column.label),
        style={"textAlign": "right"},
    )


def _cell(row: GridRow, cell: GridCell) -> rx.Component:
    error = CentralState.cell_errors[cell.element_id]
    return rx.el.td(
        number_cell(
            cell.element_id,
            cell.value_text,
            editable=row.editable,
            lock_reason=row.lock_reason,
            label=row.district_name + " ข้อ " + cell.key,
            error=error,
            on_blur=lambda value: CentralState.save_cell(row.district_id, cell.variable_id, cell.element_id, value),
            input_mode="numeric",
            style={"width": "7em"},
        ),
        rx.cond(
            error,
            rx.el.div(
                error,
                id="error-" + cell.element_id,
                role="alert",
                style={"color": styles.TEXT_ERROR, "fontSize": "0.8em", "maxWidth": "14em", "marginLeft": "auto"},
            ),
        ),
        style={"textAlign": "right"},
    )


def _grid_row(row: GridRow) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.code(row.district_code)),
        rx.el.td(row.district_name),
        rx.foreach(row.cells, lambda cell: _cell(row, cell)),
        rx.el.td(
            status_icon(
                row.status,
                row.status_label,
                rx.cond(row.editable, row.status_label, row.lock_reason),
                "central-status-" + row.district_code,
            ),
            rx.cond(
                ~row.editable,
                rx.el.div(
                    row.lock_reason,
                    style={"color": styles.TEXT_MUTED, "fontSize": "0.8em"},
                    id="central-lock-" + row.district_code,
                ),
            ),
        ),
        id="central-row-" + row.district_code,
    )


def _legend_line(column: GridColumn) -> rx.Component:
    return rx.text(
        column.key + ". " + column.label + " (" + column.unit + ") — ใช้ข้อมูลส่วนกลาง",
        size="1",
        color=styles.TEXT_SECONDARY,
    )


def _grid() -> rx.Component:
    return rx.box(
        rx.flex(
            rx.text(CentralState.indicator_title, weight="bold", size="3", id="central-title"),
            rx.hstack(
                rx.el.input(
                    id="central-filter",
                    placeholder="ค้นหาชื่อหรือรหัสเขตพื้นที่",
                    default_value=CentralState.filter_text,
                    on_change=CentralState.set_filter.debounce(250),
                    class_name="krs-cell",
                    aria_label="ค้นหาชื่อหรือรหัสเขตพื้นที่",
                    style={"width": "16em", "textAlign": "left"},
                ),
                rx.text(
                    CentralState.rows.length().to_string() + " / " + CentralState.total_rows.to_string() + " เขต",
                    size="1",
                    color=styles.TEXT_MUTED,
                    id="central-count",
                ),
                align="center",
                spacing="2",
            ),
            justify="between",
            align="center",
            wrap="wrap",
            spacing="2",
        ),
        rx.box(rx.foreach(CentralState.columns, _legend_line), padding_y="0.4em", id="central-legend"),
        rx.cond(
            CentralState.round_closed,
            rx.callout("รอบการรายงานนี้ปิดแล้ว ดูข้อมูลได้อย่างเดียว", icon="lock", color_scheme="gray", size="1"),
        ),
        scroll_region(
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th("รหัส"),
                        rx.el.th("สำนักงานเขตพื้นที่การศึกษา"),
                        rx.foreach(CentralState.columns, _column_head),
                        rx.el.th("สถานะ"),
                    )
                ),
                rx.el.tbody(rx.foreach(CentralState.rows, _grid_row)),
                class_name="krs-table",
                id="central-grid",
            ),
            label="ข้อมูลส่วนกลางรายเขตพื้นที่",
        ),
        rx.cond(
            (CentralState.rows.length() == 0) & (CentralState.total_rows > 0),
            rx.text("ไม่พบเขตพื้นที่ที่ตรงกับคำค้น", size="2", color=styles.TEXT_MUTED, padding="0.5em"),
        ),
        class_name="krs-indicator",
    )


# ---------------------------------------------------------------- the import card


def _change_row(change: PreviewChange) -> rx.Component:
    return rx.el.tr(
        rx.el.td(change.line),
        rx.el.td(rx.el.code(change.district_code)),
        rx.el.td(change.district_name),
        rx.el.td(change.summary, class_name="krs-num", style={"textAlign": "left"}),
    )


def _refused_row(refusal: PreviewRefusal) -> rx.Component:
    return refused_row(refusal.line, refusal.district_code, refusal.reason)


def _preview() -> rx.Component:
    return import_preview(
        CentralImportState.preview_message,
        CentralImportState.preview_filename,
        rx.foreach(CentralImportState.preview_problems, lambda p: rx.text(p, size="1", color=styles.TEXT_WARNING)),
        changes_list(
            "รายการที่จะเปลี่ยนแปลง (ค่าเดิม → ค่าใหม่)",
            ("แถว", "รหัส", "เขตพื้นที่", "การเปลี่ยนแปลง"),
            CentralImportState.preview_changes,
            _change_row,
            "central-preview-changes",
            "ไม่มีข้อมูลที่ต้องเปลี่ยนแปลง",
        ),
        refused_list(
            "แถวที่ไม่นำเข้า",
            ("แถว", "รหัส", "เหตุผล"),
            CentralImportState.preview_refused,
            _refused_row,
            "central-preview-refused",
        ),
        preview_actions(
            "central-apply",
            CentralState.apply_import(CentralImportState.request_id),
            "central-cancel",
            CentralState.cancel_import,
            loading=CentralImportState.busy,
            disabled=CentralImportState.preview_value_count == 0,
        ),
        element_id="central-preview-panel",
        message_id="central-preview-message",
    )


def _import_card() -> rx.Component:
    return rx.box(
        rx.text("นำเข้าจากไฟล์ (.xlsx / .csv)", weight="bold", size="3"),
        rx.text(
            "คอลัมน์แรกเป็นรหัสเขตพื้นที่ (เช่น spm07) คอลัมน์ถัดไปมีหัวเป็นข้อของตัวแปร (a, b, ...) "
            "ช่องว่างคือไม่เปลี่ยนค่าเดิม ระบบจะแสดงรายการให้ตรวจสอบก่อนยืนยันนำเข้า",
            size="1",
            color=styles.TEXT_SECONDARY,
        ),
        rx.hstack(
            download_link(
                rx.icon("download", size=14),
                "ดาวน์โหลดแม่แบบ (.csv) พร้อมค่าปัจจุบัน",
                href=CentralState.template_url,
                id="central-template",
                style={"display": "inline-flex", "gap": "0.3em", "alignItems": "center", "fontSize": "0.9em"},
            ),
            padding_y="0.4em",
        ),
        rx.flex(
            rx.el.input(
                type="file",
                id="central-file",
                name="central-file",
                accept=".xlsx,.csv",
                aria_label="เลือกไฟล์นำเข้า (.xlsx / .csv)",
            ),
            rx.button(
                rx.icon("file-search", size=14),
                "ตรวจสอบไฟล์",
                id="central-preview",
                on_click=rx.call_script(
                    "window.krsPostFile(" + CentralState.import_url.to_string() + ", " + str(MAX_IMPORT_BYTES) + ")",
                    callback=CentralState.preview_received,
                ),
                disabled=(CentralState.indicator_id == "") | CentralState.round_closed,
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            CentralImportState.import_message,
            rx.callout(
                CentralImportState.import_message,
                size="1",
                id="central-import-message",
                color_scheme=rx.cond(CentralImportState.import_ok, "green", "red"),
                margin_top="0.5em",
            ),
        ),
        rx.cond(CentralImportState.preview_shown, rx.box(_preview(), padding_top="0.75em")),
        class_name="krs-indicator",
        id="central-import",
    )


@page(routes.CENTRAL, "ข้อมูลส่วนกลาง", on_load=CentralState.load)
def central_page() -> rx.Component:
    return rx.fragment(
        rx.el.a("← กลับหน้าหลัก", href=routes.HOME, style={"fontSize": "0.9em"}),
        _selectors(),
        rx.cond(
            CentralState.notice,
            rx.callout(
                CentralState.notice,
                icon="info",
                size="1",
                id="central-notice",
                color_scheme=rx.cond(CentralState.notice_ok, "green", "red"),
            ),
        ),
        rx.cond(
            CentralState.indicator_id == "",
            rx.callout("ไม่มีตัวชี้วัดที่ใช้ข้อมูลส่วนกลางในรอบนี้", icon="info", size="1", color_scheme="gray"),
            rx.fragment(_import_card(), _grid()),
        ),
    )
