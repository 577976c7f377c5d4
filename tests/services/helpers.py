"""Small look-ups the service tests share."""

from __future__ import annotations

from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditLog, Indicator, Result, Value, Variable
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth
from krs_app.services.catalogue import current_round


def login_as(username: str) -> auth.CurrentUser:
    _token, user = auth.login(username, DEMO_PASSWORD)
    return user


def current_round_id() -> int:
    with session_scope() as session:
        return current_round(session).id


def variable_id(code: str, key: str) -> int:
    with session_scope() as session:
        indicator = session.exec(select(Indicator).where(Indicator.code == code)).one()
        return session.exec(
            select(Variable).where(Variable.indicator_id == indicator.id, Variable.key == key)
        ).one().id


def stored_value(district_id: int, code: str, key: str, round_id: int) -> float | None:
    vid = variable_id(code, key)
    with session_scope() as session:
        row = session.exec(
            select(Value).where(Value.district_id == district_id, Value.variable_id == vid, Value.round_id == round_id)
        ).first()
        return None if row is None else row.value


def result_of(district_id: int, code: str, round_id: int) -> Result | None:
    with session_scope() as session:
        indicator = session.exec(select(Indicator).where(Indicator.code == code)).one()
        return session.exec(
            select(Result).where(
                Result.district_id == district_id, Result.indicator_id == indicator.id, Result.round_id == round_id
            )
        ).first()


def audit_count(action: str) -> int:
    with session_scope() as session:
        return len(list(session.exec(select(AuditLog).where(AuditLog.action == action))))
