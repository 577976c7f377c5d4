"""ตรวจสอบและรับรองผล: the bureau's review page."""

from __future__ import annotations

import reflex as rx

from krs_app import routes, styles
from krs_app.components.data_table import pager
from krs_app.components.remind_dialog import remind_dialog
from krs_app.components.review_detail import review_detail_dialog
from krs_app.components.round_select import round_select
from krs_app.components.scroll_region import scroll_region
from krs_app.components.status_icon import status_icon
from krs_app.components.summary_table import summary_table
from krs_app.pages.page import page
from krs_app.services.review_inbox import ReviewColumn, ReviewRow
from krs_app.services.views import IndicatorOption
from krs_app.state.review import ReviewState

STATUS_HELP = "คลิกเพื่อเปิดดูรายละเอียด หลักฐาน และความคิดเห็น"


def _option(option: IndicatorOption) -> rx.Component:
    return rx.el.option(option.label, value=option.id)


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.el.select(
            rx.foreach(ReviewState.indicator_options, _option),
            id="review-indicator",
            value=ReviewState.indicator_id,
            on_change=ReviewState.choose_indicator,
            class_name="krs-select",
            aria_label="ตัวชี้วัด",
            style={"maxWidth": "min(32em, 100%)"},  # the longest names (and a not-assessed label) fit a phone
        ),
        round_select(ReviewState.rounds, ReviewState.round_id, ReviewState.choose_round),
        rx.vstack(
            rx.text("กำหนดรับรองผล " + ReviewState.deadline_text, size="2"),
            rx.text(
                ReviewState.countdown_text, size="2", weight="bold", color=styles.TEXT_WARNING, id="review-countdown"
            ),
            spacing="0",
        ),
        spacing="3",
        align="center",
        wrap="wrap",
        padding_y="0.5em",
    )


