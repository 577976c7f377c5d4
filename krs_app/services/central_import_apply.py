"""Central data (ใช้ข้อมูลส่วนกลาง), the import's second step: write the changes a preview
(services/central_import.py) listed, checked again, in one transaction (all or nothing),
audited as "import_central"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import District, Round
from krs_app.domain.certification import central_edit_window
from krs_app.domain.indicators import VariableSource
from krs_app.domain.status import Status
from krs_app.domain.validation import check_value
from krs_app.live.bus import Change, announce
from krs_app.services import audit
from krs_app.services.access import require_bureau_of, require_round
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import CatalogueEntry, load_entry
from krs_app.services.central_import import read_import_token
from krs_app.services.clock import utcnow
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from krs_app.services.results import find_result, refresh_keeping_refusal, values_by_key
from krs_app.services.values import write_value


@dataclass(frozen=True)
class ImportOutcome:
    districts: int
    values: int
    message: str


def _apply_district(
    session: Session,
    user: CurrentUser,
    entry: CatalogueEntry,
    round_: Round,
    district: District,
    items: list[tuple[int, float | None, float]],
    now: datetime,
) -> None:
    """Write one district's planned changes after checking them again; audit each value."""
    district_id, indicator_id = district.id, entry.indicator.id
    result = find_result(session, district_id, indicator_id, round_.id)
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
                f"ข้อมูลของ {district.short_name} เปลี่ยนไปหลังการตรวจสอบไฟล์ กรุณาตรวจสอบไฟล์อีกครั้ง — ไม่ได้นำเข้าข้อมูลใดเลย"
            )
        merged[variable.key] = new
    for variable_id, _old, new in items:
        variable = entry.variables_by_id[variable_id]
        check = check_value(entry.spec, variable, new, {k: v for k, v in merged.items() if k != variable.key})
        if not check.ok:
            raise ServiceError(f"{district.short_name} ข้อ {variable.key}.: {check.message}")
        write_value(session, district_id, variable_id, round_.id, check.value, user.id, now)
    session.flush()
    result = refresh_keeping_refusal(session, entry, district_id, round_)
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
            indicator_id=indicator_id,
            before={"variable": key, "value": old, "status": status_before},
            after={"variable": key, "value": new, "status": result.status, "score": result.score},
        )


def apply_import(user: CurrentUser, token: str) -> ImportOutcome:
    """Write the changes a preview listed, in one transaction: all of them or none.

    Every change is checked again: the acting user must be the one who previewed, may
    still act on the indicator, and the stored value must still be the one the preview
    showed (else someone changed it since: nothing is written, preview again).
    """
    payload = read_import_token(token)
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
        entry = load_entry(session, indicator.id, round_)
        by_district: dict[int, list[tuple[int, float | None, float]]] = {}
        for district_id, variable_id, old, new in planned:
            by_district.setdefault(district_id, []).append((variable_id, old, new))
        districts = {d.id: d for d in session.exec(select(District).where(District.id.in_(list(by_district))))}
        for district_id, items in by_district.items():
            district = districts.get(district_id)
            if district is None:
                raise NotFound("ไม่พบ สพท. ที่ระบุ")
            _apply_district(session, user, entry, round_, district, items, now)
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
