"""ขยายเวลา: the KPI office's lock exceptions, for one district × indicator, one district's whole
round, one indicator for every district, or the whole round.

An exception lets a district edit a result until a date (Result.extended_until; the entry
page's edit window honours it, domain.status.district_edit_window). The date must be after the
deadline it extends (the round's district deadline, or a refusal's correction deadline) and
not after the round's certification deadline (the bureau still has to certify). Certified
results stay locked; a wide extension never shortens a longer one already given and leaves
out results whose own deadline is already later. Each changed result gets its audit row in
the one transaction; the district's rows show the new date at once (live bus).

`extend` is the form's use-case: the KPI office only, every field checked with a Thai message
at that field (FieldError), and safe to submit twice (services/idempotency.py).
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, update
from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditLog, District, Result, Round
from krs_app.domain.certification import check_extension, check_reason, deadline_extended
from krs_app.domain.status import Status
from krs_app.live.bus import Change, announce
from krs_app.services import idempotency, threads
from krs_app.services.access import SIDE_BUREAU
from krs_app.services.admin_forms import typed_date
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import CatalogueEntry, get_round
from krs_app.services.clock import as_utc_deadline, deadline_text, utcnow
from krs_app.services.errors import FieldError, ServiceError
from krs_app.services.extension_list import assessed_entries, open_by_grant, require_kpi_office
from krs_app.services.results import insert_unreported

SCOPE_ONE = "one"
SCOPE_DISTRICT = "district"
SCOPE_INDICATOR = "indicator"
SCOPE_ROUND = "round"
SCOPES = {
    SCOPE_ONE: "สพท. เดียว เฉพาะตัวชี้วัดเดียว",
    SCOPE_DISTRICT: "สพท. เดียว ทุกตัวชี้วัดของรอบ",
    SCOPE_INDICATOR: "ตัวชี้วัดเดียว ทุก สพท.",
    SCOPE_ROUND: "ทั้งรอบ: ทุก สพท. ทุกตัวชี้วัด",
}
ALL_DISTRICTS = "ทุก สพท."
ALL_INDICATORS = "ทุกตัวชี้วัด"
FIELD_SCOPE = "extend-scope"
FIELD_DISTRICT = "extend-district"
FIELD_INDICATOR = "extend-indicator"
FIELD_UNTIL = "extend-until"
FIELD_REASON = "extend-reason"
_CODE_IN_PARENS = re.compile(r"\(([^()]+)\)\s*$")


def _find_district(session: Session, text: object) -> District:
    """The district typed or picked: its code, its name, or the list's "name (code)"."""
    value = str(text or "").strip()[:300]
    if not value:
        raise FieldError(FIELD_DISTRICT, "กรุณาเลือก สพท. (พิมพ์ชื่อหรือรหัสแล้วเลือกจากรายการ)")
    districts = list(session.exec(select(District).where(District.active == True)))  # noqa: E712
    by_code = {d.code: d for d in districts}
    match = _CODE_IN_PARENS.search(value)
    for code in ([match.group(1).strip().lower()] if match else []) + [value.lower()]:
        if code in by_code:
            return by_code[code]
    exact = [d for d in districts if value in (d.name, d.short_name)]
    if len(exact) == 1:
        return exact[0]
    partial = [d for d in districts if value in d.name or value in d.short_name]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise FieldError(FIELD_DISTRICT, f"มี สพท. ที่ตรงกับ “{value}” {len(partial)} แห่ง กรุณาเลือกจากรายการ")
    raise FieldError(FIELD_DISTRICT, "ไม่พบ สพท. นี้ กรุณาพิมพ์ชื่อหรือรหัสแล้วเลือกจากรายการ")


def _find_indicator(entries: list[CatalogueEntry], value: object) -> CatalogueEntry:
    text = str(value or "").strip()
    entry = next((e for e in entries if str(e.indicator.id) == text or e.spec.code == text), None)
    if entry is None:
        raise FieldError(FIELD_INDICATOR, "กรุณาเลือกตัวชี้วัดที่ประเมินในรอบนี้")
    return entry


@dataclass(frozen=True)
class ExtensionForm:
    """The form as typed: the scope, the district (name or code), the indicator (id or code),
    the new date (Thai, Buddhist era: 31/3/2569) and the reason."""

    scope: str
    district: str = ""
    indicator: str = ""
    until: str = ""
    reason: str = ""


