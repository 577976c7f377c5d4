"""รายงานผล: every district's public scores, heat map and charts, as the logged-in user may see
them (the KPI office: everything, with tracking and the round's closing; a bureau: its own
indicators across districts; a district: its own row and its rank among all)."""

from __future__ import annotations

import reflex as rx

from krs_app import routes, styles
from krs_app.components.download_link import download_link
from krs_app.components.extension_form import extension_panel
from krs_app.components.heat_map import heat_map
from krs_app.components.report_charts import report_charts
from krs_app.components.report_table import filters, report_table
from krs_app.components.round_select import round_select
from krs_app.components.scroll_region import scroll_region
from krs_app.components.summary_table import summary_table
from krs_app.pages.page import page
from krs_app.services.report import DistrictScoreRow
from krs_app.services.tracking import BureauTracking, IndicatorTracking
from krs_app.state.extensions import ExtensionState
from krs_app.state.home import KpiHomeState
from krs_app.state.report_matrix import ReportMatrixState


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
        rx.el.td(row.not_applicable, class_name="krs-num", id="report-not-applicable-" + row.code),
    )


def _districts_table() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.el.input(
                placeholder="ค้นหา สพท.",
                on_change=KpiHomeState.set_search.debounce(300),
                class_name="krs-select",
                id="report-search",
                aria_label="ค้นหา สพท.",
            ),
            rx.el.select(
                rx.el.option("ทุกสังกัด", value="all"),
                rx.el.option("สพป.", value="สพป."),
                rx.el.option("สพม.", value="สพม."),
                value=KpiHomeState.level,
                on_change=KpiHomeState.set_level,
                class_name="krs-select",
                aria_label="สังกัด",
            ),
            spacing="2",
        ),
        scroll_region(
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th("รหัส"),
                        rx.el.th("สำนักงานเขตพื้นที่การศึกษา"),
                        rx.el.th("สังกัด"),
                        rx.el.th("คะแนนเฉลี่ยถ่วงน้ำหนัก"),
                        rx.el.th("รับรองผล"),
                        rx.el.th("รอการรับรองผล"),
                        rx.el.th("ไม่รับรอง"),
                        rx.el.th("ยังไม่รายงานผล"),
                        rx.el.th("ไม่ประเมินตัวชี้วัดนี้"),
                    )
                ),
                rx.el.tbody(rx.foreach(KpiHomeState.shown_districts, _district_row)),
                class_name="krs-table",
                id="report-districts",
            ),
            label="คะแนนรายเขตพื้นที่",
            max_height="70vh",
            width="100%",
            background="white",
        ),
        width="100%",
    )


def _counts_cells(counts) -> list[rx.Component]:
    return [
        rx.el.td(counts.awaiting, class_name="krs-num"),
        rx.el.td(
            counts.overdue,
            class_name="krs-num",
            style={
                "color": rx.cond(counts.overdue > 0, styles.TEXT_ERROR, "inherit"),
                "fontWeight": rx.cond(counts.overdue > 0, "700", "400"),
            },
        ),
        rx.el.td(counts.certified, class_name="krs-num"),
        rx.el.td(counts.refused, class_name="krs-num"),
        rx.el.td(counts.not_reported, class_name="krs-num"),
        rx.el.td(
            rx.cond(
                counts.oldest_district != "",
                counts.oldest_indicator + " " + counts.oldest_district + " (" + counts.oldest_date_text + ")",
                "-",
            ),
            style={"fontSize": "0.85em"},
        ),
    ]


def _indicator_tracking(item: IndicatorTracking) -> rx.Component:
    return rx.el.tr(
        rx.el.td(""), rx.el.td(item.code + " " + item.name, style={"fontSize": "0.85em"}), *_counts_cells(item.counts)
    )


def _bureau_tracking(bureau: BureauTracking) -> rx.Component:
    return rx.fragment(
        rx.el.tr(
            rx.el.td(rx.cond(bureau.late, rx.badge("ล่าช้า", color_scheme="red"), "")),
            rx.el.td(rx.text(bureau.name, weight="bold", size="2")),
            *_counts_cells(bureau.counts),
            id="tracking-" + bureau.short_name,
            style={"background": rx.cond(bureau.late, styles.ROW_LATE_BACKGROUND, styles.ROW_GROUP_BACKGROUND)},
        ),
        rx.foreach(bureau.indicators, _indicator_tracking),
    )


