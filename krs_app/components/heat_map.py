"""The heat map: districts × indicators coloured by public score, on a scale whose lightness
rises with the score (it reads in greyscale), with its legend. Hover shows district,
indicator, result, score and status. A click opens that district's result: for the owning
bureau its review detail (/review with the result opened); for the KPI office and the
district, the district's profile at that indicator (its result across rounds)."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.inline import A

from krs_app import routes
from krs_app.components.scroll_region import scroll_region
from krs_app.state.report_matrix import ReportMatrixState as S
from krs_app.state.report_rows import CHUNK_NAMES, STATUS_LABEL_TEXT, MatrixRow
from krs_app.styles import HEAT_STEPS, HEAT_TEXT

_LEGEND = ("1.00–1.79", "1.80–2.59", "2.60–3.39", "3.40–4.19", "4.20–4.99", "5.00")


def legend() -> rx.Component:
    return rx.flex(
        rx.text("คะแนน:", size="1"),
        *[
            rx.box(
                text,
                style={"background": bg, "color": fg, "padding": "0 0.4em", "fontSize": "0.75em"},
            )
            for text, bg, fg in zip(_LEGEND, HEAT_STEPS, HEAT_TEXT, strict=True)
        ],
        rx.text("(สีเข้ม = คะแนนต่ำ)", size="1"),
        spacing="1",
        align="center",
        wrap="wrap",
        id="report-heat-legend",
    )


def shown_rows() -> rx.Var:
    """The rows in display order, put together in the browser from the chunk vars and
    `row_order` (state/report_rows.py): rx.foreach over this renders one row component."""
    chunks = rx.Var.create([getattr(S, name) for name in CHUNK_NAMES])
    return S.row_order.map(lambda at: chunks[at[0]][at[1]]).to(list[MatrixRow])


def row_rank(index) -> rx.Var:
    """The rank of the row shown at this position."""
    return S.row_order[index][2]


def column_of(index) -> rx.Var:
    """The column of the cell at this index of a row (its code, id and unit are not in the cell)."""
    return S.columns[index]


_LABELS = rx.Var.create(STATUS_LABEL_TEXT)


def tooltip(row, cell, index) -> rx.Var:
    """District · indicator · result · score · status (put together in the browser)."""
    column = column_of(index)
    result = rx.cond(cell.result == "-", "-", column.unit + " " + cell.result)
    label = _LABELS[cell.status].to(str)
    return row.name + " · ตัวชี้วัด " + column.code + " · ผล " + result + " · คะแนน " + cell.score + " · " + label


def cell_href(row, index) -> rx.Var:
    """Where a cell leads: a bureau sees only its own indicators here, so every cell is one it reviews."""
    column = column_of(index)
    return rx.cond(
        S.scope == "bureau",
        routes.review_result(row.code, column.code, S.round_id),
        routes.district_profile_indicator(row.code, column.code_id),
    )


def _cell(row, cell, index) -> rx.Component:
    text = tooltip(row, cell, index)
    href = cell_href(row, index)
    # A plain <a href>, not rx.el.a (React Router's <Link>: a dozen hooks per instance, and the
    # heat map holds 245 × 40 cells, which took half the time to paint it); the click still
    # changes the page inside the app (rx.redirect runs in the browser), as the <Link> did.
    return A.create(
        "",
        href=href,
        on_click=rx.redirect(href).prevent_default,
        id="heat-" + row.code + "-" + column_of(index).code_id,
        title=text,
        aria_label=text,
        custom_attrs={"data-score": cell.score, "data-status": cell.status},
        class_name="krs-heat-cell krs-heat-" + cell.step.to_string(),
    )


def _row(row) -> rx.Component:
    return rx.el.div(
        rx.el.div(row.name, class_name="krs-heat-name"),
        rx.foreach(row.cells, lambda cell, index: _cell(row, cell, index)),
        class_name="krs-heat-row",
    )


def heat_map() -> rx.Component:
    return rx.vstack(
        legend(),
        scroll_region(
            rx.el.div(
                rx.el.div("", class_name="krs-heat-name"),
                rx.foreach(S.columns, lambda c: rx.el.div(c.code, class_name="krs-heat-head", title=c.name)),
                class_name="krs-heat-row krs-heat-top",
            ),
            rx.foreach(shown_rows(), _row),
            id="report-heatmap",
            label="แผนภาพความร้อน คะแนนรายเขตพื้นที่ × ตัวชี้วัด",
            max_height="70vh",
            width="100%",
            background="white",
        ),
        width="100%",
    )
