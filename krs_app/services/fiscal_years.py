"""The KPI office's fiscal years and rounds: create a year, add and edit its rounds, move a
deadline while a round is open (audited), close a round, delete a round nothing was stored in.

Every function takes the acting user and refuses anyone but the KPI office. Dates come as
`date` (an opening date means the start of that day in Bangkok, a deadline its end) or as
`datetime` (naive = UTC, as stored). Bad input raises FieldError naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func
from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import EvidenceFile, FiscalYear, Indicator, Message, Result, Round, Value
from krs_app.domain.catalogue_rules import check_round_dates, check_round_length, check_year_be, round_label
from krs_app.domain.status import Status
from krs_app.domain.thai_dates import thai_datetime
from krs_app.services import audit, rounds
from krs_app.services.access import require_round
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import current_round
from krs_app.services.clock import BANGKOK_OFFSET, as_utc_deadline, to_bangkok, utcnow
from krs_app.services.errors import FieldError, NotAllowed, NotFound, ServiceError

NOT_KPI_OFFICE = "การตั้งค่าปีงบประมาณและรอบการรายงานเป็นหน้าที่ของ กพร. เท่านั้น"


def require_kpi_office(user: CurrentUser, message: str = NOT_KPI_OFFICE) -> None:
    if not isinstance(user, CurrentUser) or not user.is_kpi_office:
        raise NotAllowed(message)


@dataclass(frozen=True)
class YearRow:
    id: int
    year_be: int
    label: str
    round_count: int
    indicator_count: int


@dataclass(frozen=True)
class RoundRow:
    id: int
    fiscal_year_id: int
    number: int
    months: int
    label: str
    opens_at: datetime  # UTC, as stored
    district_deadline: datetime
    certification_deadline: datetime
    opens_text: str  # Thai: "1 ต.ค. 2568 08:30"
    district_deadline_text: str
    certification_deadline_text: str
    closed: bool
    is_current: bool  # the round the district pages open on
    has_values: bool  # something was stored in it: it cannot be deleted


def require_year(session: Session, year_id: object) -> FiscalYear:
    year = session.get(FiscalYear, year_id) if isinstance(year_id, int) and not isinstance(year_id, bool) else None
    if year is None:
        raise NotFound("ไม่พบปีงบประมาณ")
    return year


def _year_row(session: Session, year: FiscalYear) -> YearRow:
    rounds_ = session.exec(select(func.count(Round.id)).where(Round.fiscal_year_id == year.id)).one()
    indicators = session.exec(select(func.count(Indicator.id)).where(Indicator.fiscal_year_id == year.id)).one()
    return YearRow(year.id, year.year_be, year.label, rounds_, indicators)


def list_years(user: CurrentUser) -> list[YearRow]:
    """Every fiscal year, newest first."""
    require_kpi_office(user)
    with session_scope() as session:
        return [_year_row(session, y) for y in session.exec(select(FiscalYear).order_by(FiscalYear.year_be.desc()))]


def create_year(user: CurrentUser, year_be: int) -> YearRow:
    """A new fiscal year (Buddhist era), with no rounds and an empty catalogue."""
    require_kpi_office(user)
    problem = check_year_be(year_be)
    if problem is not None:
        raise FieldError(problem.field, problem.message)
    with session_scope() as session:
        if session.exec(select(FiscalYear).where(FiscalYear.year_be == year_be)).first() is not None:
            raise FieldError("year-be", f"มีปีงบประมาณ {year_be} อยู่แล้ว")
        year = FiscalYear(year_be=year_be, label=f"ปีงบประมาณ {year_be}")
        session.add(year)
        session.flush()
        audit.record(
            session,
            user_id=user.id,
            action="create_year",
            entity="fiscal_year",
            entity_id=year.id,
            after={"year_be": year_be},
        )
        return _year_row(session, year)


def _stored_in(session: Session, round_id: int) -> bool:
    """Whether anything a user entered belongs to the round (values, reported results, files, messages)."""
    for query in (
        select(Value.id).where(Value.round_id == round_id),
        select(Result.id).where(Result.round_id == round_id, Result.status != Status.NOT_REPORTED.value),
        select(EvidenceFile.id).where(EvidenceFile.round_id == round_id),
        select(Message.id).where(Message.round_id == round_id),
    ):
        if session.exec(query.limit(1)).first() is not None:
            return True
    return False


def _round_row(session: Session, round_: Round, current_id: int | None) -> RoundRow:
    text = lambda value: thai_datetime(to_bangkok(value))  # noqa: E731
    return RoundRow(
        id=round_.id,
        fiscal_year_id=round_.fiscal_year_id,
        number=round_.number,
        months=round_.months,
        label=round_.label,
        opens_at=round_.opens_at,
        district_deadline=round_.district_deadline,
        certification_deadline=round_.certification_deadline,
        opens_text=text(round_.opens_at),
        district_deadline_text=text(round_.district_deadline),
        certification_deadline_text=text(round_.certification_deadline),
        closed=round_.closed,
        is_current=round_.id == current_id,
        has_values=_stored_in(session, round_.id),
    )


def list_rounds(user: CurrentUser, year_id: int) -> list[RoundRow]:
    """A year's rounds by number, with which one is current."""
    require_kpi_office(user)
    with session_scope() as session:
        year = require_year(session, year_id)
        current = current_round(session)
        rows = session.exec(select(Round).where(Round.fiscal_year_id == year.id).order_by(Round.number))
        return [_round_row(session, r, current.id if current else None) for r in rows]


