"""`krs seed --demo`: the national demo data, loaded in seconds and only into an empty database."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import (
    Bureau,
    District,
    FiscalYear,
    Indicator,
    Message,
    Result,
    Round,
    User,
    Value,
    Variable,
)
from krs_app.domain.indicators import code_sort_key, sort_key_for
from krs_app.domain.scoring import evaluate
from krs_app.domain.status import Status
from krs_app.domain.thai_dates import fiscal_year_of
from krs_app.seed.indicators import INDICATORS
from krs_app.seed.offices import BUREAUS, district_offices
from krs_app.services.auth import ROLE_BUREAU, ROLE_DISTRICT, ROLE_KPI_OFFICE
from krs_app.services.catalogue import invalidate_catalogue, round_catalogue
from krs_app.services.clock import BANGKOK_OFFSET, utcnow
from krs_app.services.passwords import hash_password

DEMO_PASSWORD = "krs2562"
DEMO_DISTRICT = "spm07"
DEMO_BUREAU = "finance"
DEMO_KPI_OFFICE = "kpi"


def _bangkok(year: int, month: int, day: int, hour: int = 16, minute: int = 30) -> datetime:
    """A Bangkok wall-clock time stored as UTC."""
    return datetime(year, month, day, hour, minute) - BANGKOK_OFFSET


MANUAL_THREAD = (  # DOMAIN.md: the real thread of สพม. เขต 7 on indicator 11.3
    ("ไม่รับรอง เนื่องจากหมดยอดเงิน ข้อมูลบัญชีที่ติดต่อก็คือ บัญชีเงินรับฝากอื่น", 1, (2019, 4, 30), "bureau"),
    (
        "งบเทียบยอดเงินฝากธนาคารในงบประมาณ (GL.1101020603) พบว่า มีการกระทบยอดไม่ถูกต้อง ซึ่งยอดคงเหลือตามยอดคงในระบบ GFMS "
        "มีจำนวน 1,024,362 บาท ในส่วนนี้ขอให้ สพท.ดำเนินการแก้ไขให้ถูกต้องด้วยครับ",
        2,
        (2019, 10, 24),
        "bureau",
    ),
    ("สพท.7 ได้แนบรายการปรับปรุงบัญชีเรียบร้อยแล้ว", 2, (2019, 10, 24), "district"),
    ("สพท.7 งบเทียบยอดเงินฝากธนาคารในงบประมาณ (GL.1101020603) ได้ดำเนินการแก้ไขเรียบร้อยแล้ว", 2, (2019, 10, 24), "district"),
    ("ขาดรายงานสรุปให้", 2, (2019, 10, 25), "bureau"),
    ("สพท.7 แนบข้อ 1.1.6 สรุปรายงานผลการตรวจสอบทรัพย์สิน เรียบร้อยแล้ว", 2, (2019, 10, 25), "district"),
)


def database_is_empty(session: Session) -> bool:
    return session.exec(select(District.id).limit(1)).first() is None


def _rounds(session: Session, now: datetime) -> list[Round]:
    """Fiscal year 2562 (the manual's) and the current fiscal year with its 6-month round open now."""
    fy2562 = FiscalYear(year_be=2562, label="ปีงบประมาณ 2562")
    current_be = fiscal_year_of((now + BANGKOK_OFFSET).date())
    current = FiscalYear(year_be=current_be, label=f"ปีงบประมาณ {current_be}")
    session.add_all([fy2562, current])
    session.flush()
    short = str(current_be)[-2:]
    rounds = [
        Round(
            fiscal_year_id=fy2562.id,
            number=1,
            months=6,
            label="ครั้งที่ 1 ปี 62 (รอบ 6 เดือน)",
            opens_at=_bangkok(2019, 4, 1, 8, 30),
            district_deadline=_bangkok(2019, 4, 20),
            certification_deadline=_bangkok(2019, 4, 30),
            closed=True,
            closed_at=_bangkok(2019, 5, 1, 0, 0),
        ),
        Round(
            fiscal_year_id=fy2562.id,
            number=2,
            months=12,
            label="ครั้งที่ 2 ปี 62 (รอบ 12 เดือน)",
            opens_at=_bangkok(2019, 10, 1, 8, 30),
            district_deadline=_bangkok(2019, 10, 20),
            certification_deadline=_bangkok(2019, 10, 31),
            closed=True,
            closed_at=_bangkok(2019, 11, 1, 0, 0),
        ),
        Round(
            fiscal_year_id=current.id,
            number=1,
            months=6,
            label=f"ครั้งที่ 1 ปี {short} (รอบ 6 เดือน)",
            opens_at=now - timedelta(days=10),
            district_deadline=now + timedelta(days=3, hours=8),
            certification_deadline=now + timedelta(days=10, hours=8),
        ),
    ]
    session.add_all(rounds)
    session.flush()
    return rounds


def _central_value(rng: random.Random, label: str, unit: str, level: str) -> float:
    if unit == "บาท":
        return float(rng.randrange(2_000_000, 40_000_000, 1000))
    if unit == "คะแนน":
        return round(rng.uniform(2.9, 4.4), 2)
    if unit == "โรง":
        return float(rng.randint(25, 70) if level == "secondary" else rng.randint(60, 240))
    return float(rng.randint(1500, 9000))


def _district_whole(rng: random.Random, unit: str, level: str) -> float:
    if unit == "โรง":
        return float(rng.randint(25, 70) if level == "secondary" else rng.randint(60, 240))
    if unit == "เรื่อง":
        return float(rng.randint(3, 40))
    return float(rng.randint(80, 900))


def load_demo(now: datetime | None = None) -> bool:
    """Load the demo data into an empty database. Returns False (and does nothing) if it has data."""
    now = now or utcnow()
    rng = random.Random(2562)
    password_hash = hash_password(DEMO_PASSWORD)  # one hash: argon2 is deliberately slow
    with session_scope() as session:
        if not database_is_empty(session):
            return False
        bureaus = {b.code: Bureau(code=b.code, name=b.name, short_name=b.short_name) for b in BUREAUS}
        session.add_all(bureaus.values())
        offices = district_offices()
        districts = [
            District(code=o.code, name=o.name, short_name=o.short_name, level=o.level, province=o.province)
            for o in offices
        ]
        session.add_all(districts)
        session.flush()

        users = (
            [
                {
                    "username": d.code,
                    "password_hash": password_hash,
                    "display_name": f"ผู้รับผิดชอบตัวชี้วัด {d.short_name}",
                    "role": ROLE_DISTRICT,
                    "district_id": d.id,
                    "created_at": now,
                }
                for d in districts
            ]
            + [
                {
                    "username": b.code,
                    "password_hash": password_hash,
                    "display_name": f"ผู้รับผิดชอบตัวชี้วัด {b.short_name}",
                    "role": ROLE_BUREAU,
                    "bureau_id": b.id,
                    "created_at": now,
                }
                for b in bureaus.values()
            ]
            + [
                {
                    "username": DEMO_KPI_OFFICE,
                    "password_hash": password_hash,
                    "display_name": "ผู้ดูแลระบบ กพร.",
                    "role": ROLE_KPI_OFFICE,
                    "created_at": now,
                }
            ]
        )
        session.execute(insert(User), users)
        bureau_user = {u.bureau_id: u.id for u in session.exec(select(User).where(User.role == ROLE_BUREAU))}
        district_user = {u.district_id: u.id for u in session.exec(select(User).where(User.role == ROLE_DISTRICT))}

        rounds = _rounds(session, now)
        for fiscal_year_id in sorted({r.fiscal_year_id for r in rounds}):
            insert_catalogue(session, fiscal_year_id, {code: b.id for code, b in bureaus.items()})
        session.flush()
        invalidate_catalogue()
        value_rows: list[dict] = []
        result_rows: list[dict] = []
        for round_ in rounds:
            catalogue = round_catalogue(session, round_)
            is_current = not round_.closed
            for district in districts:
                demo_clean = is_current and district.code == DEMO_DISTRICT
                # Most districts report in the current round; past rounds are complete.
                reports = (rng.random() < 0.75) if is_current else (rng.random() < 0.97)
                for entry in catalogue:
                    spec = entry.spec
                    if not spec.is_assessed_in(round_.months):
                        continue
                    values: dict[str, float] = {}
                    wholes: dict[str, float] = {}
                    district_filled = reports and not demo_clean
                    for var in spec.required_variables(round_.months):
                        central = var.source == "central"
                        if not central and not district_filled:
                            continue
                        if var.kind == "flag":
                            value = 1.0 if rng.random() < 0.8 else 0.0
                        elif var.whole_key is not None:
                            continue  # parts are drawn after their wholes
                        elif central:
                            value = _central_value(rng, var.label, var.unit, district.level)
                        else:
                            value = _district_whole(rng, var.unit, district.level)
                        values[var.key] = value
                        wholes[var.key] = value
                    for var in spec.required_variables(round_.months):
                        if var.whole_key is None or var.whole_key not in wholes:
                            continue
                        whole = wholes[var.whole_key]
                        share = rng.uniform(0.0, 0.012) if spec.direction == "lower" else rng.uniform(0.72, 1.0)
                        values[var.key] = float(min(whole, round(whole * share)))
                    for key, value in values.items():
                        var_spec = spec.variable(key)
                        value_rows.append(
                            {
                                "district_id": district.id,
                                "variable_id": entry.variable_ids[key],
                                "round_id": round_.id,
                                "value": value,
                                "entered_by": (
                                    bureau_user[entry.indicator.bureau_id]
                                    if var_spec.source == "central"
                                    else district_user[district.id]
                                ),
                                "entered_at": round_.opens_at
                                + timedelta(days=rng.randint(1, 8), minutes=rng.randint(0, 600)),
                            }
                        )
                    evaluation = evaluate(spec, values, round_.months)
                    if demo_clean:  # the demo district's page starts clean: only central data, awaiting the bureau
                        status = Status.AWAITING if evaluation.complete else Status.NOT_REPORTED
                    else:
                        status = _demo_status(rng, evaluation.complete, is_current)
                    reason = None
                    correction = None
                    if status == Status.NOT_CERTIFIED:
                        reason = "เอกสารหลักฐานไม่ครบถ้วน กรุณาแนบหลักฐานเพิ่มเติม"
                        correction = now + timedelta(days=2) if is_current else None
                    certified = status == Status.CERTIFIED
                    result_rows.append(
                        {
                            "district_id": district.id,
                            "indicator_id": entry.indicator.id,
                            "round_id": round_.id,
                            "status": status.value,
                            "result": evaluation.result,
                            "score": evaluation.score,
                            "reported_at": round_.opens_at + timedelta(days=9) if evaluation.complete else None,
                            "certified_by": bureau_user[entry.indicator.bureau_id] if certified else None,
                            "certified_at": round_.opens_at + timedelta(days=12) if certified else None,
                            "refused_by": bureau_user[entry.indicator.bureau_id] if reason else None,
                            "refused_at": round_.opens_at + timedelta(days=8) if reason else None,
                            "reason": reason,
                            "correction_deadline": correction,
                            "fixed_at_close": round_.closed and status == Status.NOT_REPORTED,
                            "updated_at": round_.opens_at + timedelta(days=9),
                        }
                    )
        session.execute(insert(Value), value_rows)
        session.execute(insert(Result), result_rows)
        _manual_thread(session, rounds, districts, bureaus, bureau_user, district_user)
    invalidate_catalogue()
    return True


def insert_catalogue(session: Session, fiscal_year_id: int, bureau_ids: dict[str, int]) -> None:
    """The demo catalogue (seed/indicators.py) as one fiscal year's indicators and variables."""
    for seed in sorted(INDICATORS, key=lambda s: code_sort_key(s.code)):
        indicator = Indicator(
            fiscal_year_id=fiscal_year_id,
            code=seed.code,
            name=seed.name,
            bureau_id=bureau_ids[seed.bureau],
            weight=seed.weight,
            formula=seed.formula,
            t1=seed.thresholds[0],
            t2=seed.thresholds[1],
            t3=seed.thresholds[2],
            t4=seed.thresholds[3],
            t5=seed.thresholds[4],
            direction=seed.direction,
            kind=seed.kind,
            sort_key=sort_key_for(seed.code),
        )
        session.add(indicator)
        session.flush()
        for position, var in enumerate(seed.variables):
            session.add(
                Variable(
                    indicator_id=indicator.id,
                    key=var.key,
                    label=var.label,
                    unit=var.unit,
                    kind=var.kind,
                    source=var.source,
                    required_months=var.required_months,
                    min_value=var.min_value,
                    max_value=var.max_value,
                    whole_key=var.whole_key,
                    position=position,
                )
            )


def _demo_status(rng: random.Random, complete: bool, is_current: bool) -> Status:
    if not complete:
        return Status.NOT_REPORTED
    draw = rng.random()
    if is_current:
        if draw < 0.35:
            return Status.CERTIFIED
        if draw < 0.45:
            return Status.NOT_CERTIFIED
        return Status.AWAITING
    return Status.CERTIFIED if draw < 0.95 else Status.NOT_CERTIFIED


def _manual_thread(session, rounds, districts, bureaus, bureau_user, district_user) -> None:
    district = next(d for d in districts if d.code == DEMO_DISTRICT)
    bureau = bureaus[DEMO_BUREAU]
    for body, round_number, (year, month, day), side in MANUAL_THREAD:
        round_ = rounds[round_number - 1]
        indicator = next(e.indicator for e in round_catalogue(session, round_) if e.indicator.code == "11.3")
        sent = _bangkok(year, month, day, 10, 0)
        from_bureau = side == "bureau"
        session.add(
            Message(
                district_id=district.id,
                indicator_id=indicator.id,
                round_id=round_.id,
                body=body,
                sender_side=side,
                sender_user_id=bureau_user[bureau.id] if from_bureau else district_user[district.id],
                sender_office=bureau.name if from_bureau else district.name,
                sender_name="ผู้รับผิดชอบตัวชี้วัด สคส." if from_bureau else "ผู้รับผิดชอบตัวชี้วัด สพม. เขต 7",
                sent_at=sent,
                opened_at=sent + timedelta(hours=3),
                opened_by=district_user[district.id] if from_bureau else bureau_user[bureau.id],
            )
        )


def create_admin(username: str, password: str, display_name: str) -> None:
    """The first real KPI-office account outside demo mode."""
    from krs_app.domain.password_policy import password_problem
    from krs_app.services.errors import ServiceError

    problem = password_problem(password, username)
    if problem:
        raise ServiceError(problem)
    with session_scope() as session:
        if session.exec(select(User).where(User.username == username.lower())).first():
            raise ServiceError("มีชื่อผู้ใช้นี้แล้ว")
        session.add(
            User(
                username=username.lower(),
                password_hash=hash_password(password),
                display_name=display_name,
                role=ROLE_KPI_OFFICE,
                created_at=utcnow(),
            )
        )
