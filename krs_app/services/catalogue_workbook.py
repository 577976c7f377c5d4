"""A year's catalogue moved as a whole: copied into a new fiscal year, or round-tripped as an
.xlsx workbook (sheet "ตัวชี้วัด": one indicator a row; sheet "ตัวแปร": one variable a row,
in order, naming its indicator's code) — export, edit in Excel, preview every change and
every refused row with its reason, apply all of it in one transaction or nothing.

Indicators are matched by code within the year; an indicator left out of the workbook is
left as it is. Variables are matched by key within their indicator. KPI office only.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import Bureau, Indicator, Variable
from krs_app.live.bus import Change, announce
from krs_app.services import audit
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import catalogue_changed, fresh_entry, load_catalogue
from krs_app.services.catalogue_editor import (
    NOT_KPI_OFFICE,
    impact_of,
    rescore_open_rounds,
    store_indicator,
    validate_form,
)
from krs_app.services.errors import FieldError, ServiceError
from krs_app.services.fiscal_years import require_kpi_office, require_year
from krs_app.services.indicator_forms import IndicatorForm, VariableForm, snapshot

INDICATOR_SHEET = "ตัวชี้วัด"
VARIABLE_SHEET = "ตัวแปร"
INDICATOR_COLUMNS = (
    ("code", "รหัส"),
    ("name", "ชื่อตัวชี้วัด"),
    ("bureau", "สำนักเจ้าของ (รหัส)"),
    ("weight", "น้ำหนัก"),
    ("direction", "ทิศทาง (higher/lower)"),
    ("kind", "ประเภท (percent/level/value)"),
    ("formula", "สูตรคำนวณ"),
    ("t1", "เกณฑ์ 1"),
    ("t2", "เกณฑ์ 2"),
    ("t3", "เกณฑ์ 3"),
    ("t4", "เกณฑ์ 4"),
    ("t5", "เกณฑ์ 5"),
    ("active", "ใช้งาน (1/0)"),
)
VARIABLE_COLUMNS = (
    ("code", "รหัสตัวชี้วัด"),
    ("key", "ตัวแปร"),
    ("label", "ชื่อตัวแปร"),
    ("unit", "หน่วย / คำแนะนำการกรอก"),
    ("kind", "ชนิด (count/flag/number)"),
    ("source", "แหล่งข้อมูล (district/central)"),
    ("months", "รอบที่ต้องรายงาน (เช่น 6,12)"),
    ("min", "ค่าต่ำสุด"),
    ("max", "ค่าสูงสุด"),
    ("part_of", "เป็นส่วนหนึ่งของ"),
)
MAX_WORKBOOK_BYTES = 5 * 1024 * 1024


def copy_catalogue(user: CurrentUser, from_year_id: int, to_year_id: int) -> int:
    """Copy a year's indicators (variables, criteria, weights, owners) into a year that has none; returns how many."""
    require_kpi_office(user, NOT_KPI_OFFICE)
    with session_scope() as session:
        source, target = require_year(session, from_year_id), require_year(session, to_year_id)
        if source.id == target.id:
            raise FieldError("copy-target", "ปีปลายทางต้องไม่ใช่ปีเดียวกับปีต้นทาง")
        if session.exec(select(Indicator.id).where(Indicator.fiscal_year_id == target.id).limit(1)).first():
            raise FieldError("copy-target", f"ปีงบประมาณ {target.year_be} มีตัวชี้วัดอยู่แล้ว คัดลอกทับไม่ได้")
        entries = load_catalogue(session, fiscal_year_id=source.id, include_inactive=True)
        for entry in entries:
            old = entry.indicator
            fields = {k: getattr(old, k) for k in Indicator.model_fields if k not in ("id", "fiscal_year_id")}
            copy = Indicator(**fields, fiscal_year_id=target.id)
            session.add(copy)
            session.flush()
            for variable_id in entry.variable_ids.values():
                row = session.get(Variable, variable_id)
                values = {k: getattr(row, k) for k in Variable.model_fields if k not in ("id", "indicator_id")}
                session.add(Variable(**values, indicator_id=copy.id))
        session.flush()
        audit.record(
            session,
            user_id=user.id,
            action="copy_catalogue",
            entity="fiscal_year",
            entity_id=target.id,
            after={"from": source.year_be, "to": target.year_be, "indicators": len(entries)},
        )
    catalogue_changed()
    return len(entries)


# ------------------------------------------------------------------------------ export


def _cell(value):
    return "" if value is None else value


