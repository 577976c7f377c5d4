"""Central data (ใช้ข้อมูลส่วนกลาง): the bureau fills the central variables of its indicators,
one cell at a time or for every district at once from an .xlsx / .csv file.

An import is two steps. `preview_import` reads the file and stores nothing: it lists each
district row it will change (old -> new) and each row it refuses, with a Thai reason, and
returns a signed token holding exactly those changes. `apply_import` checks the token,
re-checks every change against the database as it is now, and writes them all in one
transaction (all or nothing), audited as "import_central".

File layout: one row per district; the first column holds the district code (spm07,
spp001, ...); the other columns are headed by variable keys ("a", "b", "1", also "a." or
"ข้อ a"). Other columns (a district name, notes) are ignored and listed as such. An empty
cell leaves the stored value as it is.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import District, Result, Round, Value, Variable
from krs_app.domain.certification import central_edit_window
from krs_app.domain.indicators import VariableSource, VariableSpec
from krs_app.domain.numbers import format_number
from krs_app.domain.spreadsheet import neutralise_formula
from krs_app.domain.status import STATUS_LABELS, Status
from krs_app.domain.validation import check_value
from krs_app.live.bus import Change, announce
from krs_app.services import audit
from krs_app.services.access import require_bureau_of
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import CatalogueEntry, get_round, load_entry
from krs_app.services.clock import utcnow
from krs_app.services.entry import EnterOutcome
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from krs_app.services.results import find_result, refresh_result, values_by_key
from krs_app.services.review import LEVEL_LABELS, require_round
from krs_app.settings import get_settings

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
TOKEN_LIFETIME = timedelta(hours=2)
_TOKEN_PURPOSE = b"krs-import-central:"
# Columns people add for reading the file; ignored without a note.
NAME_HEADERS = frozenset({"ชื่อ สพท", "ชื่อ", "ชื่อเขต", "ชื่อเขตพื้นที่", "name", "district_name", "สพท"})


# ---------------------------------------------------------------- the grid


@dataclass
class CentralColumn:
    variable_id: int
    key: str
    label: str
    unit: str


@dataclass
class CentralRow:
    district_id: int
    district_code: str
    district_name: str
    level_label: str
    cells: list[str]  # values in the order of CentralGrid.columns
    status: str
    status_label: str
    editable: bool
    lock_reason: str


@dataclass
class CentralGrid:
    indicator_id: int
    indicator_code: str
    indicator_name: str
    round_id: int
    round_label: str
    round_closed: bool
    columns: list[CentralColumn]
    rows: list[CentralRow]


def _central_columns(entry: CatalogueEntry, months: int) -> list[VariableSpec]:
    return [v for v in entry.spec.required_variables(months) if v.source == VariableSource.CENTRAL]


def central_grid(user: CurrentUser, indicator_id: int, round_id: int | None = None) -> CentralGrid:
    """Every district's central values of one of the bureau's indicators in a round."""
    with session_scope() as session:
        indicator = require_bureau_of(session, user, indicator_id)
        round_ = get_round(session, None) if round_id is None else require_round(session, round_id)
        entry = load_entry(session, indicator.id)
        columns = _central_columns(entry, round_.months)
        ids = [entry.variable_ids[v.key] for v in columns]
        stored: dict[tuple[int, int], float] = {}
        if ids:
            for row in session.exec(select(Value).where(Value.round_id == round_.id, Value.variable_id.in_(ids))):
                stored[(row.district_id, row.variable_id)] = row.value
        # .all(): dict() of the result object itself takes it for a mapping (it has .keys()) and fails
        statuses = dict(
            session.exec(
                select(Result.district_id, Result.status).where(
                    Result.indicator_id == indicator.id, Result.round_id == round_.id
                )
            ).all()
        )
        rows = []
        for district in session.exec(select(District).order_by(District.code)):
            status = Status(statuses.get(district.id, Status.NOT_REPORTED.value))
            window = central_edit_window(status, round_.closed)
            rows.append(
                CentralRow(
                    district_id=district.id,
                    district_code=district.code,
                    district_name=district.short_name,
                    level_label=LEVEL_LABELS.get(district.level, ""),
                    cells=[format_number(stored.get((district.id, vid))) for vid in ids],
                    status=status.value,
                    status_label=STATUS_LABELS[status],
                    editable=window.allowed and bool(ids),
                    lock_reason=window.reason,
                )
            )
        return CentralGrid(
            indicator_id=indicator.id,
            indicator_code=indicator.code,
            indicator_name=indicator.name,
            round_id=round_.id,
            round_label=round_.label,
            round_closed=round_.closed,
            columns=[
                CentralColumn(variable_id=entry.variable_ids[v.key], key=v.key, label=v.label, unit=v.unit)
                for v in columns
            ],
            rows=rows,
        )


# ---------------------------------------------------------------- one cell


def _refresh_keeping_refusal(session: Session, entry: CatalogueEntry, district_id: int, round_: Round) -> Result:
    """Recompute after a central change. A refused result stays refused: the refusal was the
    bureau's own decision, and a change of central data is not the district's correction."""
    previous = find_result(session, district_id, entry.indicator.id, round_.id)
    saved = (previous.status, previous.correction_deadline, previous.reported_at) if previous else None
    result, _ = refresh_result(session, entry, district_id, round_)
    if saved and saved[0] == Status.NOT_CERTIFIED.value and result.status == Status.AWAITING.value:
        result.status, result.correction_deadline, result.reported_at = saved
        session.add(result)
    return result


def _write_value(
    session: Session, district_id: int, variable_id: int, round_id: int, value: float | None, user_id: int, now
) -> None:
    existing = session.exec(
        select(Value).where(
            Value.district_id == district_id, Value.variable_id == variable_id, Value.round_id == round_id
        )
    ).first()
    if value is None:
        if existing is not None:
            session.delete(existing)
        return
    if existing is None:
        session.add(
            Value(
                district_id=district_id,
                variable_id=variable_id,
                round_id=round_id,
                value=value,
                entered_by=user_id,
                entered_at=now,
            )
        )
        return
    existing.value = value
    existing.entered_by = user_id
    existing.entered_at = now
    session.add(existing)


def set_central_value(
    user: CurrentUser, district_id: int, variable_id: int, round_id: int, text: object
) -> EnterOutcome:
    """The bureau types one central value for one district. An empty text clears it.

    Validation failures come back as EnterOutcome(ok=False, Thai message) and change
    nothing; a user who may not do it gets NotAllowed.
    """
    for number in (district_id, variable_id, round_id):
        if not isinstance(number, int) or isinstance(number, bool):
            raise NotFound()
    if text is not None and not isinstance(text, (str, int, float)):
        return EnterOutcome(False, "กรุณากรอกตัวเลข")
    with session_scope() as session:
        variable_row = session.get(Variable, variable_id)
        if variable_row is None:
            raise NotFound()
        indicator = require_bureau_of(session, user, variable_row.indicator_id)
        if session.get(District, district_id) is None:
            raise NotFound("ไม่พบ สพท. ที่ระบุ")
        round_ = require_round(session, round_id)
        entry = load_entry(session, indicator.id)
        spec = entry.variables_by_id[variable_id]
        if spec.source != VariableSource.CENTRAL:
            raise NotAllowed("ตัวแปรนี้ สพท. เป็นผู้กรอก ไม่ใช่ข้อมูลส่วนกลาง")
        if not spec.is_required_in(round_.months):
            raise ServiceError("ยังไม่ต้องรายงานในรอบนี้")
        result = find_result(session, district_id, indicator.id, round_.id)
        window = central_edit_window(Status(result.status) if result else Status.NOT_REPORTED, round_.closed)
        if not window.allowed:
            return EnterOutcome(False, window.reason)
        stored = values_by_key(session, entry, district_id, round_.id)
        check = check_value(entry.spec, spec, text, {k: v for k, v in stored.items() if k != spec.key})
        if not check.ok:
            return EnterOutcome(False, check.message)
        before = stored.get(spec.key)
        if before == check.value:
            return EnterOutcome(True)
        now = utcnow()
        status_before = result.status if result else Status.NOT_REPORTED.value
        _write_value(session, district_id, variable_id, round_.id, check.value, user.id, now)
        session.flush()
        result = _refresh_keeping_refusal(session, entry, district_id, round_)
        session.flush()
        audit.record(
            session,
            user_id=user.id,
            action="set_central_value",
            entity="value",
            entity_id=variable_id,
            district_id=district_id,
            round_id=round_.id,
            indicator_id=indicator.id,
            before={"variable": spec.key, "value": before, "status": status_before},
            after={"variable": spec.key, "value": check.value, "status": result.status, "score": result.score},
        )
        indicator_id = indicator.id
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="value"))
    return EnterOutcome(True, changed=True)


# ---------------------------------------------------------------- import: reading the file


def _header_key(cell: object) -> str:
    text = "" if cell is None else str(cell).strip().lower()
    if text.startswith("ข้อ"):
        text = text[3:].strip()
    return text.rstrip(".").strip()


XML_DECLARATIONS_REFUSED = (
    "ไฟล์ Excel นี้มีการประกาศ DOCTYPE/ENTITY ซึ่งระบบไม่รับเพื่อความปลอดภัย กรุณาเปิดไฟล์ใน Excel แล้วบันทึกเป็น .xlsx ใหม่ก่อนนำเข้า"
)
XLSX_TOO_LARGE_INSIDE = "ไฟล์ Excel นี้เมื่อคลายการบีบอัดมีขนาดใหญ่เกินที่ระบบรับได้"
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
_XML_MARKERS = tuple(
    marker.encode(encoding) for marker in ("<!doctype", "<!entity") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


def _refuse_xml_declarations(content: bytes) -> None:
    """An .xlsx is a zip of XML parts; a part with a DOCTYPE or ENTITY declaration (XXE, entity
    expansion) is refused before any XML parser sees it, as is a zip that unpacks too large."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ServiceError("อ่านไฟล์ Excel ไม่ได้ กรุณาตรวจสอบว่าเป็นไฟล์ .xlsx") from error
    if sum(member.file_size for member in members) > MAX_XLSX_UNPACKED_BYTES:
        raise ServiceError(XLSX_TOO_LARGE_INSIDE)
    overlap = max(len(marker) for marker in _XML_MARKERS)
    try:
        for member in members:
            with archive.open(member) as part:
                tail = b""
                read = 0
                while chunk := part.read(256 * 1024):
                    read += len(chunk)
                    if read > MAX_XLSX_UNPACKED_BYTES:
                        raise ServiceError(XLSX_TOO_LARGE_INSIDE)
                    window = (tail + chunk).lower()
                    if any(marker in window for marker in _XML_MARKERS):
                        raise ServiceError(XML_DECLARATIONS_REFUSED)
                    tail = window[-overlap:]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as error:
        raise ServiceError("อ่านไฟล์ Excel ไม่ได้ กรุณาตรวจสอบว่าเป็นไฟล์ .xlsx") from error


