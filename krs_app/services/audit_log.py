"""The audit log, readable by the KPI office: filtered pages newest first, a CSV export, and
the check of its hash chain (`krs audit verify`).

Filters (AuditFilter, every field optional): office ("district:<code>" — rows about that
district; "bureau:<code>" — rows by that bureau's accounts or on the indicators it owns;
"kpi_office" — rows by KPI-office accounts), indicator (code, any fiscal year), username
(who acted), action, and a date range in Bangkok days (inclusive).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditChainHead, AuditLog, Bureau, District, Indicator, Round, User
from krs_app.domain.audit_chain import HASHED_FIELDS, ChainCheck, check_chain
from krs_app.domain.audit_text import ACTION_LABELS, action_label, describe_change
from krs_app.domain.cell_safety import safe_cell
from krs_app.domain.indicators import code_sort_key
from krs_app.domain.roles import Role
from krs_app.domain.thai_dates import thai_datetime
from krs_app.services.accounts import KPI_OFFICE_KEY, require_kpi_office
from krs_app.services.auth import CurrentUser
from krs_app.services.clock import BANGKOK_OFFSET, to_bangkok
from krs_app.services.errors import FieldError

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000
CSV_HEADERS = ("วันที่และเวลา", "ผู้ดำเนินการ", "หน่วยงาน", "การดำเนินการ", "สพท.", "ตัวชี้วัด", "รอบ", "ก่อน", "หลัง")


@dataclass
class AuditFilter:
    office: str = ""
    indicator: str = ""  # code, e.g. 11.2
    username: str = ""
    action: str = ""
    date_from: date | None = None  # Bangkok days
    date_to: date | None = None


@dataclass
class AuditRow:
    id: int
    at_text: str  # 30 เม.ย. 2562 14:05 น. (Bangkok)
    who: str  # display name (username), or ระบบ
    who_office: str
    action: str
    action_label: str  # Thai
    district: str  # the district's short name, or ""
    indicator: str  # the indicator's code, or ""
    round_label: str
    before_text: str
    after_text: str
    change_text: str  # "สถานะ: รอการรับรองผล → รับรองผล; คะแนน: 1.0000 → 4.5000"


@dataclass
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    page_count: int


@dataclass
class AuditOption:
    value: str
    label: str


def _day_start_utc(day: date) -> datetime:
    return datetime.combine(day, time.min) - BANGKOK_OFFSET


def _conditions(session: Session, flt: AuditFilter) -> list:
    if not isinstance(flt, AuditFilter):
        flt = AuditFilter()
    conditions = []
    office = flt.office.strip() if isinstance(flt.office, str) else ""
    if office == KPI_OFFICE_KEY:
        conditions.append(AuditLog.user_id.in_(select(User.id).where(User.role == Role.KPI_OFFICE.value)))
    elif office.startswith("district:"):
        district = session.exec(select(District.id).where(District.code == office[9:])).first()
        conditions.append(AuditLog.district_id == (district if district is not None else -1))
    elif office.startswith("bureau:"):
        bureau = session.exec(select(Bureau.id).where(Bureau.code == office[7:])).first()
        bureau = bureau if bureau is not None else -1
        conditions.append(
            or_(
                AuditLog.user_id.in_(select(User.id).where(User.bureau_id == bureau)),
                AuditLog.indicator_id.in_(select(Indicator.id).where(Indicator.bureau_id == bureau)),
            )
        )
    elif office:
        raise FieldError("office", "ไม่พบหน่วยงานนี้")
    if isinstance(flt.indicator, str) and flt.indicator.strip():
        conditions.append(
            AuditLog.indicator_id.in_(select(Indicator.id).where(Indicator.code == flt.indicator.strip()))
        )
    if isinstance(flt.username, str) and flt.username.strip():
        name = flt.username.strip().lower()[:100]
        conditions.append(AuditLog.user_id.in_(select(User.id).where(User.username == name)))
    if isinstance(flt.action, str) and flt.action.strip():
        conditions.append(AuditLog.action == flt.action.strip()[:50])
    start = flt.date_from if isinstance(flt.date_from, date) else None
    end = flt.date_to if isinstance(flt.date_to, date) else None
    if start and end and start > end:
        raise FieldError("date_to", "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น")
    if start:
        conditions.append(AuditLog.at >= _day_start_utc(start))
    if end:
        conditions.append(AuditLog.at < _day_start_utc(end + timedelta(days=1)))
    return conditions


def _loads(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"ข้อมูล": text}
    return value if isinstance(value, dict) else {"ข้อมูล": value}


def _rows(session: Session, logs: list[AuditLog]) -> list[AuditRow]:
    def lookup(model, ids, make):
        ids = {i for i in ids if i is not None}
        return {o.id: make(o) for o in session.exec(select(model).where(model.id.in_(ids)))} if ids else {}

    users = lookup(User, (log.user_id for log in logs), lambda u: u)
    districts = lookup(District, (log.district_id for log in logs), lambda d: d.short_name)
    office_ids = {u.district_id for u in users.values()}
    district_names = lookup(District, office_ids, lambda d: d.short_name)
    bureau_names = lookup(Bureau, (u.bureau_id for u in users.values()), lambda b: b.short_name)
    indicators = lookup(Indicator, (log.indicator_id for log in logs), lambda i: i.code)
    rounds = lookup(Round, (log.round_id for log in logs), lambda r: r.label)
    rows = []
    for log in logs:
        actor = users.get(log.user_id)
        if actor is None:
            who, who_office = "ระบบ", ""
        else:
            who = f"{actor.display_name} ({actor.username})"
            who_office = (
                district_names.get(actor.district_id)
                or bureau_names.get(actor.bureau_id)
                or ("กพร." if actor.role == Role.KPI_OFFICE else "")
            )
        before_text, after_text, change_text = describe_change(_loads(log.before), _loads(log.after), to_bangkok)
        rows.append(
            AuditRow(
                id=log.id,
                at_text=thai_datetime(to_bangkok(log.at)),
                who=who,
                who_office=who_office or "",
                action=log.action,
                action_label=action_label(log.action),
                district=districts.get(log.district_id, ""),
                indicator=indicators.get(log.indicator_id, ""),
                round_label=rounds.get(log.round_id, ""),
                before_text=before_text,
                after_text=after_text,
                change_text=change_text,
            )
        )
    return rows


def audit_page(
    user: CurrentUser, flt: AuditFilter | None = None, page: int = 1, page_size: int = PAGE_SIZE
) -> AuditPage:
    """One page of the audit log, newest first (KPI office only)."""
    require_kpi_office(user)
    page_size = max(1, min(page_size if isinstance(page_size, int) else PAGE_SIZE, 500))
    with session_scope() as session:
        where = and_(True, *_conditions(session, flt or AuditFilter()))
        total = session.exec(select(func.count()).select_from(AuditLog).where(where)).one()
        page_count = max(1, -(-total // page_size))
        page = max(1, min(page if isinstance(page, int) else 1, page_count))
        logs = list(
            session.exec(
                select(AuditLog)
                .where(where)
                .order_by(AuditLog.at.desc(), AuditLog.id.desc())
                .offset((page - 1) * page_size)
                .limit(page_size)
            )
        )
        return AuditPage(_rows(session, logs), total, page, page_count)


def audit_csv(user: CurrentUser, flt: AuditFilter | None = None) -> bytes:
    """The filtered log as CSV (newest first, at most EXPORT_MAX_ROWS), UTF-8 with BOM for
    Excel; every cell that a spreadsheet would run as a formula is written as text."""
    require_kpi_office(user)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADERS)
    with session_scope() as session:
        where = and_(True, *_conditions(session, flt or AuditFilter()))
        query = select(AuditLog).where(where).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(EXPORT_MAX_ROWS)
        batch: list[AuditLog] = []
        for log in session.exec(query.execution_options(yield_per=1000)):
            batch.append(log)
            if len(batch) == 1000:
                _write(writer, _rows(session, batch))
                batch = []
        _write(writer, _rows(session, batch))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _write(writer, rows: list[AuditRow]) -> None:
    for r in rows:
        cells = (r.at_text, r.who, r.who_office, r.action_label, r.district, r.indicator, r.round_label)
        writer.writerow([safe_cell(c) for c in (*cells, r.before_text, r.after_text)])


def filter_options(user: CurrentUser) -> tuple[list[AuditOption], list[AuditOption], list[AuditOption]]:
    """(users, indicators, actions) for the filter selects: accounts that acted, indicator codes, actions seen."""
    require_kpi_office(user)
    with session_scope() as session:
        acted = select(AuditLog.user_id).where(AuditLog.user_id.is_not(None)).distinct()
        users = [
            AuditOption(u.username, f"{u.display_name} ({u.username})")
            for u in session.exec(select(User).where(User.id.in_(acted)).order_by(User.username))
        ]
        codes = sorted(set(session.exec(select(Indicator.code))), key=code_sort_key)
        actions = sorted(set(session.exec(select(AuditLog.action).distinct())))
    return (
        users,
        [AuditOption(c, c) for c in codes],
        [AuditOption(a, ACTION_LABELS.get(a, a)) for a in actions],
    )


# ---------------------------------------------------------------- the chain


def verify_chain(batch: int = 5000) -> ChainCheck:
    """Walk the whole audit chain in order; the first broken link, if any. (The CLI's, no user.)"""
    columns = [getattr(AuditLog, name) for name in HASHED_FIELDS] + [AuditLog.prev_hash, AuditLog.row_hash]
    with session_scope() as session:
        head = session.get(AuditChainHead, 1)

        def rows():
            last = 0
            while True:
                chunk = session.execute(
                    select(*columns).where(AuditLog.seq > last).order_by(AuditLog.seq).limit(batch)
                ).all()
                if not chunk:
                    break
                for row in chunk:
                    yield dict(row._mapping)
                last = chunk[-1].seq
            # never sealed: a break wherever they are
            for row in session.execute(select(*columns).where(AuditLog.seq.is_(None)).order_by(AuditLog.id).limit(1)):
                yield dict(row._mapping)

        return check_chain(rows(), head.seq if head else None, head.row_hash if head else None)
