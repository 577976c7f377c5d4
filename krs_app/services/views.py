"""The plain rows pages show: what services hand to states and states keep as page vars.

One module for every view row a state holds or two services share, with no database import:
a state (or a component) can name a row type without pulling in the service that fills it,
and a row is written once (RoundOption and IndicatorOption were written twice before).
Texts are already formatted in Thai by the service that fills them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from krs_app.domain.status import STATUS_HELP_FOR_DISTRICT, Status


@dataclass(slots=True)
class RoundOption:
    """A round in a round selector."""

    id: str
    label: str


@dataclass
class IndicatorOption:
    """An indicator in an indicator selector."""

    id: str
    label: str  # "11.2 โครงการพัฒนาระบบ..."


@dataclass
class DemoAccount:
    """A demo account the login page offers to fill in (demo mode only)."""

    username: str
    password: str
    who: str


# ------------------------------------------------------------------ the entry page (บันทึกข้อมูล)


# The page is sent in two parts, so that an edit's reply carries one row's worth: the round's
# catalogue text (IndicatorText: what no edit changes, one shared list per round and process) once
# per page load or round change, and each indicator's RowState (what an edit or a bureau changes)
# in a var of its own (state.entry: one slot var per position). IndicatorRow joins the two for the
# services, the summary and the tests that read a row as a whole.


@dataclass(frozen=True, slots=True)
class VariableText:
    id: int
    key: str
    label: str
    unit: str
    mode: str  # input | central | not_required
    element_id: str


@dataclass(frozen=True, slots=True)
class IndicatorText:
    id: int
    code: str
    code_id: str
    name: str
    weight: str
    assessed: bool = True  # False: ยังไม่ต้องรายงานในรอบนี้ (no inputs, no score, no actions)
    result_unit: str = "ร้อยละ"  # the word before the result, by the indicator's kind
    bureau: str = ""  # the bureau owning the indicator (สำนักที่รับผิดชอบ)
    variables: tuple[VariableText, ...] = ()


@dataclass(frozen=True, slots=True)
class AttentionItem:
    """One line of the summary at the top of บันทึกข้อมูล (services.entry_summary)."""

    kind: str  # message | refused | missing
    label: str  # entry_summary.LABELS[kind]
    code: str  # "11.3"
    text: str  # what to do, Thai
    row_id: str  # the row to jump to: indicator-{code}
    focus_id: str  # the control to focus there (the badge, the resubmit button, the first empty cell)


@dataclass(frozen=True, slots=True, weakref_slot=True)
class RowState:
    """What one district's row shows that a value, a decision or a message can change."""

    score_text: str = ""
    percent_text: str = ""
    status: str = "not_reported"
    status_label: str = ""
    hint: str = ""
    editable: bool = False
    lock_reason: str = ""
    refusal_reason: str = ""
    new_badge: bool = False
    evidence_count: int = 0
    not_applicable: bool = False  # ไม่ประเมินตัวชี้วัดนี้: left out of the overall score
    note: str = ""  # why a result is out of the ordinary (not applicable; 0/0), Thai
    missing_text: str = ""  # "ยังไม่ได้กรอก: a" when some required values are still empty
    correction_deadline_text: str = ""  # a refused result's correction deadline, Thai ("" when none)
    extended_text: str = ""  # "ขยายเวลาแก้ไขถึง …" while a lock exception of the KPI office holds
    values: tuple[str, ...] = ()  # each variable's value as shown, in IndicatorText.variables order
    attention: tuple[AttentionItem, ...] = ()  # this row's lines of the page's summary (entry_summary.row_items)


EMPTY_ROW = RowState()


@dataclass(frozen=True, slots=True)
class VariableRow:
    id: int
    key: str
    label: str
    unit: str
    mode: str  # input | central | not_required
    value_text: str
    element_id: str


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One indicator's row as a whole: its catalogue text and its district's state."""

    text: IndicatorText
    live: RowState

    @property
    def variables(self) -> list[VariableRow]:
        return [
            VariableRow(v.id, v.key, v.label, v.unit, v.mode, value, v.element_id)
            for v, value in zip(self.text.variables, self.live.values, strict=True)
        ]

    @property
    def status_help(self) -> str:
        return STATUS_HELP_FOR_DISTRICT[Status(self.live.status)]


def _delegate(part: str, name: str) -> property:
    return property(lambda row: getattr(getattr(row, part), name))


for _part, _cls, _skip in (("text", IndicatorText, {"variables"}), ("live", RowState, {"values"})):
    for _field in _cls.__dataclass_fields__:
        if _field not in _skip:
            setattr(IndicatorRow, _field, _delegate(_part, _field))


# ------------------------------------------------------------------ the central-data page (ข้อมูลส่วนกลาง)


@dataclass
class GridCell:
    variable_id: int
    key: str
    value_text: str
    element_id: str  # central-{district code}-{variable key}


@dataclass
class GridRow:
    district_id: int
    district_code: str
    district_name: str
    level_label: str
    status: str
    status_label: str
    editable: bool
    lock_reason: str
    cells: list[GridCell] = field(default_factory=list)


@dataclass
class GridColumn:
    key: str
    label: str
    unit: str


@dataclass
class PreviewChange:
    line: int
    district_code: str
    district_name: str
    summary: str  # "a: 10 → 12; b: - → 20"


@dataclass
class PreviewRefusal:
    line: int
    district_code: str
    reason: str