def _read_rows(filename: str, content: bytes) -> list[list[object]]:
    name = filename.strip().lower()
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ServiceError("ไฟล์ CSV ต้องบันทึกเป็น UTF-8 (CSV UTF-8)") from error
        sample = text[:4096]
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            return [
                list(row)
                for _, row in zip(range(MAX_IMPORT_ROWS + 2), csv.reader(io.StringIO(text), dialect), strict=False)
            ]
        except csv.Error as error:
            raise ServiceError("อ่านไฟล์ CSV ไม่ได้ กรุณาตรวจสอบรูปแบบไฟล์") from error
    if name.endswith(".xlsx"):
        import openpyxl

        _refuse_xml_declarations(content)
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
            raise ServiceError("อ่านไฟล์ Excel ไม่ได้ กรุณาตรวจสอบว่าเป็นไฟล์ .xlsx") from error
        try:
            if not workbook.worksheets:
                return []
            rows = []
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                rows.append(list(row))
                if len(rows) > MAX_IMPORT_ROWS + 1:
                    break
            return rows
        except Exception as error:
            raise ServiceError("อ่านไฟล์ Excel ไม่ได้ กรุณาตรวจสอบว่าเป็นไฟล์ .xlsx") from error
        finally:
            workbook.close()
    raise ServiceError("รองรับเฉพาะไฟล์ .xlsx หรือ .csv")


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _cell_value(cell: object) -> object:
    """What a cell holds, in the form check_value reads: a number, or text."""
    if isinstance(cell, (bool, datetime)):
        return "?"  # not a number: check_value refuses it with its message
    if isinstance(cell, (int, float)):
        return cell
    return str(cell)


