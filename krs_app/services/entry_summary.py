"""What needs the district's attention on บันทึกข้อมูล, in one list at the top of the page: new
messages from the bureaus, refusals with their correction deadlines, and values still to enter.

Built from the page's own rows (services.views.IndicatorRow), so the list always agrees with the
rows under it, whether they came from a full load, a saved cell or a live push. No database here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from krs_app.domain.status import Status
from krs_app.services.views import AttentionItem, IndicatorRow

__all__ = ["AttentionItem", "EntrySummary", "entry_summary", "row_items"]

KIND_MESSAGE = "message"
KIND_REFUSED = "refused"
KIND_MISSING = "missing"
LABELS = {KIND_MESSAGE: "ข้อความใหม่", KIND_REFUSED: "ไม่รับรอง", KIND_MISSING: "ยังกรอกไม่ครบ"}
NOTHING_TEXT = "ไม่มีรายการที่ต้องดำเนินการในรอบนี้"
_CELL_INPUT = "input"  # services.entry.CELL_INPUT: a cell the district fills
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


@dataclass
class EntrySummary:
    headline: str  # "ต้องดำเนินการ 3 รายการ: ข้อความใหม่ 1 · ไม่รับรอง 1 · ยังกรอกไม่ครบ 1"
    items: list[AttentionItem]


def _safe(element_id: str) -> str:
    """Element ids go into the jump script: only id characters."""
    return _UNSAFE_ID.sub("", element_id)


def _refusal_text(row: IndicatorRow) -> str:
    if not row.correction_deadline_text:
        return "ไม่เปิดให้แก้ไข (ผลนี้ไม่รับรองเป็นที่สุด)"
    if row.editable:
        return f"แก้ไขได้ถึง {row.correction_deadline_text} — แก้ข้อมูล หรือแนบไฟล์แล้วส่งผลให้พิจารณาอีกครั้ง"
    return f"พ้นกำหนดแก้ไขแล้ว ({row.correction_deadline_text})"


def row_items(row: IndicatorRow) -> tuple[AttentionItem, ...]:
    """The summary's lines about one row (kept in the row's state: services.entry)."""
    if not row.assessed:
        return ()  # ยังไม่ต้องรายงานในรอบนี้: nothing to do on it
    row_id = _safe(f"indicator-{row.code_id}")
    items = []
    if row.new_badge:
        sender = row.bureau or "สำนัก"
        text = f"{sender} ส่งข้อความถึงท่าน ยังไม่เปิดอ่าน"
        items.append(
            AttentionItem(KIND_MESSAGE, LABELS[KIND_MESSAGE], row.code, text, row_id, _safe(f"new-badge-{row.code_id}"))
        )
    if row.status == Status.NOT_CERTIFIED.value:
        focus = f"resubmit-{row.code_id}" if row.editable else row_id
        items.append(
            AttentionItem(KIND_REFUSED, LABELS[KIND_REFUSED], row.code, _refusal_text(row), row_id, _safe(focus))
        )
    if row.editable and not row.not_applicable:
        empty = [v for v in row.variables if v.mode == _CELL_INPUT and v.value_text == ""]
        if empty:
            text = "ยังไม่ได้กรอก: " + ", ".join(v.key for v in empty)
            items.append(
                AttentionItem(KIND_MISSING, LABELS[KIND_MISSING], row.code, text, row_id, _safe(empty[0].element_id))
            )
    return tuple(items)


def entry_summary(rows: list[IndicatorRow]) -> EntrySummary:
    """The list at the top of บันทึกข้อมูล: new messages first, then refusals, then values to enter
    (each row's lines come with its state: row_items)."""
    found = [item for row in rows for item in row.attention]
    order = list(LABELS)
    items = sorted(found, key=lambda item: order.index(item.kind))  # stable: page order within a kind
    if not items:
        return EntrySummary(NOTHING_TEXT, [])
    counts = [f"{LABELS[kind]} {n}" for kind in order if (n := sum(1 for i in items if i.kind == kind))]
    return EntrySummary(f"ต้องดำเนินการ {len(items)} รายการ: " + " · ".join(counts), items)
