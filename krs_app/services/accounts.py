"""Accounts: the KPI office lists, creates, deactivates, unlocks and resets them (a user's own
password change is services.own_password).

Every function refuses anyone but the KPI office (NotAllowed). Bad
input raises FieldError(field, Thai message) naming the form field; nothing is stored then.
Rows are plain dataclasses. A one-time password (create, reset) is returned once and only
its hash is stored; the account must change it at its next login
(CurrentUser.must_change_password). A changed or reset password, and a deactivation, end
the user's other sessions at once and announce live.bus.SessionsEnded after commit.

Offices are named by keys: "district:<code>", "bureau:<code>", or "kpi_office".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import Bureau, District, User
from krs_app.domain.roles import ROLE_THAI, Role
from krs_app.domain.thai_dates import thai_datetime
from krs_app.services import audit
from krs_app.services.auth import KPI_OFFICE_NAME, CurrentUser
from krs_app.services.clock import to_bangkok, utcnow
from krs_app.services.errors import FieldError, NotAllowed, NotFound, ServiceError
from krs_app.services.passwords import hash_password, one_time_password
from krs_app.services.sessions_end import announce_ended, end_sessions

KPI_OFFICE_KEY = "kpi_office"
KPI_ONLY = "เฉพาะกลุ่มพัฒนาระบบบริหาร (กพร.) เท่านั้นที่จัดการบัญชีผู้ใช้ได้"
USERNAME_RULE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,49}$")
USERNAME_HELP = "ชื่อผู้ใช้ใช้ได้เฉพาะ a-z 0-9 . _ - ยาว 3-50 ตัวอักษร ขึ้นต้นด้วยตัวอักษรหรือตัวเลข"
PAGE_SIZE = 50


@dataclass
class AccountRow:
    id: int
    username: str
    display_name: str
    role: str  # district | bureau | kpi_office
    role_label: str
    office_key: str  # district:spm07 | bureau:finance | kpi_office
    office_name: str
    active: bool
    locked: bool  # locked now after too many wrong passwords
    locked_until_text: str
    last_login_text: str  # Thai date and time (Bangkok), "-" if never
    must_change_password: bool
    status_label: str  # ใช้งาน | ถูกล็อก | ปิดการใช้งาน


@dataclass
class AccountPage:
    rows: list[AccountRow]
    total: int
    page: int
    page_count: int


@dataclass
class OfficeOption:
    key: str
    label: str
    role: str


@dataclass
class OneTimePassword:
    """Shown once to the KPI office; never stored in clear."""

    username: str
    password: str


@dataclass
class AccountWithPassword:
    account: AccountRow
    one_time: OneTimePassword


def require_kpi_office(user: CurrentUser) -> None:
    if not isinstance(user, CurrentUser) or not user.is_kpi_office:
        raise NotAllowed(KPI_ONLY)


def _text(value: object, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _time_text(value: datetime | None) -> str:
    return thai_datetime(to_bangkok(value)) if value else "-"


def _office_maps(session: Session) -> tuple[dict[int, District], dict[int, Bureau]]:
    return (
        {d.id: d for d in session.exec(select(District))},
        {b.id: b for b in session.exec(select(Bureau))},
    )


def _row(user: User, districts: dict[int, District], bureaus: dict[int, Bureau], now: datetime) -> AccountRow:
    if user.district_id is not None and user.district_id in districts:
        district = districts[user.district_id]
        office_key, office_name = f"district:{district.code}", district.name
    elif user.bureau_id is not None and user.bureau_id in bureaus:
        bureau = bureaus[user.bureau_id]
        office_key, office_name = f"bureau:{bureau.code}", bureau.name
    else:
        office_key, office_name = KPI_OFFICE_KEY, KPI_OFFICE_NAME
    locked = user.locked_until is not None and user.locked_until > now
    try:
        role_label = ROLE_THAI[Role(user.role)]
    except ValueError:
        role_label = user.role
    status = "ปิดการใช้งาน" if not user.active else ("ถูกล็อก" if locked else "ใช้งาน")
    return AccountRow(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        role_label=role_label,
        office_key=office_key,
        office_name=office_name,
        active=user.active,
        locked=locked,
        locked_until_text=_time_text(user.locked_until) if locked else "",
        last_login_text=_time_text(user.last_login_at),
        must_change_password=user.must_change_password,
        status_label=status,
    )


def _account_row(session: Session, user: User) -> AccountRow:
    districts, bureaus = _office_maps(session)
    return _row(user, districts, bureaus, utcnow())


def office_options(user: CurrentUser, role: str = "") -> list[OfficeOption]:
    """The offices an account can belong to (active ones), for the role given or all."""
    require_kpi_office(user)
    options: list[OfficeOption] = []
    with session_scope() as session:
        if role in ("", Role.KPI_OFFICE):
            options.append(OfficeOption(KPI_OFFICE_KEY, KPI_OFFICE_NAME, Role.KPI_OFFICE.value))
        if role in ("", Role.BUREAU):
            bureaus = session.exec(select(Bureau).where(Bureau.active.is_(True)).order_by(Bureau.code))
            options.extend(OfficeOption(f"bureau:{b.code}", b.name, Role.BUREAU.value) for b in bureaus)
        if role in ("", Role.DISTRICT):
            districts = session.exec(select(District).where(District.active.is_(True)).order_by(District.code))
            options.extend(OfficeOption(f"district:{d.code}", d.name, Role.DISTRICT.value) for d in districts)
    return options


def list_accounts(
    user: CurrentUser,
    search: str = "",
    role: str = "",
    office_key: str = "",
    status: str = "",
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> AccountPage:
    """Accounts by username order: search in username / name / office name; role; office key;
    status "active" | "inactive" | "locked" | "must_change"; paged (page from 1)."""
    require_kpi_office(user)
    search, role, office_key, status = _text(search, 100), _text(role, 20), _text(office_key, 80), _text(status, 20)
    page_size = max(1, min(int(page_size) if isinstance(page_size, int) else PAGE_SIZE, 500))
    now = utcnow()
    with session_scope() as session:
        query = select(User)
        if role:
            query = query.where(User.role == role)
        if office_key == KPI_OFFICE_KEY:
            query = query.where(User.role == Role.KPI_OFFICE.value)
        elif office_key.startswith("district:"):
            query = query.join(District, District.id == User.district_id).where(District.code == office_key[9:])
        elif office_key.startswith("bureau:"):
            query = query.join(Bureau, Bureau.id == User.bureau_id).where(Bureau.code == office_key[7:])
        if status == "active":
            query = query.where(User.active.is_(True))
        elif status == "inactive":
            query = query.where(User.active.is_(False))
        elif status == "locked":
            query = query.where(User.locked_until > now)
        elif status == "must_change":
            query = query.where(User.must_change_password.is_(True))
        if search:
            pattern = f"%{search.lower()}%"
            district_ids = select(District.id).where(
                or_(func.lower(District.name).like(pattern), func.lower(District.short_name).like(pattern))
            )
            bureau_ids = select(Bureau.id).where(
                or_(func.lower(Bureau.name).like(pattern), func.lower(Bureau.short_name).like(pattern))
            )
            query = query.where(
                or_(
                    func.lower(User.username).like(pattern),
                    func.lower(User.display_name).like(pattern),
                    User.district_id.in_(district_ids),
                    User.bureau_id.in_(bureau_ids),
                )
            )
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        page_count = max(1, -(-total // page_size))
        page = max(1, min(int(page) if isinstance(page, int) else 1, page_count))
        users = session.exec(query.order_by(User.username).offset((page - 1) * page_size).limit(page_size)).all()
        districts, bureaus = _office_maps(session)
        rows = [_row(u, districts, bureaus, now) for u in users]
    return AccountPage(rows=rows, total=total, page=page, page_count=page_count)


def get_account(user: CurrentUser, username: str) -> AccountRow:
    require_kpi_office(user)
    with session_scope() as session:
        return _account_row(session, _find(session, username))


def _find(session: Session, username: object) -> User:
    name = _text(username, 100).lower()
    row = session.exec(select(User).where(User.username == name)).first() if name else None
    if row is None:
        raise NotFound("ไม่พบบัญชีผู้ใช้นี้")
    return row


def resolve_office(session: Session, role: str, office_key: str) -> tuple[int | None, int | None, str]:
    """(district_id, bureau_id, short office name) for an account of this role, or FieldError."""
    if role not in {r.value for r in Role}:
        raise FieldError("role", "กรุณาเลือกบทบาท: สพท. สำนัก หรือ กพร.")
    if role == Role.KPI_OFFICE:
        if office_key not in ("", KPI_OFFICE_KEY):
            raise FieldError("office", "บัญชี กพร. ต้องอยู่ในกลุ่มพัฒนาระบบบริหาร")
        return None, None, "กพร."
    prefix = "district:" if role == Role.DISTRICT else "bureau:"
    if not office_key.startswith(prefix):
        raise FieldError("office", "กรุณาเลือก สพท. ของบัญชีนี้" if role == Role.DISTRICT else "กรุณาเลือกสำนักของบัญชีนี้")
    code = office_key[len(prefix) :]
    model = District if role == Role.DISTRICT else Bureau
    office = session.exec(select(model).where(model.code == code)).first()
    if office is None:
        raise FieldError("office", "ไม่พบหน่วยงานนี้")
    if not office.active:
        raise FieldError("office", "หน่วยงานนี้ปิดการใช้งานแล้ว")
    if role == Role.DISTRICT:
        return office.id, None, office.short_name
    return None, office.id, office.short_name


def check_username(session: Session, username: object) -> str:
    name = _text(username, 100).lower()
    if not name:
        raise FieldError("username", "กรุณากรอกชื่อผู้ใช้")
    if not USERNAME_RULE.match(name):
        raise FieldError("username", USERNAME_HELP)
    if session.exec(select(User.id).where(User.username == name)).first() is not None:
        raise FieldError("username", f"มีชื่อผู้ใช้ {name} อยู่แล้ว")
    return name


def add_account(
    session: Session, acting: CurrentUser, username: str, display_name: str, role: str, office_key: str
) -> tuple[User, str]:
    """Checks and adds one account in the caller's transaction (audited); returns it and its one-time password."""
    name = check_username(session, username)
    district_id, bureau_id, short = resolve_office(session, role, office_key)
    display = _text(display_name, 200) or ("ผู้ดูแลระบบ กพร." if role == Role.KPI_OFFICE else f"ผู้รับผิดชอบตัวชี้วัด {short}")
    password = one_time_password()
    now = utcnow()
    row = User(
        username=name,
        password_hash=hash_password(password),
        display_name=display,
        role=role,
        district_id=district_id,
        bureau_id=bureau_id,
        created_at=now,
        must_change_password=True,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        user_id=acting.id,
        action="create_account",
        entity="user",
        entity_id=row.id,
        district_id=district_id,
        after={"username": name, "display_name": display, "role": role, "office": office_key or KPI_OFFICE_KEY},
    )
    return row, password