def extend(user: CurrentUser, round_id: object, form: ExtensionForm, request_id: object = None) -> str:
    """ขยายเวลา from the KPI office's form; returns the Thai message shown beside the form."""
    require_kpi_office(user)
    return idempotency.once(user, request_id, "extend_deadline", lambda: _extend(user, round_id, form))


def _extend(user: CurrentUser, round_id: object, form: ExtensionForm) -> str:
    now = utcnow()
    scope = form.scope if form.scope in SCOPES else ""
    if not scope:
        raise FieldError(FIELD_SCOPE, "กรุณาเลือกขอบเขตการขยายเวลา")
    with session_scope() as session:
        round_ = get_round(session, round_id if isinstance(round_id, int) else None)
        if round_id is not None and round_.id != round_id:
            raise ServiceError("ไม่พบรอบการรายงาน")
        if round_.closed:
            raise ServiceError("รอบการรายงานนี้ปิดแล้ว ขยายเวลาไม่ได้")
        entries = assessed_entries(session, round_)
        district = _find_district(session, form.district) if scope in (SCOPE_ONE, SCOPE_DISTRICT) else None
        entry = _find_indicator(entries, form.indicator) if scope in (SCOPE_ONE, SCOPE_INDICATOR) else None
        until = as_utc_deadline(typed_date(form.until, FIELD_UNTIL, "ขยายเวลาถึงวันที่"))
        decision = check_extension(until, now, False, round_.certification_deadline, round_.district_deadline)
        if not decision.allowed:
            raise FieldError(FIELD_UNTIL, _with_deadline(decision.reason, round_.district_deadline))
        decision = check_reason(form.reason, "เหตุผลที่ขยายเวลา")
        if not decision.allowed:
            raise FieldError(FIELD_REASON, decision.reason)
        district_ids = (
            [district.id] if district else list(session.exec(select(District.id).where(District.active == True)))  # noqa: E712
        )
        indicator_ids = [entry.indicator.id] if entry else [e.indicator.id for e in entries]
        labels = {
            "district": district.short_name if district else ALL_DISTRICTS,
            "indicator": entry.spec.code if entry else ALL_INDICATORS,
        }
        changed, certified, later = _apply(session, user, round_, district_ids, indicator_ids, until, now, form, labels)
        if scope == SCOPE_ONE and certified:
            raise ServiceError("ผลการดำเนินงานได้รับการรับรองแล้ว ขยายเวลาไม่ได้ (ให้สำนักยกเลิกการรับรองก่อน)")
        if scope == SCOPE_ONE and later:
            raise FieldError(FIELD_UNTIL, "วันที่ขยายเวลาต้องหลังกำหนดแก้ไขเดิมของผลนี้")
        if not changed:
            raise ServiceError("ไม่มีผลที่ขยายเวลาได้: ทุกรายการรับรองผลแล้ว หรือมีกำหนดถึงวันนั้นหรือหลังกว่าอยู่แล้ว")
        if scope == SCOPE_ONE:
            body = f"ขยายเวลาแก้ไขข้อมูลถึง {deadline_text(until)}: {form.reason.strip()}"
            threads.add_message(session, user, SIDE_BUREAU, district.id, entry.indicator.id, round_.id, body)
    for district_id in sorted({d for d, _ in changed}):
        announce(
            Change(
                district_id=district_id,
                round_id=round_.id,
                indicator_id=entry.indicator.id if entry else None,
                kind="status",
            )
        )
    if scope == SCOPE_ONE:
        announce(Change(district_id=district.id, round_id=round_.id, indicator_id=entry.indicator.id, kind="message"))
    message = (
        f"ขยายเวลาถึง {deadline_text(until)} แล้ว ({labels['district']} · {labels['indicator']}) {len(changed)} รายการ"
    )
    if certified:
        message += f" · ไม่รวมที่รับรองผลแล้ว {certified} รายการ"
    if later:
        message += f" · ไม่รวมที่มีกำหนดถึงวันนั้นหรือหลังกว่าอยู่แล้ว {later} รายการ"
    return message


def _with_deadline(reason: str, current: datetime | None) -> str:
    return f"{reason} ({deadline_text(current)})" if current is not None and "เดิม" in reason else reason