# ---------------------------------------------------------------- import: preview


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


def _sign(payload: bytes) -> str:
    secret = get_settings().secret.encode()
    return hmac.new(secret, _TOKEN_PURPOSE + payload, hashlib.sha256).hexdigest()


def _make_token(payload: dict) -> str:
    raw = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
    return f"{raw}.{_sign(raw.encode())}"


def _read_token(token: object) -> dict:
    invalid = ServiceError("ผลการตรวจสอบไฟล์ไม่ถูกต้องหรือหมดอายุ กรุณาตรวจสอบไฟล์อีกครั้ง")
    if not isinstance(token, str) or "." not in token or len(token) > 4_000_000:
        raise invalid
    raw, signature = token.rsplit(".", 1)
    if not hmac.compare_digest(_sign(raw.encode()), signature):
        raise invalid
    try:
        payload = json.loads(base64.urlsafe_b64decode(raw.encode()))
        issued = datetime.fromisoformat(payload["at"])
    except (ValueError, KeyError, TypeError) as error:
        raise invalid from error
    if utcnow() - issued > TOKEN_LIFETIME:
        raise invalid
    return payload


def _change_text(key: str, old: float | None, new: float | None) -> ImportCellChange:
    return ImportCellChange(key=key, old_text=format_number(old) or "-", new_text=format_number(new) or "-")


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
        entry = load_entry(session, indicator.id)
        spec = entry.spec
        rows = _read_rows(filename, bytes(content))
        while rows and all(_blank(cell) for cell in rows[0]):
            rows.pop(0)
        if not rows:
            raise ServiceError("ไม่พบข้อมูลในไฟล์")
        if len(rows) > MAX_IMPORT_ROWS + 1:
            raise ServiceError(f"ไฟล์มีเกิน {MAX_IMPORT_ROWS:,} แถว")
        header = rows[0]
        central: dict[int, VariableSpec] = {}  # column -> variable
        not_central: dict[int, str] = {}  # column -> Thai reason a value there is refused
        problems: list[str] = []
        for column, cell in enumerate(header[1:], start=1):
            key = _header_key(cell)
            if not key or key in NAME_HEADERS:
                continue
            if key not in entry.variable_ids:
                problems.append(f'คอลัมน์ "{str(cell)[:30]}" ไม่ใช่ตัวแปรของตัวชี้วัดนี้ — ไม่นำเข้า')
                continue
            variable = entry.variables_by_id[entry.variable_ids[key]]
            if variable.source != VariableSource.CENTRAL:
                not_central[column] = f"ข้อ {key}. ไม่ใช่ข้อมูลส่วนกลาง (สพท. เป็นผู้กรอก)"
            elif not variable.is_required_in(round_.months):
                not_central[column] = f"ข้อ {key}. ยังไม่ต้องรายงานในรอบนี้"
            elif variable in central.values():
                problems.append(f"คอลัมน์ข้อ {key}. ซ้ำ — ใช้คอลัมน์แรกเท่านั้น")
            else:
                central[column] = variable
        if not central and not not_central:
            raise ServiceError("ไม่พบคอลัมน์ข้อมูลส่วนกลางของตัวชี้วัดนี้ในไฟล์ (หัวคอลัมน์ต้องเป็น a, b, 1, 2 ...)")

        districts = {d.code.lower(): d for d in session.exec(select(District))}
        ids = [entry.variable_ids[v.key] for v in spec.variables]
        key_of = {vid: key for key, vid in entry.variable_ids.items()}
        stored: dict[int, dict[str, float]] = {}
        for row in session.exec(select(Value).where(Value.round_id == round_.id, Value.variable_id.in_(ids))):
            stored.setdefault(row.district_id, {})[key_of[row.variable_id]] = row.value
        # .all(): dict() of the result object itself takes it for a mapping (it has .keys()) and fails
        statuses = dict(
            session.exec(
                select(Result.district_id, Result.status).where(
                    Result.indicator_id == indicator.id, Result.round_id == round_.id
                )
            ).all()
        )

        changes: list[ImportRow] = []
        refused: list[ImportRefusal] = []
        unchanged = 0
        seen: dict[str, int] = {}
        planned: list[list] = []  # [district id, variable id, old, new]
        for line, cells in enumerate(rows[1:], start=2):
            if all(_blank(cell) for cell in cells):
                continue
            code_cell = cells[0] if cells else None
            code = "" if _blank(code_cell) else str(code_cell).strip()
            shown_code = code[:30]

            def reject(reason: str) -> None:
                refused.append(ImportRefusal(line=line, district_code=shown_code, reason=reason))  # noqa: B023

            if not code:
                reject("ไม่มีรหัสเขตพื้นที่ในคอลัมน์แรก")
                continue
            district = districts.get(code.lower())
            if district is None:
                reject(f'ไม่พบรหัสเขตพื้นที่ "{shown_code}"')
                continue
            if code.lower() in seen:
                reject(f"รหัสเขตพื้นที่ซ้ำกับบรรทัด {seen[code.lower()]}")
                continue
            seen[code.lower()] = line
            bad = next(
                (reason for column, reason in not_central.items() if column < len(cells) and not _blank(cells[column])),
                None,
            )
            if bad:
                reject(bad)
                continue
            window = central_edit_window(Status(statuses.get(district.id, Status.NOT_REPORTED.value)), round_.closed)
            current = stored.get(district.id, {})
            merged = dict(current)
            read: dict[str, float] = {}
            reason = ""
            for column, variable in central.items():
                if column >= len(cells) or _blank(cells[column]):
                    continue
                check = check_value(spec, variable, _cell_value(cells[column]), {})
                if not check.ok:
                    reason = f"ข้อ {variable.key}.: {check.message}"
                    break
                read[variable.key] = check.value
                merged[variable.key] = check.value
            if not reason:
                for key, value in read.items():
                    others = {k: v for k, v in merged.items() if k != key}
                    check = check_value(spec, spec.variable(key), value, others)
                    if not check.ok:
                        reason = check.message
                        break
            if reason:
                reject(reason)
                continue
            cell_changes = [key for key, value in read.items() if current.get(key) != value]
            if not cell_changes:
                unchanged += 1
                continue
            if not window.allowed:
                reject(window.reason)
                continue
            row_changes = [_change_text(key, current.get(key), read[key]) for key in cell_changes]
            changes.append(
                ImportRow(
                    line=line,
                    district_id=district.id,
                    district_code=district.code,
                    district_name=district.short_name,
                    changes=row_changes,
                    summary="; ".join(f"{c.key}: {c.old_text} → {c.new_text}" for c in row_changes),
                )
            )
            planned.extend([district.id, entry.variable_ids[key], current.get(key), read[key]] for key in cell_changes)
        token = _make_token(
            {
                "u": user.id,
                "i": indicator.id,
                "r": round_.id,
                "f": filename,
                "at": utcnow().isoformat(),
                "c": planned,
            }
        )
        return ImportPreview(
            token=token,
            indicator_id=indicator.id,
            indicator_code=indicator.code,
            round_id=round_.id,
            round_label=round_.label,
            filename=filename,
            columns=[v.key for v in central.values()],
            changes=changes,
            refused=refused,
            unchanged=unchanged,
            value_count=len(planned),
            problems=problems,
        )