def create_account(
    user: CurrentUser, username: str, role: str, office_key: str = "", display_name: str = ""
) -> AccountWithPassword:
    """A new account with a one-time password (returned once; changed at its first login)."""
    require_kpi_office(user)
    with session_scope() as session:
        row, password = add_account(session, user, username, display_name, _text(role, 20), _text(office_key, 80))
        account = _account_row(session, row)
    return AccountWithPassword(account, OneTimePassword(account.username, password))


def set_account_active(user: CurrentUser, username: str, active: bool) -> AccountRow:
    """Deactivate (ends its sessions) or reactivate an account. Doing it twice changes nothing more."""
    require_kpi_office(user)
    active = bool(active)
    keys: tuple[str, ...] = ()
    with session_scope() as session:
        row = _find(session, username)
        if row.active != active:
            if not active:
                if row.id == user.id:
                    raise ServiceError("ปิดการใช้งานบัญชีของตัวเองไม่ได้")
                if row.role == Role.KPI_OFFICE and _active_kpi_accounts(session) <= 1:
                    raise ServiceError("ต้องมีบัญชี กพร. ที่ใช้งานได้อย่างน้อย 1 บัญชี")
            elif row.district_id is not None or row.bureau_id is not None:
                office = (
                    session.get(District, row.district_id) if row.district_id else session.get(Bureau, row.bureau_id)
                )
                if office is not None and not office.active:
                    raise ServiceError("หน่วยงานของบัญชีนี้ปิดการใช้งานอยู่ กรุณาเปิดการใช้งานหน่วยงานก่อน")
            row.active = active
            session.add(row)
            if not active:
                keys = end_sessions(session, row.id)
            audit.record(
                session,
                user_id=user.id,
                action="reactivate_account" if active else "deactivate_account",
                entity="user",
                entity_id=row.id,
                district_id=row.district_id,
                before={"active": not active},
                after={"active": active, "sessions_ended": len(keys)},
            )
        account = _account_row(session, row)
    announce_ended(account.id, keys, "deactivated")
    return account