def _apply(session, user, round_, district_ids, indicator_ids, until, now, form, labels):
    """Open the results in one transaction; (changed pairs, certified left out, later left out)."""
    wanted = {(d, i) for d in district_ids for i in indicator_ids}
    query = select(
        Result.id,
        Result.district_id,
        Result.indicator_id,
        Result.status,
        Result.correction_deadline,
        Result.extended_until,
    ).where(Result.round_id == round_.id, Result.indicator_id.in_(indicator_ids))
    if len(district_ids) == 1:
        query = query.where(Result.district_id == district_ids[0])
    existing = {(row[1], row[2]): row for row in session.exec(query) if (row[1], row[2]) in wanted}
    single = len(wanted) == 1
    certified = later = 0
    to_update: list[tuple[int, tuple[int, int], datetime | None]] = []
    for pair, (rid, _d, _i, status, correction, extended) in existing.items():
        base = deadline_extended(Status(status), round_.district_deadline, correction)
        if status == Status.CERTIFIED.value:
            certified += 1
        elif (base is not None and until <= base) or (not single and extended is not None and extended >= until):
            later += 1
        else:
            to_update.append((rid, pair, extended))
    missing = sorted(wanted - existing.keys())
    if certified and single:
        return [], certified, later
    if missing:
        insert_unreported(session, missing, round_.id, now, extended_until=until)
        created = {
            (d, i): rid
            for rid, d, i in session.exec(
                select(Result.id, Result.district_id, Result.indicator_id).where(
                    Result.round_id == round_.id, Result.indicator_id.in_(indicator_ids), Result.extended_until == until
                )
            )
            if (d, i) in wanted and (d, i) not in existing
        }
        to_update.extend((created[pair], pair, None) for pair in missing if pair in created)
    if to_update:
        session.execute(
            update(Result)
            .where(Result.id.in_([rid for rid, _, _ in to_update]))
            .values(extended_until=until, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        grant = secrets.token_hex(8)
        after = json.dumps(
            {
                "extended_until": until,
                "until_text": deadline_text(until),
                "reason": form.reason.strip(),
                "scope": form.scope,
                "grant": grant,
                **labels,
            },
            ensure_ascii=False,
            default=str,
        )
        _audit(session, user, round_, now, [(rid, d, i, extended) for rid, (d, i), extended in to_update], after)
    return [pair for _, pair, _ in to_update], certified, later


def _audit(session, user: CurrentUser, round_: Round, now: datetime, changed: list[tuple], after: str) -> None:
    """One audit row per result changed: (result id, district id, indicator id, extended_until before)."""
    session.execute(
        insert(AuditLog),
        [
            {
                "at": now,
                "user_id": user.id,
                "action": "extend_deadline",
                "entity": "result",
                "entity_id": rid,
                "district_id": d,
                "round_id": round_.id,
                "indicator_id": i,
                "before": json.dumps({"extended_until": before}, default=str),
                "after": after,
            }
            for rid, d, i, before in changed
        ],
    )


def revoke(user: CurrentUser, round_id: object, grant: object, request_id: object = None) -> str:
    """ยกเลิกการขยายเวลา: the results one grant still holds open go back to their own deadlines."""
    require_kpi_office(user)
    return idempotency.once(user, request_id, "revoke_extension", lambda: _revoke(user, round_id, str(grant)[:40]))


def _revoke(user: CurrentUser, round_id: object, grant: str) -> str:
    now = utcnow()
    with session_scope() as session:
        round_ = get_round(session, round_id if isinstance(round_id, int) else None)
        if round_.id != round_id:
            raise ServiceError("ไม่พบรอบการรายงาน")
        if round_.closed:
            raise ServiceError("รอบการรายงานนี้ปิดแล้ว ยกเลิกการขยายเวลาไม่ได้")
        members = open_by_grant(session, round_, now).get(grant)
        if not members:
            raise ServiceError("ไม่พบการขยายเวลานี้ (อาจยกเลิกหรือหมดกำหนดแล้ว)")
        session.execute(
            update(Result)
            .where(Result.id.in_([m[0] for m in members]))
            .values(extended_until=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        after = json.dumps({"extended_until": None, "revoked": grant}, ensure_ascii=False)
        _audit(session, user, round_, now, [(rid, d, i, until) for rid, d, i, until, *_ in members], after)
    for district_id in sorted({m[1] for m in members}):
        announce(Change(district_id=district_id, round_id=round_.id, indicator_id=None, kind="status"))
    return f"ยกเลิกการขยายเวลาแล้ว {len(members)} รายการ"
