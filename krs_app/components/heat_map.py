"""The heat map: districts × indicators coloured by public score, on a scale whose lightness
rises with the score (it reads in greyscale), with its legend. Hover shows district,
indicator, result, score and status. A click opens that district's result: for the owning
bureau its review detail (/review with the result opened); for the KPI office and the
district, the district's profile at that indicator (its result across rounds)."""

from __future__ import annotations

import reflex as rx

from krs_app import routes
from krs_app.components.scroll_region import scroll_region
from krs_app.state.report_matrix import ReportMatrixState as S
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


def tooltip(row, cell) -> rx.Var:
    """District · indicator · result · score · status (put together in the browser)."""
    return row.name + " · ตัวชี้วัด " + cell.code + " · ผล " + cell.result + " · คะแนน " + cell.score + " · " + cell.label


def cell_href(row, cell) -> rx.Var:
    """Where a cell leads: a bureau sees only its own indicators here, so every cell is one it reviews."""
    return rx.cond(
        S.scope == "bureau",
        routes.review_result(row.code, cell.code, S.round_id),
        routes.district_profile_indicator(row.code, cell.id),
    )


def _cell(row, cell) -> rx.Component:
    return rx.el.a(
        "",
        href=cell_href(row, cell),
        id="heat-" + row.code + "-" + cell.id,
        title=tooltip(row, cell),
        aria_label=tooltip(row, cell),
        custom_attrs={"data-score": cell.score, "data-status": cell.status},
        class_name="krs-heat-cell krs-heat-" + cell.step.to_string(),
    )


def _row(row) -> rx.Component:
    return rx.el.div(
        rx.el.div(row.name, class_name="krs-heat-name"),
        rx.foreach(row.cells, lambda cell: _cell(row, cell)),
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
            rx.foreach(S.rows, _row),
            id="report-heatmap",
            label="แผนภาพความร้อน คะแนนรายเขตพื้นที่ × ตัวชี้วัด",
            max_height="70vh",
            width="100%",
            background="white",
        ),
        width="100%",
    )