def _active_kpi_accounts(session: Session) -> int:
    return session.exec(select(func.count()).where(User.role == Role.KPI_OFFICE.value, User.active.is_(True))).one()


def unlock_account(user: CurrentUser, username: str) -> AccountRow:
    """Lift a lockout (too many wrong passwords) now. Unlocking an unlocked account changes nothing."""
    require_kpi_office(user)
    with session_scope() as session:
        row = _find(session, username)
        if row.locked_until is not None or row.failed_logins:
            before = {"locked": row.locked_until is not None and row.locked_until > utcnow()}
            row.locked_until = None
            row.failed_logins = 0
            session.add(row)
            audit.record(
                session,
                user_id=user.id,
                action="unlock_account",
                entity="user",
                entity_id=row.id,
                district_id=row.district_id,
                before=before,
                after={"locked": False},
            )
        return _account_row(session, row)


def reset_password(user: CurrentUser, username: str) -> AccountWithPassword:
    """A new one-time password for an account (returned once): its sessions end, it is
    unlocked, and it must change the password at its next login."""
    require_kpi_office(user)
    password = one_time_password()
    with session_scope() as session:
        row = _find(session, username)
        row.password_hash = hash_password(password)
        row.must_change_password = True
        row.password_changed_at = utcnow()
        row.locked_until = None
        row.failed_logins = 0
        session.add(row)
        keys = end_sessions(session, row.id)
        audit.record(
            session,
            user_id=user.id,
            action="reset_password",
            entity="user",
            entity_id=row.id,
            district_id=row.district_id,
            after={"must_change_password": True, "sessions_ended": len(keys)},
        )
        account = _account_row(session, row)
    announce_ended(account.id, keys, "password_reset")
    return AccountWithPassword(account, OneTimePassword(account.username, password))
