"""One indicator on the entry page: header line (code, name, score, percent, status) and its variables.

Drawn from two vars (services.views): `text`, the round's catalogue entry (code, name, variables:
what no edit changes), and `live`, this district's row state in its slot var (state.entry)."""

from __future__ import annotations

import reflex as rx

from krs_app import styles
from krs_app.components.status_icon import status_icon
from krs_app.components.value_cell import value_cell
from krs_app.domain.status import STATUS_HELP_FOR_DISTRICT
from krs_app.services.views import IndicatorText, RowState, VariableText
from krs_app.state.entry import EntryState
from krs_app.state.panel import PanelState


def _variable_line(live: RowState, variable: VariableText, value_text: rx.Var[str]) -> rx.Component:
    return rx.grid(
        rx.text(variable.key + ".", size="2", color=styles.TEXT_LABEL),
        rx.text(variable.label, size="2", color=styles.TEXT_LABEL),
        value_cell(live, variable, value_text),
        rx.text(variable.unit, size="1", color=styles.TEXT_SECONDARY),
        class_name="krs-variable",
    )


def _status_help(status: rx.Var[str]) -> rx.Var[str]:
    return rx.match(status, *[(key.value, text) for key, text in STATUS_HELP_FOR_DISTRICT.items()], "")


def _actions(row: IndicatorText, live: RowState) -> rx.Component:
    title = row.code + " " + row.name
    return rx.hstack(
        rx.cond(
            live.new_badge,
            rx.tooltip(
                rx.badge(
                    rx.icon("bell-ring", size=12),
                    "มีข้อมูลใหม่",
                    color_scheme="orange",
                    variant="solid",
                    id="new-badge-" + row.code_id,
                    class_name="krs-badge-new",
                    on_click=PanelState.open_badge(row.id, 0, EntryState.round_id, title),
                ),
                content="สำนักส่งข้อมูลมา: คลิกเพื่อเปิดดูและบันทึกวันที่เปิดอ่าน",
            ),
        ),
        rx.tooltip(
            rx.icon_button(
                rx.icon("paperclip", size=16),
                rx.cond(live.evidence_count > 0, rx.text(live.evidence_count, size="1")),
                id="evidence-open-" + row.code_id,
                on_click=PanelState.open_evidence(row.id, 0, EntryState.round_id, title),
                color_scheme="blue",
                size="2",
                aria_label="แนบไฟล์หลักฐาน",
                width="auto",
                padding_x="0.5em",
            ),
            content="แนบไฟล์ข้อมูลเอกสาร/หลักฐาน",
        ),
        rx.tooltip(
            rx.icon_button(
                rx.icon("message-square-share", size=16),
                id="comments-open-" + row.code_id,
                on_click=PanelState.open_comments(row.id, 0, EntryState.round_id, title),
                color_scheme="blue",
                size="2",
                aria_label="ความคิดเห็น / ข้อเสนอแนะ",
            ),
            content="ความคิดเห็น / ข้อเสนอแนะ",
        ),
        spacing="1",
        align="center",
    )


def indicator_row(row: IndicatorText, live: RowState) -> rx.Component:
    return rx.box(
        rx.grid(
            rx.text(row.code, weight="bold", size="3", color=styles.BRAND_BLUE),
            rx.vstack(
                rx.text(row.name, weight="medium", size="3"),
                rx.hstack(
                    rx.text("น้ำหนัก " + row.weight, size="1", color=styles.TEXT_MUTED),
                    rx.text(
                        "สำนักที่รับผิดชอบ: " + row.bureau, size="1", color=styles.TEXT_MUTED, id="bureau-" + row.code_id
                    ),
                    rx.cond(live.hint, rx.text(live.hint, size="1", color=styles.TEXT_HINT, id="hint-" + row.code_id)),
                    spacing="3",
                    wrap="wrap",
                ),
                spacing="1",
            ),
            rx.cond(
                row.assessed,
                rx.hstack(
                    rx.text(live.score_text, id="score-" + row.code_id, class_name="krs-num", weight="bold", size="3"),
                    rx.text(row.result_unit, size="2", color=styles.TEXT_SECONDARY, id="unit-" + row.code_id),
                    rx.text(live.percent_text, id="percent-" + row.code_id, class_name="krs-num", size="3"),
                    spacing="2",
                    align="baseline",
                    justify="end",
                ),
                # Not assessed in this round: the manual's label; no score, status or actions.
                rx.text(live.status_label, size="2", color=styles.TEXT_MUTED, id="not-assessed-" + row.code_id),
            ),
            rx.cond(
                row.assessed,
                rx.hstack(
                    status_icon(live.status, live.status_label, _status_help(live.status), "status-" + row.code_id),
                    _actions(row, live),
                    spacing="2",
                    justify="end",
                    align="center",
                ),
            ),
            class_name="krs-indicator-head",
        ),
        rx.cond(
            live.refusal_reason,
            rx.callout(
                live.refusal_reason,
                icon="triangle-alert",
                color_scheme="red",
                size="1",
                margin_y="0.4em",
            ),
        ),
        rx.cond(
            live.note,
            rx.callout(
                live.note, icon="info", color_scheme="gray", size="1", margin_y="0.4em", id="note-" + row.code_id
            ),
        ),
        rx.cond(
            (live.status == "not_certified") & live.editable,
            rx.button(
                rx.icon("send", size=14),
                "ส่งผลให้พิจารณาอีกครั้ง",
                id="resubmit-" + row.code_id,
                size="1",
                variant="soft",
                on_click=EntryState.resubmit(row.id, EntryState.request_id),
                title="แก้ไขด้วยไฟล์หรือข้อความแล้ว: ส่งกลับให้สำนักพิจารณารับรองผลอีกครั้ง",
            ),
        ),
        rx.cond(
            live.extended_text,
            rx.text(
                rx.icon("calendar-clock", size=12),
                " ",
                live.extended_text,
                size="1",
                color=styles.TEXT_WARNING,
                id="extended-" + row.code_id,
                style={"display": "flex", "alignItems": "center", "gap": "0.2em"},
            ),
        ),
        rx.cond(
            ~live.editable & (live.lock_reason != ""),
            rx.text(
                rx.icon("lock", size=12),
                " ",
                live.lock_reason,
                size="1",
                color=styles.TEXT_MUTED,
                id="locked-" + row.code_id,
            ),
        ),
        rx.foreach(row.variables, lambda variable, index: _variable_line(live, variable, live["values"][index])),
        rx.cond(
            live.missing_text,
            rx.text(live.missing_text, size="1", color=styles.TEXT_WARNING, id="missing-" + row.code_id),
        ),
        class_name="krs-indicator",
        id="indicator-" + row.code_id,
    )
