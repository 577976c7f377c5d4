"""Offices: districts (สพท.) and bureaus (สำนัก), listed, created, edited, deactivated by the KPI office.

Every function refuses anyone but the KPI office (NotAllowed). Bad input raises
FieldError(field, Thai message); nothing is stored then. Codes are lowercase and never
change once created (accounts, imports and files refer to them). Deactivating an office
keeps its history and deactivates its accounts (their sessions end); reactivating it leaves
the accounts to be reactivated one by one. A bureau that owns an indicator of the catalogue
in use cannot be deactivated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Integer, func, or_
from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import Bureau, District, Indicator, Round, User
from krs_app.services import audit
from krs_app.services.accounts import require_kpi_office
from krs_app.services.auth import CurrentUser
from krs_app.services.errors import FieldError, NotFound, ServiceError
from krs_app.services.sessions_end import announce_ended, end_sessions

CODE_RULE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,19}$")
CODE_HELP = "รหัสใช้ได้เฉพาะ a-z 0-9 . _ - ยาวไม่เกิน 20 ตัวอักษร"
LEVELS = {"primary": "สพป.", "secondary": "สพม."}
LEVEL_WORDS = {
    "primary": "primary",
    "สพป.": "primary",
    "สพป": "primary",
    "secondary": "secondary",
    "สพม.": "secondary",
    "สพม": "secondary",
}


@dataclass
class DistrictRow:
    id: int
    code: str
    name: str
    short_name: str
    level: str  # primary | secondary
    level_label: str  # สพป. | สพม.
    province: str
    active: bool
    accounts: int  # active accounts


@dataclass
class BureauRow:
    id: int
    code: str
    name: str
    short_name: str
    active: bool
    accounts: int


def _text(value: object, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _accounts(session: Session, column) -> dict[int, int]:
    rows = session.exec(select(column, func.count()).where(User.active.is_(True), column.is_not(None)).group_by(column))
    return dict(rows.all())


def _district_row(d: District, accounts: dict[int, int]) -> DistrictRow:
    return DistrictRow(
        d.id,
        d.code,
        d.name,
        d.short_name,
        d.level,
        LEVELS.get(d.level, d.level),
        d.province,
        d.active,
        accounts.get(d.id, 0),
    )


def _bureau_row(b: Bureau, accounts: dict[int, int]) -> BureauRow:
    return BureauRow(b.id, b.code, b.name, b.short_name, b.active, accounts.get(b.id, 0))


def list_districts(
    user: CurrentUser, search: str = "", level: str = "", province: str = "", include_inactive: bool = True
) -> list[DistrictRow]:
    """Districts in code order; search in code / name / short name; level primary | secondary."""
    require_kpi_office(user)
    search, level, province = _text(search, 100).lower(), _text(level, 20), _text(province, 100)
    with session_scope() as session:
        query = select(District)
        if search:
            pattern = f"%{search}%"
            query = query.where(
                or_(
                    func.lower(District.code).like(pattern),
                    func.lower(District.name).like(pattern),
                    func.lower(District.short_name).like(pattern),
                )
            )
        if level:
            query = query.where(District.level == level)
        if province:
            query = query.where(District.province == province)
        if not include_inactive:
            query = query.where(District.active.is_(True))
        accounts = _accounts(session, User.district_id)
        return [_district_row(d, accounts) for d in session.exec(query.order_by(District.code))]


def list_bureaus(user: CurrentUser, search: str = "", include_inactive: bool = True) -> list[BureauRow]:
    require_kpi_office(user)
    search = _text(search, 100).lower()
    with session_scope() as session:
        query = select(Bureau)
        if search:
            pattern = f"%{search}%"
            query = query.where(
                or_(
                    func.lower(Bureau.code).like(pattern),
                    func.lower(Bureau.name).like(pattern),
                    func.lower(Bureau.short_name).like(pattern),
                )
            )
        if not include_inactive:
            query = query.where(Bureau.active.is_(True))
        accounts = _accounts(session, User.bureau_id)
        return [_bureau_row(b, accounts) for b in session.exec(query.order_by(Bureau.code))]


def provinces(user: CurrentUser) -> list[str]:
    require_kpi_office(user)
    with session_scope() as session:
        return sorted(set(session.exec(select(District.province).distinct())))


# ---------------------------------------------------------------- checking fields


def check_code(session: Session, model, code: object) -> str:
    text = _text(code, 40).lower()
    if not text:
        raise FieldError("code", "กรุณากรอกรหัสหน่วยงาน")
    if not CODE_RULE.match(text):
        raise FieldError("code", CODE_HELP)
    if session.exec(select(model.id).where(model.code == text)).first() is not None:
        raise FieldError("code", f"มีรหัส {text} อยู่แล้ว")
    return text


def district_fields(name: object, short_name: object, level: object, province: object) -> dict:
    """The checked fields of a district, or FieldError."""
    fields = {"name": _text(name, 200), "short_name": _text(short_name, 60), "province": _text(province, 100)}
    if not fields["name"]:
        raise FieldError("name", "กรุณากรอกชื่อ สพท.")
    if not fields["short_name"]:
        raise FieldError("short_name", "กรุณากรอกชื่อย่อ")
    fields["level"] = LEVEL_WORDS.get(_text(level, 20).lower(), "")
    if not fields["level"]:
        raise FieldError("level", "กรุณาเลือกประเภท: สพป. (ประถมศึกษา) หรือ สพม. (มัธยมศึกษา)")
    if not fields["province"]:
        raise FieldError("province", "กรุณากรอกจังหวัด")
    return fields


def bureau_fields(name: object, short_name: object) -> dict:
    fields = {"name": _text(name, 200), "short_name": _text(short_name, 60)}
    if not fields["name"]:
        raise FieldError("name", "กรุณากรอกชื่อสำนัก")
    if not fields["short_name"]:
        raise FieldError("short_name", "กรุณากรอกชื่อย่อ")
    return fields


def _changes(row, fields: dict) -> tuple[dict, dict]:
    before = {k: getattr(row, k) for k, v in fields.items() if getattr(row, k) != v}
    return before, {k: fields[k] for k in before}


# ---------------------------------------------------------------- districts


def create_district(user: CurrentUser, code: str, name: str, short_name: str, level: str, province: str) -> DistrictRow:
    require_kpi_office(user)
    with session_scope() as session:
        fields = {"code": check_code(session, District, code), **district_fields(name, short_name, level, province)}
        row = District(**fields)
        session.add(row)
        session.flush()
        audit.record(
            session,
            user_id=user.id,
            action="create_district",
            entity="district",
            entity_id=row.id,
            district_id=row.id,
            after=fields,
        )
        return _district_row(row, {})


def update_district(user: CurrentUser, code: str, name: str, short_name: str, level: str, province: str) -> DistrictRow:
    """Edit a district's name, short name, level, province (not its code). No change, no audit row."""
    require_kpi_office(user)
    with session_scope() as session:
        row = _district(session, code)
        before, after = _changes(row, district_fields(name, short_name, level, province))
        if after:
            for key, value in after.items():
                setattr(row, key, value)
            session.add(row)
            audit.record(
                session,
                user_id=user.id,
                action="update_district",
                entity="district",
                entity_id=row.id,
                district_id=row.id,
                before=before,
                after=after,
            )
        return _district_row(row, _accounts(session, User.district_id))