# ---------------------------------------------------------------- import: apply


@dataclass(frozen=True)
class ImportOutcome:
    districts: int
    values: int
    message: str


def apply_import(user: CurrentUser, token: str) -> ImportOutcome:
    """Write the changes a preview listed, in one transaction: all of them or none.

    Every change is checked again: the acting user must be the one who previewed, may
    still act on the indicator, and the stored value must still be the one the preview
    showed (else someone changed it since: nothing is written, preview again).
    """
    payload = _read_token(token)
    if payload.get("u") != user.id:
        raise NotAllowed("ผลการตรวจสอบไฟล์นี้เป็นของผู้ใช้อื่น")
    planned = payload.get("c") or []
    if not planned:
        raise ServiceError("ไม่มีข้อมูลที่ต้องเปลี่ยนแปลง")
    now = utcnow()
    with session_scope() as session:
        indicator = require_bureau_of(session, user, payload["i"])
        round_ = require_round(session, payload["r"])
        if round_.closed:
            raise ServiceError("รอบการรายงานนี้ปิดแล้ว นำเข้าข้อมูลไม่ได้")
        entry = load_entry(session, indicator.id)
        spec = entry.spec
        by_district: dict[int, list[tuple[int, float | None, float]]] = {}
        for district_id, variable_id, old, new in planned:
            by_district.setdefault(district_id, []).append((variable_id, old, new))
        districts = {d.id: d for d in session.exec(select(District).where(District.id.in_(list(by_district))))}
        for district_id, items in by_district.items():
            district = districts.get(district_id)
            if district is None:
                raise NotFound("ไม่พบ สพท. ที่ระบุ")
            result = find_result(session, district_id, indicator.id, round_.id)
            status_before = result.status if result else Status.NOT_REPORTED.value
            window = central_edit_window(Status(status_before), round_.closed)
            if not window.allowed:
                raise ServiceError(f"{district.short_name}: {window.reason} — ไม่ได้นำเข้าข้อมูลใดเลย")
            current = values_by_key(session, entry, district_id, round_.id)
            merged = dict(current)
            for variable_id, old, new in items:
                variable = entry.variables_by_id.get(variable_id)
                if variable is None or variable.source != VariableSource.CENTRAL:
                    raise NotAllowed("ตัวแปรนี้ไม่ใช่ข้อมูลส่วนกลาง")
                if current.get(variable.key) != old:
                    raise ServiceError(
                        f"ข้อมูลของ {district.short_name} เปลี่ยนไปหลังการตรวจสอบไฟล์ "
                        "กรุณาตรวจสอบไฟล์อีกครั้ง — ไม่ได้นำเข้าข้อมูลใดเลย"
                    )
                merged[variable.key] = new
            for variable_id, _old, new in items:
                variable = entry.variables_by_id[variable_id]
                check = check_value(spec, variable, new, {k: v for k, v in merged.items() if k != variable.key})
                if not check.ok:
                    raise ServiceError(f"{district.short_name} ข้อ {variable.key}.: {check.message}")
                _write_value(session, district_id, variable_id, round_.id, check.value, user.id, now)
            session.flush()
            result = _refresh_keeping_refusal(session, entry, district_id, round_)
            session.flush()
            for variable_id, old, new in items:
                key = entry.variables_by_id[variable_id].key
                audit.record(
                    session,
                    user_id=user.id,
                    action="import_central",
                    entity="value",
                    entity_id=variable_id,
                    district_id=district_id,
                    round_id=round_.id,
                    indicator_id=indicator.id,
                    before={"variable": key, "value": old, "status": status_before},
                    after={"variable": key, "value": new, "status": result.status, "score": result.score},
                )
        audit.record(
            session,
            user_id=user.id,
            action="import_central",
            entity="import",
            entity_id=indicator.id,
            round_id=round_.id,
            indicator_id=indicator.id,
            after={"file": payload.get("f"), "districts": len(by_district), "values": len(planned)},
        )
        indicator_id, round_id = indicator.id, round_.id
    for district_id in by_district:
        announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="value"))
    return ImportOutcome(
        districts=len(by_district),
        values=len(planned),
        message=f"นำเข้าข้อมูลส่วนกลางแล้ว {len(by_district):,} เขต ({len(planned):,} ค่า)",
    )


def template_csv(user: CurrentUser, indicator_id: int, round_id: int | None = None) -> bytes:
    """A CSV of the current central values (UTF-8 with BOM): fill it in and import it back."""
    grid = central_grid(user, indicator_id, round_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["district_code", "ชื่อ สพท.", *[c.key for c in grid.columns]])
    for row in grid.rows:
        writer.writerow([neutralise_formula(row.district_code), neutralise_formula(row.district_name), *row.cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