def export_workbook(user: CurrentUser, year_id: int) -> bytes:
    """The year's catalogue (deactivated indicators too) as an .xlsx workbook."""
    require_kpi_office(user, NOT_KPI_OFFICE)
    with session_scope() as session:
        year = require_year(session, year_id)
        entries = load_catalogue(session, fiscal_year_id=year.id, include_inactive=True)
        bureaus = {b.id: b.code for b in session.exec(select(Bureau))}
    book = Workbook()
    sheet = book.active
    sheet.title = INDICATOR_SHEET
    sheet.append([label for _, label in INDICATOR_COLUMNS])
    variables = book.create_sheet(VARIABLE_SHEET)
    variables.append([label for _, label in VARIABLE_COLUMNS])
    for entry in entries:
        ind = entry.indicator
        sheet.append(
            [
                ind.code,
                ind.name,
                bureaus.get(ind.bureau_id, ""),
                ind.weight,
                ind.direction,
                ind.kind,
                ind.formula,
                ind.t1,
                ind.t2,
                ind.t3,
                ind.t4,
                ind.t5,
                1 if ind.active else 0,
            ]
        )
        for v in entry.spec.variables:
            months = ",".join(str(m) for m in sorted(v.required_months))
            variables.append(
                [
                    ind.code,
                    v.key,
                    v.label,
                    v.unit,
                    v.kind.value,
                    v.source.value,
                    months,
                    _cell(v.min_value),
                    _cell(v.max_value),
                    _cell(v.whole_key),
                ]
            )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------ import


@dataclass(frozen=True)
class WorkbookChange:
    code: str
    action: str  # create | update | unchanged
    details: list[str]  # the fields that change, in Thai
    rescored: int  # results of open rounds that get a new score
    certified_kept: int
    name: str = ""  # the indicator's name as the workbook gives it
    row: int = 0  # its row in the sheet ตัวชี้วัด


@dataclass(frozen=True)
class RefusedRow:
    sheet: str
    row: int  # the row number in Excel (the header is row 1)
    code: str
    reason: str  # Thai


