"""Report charts (Reflex's recharts): the distribution of overall scores, one indicator's
distribution of results with its criteria thresholds drawn on it, the status counts, and the
status counts per day as the deadlines approach. A district's view is its own row: it gets
its own status counts only, no distribution over the other districts."""

from __future__ import annotations

import reflex as rx

from krs_app import styles
from krs_app.state.report_matrix import ReportMatrixState as S


def _histogram(data, title: str, chart_id: str, thresholds: bool = False) -> rx.Component:
    lines = (
        [
            rx.recharts.reference_line(
                x=S.threshold_bins[i],
                stroke=styles.CHART_THRESHOLD,
                stroke_dasharray="4 2",
                label=f"ระดับ {i + 1}",
            )
            for i in range(5)
        ]
        if thresholds
        else []
    )
    return rx.box(
        rx.text(title, size="2", weight="medium"),
        rx.recharts.bar_chart(
            rx.recharts.bar(data_key="count", fill=styles.CHART_BAR, name="จำนวนเขต", is_animation_active=False),
            rx.recharts.x_axis(data_key="bin"),
            rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.graphing_tooltip(),
            *lines,
            data=data,
            width="100%",
            height=240,
        ),
        id=chart_id,
        width="100%",
    )


# Each status its colour and its own dash, so the lines part also in greyscale.
_TIMELINE_LINES = (
    ("not_reported", "ยังไม่รายงานผล", styles.STATUS_NOT_REPORTED, "2 3"),
    ("awaiting", "รอการรับรองผล", styles.STATUS_AWAITING, "6 3"),
    ("not_certified", "ไม่รับรอง", styles.STATUS_NOT_CERTIFIED, "10 3 2 3"),
    ("certified", "รับรองผล", styles.STATUS_CERTIFIED, ""),
    ("not_applicable", "ไม่ประเมินตัวชี้วัดนี้", styles.TEXT_SECONDARY, "1 6"),
)


def _deadline(day, label: str) -> rx.Component:
    return rx.cond(
        day != "",
        rx.recharts.reference_line(x=day, stroke=styles.CHART_THRESHOLD, stroke_dasharray="4 2", label=label),
    )


def status_timeline_chart() -> rx.Component:
    return rx.box(
        rx.text("จำนวนผลตามสถานะรายวัน (ก่อนถึงกำหนดส่งและกำหนดรับรองผล)", size="2", weight="medium"),
        rx.recharts.line_chart(
            *[
                rx.recharts.line(
                    data_key=key,
                    name=name,
                    stroke=colour,
                    stroke_dasharray=dash,
                    stroke_width=2,
                    dot=False,
                    type_="stepAfter",
                    is_animation_active=False,
                )
                for key, name, colour, dash in _TIMELINE_LINES
            ],
            rx.recharts.x_axis(data_key="day"),
            rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            _deadline(S.district_deadline_day, "กำหนดส่ง"),
            _deadline(S.certification_deadline_day, "กำหนดรับรอง"),
            data=S.status_timeline,
            width="100%",
            height=260,
        ),
        id="chart-status-timeline",
        role="figure",
        aria_label="จำนวนผลตามสถานะรายวันของรอบนี้",
        width="100%",
    )


def report_charts() -> rx.Component:
    return rx.vstack(
        rx.cond(S.scope != "district", _distributions()),
        rx.box(
            rx.text("จำนวนผลตามสถานะ (รอบนี้)", size="2", weight="medium"),
            rx.recharts.bar_chart(
                rx.recharts.bar(data_key="count", fill=styles.CHART_BAR, name="จำนวน", is_animation_active=False),
                rx.recharts.x_axis(data_key="status"),
                rx.recharts.y_axis(allow_decimals=False),
                rx.recharts.graphing_tooltip(),
                data=S.status_counts,
                width="100%",
                height=220,
            ),
            id="chart-status",
            width="100%",
        ),
        status_timeline_chart(),
        width="100%",
        spacing="4",
    )


def _distributions() -> rx.Component:
    return rx.vstack(
        _histogram(S.overall_histogram, "การกระจายของคะแนนเฉลี่ยถ่วงน้ำหนัก (จำนวนเขต)", "chart-overall"),
        rx.flex(
            rx.el.label("ตัวชี้วัด", html_for="chart-indicator", class_name="krs-label"),
            rx.el.select(
                rx.foreach(S.columns, lambda c: rx.el.option(c.code + " " + c.bureau, value=c.code)),
                value=S.chart_indicator,
                on_change=S.set_chart_indicator,
                class_name="krs-select",
                id="chart-indicator",
            ),
            spacing="2",
            align="center",
        ),
        _histogram(
            S.indicator_histogram, "การกระจายของผลการดำเนินงาน เทียบเกณฑ์ระดับ 1–5", "chart-indicator-results", True
        ),
        width="100%",
        spacing="4",
    )