def _district(session: Session, code: object) -> District:
    row = session.exec(select(District).where(District.code == _text(code, 40).lower())).first()
    if row is None:
        raise NotFound("ไม่พบ สพท. นี้")
    return row


def _bureau(session: Session, code: object) -> Bureau:
    row = session.exec(select(Bureau).where(Bureau.code == _text(code, 40).lower())).first()
    if row is None:
        raise NotFound("ไม่พบสำนักนี้")
    return row


def _indicators_owned_in_running_years(session: Session, bureau_id: int) -> list[str]:
    """Codes of the bureau's active indicators in every year still running (a round open, or none made yet).

    A bureau that owned indicators only in finished years may be deactivated: history keeps its name."""
    finished = (
        select(Round.fiscal_year_id).group_by(Round.fiscal_year_id).having(func.min(Round.closed.cast(Integer)) == 1)
    )
    rows = session.exec(
        select(Indicator.sort_key, Indicator.code).where(
            Indicator.bureau_id == bureau_id, Indicator.active.is_(True), Indicator.fiscal_year_id.not_in(finished)
        )
    ).all()
    return list(dict.fromkeys(code for _, code in sorted(rows)))


def _set_office_active(user: CurrentUser, kind: str, code: str, active: bool):
    require_kpi_office(user)
    active = bool(active)
    ended: list[tuple[int, tuple[str, ...]]] = []
    with session_scope() as session:
        row = _district(session, code) if kind == "district" else _bureau(session, code)
        column = User.district_id if kind == "district" else User.bureau_id
        if row.active != active:
            if not active and kind == "bureau":
                owned = _indicators_owned_in_running_years(session, row.id)
                if owned:
                    raise ServiceError("สำนักนี้ยังเป็นเจ้าของตัวชี้วัด " + ", ".join(owned) + " กรุณาโอนตัวชี้วัดให้สำนักอื่นก่อน")
            row.active = active
            session.add(row)
            deactivated = 0
            if not active:
                for account in session.exec(select(User).where(column == row.id, User.active.is_(True))):
                    account.active = False
                    session.add(account)
                    ended.append((account.id, end_sessions(session, account.id)))
                    deactivated += 1
            audit.record(
                session,
                user_id=user.id,
                action=("reactivate_" if active else "deactivate_") + kind,
                entity=kind,
                entity_id=row.id,
                district_id=row.id if kind == "district" else None,
                before={"active": not active},
                after={"active": active, "accounts_deactivated": deactivated},
            )
        accounts = _accounts(session, column)
        result = _district_row(row, accounts) if kind == "district" else _bureau_row(row, accounts)
    for account_id, keys in ended:
        announce_ended(account_id, keys, "deactivated")
    return result


def set_district_active(user: CurrentUser, code: str, active: bool) -> DistrictRow:
    return _set_office_active(user, "district", code, active)


# ---------------------------------------------------------------- bureaus


def create_bureau(user: CurrentUser, code: str, name: str, short_name: str) -> BureauRow:
    require_kpi_office(user)
    with session_scope() as session:
        fields = {"code": check_code(session, Bureau, code), **bureau_fields(name, short_name)}
        row = Bureau(**fields)
        session.add(row)
        session.flush()
        audit.record(session, user_id=user.id, action="create_bureau", entity="bureau", entity_id=row.id, after=fields)
        return _bureau_row(row, {})


def update_bureau(user: CurrentUser, code: str, name: str, short_name: str) -> BureauRow:
    require_kpi_office(user)
    with session_scope() as session:
        row = _bureau(session, code)
        before, after = _changes(row, bureau_fields(name, short_name))
        if after:
            for key, value in after.items():
                setattr(row, key, value)
            session.add(row)
            audit.record(
                session,
                user_id=user.id,
                action="update_bureau",
                entity="bureau",
                entity_id=row.id,
                before=before,
                after=after,
            )
        return _bureau_row(row, _accounts(session, User.bureau_id))


def set_bureau_active(user: CurrentUser, code: str, active: bool) -> BureauRow:
    return _set_office_active(user, "bureau", code, active)
