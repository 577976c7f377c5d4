"""Bulk import of districts or bureaus from an .xlsx / .csv (KPI office only), in two steps.

`preview_office_import` stores nothing: every row, said to be new, changed (old → new),
unchanged or refused (with its Thai reason), and a signed token of the changes.
`apply_office_import` writes them all in one transaction (audited), or none: when the file
had a refused row, or anything changed since the preview. An office's code is its key: a
known code updates that office, a new code creates one. No row deactivates an office.

Columns (first row: headings, English or Thai) —
districts: code / รหัส, name / ชื่อ, short_name / ชื่อย่อ, level / ประเภท (สพป. | สพม. |
primary | secondary), province / จังหวัด; bureaus: code / รหัส, name / ชื่อ, short_name / ชื่อย่อ.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import Bureau, District
from krs_app.services import audit
from krs_app.services.accounts import require_kpi_office
from krs_app.services.auth import CurrentUser
from krs_app.services.errors import ServiceError
from krs_app.services.import_files import (
    already_applied,
    cell_text,
    header_index,
    make_preview_token,
    read_preview_token,
    read_upload,
)
from krs_app.services.offices import CODE_HELP, CODE_RULE, LEVELS, bureau_fields, district_fields

_PURPOSE = b"krs-import-offices:"
KINDS = ("district", "bureau")
HEADINGS = {
    "code": frozenset({"code", "รหัส", "รหัสหน่วยงาน"}),
    "name": frozenset({"name", "ชื่อ", "ชื่อหน่วยงาน", "ชื่อเต็ม"}),
    "short_name": frozenset({"short_name", "ชื่อย่อ"}),
    "level": frozenset({"level", "ประเภท", "ระดับ"}),
    "province": frozenset({"province", "จังหวัด"}),
}
REQUIRED = {"district": ("code", "name", "short_name", "level", "province"), "bureau": ("code", "name", "short_name")}
STATE_LABELS = {"new": "เพิ่มใหม่", "changed": "แก้ไข", "unchanged": "ไม่เปลี่ยนแปลง", "refused": "ไม่ผ่าน"}


@dataclass
class OfficeImportRow:
    line: int  # the row number in the file (1 = headings)
    code: str
    name: str
    state: str  # new | changed | unchanged | refused
    state_label: str
    change_text: str  # "ชื่อย่อ: สพม. 7 → สพม. เขต 7" for a change
    reason: str  # why it is refused ("" otherwise)


@dataclass
class OfficeImportPreview:
    token: str
    kind: str  # district | bureau
    filename: str
    rows: list[OfficeImportRow]
    new_count: int
    changed_count: int
    unchanged_count: int
    refused_count: int

    @property
    def can_apply(self) -> bool:
        return self.refused_count == 0 and (self.new_count + self.changed_count) > 0


@dataclass
class OfficeImportOutcome:
    created: int
    updated: int


FIELD_THAI = {"name": "ชื่อ", "short_name": "ชื่อย่อ", "level": "ประเภท", "province": "จังหวัด"}


def _fields(kind: str, get) -> dict:
    if kind == "district":
        return district_fields(get("name"), get("short_name"), get("level"), get("province"))
    return bureau_fields(get("name"), get("short_name"))


def _shown(key: str, value: object) -> str:
    return LEVELS.get(str(value), str(value)) if key == "level" else str(value)


def preview_office_import(user: CurrentUser, kind: str, filename: str, content: bytes) -> OfficeImportPreview:
    """What importing this file of districts (kind "district") or bureaus ("bureau") would do."""
    require_kpi_office(user)
    if kind not in KINDS:
        raise ServiceError("กรุณาเลือกว่าจะนำเข้า สพท. หรือสำนัก")
    table = read_upload(filename, content)
    columns = header_index(table[0], HEADINGS)
    missing = [name for name in REQUIRED[kind] if name not in columns]
    if missing:
        raise ServiceError("ไม่พบคอลัมน์ " + ", ".join(missing) + " ในแถวแรกของไฟล์")
    model = District if kind == "district" else Bureau
    rows: list[OfficeImportRow] = []
    planned: list[dict] = []
    seen: set[str] = set()
    with session_scope() as session:
        existing = {o.code: o for o in session.exec(select(model))}
        for line, cells in enumerate(table[1:], start=2):

            def get(field: str, cells=cells) -> str:
                position = columns.get(field)
                return cell_text(cells[position]) if position is not None and position < len(cells) else ""

            if not any(get(name) for name in REQUIRED[kind]):
                continue
            code = get("code").lower()
            state, change, reason = "refused", "", ""
            try:
                if not CODE_RULE.match(code):
                    raise ServiceError(CODE_HELP if code else "ไม่มีรหัสหน่วยงาน")
                if code in seen:
                    raise ServiceError(f"รหัส {code} ซ้ำกับแถวก่อนหน้าในไฟล์")
                seen.add(code)
                fields = _fields(kind, get)
                office = existing.get(code)
                if office is None:
                    state = "new"
                    planned.append({"c": code, "new": True, "f": fields})
                else:
                    diff = {k: v for k, v in fields.items() if getattr(office, k) != v}
                    state = "changed" if diff else "unchanged"
                    change = "; ".join(
                        f"{FIELD_THAI[k]}: {_shown(k, getattr(office, k))} → {_shown(k, v)}" for k, v in diff.items()
                    )
                    if diff:
                        before = {k: getattr(office, k) for k in diff}
                        planned.append({"c": code, "new": False, "f": diff, "b": before})
            except ServiceError as error:
                reason = error.message
            rows.append(OfficeImportRow(line, code, get("name"), state, STATE_LABELS[state], change, reason))
    if not rows:
        raise ServiceError("ไม่พบหน่วยงานในไฟล์ (มีแต่หัวตาราง)")
    counts = {state: sum(1 for r in rows if r.state == state) for state in STATE_LABELS}
    payload = {"k": kind, "b": secrets.token_hex(8), "f": filename[:200], "rows": planned, "refused": counts["refused"]}
    return OfficeImportPreview(
        token=make_preview_token(payload, _PURPOSE),
        kind=kind,
        filename=filename,
        rows=rows,
        new_count=counts["new"],
        changed_count=counts["changed"],
        unchanged_count=counts["unchanged"],
        refused_count=counts["refused"],
    )


def apply_office_import(user: CurrentUser, token: str) -> OfficeImportOutcome:
    """Write every change of a preview in one transaction, or none (Thai ServiceError)."""
    require_kpi_office(user)
    payload = read_preview_token(token, _PURPOSE)
    if payload.get("refused"):
        raise ServiceError(f"มีแถวที่ไม่ผ่านการตรวจสอบ {payload['refused']} แถว กรุณาแก้ไขไฟล์แล้วตรวจสอบอีกครั้ง")
    kind, batch, planned = payload.get("k"), str(payload.get("b", "")), payload.get("rows") or []
    if kind not in KINDS or not planned:
        raise ServiceError("ไม่มีรายการที่จะนำเข้า")
    model = District if kind == "district" else Bureau
    created = updated = 0
    with session_scope() as session:
        if already_applied(session, "import_offices", batch):
            raise ServiceError("นำเข้าไฟล์นี้ไปแล้ว")
        stale = ServiceError("ข้อมูลหน่วยงานเปลี่ยนไปหลังการตรวจสอบไฟล์ กรุณาตรวจสอบไฟล์อีกครั้ง (ไม่ได้นำเข้ารายการใดเลย)")
        for item in planned:
            office = session.exec(select(model).where(model.code == item["c"])).first()
            if item["new"]:
                if office is not None:
                    raise stale
                office = model(code=item["c"], **item["f"])
                session.add(office)
                session.flush()
                created += 1
                before = None
            else:
                if office is None or any(getattr(office, k) != v for k, v in item["b"].items()):
                    raise stale
                for key, value in item["f"].items():
                    setattr(office, key, value)
                session.add(office)
                updated += 1
                before = item["b"]
            audit.record(
                session,
                user_id=user.id,
                action=("create_" if item["new"] else "update_") + kind,
                entity=kind,
                entity_id=office.id,
                district_id=office.id if kind == "district" else None,
                before=before,
                after=({"code": item["c"]} | item["f"]) if item["new"] else item["f"],
            )
        audit.record(
            session,
            user_id=user.id,
            action="import_offices",
            entity=kind,
            after={"batch": batch, "file": payload.get("f", ""), "kind": kind, "offices": created + updated},
        )
    return OfficeImportOutcome(created=created, updated=updated)