def _opening(value: object, field: str) -> datetime:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time(0, 0)) - BANGKOK_OFFSET
    try:
        moment = as_utc_deadline(value)
    except ServiceError as error:
        raise FieldError(field, "วันเปิดรอบ: รูปแบบวันที่ไม่ถูกต้อง") from error
    if moment is None:
        raise FieldError(field, "วันเปิดรอบ: กรุณาระบุวันที่")
    return moment


def _deadline(value: object, field: str, name: str) -> datetime:
    try:
        moment = as_utc_deadline(value)
    except ServiceError as error:
        raise FieldError(field, f"{name}: รูปแบบวันที่ไม่ถูกต้อง") from error
    if moment is None:
        raise FieldError(field, f"{name}: กรุณาระบุวันที่")
    return moment


def _check_dates(opens: datetime, district_deadline: datetime, certification_deadline: datetime) -> None:
    problem = check_round_dates(opens, district_deadline, certification_deadline)
    if problem is not None:
        raise FieldError(problem.field, problem.message)


def add_round(
    user: CurrentUser,
    year_id: int,
    months: int,
    opens: date | datetime,
    district_deadline: date | datetime,
    certification_deadline: date | datetime,
    label: str | None = None,
) -> RoundRow:
    """The year's next round (ครั้งที่ N): label generated ("ครั้งที่ 1 ปี 69 (รอบ 6 เดือน)") unless given."""
    require_kpi_office(user)
    problem = check_round_length(months)
    if problem is not None:
        raise FieldError(problem.field, problem.message)
    opens_at = _opening(opens, "round-opens")
    district_at = _deadline(district_deadline, "round-district-deadline", "กำหนดส่งของ สพท.")
    certification_at = _deadline(certification_deadline, "round-certification-deadline", "กำหนดรับรองผล")
    _check_dates(opens_at, district_at, certification_at)
    with session_scope() as session:
        year = require_year(session, year_id)
        numbers = list(session.exec(select(Round.number).where(Round.fiscal_year_id == year.id)))
        number = max(numbers, default=0) + 1
        text = (label or "").strip()[:120] or round_label(number, year.year_be, months)
        round_ = Round(
            fiscal_year_id=year.id,
            number=number,
            months=months,
            label=text,
            opens_at=opens_at,
            district_deadline=district_at,
            certification_deadline=certification_at,
        )
        session.add(round_)
        session.flush()
        audit.record(
            session,
            user_id=user.id,
            action="create_round",
            entity="round",
            entity_id=round_.id,
            round_id=round_.id,
            after={
                "label": text,
                "months": months,
                "opens_at": opens_at,
                "district_deadline": district_at,
                "certification_deadline": certification_at,
            },
        )
        current = current_round(session)
        return _round_row(session, round_, current.id if current else None)


