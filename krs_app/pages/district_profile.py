"""/report/district/{code}: one district's overall score and rank per round (a line chart),
and per indicator its result across rounds beside the national median."""

from __future__ import annotations

import reflex as rx

from krs_app import routes, styles
from krs_app.components.download_link import download_link
from krs_app.pages.page import page
from krs_app.state.profile import ProfileState as P


def _round_row(r) -> rx.Component:
    return rx.el.tr(
        rx.el.td(r.label),
        rx.el.td(r.overall_text, class_name="krs-num"),
        rx.el.td(r.rank_text, class_name="krs-num"),
    )


def _indicator(ind) -> rx.Component:
    return rx.box(
        rx.text(ind.code, " ", ind.name, size="2", weight="medium"),
        rx.recharts.line_chart(
            rx.recharts.line(
                data_key="result",
                stroke=styles.CHART_BAR,
                name="ผลของเขต",
                connect_nulls=True,
                is_animation_active=False,
            ),
            rx.recharts.line(
                data_key="median",
                stroke=styles.TEXT_MUTED,
                stroke_dasharray="4 2",
                name="ค่ากลางทุกเขต",
                is_animation_active=False,
            ),
            rx.recharts.x_axis(data_key="round"),
            rx.recharts.y_axis(),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            data=ind.points,
            width="100%",
            height=160,
        ),
        id="profile-indicator-" + ind.code_id,
        width="100%",
        class_name="krs-card",
    )


@page(routes.DISTRICT_PROFILE, "ข้อมูลรายเขต", on_load=P.load)
def district_profile_page() -> rx.Component:
    return rx.box(
        rx.cond(
            P.error != "",
            rx.callout(P.error, color_scheme="red", id="profile-error"),
            rx.vstack(
                rx.flex(
                    rx.heading(P.name, size="4"),
                    rx.text(P.subtitle, size="2", color=styles.TEXT_SECONDARY),
                    download_link("ดาวน์โหลด PDF", href=P.pdf_url, id="profile-export-pdf"),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                rx.text("คะแนนเฉลี่ยถ่วงน้ำหนักรายรอบ", size="2", weight="medium"),
                rx.recharts.line_chart(
                    rx.recharts.line(
                        data_key="overall", stroke=styles.CHART_BAR, name="คะแนนรวม", is_animation_active=False
                    ),
                    rx.recharts.x_axis(data_key="round"),
                    rx.recharts.y_axis(domain=[1, 5]),
                    rx.recharts.graphing_tooltip(),
                    data=P.rounds_chart,
                    width="100%",
                    height=220,
                ),
                rx.el.table(
                    rx.el.thead(rx.el.tr(rx.el.th("รอบ"), rx.el.th("คะแนนรวม"), rx.el.th("อันดับ"))),
                    rx.el.tbody(rx.foreach(P.rounds, _round_row)),
                    class_name="krs-table",
                    id="profile-rounds",
                ),
                rx.grid(
                    rx.foreach(P.indicators, _indicator), columns=rx.breakpoints(initial="1", md="2"), width="100%"
                ),
                width="100%",
                spacing="3",
            ),
        ),
        id="district-profile",
        width="100%",
    )
