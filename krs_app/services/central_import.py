"""Central data (ใช้ข้อมูลส่วนกลาง), the import's first step: the bureau fills the central
variables of an indicator for every district at once from an .xlsx / .csv file.

An import is two steps. `preview_import` (here) reads the file and stores nothing: it lists
each district row it will change (old -> new) and each row it refuses, with a Thai reason,
and returns a signed token holding exactly those changes. `apply_import`
(central_import_apply.py) checks the token, re-checks every change against the database as
it is now, and writes them all in one transaction (all or nothing), audited as
"import_central".

File layout: one row per district; the first column holds the district code (spm07,
spp001, ...); the other columns are headed by variable keys ("a", "b", "1", also "a." or
"ข้อ a"). Other columns (a district name, notes) are ignored and listed as such. An empty
cell leaves the stored value as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import District, Result, Value
from krs_app.domain.certification import central_edit_window
from krs_app.domain.indicators import IndicatorSpec, VariableSource, VariableSpec
from krs_app.domain.numbers import format_number
from krs_app.domain.status import Status
from krs_app.domain.validation import check_value
from krs_app.services.access import require_bureau_of, require_round
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import CatalogueEntry, load_entry
from krs_app.services.clock import utcnow
from krs_app.services.errors import ServiceError
from krs_app.services.signed_token import make_token, read_token
from krs_app.services.spreadsheet import cell_value, is_blank, read_rows

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
TOKEN_LIFETIME = timedelta(hours=2)
_TOKEN_PURPOSE = b"krs-import-central:"
# Columns people add for reading the file; ignored without a note.
NAME_HEADERS = frozenset({"ชื่อ สพท", "ชื่อ", "ชื่อเขต", "ชื่อเขตพื้นที่", "name", "district_name", "สพท"})


def _header_key(cell: object) -> str:
    text = "" if cell is None else str(cell).strip().lower()
    if text.startswith("ข้อ"):
        text = text[3:].strip()
    return text.rstrip(".").strip()


def read_import_token(token: object) -> dict:
    """The changes a preview planned (its token, as apply_import gets it back), or a Thai refusal."""
    payload = read_token(_TOKEN_PURPOSE, token, TOKEN_LIFETIME)
    if payload is None:
        raise ServiceError("ผลการตรวจสอบไฟล์ไม่ถูกต้องหรือหมดอายุ กรุณาตรวจสอบไฟล์อีกครั้ง")
    return payload


# ---------------------------------------------------------------- preview


@dataclass
class ImportCellChange:
    key: str
    old_text: str
    new_text: str


@dataclass
class ImportRow:
    line: int  # the row number in the file (1 = header)
    district_id: int
    district_code: str
    district_name: str
    changes: list[ImportCellChange]
    summary: str  # "a: 10 → 12; b: - → 20"


@dataclass
class ImportRefusal:
    line: int
    district_code: str
    reason: str


@dataclass
class ImportPreview:
    token: str  # hand it back to apply_import
    indicator_id: int
    indicator_code: str
    round_id: int
    round_label: str
    filename: str
    columns: list[str]  # the central variable keys read from the file
    changes: list[ImportRow]
    refused: list[ImportRefusal]
    unchanged: int  # rows read that change nothing
    value_count: int  # values that will change
    problems: list[str] = field(default_factory=list)  # columns ignored, and why


def _change_text(key: str, old: float | None, new: float | None) -> ImportCellChange:
    return ImportCellChange(key=key, old_text=format_number(old) or "-", new_text=format_number(new) or "-")


@dataclass
class _Columns:
    """What the header row says: which column holds which central variable."""

    central: dict[int, VariableSpec]  # column -> variable
    not_central: dict[int, str]  # column -> Thai reason a value there is refused
    problems: list[str]  # columns ignored, and why


def _read_columns(header: list[object], entry: CatalogueEntry, months: int) -> _Columns:
    columns = _Columns(central={}, not_central={}, problems=[])
    for column, cell in enumerate(header[1:], start=1):
        key = _header_key(cell)
        if not key or key in NAME_HEADERS:
            continue
        if key not in entry.variable_ids:
            columns.problems.append(f'คอลัมน์ "{str(cell)[:30]}" ไม่ใช่ตัวแปรของตัวชี้วัดนี้ — ไม่นำเข้า')
            continue
        variable = entry.variables_by_id[entry.variable_ids[key]]
        if variable.source != VariableSource.CENTRAL:
            columns.not_central[column] = f"ข้อ {key}. ไม่ใช่ข้อมูลส่วนกลาง (สพท. เป็นผู้กรอก)"
        elif not variable.is_required_in(months):
            columns.not_central[column] = f"ข้อ {key}. ยังไม่ต้องรายงานในรอบนี้"
        elif variable in columns.central.values():
            columns.problems.append(f"คอลัมน์ข้อ {key}. ซ้ำ — ใช้คอลัมน์แรกเท่านั้น")
        else:
            columns.central[column] = variable
    if not columns.central and not columns.not_central:
        raise ServiceError("ไม่พบคอลัมน์ข้อมูลส่วนกลางของตัวชี้วัดนี้ในไฟล์ (หัวคอลัมน์ต้องเป็น a, b, 1, 2 ...)")
    return columns


@dataclass
class _Stored:
    """What the database holds now for the indicator in the round."""

    districts: dict[str, District]  # by lower-case code
    values: dict[int, dict[str, float]]  # district -> variable key -> value
    statuses: dict[int, str]  # district -> result status


def _load_stored(session: Session, entry: CatalogueEntry, round_id: int) -> _Stored:
    ids = [entry.variable_ids[v.key] for v in entry.spec.variables]
    key_of = {vid: key for key, vid in entry.variable_ids.items()}
    values: dict[int, dict[str, float]] = {}
    for row in session.exec(select(Value).where(Value.round_id == round_id, Value.variable_id.in_(ids))):
        values.setdefault(row.district_id, {})[key_of[row.variable_id]] = row.value
    # .all(): dict() of a Result itself would read it as a mapping (it has .keys()).
    query = select(Result.district_id, Result.status).where(
        Result.indicator_id == entry.indicator.id, Result.round_id == round_id
    )
    statuses = dict(session.exec(query).all())
    return _Stored(
        districts={d.code.lower(): d for d in session.exec(select(District))}, values=values, statuses=statuses
    )


def _read_values(
    spec: IndicatorSpec, central: dict[int, VariableSpec], cells: list[object], current: dict[str, float]
) -> tuple[dict[str, float], str]:
    """One row's central values, checked one by one and then against the district's other
    values; ({key: value}, "") or ({}, the Thai reason the row is refused)."""
    merged = dict(current)
    read: dict[str, float] = {}
    for column, variable in central.items():
        if column >= len(cells) or is_blank(cells[column]):
            continue
        check = check_value(spec, variable, cell_value(cells[column]), {})
        if not check.ok:
            return {}, f"ข้อ {variable.key}.: {check.message}"
        read[variable.key] = check.value
        merged[variable.key] = check.value
    for key, value in read.items():
        others = {k: v for k, v in merged.items() if k != key}
        check = check_value(spec, spec.variable(key), value, others)
        if not check.ok:
            return {}, check.message
    return read, ""


@dataclass
class _Plan:
    """The preview as it is built, row by row."""

    changes: list[ImportRow] = field(default_factory=list)
    refused: list[ImportRefusal] = field(default_factory=list)
    unchanged: int = 0
    seen: dict[str, int] = field(default_factory=dict)  # lower-case code -> first line
    planned: list[list] = field(default_factory=list)  # [district id, variable id, old, new]


def _plan_row(
    plan: _Plan, line: int, cells: list[object], entry: CatalogueEntry, columns: _Columns, stored: _Stored, closed: bool
) -> None:
    """Add one file row to the plan: a change, a refusal with its reason, or unchanged."""
    code_cell = cells[0] if cells else None
    code = "" if is_blank(code_cell) else str(code_cell).strip()
    shown_code = code[:30]

    def reject(reason: str) -> None:
        plan.refused.append(ImportRefusal(line=line, district_code=shown_code, reason=reason))

    if not code:
        return reject("ไม่มีรหัสเขตพื้นที่ในคอลัมน์แรก")
    district = stored.districts.get(code.lower())
    if district is None:
        return reject(f'ไม่พบรหัสเขตพื้นที่ "{shown_code}"')
    if code.lower() in plan.seen:
        return reject(f"รหัสเขตพื้นที่ซ้ำกับบรรทัด {plan.seen[code.lower()]}")
    plan.seen[code.lower()] = line
    bad = next(
        (
            reason
            for column, reason in columns.not_central.items()
            if column < len(cells) and not is_blank(cells[column])
        ),
        None,
    )
    if bad:
        return reject(bad)
    window = central_edit_window(Status(stored.statuses.get(district.id, Status.NOT_REPORTED.value)), closed)
    current = stored.values.get(district.id, {})
    read, reason = _read_values(entry.spec, columns.central, cells, current)
    if reason:
        return reject(reason)
    cell_changes = [key for key, value in read.items() if current.get(key) != value]
    if not cell_changes:
        plan.unchanged += 1
        return None
    if not window.allowed:
        return reject(window.reason)
    row_changes = [_change_text(key, current.get(key), read[key]) for key in cell_changes]
    plan.changes.append(
        ImportRow(
            line=line,
            district_id=district.id,
            district_code=district.code,
            district_name=district.short_name,
            changes=row_changes,
            summary="; ".join(f"{c.key}: {c.old_text} → {c.new_text}" for c in row_changes),
        )
    )
    plan.planned.extend([district.id, entry.variable_ids[key], current.get(key), read[key]] for key in cell_changes)
    return None


def _file_rows(filename: str, content: bytes) -> list[list[object]]:
    """The file's rows from its first non-blank one (the header), or a Thai refusal."""
    rows = read_rows(filename, bytes(content), MAX_IMPORT_ROWS)
    while rows and all(is_blank(cell) for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise ServiceError("ไม่พบข้อมูลในไฟล์")
    if len(rows) > MAX_IMPORT_ROWS + 1:
        raise ServiceError(f"ไฟล์มีเกิน {MAX_IMPORT_ROWS:,} แถว")
    return rows


def preview_import(user: CurrentUser, indicator_id: int, round_id: int, filename: str, content: bytes) -> ImportPreview:
    """Read an .xlsx / .csv of central values and say what importing it would do. Stores nothing."""
    if not isinstance(filename, str) or not isinstance(content, (bytes, bytearray)):
        raise ServiceError("กรุณาเลือกไฟล์")
    if len(content) > MAX_IMPORT_BYTES:
        raise ServiceError(f"ไฟล์ใหญ่เกิน {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
    if not content:
        raise ServiceError("ไฟล์ว่างเปล่า")
    filename = filename.strip()[-200:]
    with session_scope() as session:
        indicator = require_bureau_of(session, user, indicator_id)
        round_ = require_round(session, round_id)
        if round_.closed:
            raise ServiceError("รอบการรายงานนี้ปิดแล้ว นำเข้าข้อมูลไม่ได้")
        entry = load_entry(session, indicator.id, round_)
        rows = _file_rows(filename, bytes(content))
        columns = _read_columns(rows[0], entry, round_.months)
        stored = _load_stored(session, entry, round_.id)
        plan = _Plan()
        for line, cells in enumerate(rows[1:], start=2):
            if not all(is_blank(cell) for cell in cells):
                _plan_row(plan, line, cells, entry, columns, stored, round_.closed)
        token = make_token(
            _TOKEN_PURPOSE,
            {
                "u": user.id,
                "i": indicator.id,
                "r": round_.id,
                "f": filename,
                "at": utcnow().isoformat(),
                "c": plan.planned,
            },
        )
        return ImportPreview(
            token=token,
            indicator_id=indicator.id,
            indicator_code=indicator.code,
            round_id=round_.id,
            round_label=round_.label,
            filename=filename,
            columns=[v.key for v in columns.central.values()],
            changes=plan.changes,
            refused=plan.refused,
            unchanged=plan.unchanged,
            value_count=len(plan.planned),
            problems=columns.problems,
        )
