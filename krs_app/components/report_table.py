"""The report table: every district's public scores, rank and overall; sortable headers,
sticky header row and first column (245 × 40 stays readable)."""

from __future__ import annotations

import reflex as rx

from krs_app import routes, styles
from krs_app.components.download_link import download_link
from krs_app.components.heat_map import row_rank, shown_rows, tooltip
from krs_app.components.scroll_region import scroll_region
from krs_app.state.report_matrix import ReportMatrixState as S

_STICKY_HEAD = {"position": "sticky", "top": "0", "zIndex": "2", "background": styles.ROW_GROUP_BACKGROUND}
_STICKY_FIRST = {"position": "sticky", "left": "0", "zIndex": "1", "background": "white"}


def _sort_header(label, key, extra=None) -> rx.Component:
    mark = rx.cond(S.sort == key, rx.cond(S.descending, " ▲", " ▼"), "")
    return rx.el.th(
        rx.el.button(label, mark, on_click=S.sort_by(key), class_name="krs-sort", type="button"),
        style={**_STICKY_HEAD, **(extra or {})},
        title=label,
    )


def _cell(row, cell, index) -> rx.Component:
    return rx.el.td(
        cell.score, class_name="krs-num", custom_attrs={"data-status": cell.status}, title=tooltip(row, cell, index)
    )


def _row(row, position) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.a(row.name, href=routes.district_profile(row.code)), style=_STICKY_FIRST),
        rx.el.td(row_rank(position), class_name="krs-num", id="report-rank-" + row.code),
        rx.el.td(row.overall, class_name="krs-num", style={"fontWeight": "600"}),
        rx.el.td(row.province),
        rx.foreach(row.cells, lambda cell, index: _cell(row, cell, index)),
    )


def filters() -> rx.Component:
    """Level and province for the KPI office and bureaus, the bureau for the KPI office only;
    a district's view is its own row, so it gets only the downloads."""
    return rx.flex(
        rx.cond(S.scope != "district", _row_filters()),
        download_link("ดาวน์โหลด Excel", href=S.xlsx_url, download="รายงานผล.xlsx", id="report-export-xlsx"),
        download_link("ดาวน์โหลด PDF", href=S.pdf_url, download="รายงานผล.pdf", id="report-export-pdf"),
        rx.cond(
            S.scope != "district",
            rx.text("ค่าเฉลี่ยคะแนนรวม " + S.mean_overall_text, size="2", color=styles.TEXT_SECONDARY),
        ),
        align="center",
        wrap="wrap",
        style={"gap": "0.5em 1em"},
    )


def _row_filters() -> rx.Component:
    return rx.fragment(
        rx.el.select(
            rx.el.option("ทุกสังกัด", value=""),
            rx.el.option("สพป.", value="primary"),
            rx.el.option("สพม.", value="secondary"),
            value=S.level,
            on_change=S.set_level,
            class_name="krs-select",
            id="report-filter-level",
            aria_label="สังกัด",
        ),
        rx.el.select(
            rx.el.option("ทุกจังหวัด", value=""),
            rx.foreach(S.provinces, lambda p: rx.el.option(p, value=p)),
            value=S.province,
            on_change=S.set_province,
            class_name="krs-select",
            id="report-filter-province",
            aria_label="จังหวัด",
        ),
        rx.cond(
            S.scope == "kpi_office",
            rx.el.select(
                rx.el.option("ทุกสำนัก", value=""),
                rx.foreach(S.bureaus, lambda b: rx.el.option(b.name, value=b.id)),
                value=S.bureau,
                on_change=S.set_bureau,
                class_name="krs-select",
                id="report-filter-bureau",
                aria_label="สำนักเจ้าของตัวชี้วัด",
            ),
        ),
    )


def report_table() -> rx.Component:
    return scroll_region(
        rx.el.table(
            rx.el.thead(
                rx.el.tr(
                    _sort_header("สพท.", "name", {"left": "0", "zIndex": "3"}),
                    _sort_header("อันดับ", "rank"),
                    _sort_header("คะแนนรวม", "overall"),
                    rx.el.th("จังหวัด", style=_STICKY_HEAD),
                    rx.foreach(S.columns, lambda c: _sort_header(c.code, c.code)),
                )
            ),
            rx.el.tbody(rx.foreach(shown_rows(), _row)),
            rx.el.tfoot(
                rx.el.tr(
                    rx.el.td("ค่าเฉลี่ย", style=_STICKY_FIRST),
                    rx.el.td(""),
                    rx.el.td(S.mean_overall_text, class_name="krs-num"),
                    rx.el.td(""),
                    rx.foreach(S.column_means, lambda mean: rx.el.td(mean, class_name="krs-num")),
                )
            ),
            class_name="krs-table",
            id="report-table",
        ),
        label="ตารางรายงานผลรายเขตพื้นที่",
        max_height="70vh",
        width="100%",
        background="white",
    )
