"""The plain rows pages show: what services hand to states and states keep as page vars.

One module for every view row a state holds or two services share, with no database import:
a state (or a component) can name a row type without pulling in the service that fills it,
and a row is written once (RoundOption and IndicatorOption were written twice before).
Texts are already formatted in Thai by the service that fills them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass(slots=True)
class VariableRow:
    id: int
    key: str
    label: str
    unit: str
    mode: str  # input | central | not_required
    value_text: str
    element_id: str


@dataclass(slots=True)
class IndicatorRow:
    id: int
    code: str
    code_id: str
    name: str
    weight: str
    score_text: str
    percent_text: str
    status: str
    status_label: str
    status_help: str
    hint: str
    editable: bool
    lock_reason: str
    refusal_reason: str
    new_badge: bool
    evidence_count: int
    variables: list[VariableRow] = field(default_factory=list)
    not_applicable: bool = False  # ไม่ประเมินตัวชี้วัดนี้: left out of the overall score
    note: str = ""  # why a result is out of the ordinary (not applicable; 0/0), Thai
    missing_text: str = ""  # "ยังไม่ได้กรอก: a" when some required values are still empty
    assessed: bool = True  # False: ยังไม่ต้องรายงานในรอบนี้ (no inputs, no score, no actions)
    result_unit: str = "ร้อยละ"  # the word before the result, by the indicator's kind
    bureau: str = ""  # the bureau owning the indicator (สำนักที่รับผิดชอบ)
    correction_deadline_text: str = ""  # a refused result's correction deadline, Thai ("" when none)
    extended_text: str = ""  # "ขยายเวลาแก้ไขถึง …" while a lock exception of the KPI office holds


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