@dataclass(frozen=True)
class WorkbookPreview:
    changes: list[WorkbookChange]
    refused: list[RefusedRow]

    @property
    def can_apply(self) -> bool:
        return not self.refused and any(c.action != "unchanged" for c in self.changes)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(book, name: str, columns) -> list[tuple[int, dict]]:
    if name not in book.sheetnames:
        raise ServiceError(f'ไม่พบแผ่นงาน "{name}" ในไฟล์')
    rows = []
    for number, values in enumerate(book[name].iter_rows(min_row=2, values_only=True), start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((number, {field: (values[i] if i < len(values) else None) for i, (field, _) in enumerate(columns)}))
    return rows


def _months(text: str) -> tuple[int, ...]:
    try:
        return tuple(sorted({int(p) for p in text.replace(" ", "").split(",") if p}))
    except ValueError:
        raise FieldError("months", "รอบที่ต้องรายงานต้องเป็นตัวเลขคั่นด้วยจุลภาค เช่น 6,12") from None


DETAIL_NAMES = {
    "name": "ชื่อ",
    "bureau_id": "สำนักเจ้าของ",
    "weight": "น้ำหนัก",
    "formula": "สูตร",
    "thresholds": "เกณฑ์",
    "direction": "ทิศทาง",
    "kind": "ประเภท",
    "active": "การใช้งาน",
    "variables": "ตัวแปร",
}


def _plan(session: Session, year_id: int, content: bytes) -> tuple[list, list[RefusedRow]]:
    """[(form, indicator or None, change)] for every indicator row that can be applied, and the refusals."""
    if not isinstance(content, (bytes, bytearray)) or not content:
        raise ServiceError("กรุณาเลือกไฟล์ .xlsx")
    if len(content) > MAX_WORKBOOK_BYTES:
        raise ServiceError("ไฟล์มีขนาดเกิน 5 MB")
    try:
        book = load_workbook(BytesIO(bytes(content)), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds for a file that is not a workbook)
        raise ServiceError("อ่านไฟล์ไม่ได้ กรุณาใช้ไฟล์ .xlsx ที่ส่งออกจากระบบ") from None
    indicator_rows = _rows(book, INDICATOR_SHEET, INDICATOR_COLUMNS)
    variable_rows = _rows(book, VARIABLE_SHEET, VARIABLE_COLUMNS)
    bureaus = {b.code: b.id for b in session.exec(select(Bureau))}
    existing = {e.spec.code: e for e in load_catalogue(session, fiscal_year_id=year_id, include_inactive=True)}
    codes = [_text(r["code"]) for _, r in indicator_rows]
    refused: list[RefusedRow] = []
    by_code: dict[str, list[tuple[int, dict]]] = {}
    for number, row in variable_rows:
        code = _text(row["code"])
        if code not in codes:
            refused.append(RefusedRow(VARIABLE_SHEET, number, code, f"ไม่มีตัวชี้วัดรหัส {code} ในแผ่นงานตัวชี้วัด"))
            continue
        by_code.setdefault(code, []).append((number, row))
    plan = []
    for number, row in indicator_rows:
        code = _text(row["code"])
        if codes.count(code) > 1:
            refused.append(RefusedRow(INDICATOR_SHEET, number, code, f"รหัสตัวชี้วัด {code} ซ้ำในไฟล์"))
            continue
        entry = existing.get(code)
        try:
            variables = []
            for _, v in by_code.get(code, []):
                key = _text(v["key"]).lower()
                variables.append(
                    VariableForm(
                        key=key,
                        label=_text(v["label"]),
                        unit=_text(v["unit"]),
                        kind=_text(v["kind"]) or "count",
                        source=_text(v["source"]) or "district",
                        required_months=_months(_text(v["months"]) or "3,6,9,12"),
                        min_value=v["min"] if _text(v["min"]) else None,
                        max_value=v["max"] if _text(v["max"]) else None,
                        whole_key=_text(v["part_of"]).lower() or None,
                        id=entry.variable_ids.get(key) if entry else None,
                    )
                )
            bureau = _text(row["bureau"])
            if bureau not in bureaus:
                raise FieldError("indicator-bureau", f"ไม่พบสำนักรหัส {bureau}")
            form = IndicatorForm(
                code=code,
                name=_text(row["name"]),
                bureau_id=bureaus[bureau],
                weight=row["weight"],
                formula=_text(row["formula"]),
                thresholds=tuple(row[f"t{i}"] for i in range(1, 6)),  # type: ignore[arg-type]
                direction=_text(row["direction"]) or "higher",
                kind=_text(row["kind"]) or "percent",
                variables=variables,
                active=_text(row["active"]) not in ("0", "no", "ไม่ใช้"),
            )
            indicator = session.get(Indicator, entry.indicator.id) if entry else None
            with session.no_autoflush:
                spec = validate_form(session, year_id, form, indicator)
        except ServiceError as error:
            refused.append(RefusedRow(INDICATOR_SHEET, number, code, error.message))
            continue
        if entry is None:
            plan.append((form, None, WorkbookChange(code, "create", ["ตัวชี้วัดใหม่"], 0, 0, form.name, number)))
            continue
        before, after = snapshot(entry.indicator, entry.spec), snapshot(indicator, spec)
        after["bureau_id"], after["active"] = form.bureau_id, form.active
        details = [DETAIL_NAMES[k] for k in DETAIL_NAMES if before.get(k) != after.get(k)]
        if not details:
            plan.append((form, indicator, WorkbookChange(code, "unchanged", [], 0, 0, form.name, number)))
            continue
        impact = impact_of(session, indicator)
        plan.append(
            (
                form,
                indicator,
                WorkbookChange(code, "update", details, impact.rescored, impact.certified_kept, form.name, number),
            )
        )
    return plan, refused


def preview_workbook(user: CurrentUser, year_id: int, content: bytes) -> WorkbookPreview:
    """Every change the workbook makes to the year's catalogue and every row refused, with its reason; stores nothing."""
    require_kpi_office(user, NOT_KPI_OFFICE)
    with session_scope() as session:
        year = require_year(session, year_id)
        plan, refused = _plan(session, year.id, content)
        session.rollback()
        return WorkbookPreview([change for _, _, change in plan], refused)


def apply_workbook(user: CurrentUser, year_id: int, content: bytes) -> WorkbookPreview:
    """Apply the whole workbook in one transaction; any refused row refuses all of it (nothing stored)."""
    require_kpi_office(user, NOT_KPI_OFFICE)
    changed: list[tuple[int, int, int]] = []
    with session_scope() as session:
        year = require_year(session, year_id)
        plan, refused = _plan(session, year.id, content)
        if refused:
            raise ServiceError(f"มีแถวที่นำเข้าไม่ได้ {len(refused)} แถว ไม่ได้บันทึกการเปลี่ยนแปลงใด")
        for form, indicator, change in plan:
            if change.action == "unchanged":
                continue
            spec = validate_form(session, year.id, form, indicator)
            before = snapshot(indicator, fresh_entry(session, indicator.id).spec) if indicator is not None else None
            indicator = store_indicator(session, user, "import_catalogue", year.id, indicator, spec, form, before)
            if change.action == "update":
                changed += [(d, r, indicator.id) for d, r in rescore_open_rounds(session, user, indicator)]
        preview = WorkbookPreview([change for _, _, change in plan], [])
    catalogue_changed()
    for district_id, round_id, indicator_id in changed:
        announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="value"))
    return preview