def edit_round(
    user: CurrentUser,
    round_id: int,
    *,
    label: str | None = None,
    opens: date | datetime | None = None,
    district_deadline: date | datetime | None = None,
    certification_deadline: date | datetime | None = None,
) -> RoundRow:
    """Rename a round or move its dates (later or earlier) while it is open; audited. None: unchanged."""
    require_kpi_office(user)
    with session_scope() as session:
        round_ = require_round(session, round_id)
        if round_.closed:
            raise ServiceError("รอบการรายงานนี้ปิดแล้ว แก้ไขไม่ได้")
        before = {
            "label": round_.label,
            "opens_at": round_.opens_at,
            "district_deadline": round_.district_deadline,
            "certification_deadline": round_.certification_deadline,
        }
        opens_at = _opening(opens, "round-opens") if opens is not None else round_.opens_at
        district_at = (
            _deadline(district_deadline, "round-district-deadline", "กำหนดส่งของ สพท.")
            if district_deadline is not None
            else round_.district_deadline
        )
        certification_at = (
            _deadline(certification_deadline, "round-certification-deadline", "กำหนดรับรองผล")
            if certification_deadline is not None
            else round_.certification_deadline
        )
        _check_dates(opens_at, district_at, certification_at)
        if certification_at <= utcnow():
            raise FieldError("round-certification-deadline", "กำหนดรับรองผลต้องอยู่หลังเวลาปัจจุบัน (ถ้าต้องการปิดรอบให้ใช้ปิดรอบ)")
        text = round_.label if label is None else label.strip()[:120]
        if not text:
            raise FieldError("round-label", "ชื่อรอบ: กรุณากรอกชื่อรอบ")
        after = {
            "label": text,
            "opens_at": opens_at,
            "district_deadline": district_at,
            "certification_deadline": certification_at,
        }
        if after != before:
            round_.label, round_.opens_at = text, opens_at
            round_.district_deadline, round_.certification_deadline = district_at, certification_at
            session.add(round_)
            audit.record(
                session,
                user_id=user.id,
                action="edit_round",
                entity="round",
                entity_id=round_.id,
                round_id=round_.id,
                before=before,
                after=after,
            )
        session.flush()
        current = current_round(session)
        return _round_row(session, round_, current.id if current else None)


def close_round(user: CurrentUser, round_id: int) -> rounds.CloseReport:
    """Close a round now, by the existing closing rules (services.rounds.close_round)."""
    require_kpi_office(user)
    return rounds.close_round(user, round_id)


def delete_round(user: CurrentUser, round_id: int) -> None:
    """Delete a round nothing was stored in (its not-reported result rows go with it)."""
    require_kpi_office(user)
    with session_scope() as session:
        round_ = require_round(session, round_id)
        if _stored_in(session, round_.id):
            raise ServiceError("รอบนี้มีข้อมูลที่บันทึกแล้ว ลบไม่ได้")
        for result in session.exec(select(Result).where(Result.round_id == round_.id)):
            session.delete(result)
        session.flush()
        audit.record(
            session,
            user_id=user.id,
            action="delete_round",
            entity="round",
            entity_id=round_.id,
            before={"label": round_.label, "months": round_.months},
        )
        session.delete(round_)


def current_round_row(user: CurrentUser) -> RoundRow | None:
    """The round the district pages open on (the open round that opened last; failing that, the newest)."""
    require_kpi_office(user)
    with session_scope() as session:
        current = current_round(session)
        return _round_row(session, current, current.id) if current else None
