"""รายงานผล: the KPI office's view of every district's public score, and results by indicator."""

from __future__ import annotations

import reflex as rx

from krs_app.components.layout import page_shell
from krs_app.components.summary_table import summary_table
from krs_app.services.entry import RoundOption
from krs_app.services.report import DistrictScoreRow
from krs_app.state.home import KpiHomeState


def _round_option(option: RoundOption) -> rx.Component:
    return rx.el.option(option.label, value=option.id)


def _district_row(row: DistrictScoreRow) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row.code),
        rx.el.td(row.name),
        rx.el.td(row.level),
        rx.el.td(row.overall_text, class_name="krs-num", id="report-overall-" + row.code),
        rx.el.td(row.certified, class_name="krs-num"),
        rx.el.td(row.awaiting, class_name="krs-num"),
        rx.el.td(row.not_certified, class_name="krs-num"),
        rx.el.td(row.not_reported, class_name="krs-num"),
    )


def _districts_table() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.el.input(placeholder="ค้นหา สพท.", on_change=KpiHomeState.set_search.debounce(300),
                        class_name="krs-select", id="report-search"),
            rx.el.select(
                rx.el.option("ทุกสังกัด", value="all"), rx.el.option("สพป.", value="สพป."),
                rx.el.option("สพม.", value="สพม."),
                value=KpiHomeState.level, on_change=KpiHomeState.set_level, class_name="krs-select",
            ),
            spacing="2",
        ),
        rx.box(
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th("รหัส"), rx.el.th("สำนักงานเขตพื้นที่การศึกษา"), rx.el.th("สังกัด"),
                        rx.el.th("คะแนนเฉลี่ยถ่วงน้ำหนัก"), rx.el.th("รับรองผล"), rx.el.th("รอการรับรองผล"),
                        rx.el.th("ไม่รับรอง"), rx.el.th("ยังไม่รายงานผล"),
                    )
                ),
                rx.el.tbody(rx.foreach(KpiHomeState.shown_districts, _district_row)),
                class_name="krs-table",
                id="report-districts",
            ),
            max_height="70vh",
            overflow_y="auto",
            width="100%",
            background="white",
        ),
        width="100%",
    )


def report_page() -> rx.Component:
    return page_shell(
        rx.flex(
            rx.heading("รายงานผล", size="5"),
            rx.el.select(rx.foreach(KpiHomeState.rounds, _round_option), id="round-select",
                         value=KpiHomeState.round_id, on_change=KpiHomeState.change_round, class_name="krs-select"),
            gap="3",
            align="center",
            padding_y="0.75em",
            wrap="wrap",
        ),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("คะแนนรายเขตพื้นที่", value="districts"),
                rx.tabs.trigger("สรุปรายตัวชี้วัด", value="indicators"),
            ),
            rx.tabs.content(_districts_table(), value="districts", padding_top="0.75em"),
            rx.tabs.content(summary_table(KpiHomeState.summaries), value="indicators", padding_top="0.75em"),
            default_value="districts",
        ),
    )