def _tracking() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.text(
                "กำหนดรับรองผล " + KpiHomeState.deadline_text + " · " + KpiHomeState.countdown_text,
                size="2",
                id="tracking-deadline",
            ),
            download_link("ดาวน์โหลด CSV", href=routes.tracking_csv(KpiHomeState.round_id), id="tracking-csv"),
            download_link("ดาวน์โหลด Excel", href=routes.tracking_xlsx(KpiHomeState.round_id), id="tracking-xlsx"),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(
                    rx.button(
                        "ปิดรอบการรายงาน",
                        color_scheme="red",
                        size="1",
                        id="close-round",
                        disabled=KpiHomeState.round_closed,
                    )
                ),
                rx.alert_dialog.content(
                    rx.alert_dialog.title("ยืนยันปิดรอบการรายงาน"),
                    rx.alert_dialog.description("ผลที่ยังไม่รายงานจะถูกกำหนดคะแนน 1.00000 และ สพท. จะแก้ไขข้อมูลรอบนี้ไม่ได้อีก"),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button("ยกเลิก", variant="soft", color_scheme="gray")),
                        rx.alert_dialog.action(
                            rx.button(
                                "ปิดรอบ", color_scheme="red", id="close-round-confirm", on_click=KpiHomeState.close_round
                            )
                        ),
                        spacing="2",
                        justify="end",
                    ),
                ),
            ),
            spacing="4",
            align="center",
            wrap="wrap",
        ),
        rx.text(KpiHomeState.overdue_rule, size="1", color=styles.TEXT_MUTED),
        scroll_region(
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th(""),
                        rx.el.th("สำนัก / ตัวชี้วัด"),
                        rx.el.th("รอการรับรองผล"),
                        rx.el.th("เกินกำหนด"),
                        rx.el.th("รับรองผล"),
                        rx.el.th("ไม่รับรอง"),
                        rx.el.th("ยังไม่รายงานผล"),
                        rx.el.th("รอนานที่สุด"),
                    )
                ),
                rx.el.tbody(rx.foreach(KpiHomeState.bureaus, _bureau_tracking)),
                class_name="krs-table",
                id="tracking-table",
            ),
            label="ติดตามการรับรองผลรายสำนักและตัวชี้วัด",
            background="white",
            width="100%",
        ),
        extension_panel(),
        width="100%",
        spacing="3",
    )


def _kpi_only(component: rx.Component) -> rx.Component:
    return rx.cond(ReportMatrixState.scope == "kpi_office", component)


def _change_round(round_id):
    return [
        KpiHomeState.change_round(round_id),
        ReportMatrixState.change_round(round_id),
        ExtensionState.change_round(round_id),
    ]


# A tab has one live membership (live/registry.py): the matrix state loads last, so it is the one the
# live layer refreshes (the heat map, table and counts), as before this page served every role.


@page(routes.REPORT, "รายงานผล", on_load=[KpiHomeState.load, ExtensionState.load, ReportMatrixState.load])
def report_page() -> rx.Component:
    return rx.fragment(
        rx.flex(
            rx.heading("รายงานผล", size="5"),
            round_select(ReportMatrixState.rounds, ReportMatrixState.round_id, _change_round),
            spacing="3",
            align="center",
            padding_y="0.75em",
            wrap="wrap",
        ),
        rx.cond(
            KpiHomeState.notice,
            rx.callout(
                KpiHomeState.notice,
                size="1",
                id="report-notice",
                color_scheme=rx.cond(KpiHomeState.notice_ok, "green", "red"),
            ),
        ),
        rx.cond(
            ReportMatrixState.standing_text != "",
            rx.callout(ReportMatrixState.standing_text, icon="trophy", size="1", id="report-standing"),
        ),
        rx.cond(ReportMatrixState.error != "", rx.callout(ReportMatrixState.error, color_scheme="red", size="1")),
        filters(),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("ตารางรายงาน", value="matrix", id="tab-matrix"),
                rx.tabs.trigger("แผนภาพความร้อน", value="heat", id="tab-heat"),
                rx.tabs.trigger("กราฟ", value="charts", id="tab-charts"),
                _kpi_only(rx.tabs.trigger("คะแนนรายเขตพื้นที่", value="districts", id="tab-districts")),
                _kpi_only(rx.tabs.trigger("ติดตามการรับรองผล", value="tracking", id="tab-tracking")),
                _kpi_only(rx.tabs.trigger("สรุปรายตัวชี้วัด", value="indicators")),
            ),
            rx.tabs.content(report_table(), value="matrix", padding_top="0.75em"),
            rx.tabs.content(heat_map(), value="heat", padding_top="0.75em"),
            rx.tabs.content(report_charts(), value="charts", padding_top="0.75em"),
            rx.tabs.content(_kpi_only(_districts_table()), value="districts", padding_top="0.75em"),
            rx.tabs.content(_kpi_only(summary_table(KpiHomeState.summaries)), value="indicators", padding_top="0.75em"),
            rx.tabs.content(_kpi_only(_tracking()), value="tracking", padding_top="0.75em"),
            default_value="matrix",
        ),
    )