def _counts() -> rx.Component:
    c = ReviewState.counts
    return rx.hstack(
        rx.badge("รอการรับรองผล " + c["awaiting"].to_string(), color_scheme="amber", id="count-awaiting"),
        rx.badge("รับรองผล " + c["certified"].to_string(), color_scheme="green", id="count-certified"),
        rx.badge("ไม่รับรอง " + c["not_certified"].to_string(), color_scheme="red", id="count-not-certified"),
        rx.badge("ยังไม่รายงานผล " + c["not_reported"].to_string(), color_scheme="gray", id="count-not-reported"),
        rx.badge("มีข้อมูลใหม่ " + ReviewState.new_count.to_string(), color_scheme="orange", id="count-new"),
        wrap="wrap",
        spacing="2",
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.el.select(
            rx.el.option("ทุกสถานะ", value="all"),
            rx.el.option("รอการรับรองผล", value="awaiting"),
            rx.el.option("ไม่รับรอง", value="not_certified"),
            rx.el.option("ยังไม่รายงานผล", value="not_reported"),
            rx.el.option("รับรองผล", value="certified"),
            id="review-status-filter",
            value=rx.cond(ReviewState.status_filter == "", "all", ReviewState.status_filter),
            on_change=ReviewState.set_status_filter,
            class_name="krs-select",
            aria_label="สถานะ",
        ),
        rx.el.select(
            rx.el.option("ทุกสังกัด", value="all"),
            rx.el.option("สพป.", value="primary"),
            rx.el.option("สพม.", value="secondary"),
            id="review-level-filter",
            value=rx.cond(ReviewState.level_filter == "", "all", ReviewState.level_filter),
            on_change=ReviewState.set_level_filter,
            class_name="krs-select",
            aria_label="สังกัด",
        ),
        rx.el.label(
            rx.el.input(
                type="checkbox",
                id="review-new-only",
                default_checked=ReviewState.new_only,
                key="new_only-" + ReviewState.new_only.to_string(),  # shows the URL's choice after reload and Back
                on_change=lambda checked: ReviewState.set_new_only(checked),
            ),
            " เฉพาะที่มีข้อมูลใหม่",
            class_name="krs-check",
        ),
        rx.el.label(
            rx.el.input(
                type="checkbox",
                id="review-outliers-only",
                default_checked=ReviewState.outliers_only,
                key="outliers_only-"
                + ReviewState.outliers_only.to_string(),  # shows the URL's choice after reload and Back
                on_change=lambda checked: ReviewState.set_outliers_only(checked),
            ),
            " เฉพาะค่าที่ผิดปกติ",
            class_name="krs-check",
        ),
        rx.debounce_input(  # controlled: a search named by the URL shows after reload and Back
            rx.el.input(
                placeholder="ค้นหา สพท. / จังหวัด",
                aria_label="ค้นหา สพท. / จังหวัด",
                id="review-search",
                class_name="krs-select",
                value=ReviewState.search,
                on_change=ReviewState.set_search,
            ),
            debounce_timeout=400,
        ),
        rx.el.select(
            rx.el.option("เรียงตามสถานะ", value="status"),
            rx.el.option("เรียงตามรหัส", value="code"),
            rx.el.option("เรียงตามชื่อ", value="name"),
            rx.el.option("คะแนนมากไปน้อย", value="-score"),
            rx.el.option("คะแนนน้อยไปมาก", value="score"),
            value=ReviewState.sort,
            on_change=ReviewState.set_sort,
            class_name="krs-select",
            aria_label="เรียง",
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _bulk_bar() -> rx.Component:
    return rx.flex(
        rx.button(
            "เลือกทุกเขตที่รับรองได้ในหน้านี้", size="1", variant="soft", on_click=ReviewState.select_all_shown, id="select-all"
        ),
        rx.button("ล้างที่เลือก", size="1", variant="ghost", on_click=ReviewState.clear_selection),
        rx.alert_dialog.root(
            rx.alert_dialog.trigger(
                rx.button(
                    rx.icon("circle-check", size=14),
                    "รับรองผลที่เลือก (" + ReviewState.selected.length().to_string() + ")",
                    size="1",
                    color_scheme="green",
                    id="bulk-certify",
                    disabled=(ReviewState.selected.length() == 0) | ~ReviewState.may_decide,
                ),
            ),
            rx.alert_dialog.content(
                rx.alert_dialog.title("ยืนยันการรับรองผล"),
                rx.alert_dialog.description(
                    "รับรองผลตัวชี้วัด "
                    + ReviewState.indicator_code
                    + " ให้ "
                    + ReviewState.selected.length().to_string()
                    + " เขตพื้นที่ที่เลือก (เฉพาะที่ข้อมูลครบและรอการรับรองผล)"
                ),
                rx.hstack(
                    rx.alert_dialog.cancel(rx.button("ยกเลิก", variant="soft", color_scheme="gray")),
                    rx.alert_dialog.action(
                        rx.button(
                            "ยืนยันรับรองผล",
                            color_scheme="green",
                            id="bulk-confirm",
                            on_click=ReviewState.bulk_certify(ReviewState.request_id),
                        )
                    ),
                    spacing="2",
                    justify="end",
                ),
            ),
            # opening is told through the root: an on_click on the trigger's button would make
            # Reflex wrap it in a div that carries the dialog's ARIA attributes instead
            on_open_change=ReviewState.set_bulk_confirm_open,
        ),
        rx.button(
            rx.icon("bell", size=14),
            "แจ้งเตือน สพท. ที่ยังไม่รายงาน",
            size="1",
            variant="outline",
            on_click=ReviewState.open_remind,
            id="remind-open",
        ),
        rx.cond(
            ~ReviewState.may_decide & (ReviewState.period_reason != ""),
            rx.text(ReviewState.period_reason, size="1", color=styles.TEXT_MUTED),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _column_header(column: ReviewColumn) -> rx.Component:
    return rx.el.th(column.key + ".", title=column.label)


def _value_cell(value: str) -> rx.Component:
    return rx.el.td(value, class_name="krs-num")


def _row(row: ReviewRow) -> rx.Component:
    code_id = ReviewState.indicator_code.replace(".", "_")
    return rx.el.tr(
        rx.el.td(
            rx.cond(
                row.selectable,
                rx.el.input(
                    type="checkbox",
                    checked=ReviewState.selected.contains(row.district_id),
                    on_change=lambda checked: ReviewState.toggle_selected(row.district_id, checked),
                    aria_label="เลือก " + row.district_name,
                    class_name="review-select",
                ),
            )
        ),
        rx.el.td(
            rx.el.button(
                row.district_name,
                id=row.element_id,
                on_click=ReviewState.open_detail(row.district_id),
                class_name="krs-link",
                title=STATUS_HELP,
            ),
            rx.el.div(
                row.level_label + " · " + row.district_code, style={"fontSize": "0.75em", "color": styles.TEXT_MUTED}
            ),
        ),
        rx.foreach(row.cells, _value_cell),
        rx.el.td(
            row.result_text,
            rx.cond(
                row.outlier,
                rx.el.span(
                    " ⚠",
                    id=row.outlier_id,
                    title=row.outlier_reason,
                    aria_label=row.outlier_reason,
                    role="img",
                    style={"color": styles.TEXT_WARNING, "cursor": "help"},
                ),
            ),
            class_name="krs-num",
        ),
        rx.el.td(row.score_text, class_name="krs-num"),
        rx.el.td(
            row.evidence_registered.to_string() + "/" + row.evidence_count.to_string(),
            class_name="krs-num",
            title="ลงทะเบียนรับแล้ว / ไฟล์ทั้งหมด",
        ),
        rx.el.td(rx.el.div(row.last_message, style={"maxWidth": "14em", "fontSize": "0.8em"})),
        rx.el.td(
            status_icon(
                row.status, row.status_label, row.status_label, "review-status-" + row.district_code + "-" + code_id
            )
        ),
        rx.el.td(
            rx.cond(
                row.new_badge,
                rx.badge(
                    "มีข้อมูลใหม่",
                    color_scheme="orange",
                    variant="solid",
                    class_name="krs-badge-new",
                    id="new-badge-" + row.district_code + "-" + code_id,
                    on_click=ReviewState.open_new(row.district_id),
                ),
            )
        ),
    )


def _table() -> rx.Component:
    return rx.box(
        scroll_region(
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th(""),
                        rx.el.th("สพท."),
                        rx.foreach(ReviewState.columns, _column_header),
                        rx.el.th("ผลลัพธ์ (" + ReviewState.result_unit + ")", id="review-result-header"),
                        rx.el.th("คะแนน"),
                        rx.el.th("หลักฐาน"),
                        rx.el.th("ข้อความล่าสุด"),
                        rx.el.th("สถานะ"),
                        rx.el.th(""),
                    )
                ),
                rx.el.tbody(rx.foreach(ReviewState.rows, _row)),
                class_name="krs-table",
                id="review-table",
            ),
            label="รายการเขตพื้นที่ของตัวชี้วัดที่เลือก",
        ),
        pager(
            ReviewState.page,
            ReviewState.pages,
            ReviewState.go_page,
            " (ทั้งหมด ",
            ReviewState.total,
            " เขต)",
            padding_y="0.5em",
        ),
        background="white",
        padding="0.5em",
        border_radius="8px",
        width="100%",
    )


@page(routes.REVIEW, "ตรวจสอบและรับรองผล", on_load=ReviewState.load)
def review_page() -> rx.Component:
    return rx.fragment(
        rx.heading("ตรวจสอบและรับรองผล", size="5", padding_top="0.75em"),
        _toolbar(),
        rx.cond(
            ReviewState.notice,
            rx.callout(
                ReviewState.notice,
                size="1",
                id="review-notice",
                color_scheme=rx.cond(ReviewState.notice_ok, "green", "red"),
            ),
        ),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("รายเขตพื้นที่", value="districts"),
                rx.tabs.trigger("สรุปตัวชี้วัดที่รับผิดชอบ", value="summary"),
            ),
            rx.tabs.content(
                rx.cond(
                    ReviewState.not_assessed_text,
                    # Not assessed in this round: the label, and no list to remind, certify or refuse.
                    rx.callout(
                        ReviewState.not_assessed_text,
                        icon="calendar-clock",
                        color_scheme="gray",
                        id="review-not-assessed",
                        margin_top="0.75em",
                    ),
                    rx.vstack(
                        _counts(), _filters(), _bulk_bar(), _table(), spacing="2", padding_top="0.75em", width="100%"
                    ),
                ),
                value="districts",
            ),
            rx.tabs.content(summary_table(ReviewState.summaries), value="summary", padding_top="0.75em"),
            default_value="districts",
        ),
        review_detail_dialog(),
        remind_dialog(),
    )
