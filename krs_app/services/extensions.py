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
from krs_app.db.models import AuditLog, District, Result, Round, User
from krs_app.domain.certification import check_extension, check_reason, deadline_extended
from krs_app.domain.status import Status
from krs_app.live.bus import Change, announce
from krs_app.services import idempotency, threads
from krs_app.services.access import SIDE_BUREAU
from krs_app.services.admin_forms import typed_date
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import CatalogueEntry, get_round, round_catalogue
from krs_app.services.clock import as_utc_deadline, deadline_text, utcnow
from krs_app.services.errors import FieldError, NotAllowed, ServiceError
from krs_app.services.views import IndicatorOption

NOT_KPI_OFFICE_EXTEND = "การขยายเวลาเป็นหน้าที่ของ กพร. เท่านั้น"
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


@dataclass
class DistrictChoice:
    """A district in the form's searchable list: the text it fills in, and its short name."""

    value: str  # "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 7 (spm07)"
    short_name: str


@dataclass
class ExtensionRow:
    """One extension in force: a grant and how many of its results it still holds open."""

    key: str
    district: str
    indicator: str
    until_text: str
    by: str
    at_text: str
    count: int


@dataclass
class ExtensionPage:
    round_id: int
    round_closed: bool
    districts: list[DistrictChoice]
    indicators: list[IndicatorOption]
    extensions: list[ExtensionRow]


def _require_kpi_office(user: CurrentUser) -> None:
    if not user.is_kpi_office:
        raise NotAllowed(NOT_KPI_OFFICE_EXTEND)


def _assessed(session: Session, round_: Round) -> list[CatalogueEntry]:
    return [e for e in round_catalogue(session, round_) if e.spec.is_assessed_in(round_.months)]


def extension_page(user: CurrentUser, round_id: int | None) -> ExtensionPage:
    """The form's choices and the extensions in force in the round (None: the current round)."""
    _require_kpi_office(user)
    now = utcnow()
    with session_scope() as session:
        round_ = get_round(session, round_id)
        districts = list(session.exec(select(District).where(District.active == True).order_by(District.code)))  # noqa: E712
        entries = _assessed(session, round_)
        return ExtensionPage(
            round_id=round_.id,
            round_closed=round_.closed,
            districts=[DistrictChoice(f"{d.name} ({d.code})", d.short_name) for d in districts],
            indicators=[IndicatorOption(str(e.indicator.id), f"{e.spec.code} {e.spec.name}") for e in entries],
            extensions=_in_force(session, round_, now),
        )


def _in_force(session: Session, round_: Round, now: datetime) -> list[ExtensionRow]:
    """Results still open by an exception, grouped by the grant that opened them (its audit row)."""
    open_results = {
        rid: (district_id, indicator_id, until)
        for rid, district_id, indicator_id, until in session.exec(
            select(Result.id, Result.district_id, Result.indicator_id, Result.extended_until).where(
                Result.round_id == round_.id,
                Result.extended_until >= now,
                Result.status != Status.CERTIFIED.value,
            )
        )
    }
    if not open_results:
        return []
    latest: dict[int, tuple[int | None, datetime, dict]] = {}
    for entity_id, user_id, at, after in session.exec(
        select(AuditLog.entity_id, AuditLog.user_id, AuditLog.at, AuditLog.after)
        .where(AuditLog.action == "extend_deadline", AuditLog.entity == "result", AuditLog.round_id == round_.id)
        .order_by(AuditLog.id)
    ):
        if entity_id in open_results:
            latest[entity_id] = (user_id, at, json.loads(after or "{}"))
    names = dict(session.exec(select(User.id, User.display_name)).all())
    district_names = dict(session.exec(select(District.id, District.short_name)).all())
    codes = {e.indicator.id: e.spec.code for e in round_catalogue(session, round_)}
    groups: dict[str, ExtensionRow] = {}
    granted_at: dict[str, datetime] = {}
    for result_id, (district_id, indicator_id, until) in open_results.items():
        user_id, at, after = latest.get(result_id, (None, None, {}))
        key = str(after.get("grant") or f"result-{result_id}")
        row = groups.get(key)
        if row is None:
            granted_at[key] = at or datetime.min
            groups[key] = ExtensionRow(
                key=key,
                district=str(after.get("district") or district_names.get(district_id, "")),
                indicator=str(after.get("indicator") or codes.get(indicator_id, "")),
                until_text=deadline_text(until),
                by=names.get(user_id, "-") if user_id else "-",
                at_text=deadline_text(at) if at else "-",
                count=1,
            )
        else:
            row.count += 1
    return sorted(groups.values(), key=lambda r: (granted_at[r.key], r.key), reverse=True)  # newest first


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
    _require_kpi_office(user)
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
        entries = _assessed(session, round_)
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
        session.execute(
            insert(Result),
            [
                {
                    "district_id": d,
                    "indicator_id": i,
                    "round_id": round_.id,
                    "status": Status.NOT_REPORTED.value,
                    "fixed_at_close": False,
                    "not_applicable": False,
                    "extended_until": until,
                    "updated_at": now,
                }
                for d, i in missing
            ],
        )
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
                    "before": json.dumps({"extended_until": extended}, default=str),
                    "after": after,
                }
                for rid, (d, i), extended in to_update
            ],
        )
    return [pair for _, pair, _ in to_update], certified, later
