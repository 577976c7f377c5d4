"""Small look-ups the service tests share."""

from __future__ import annotations

from pathlib import Path

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


def indicator_of(session, code: str, round_id: int | None = None) -> Indicator:
    """The indicator with this code in the fiscal year of the round (default: the current round)."""
    from krs_app.db.models import Round

    round_ = session.get(Round, round_id) if round_id else current_round(session)
    return session.exec(
        select(Indicator).where(Indicator.code == code, Indicator.fiscal_year_id == round_.fiscal_year_id)
    ).one()


def variable_id(code: str, key: str, round_id: int | None = None) -> int:
    with session_scope() as session:
        indicator = indicator_of(session, code, round_id)
        return session.exec(select(Variable).where(Variable.indicator_id == indicator.id, Variable.key == key)).one().id


def stored_value(district_id: int, code: str, key: str, round_id: int) -> float | None:
    vid = variable_id(code, key, round_id)
    with session_scope() as session:
        row = session.exec(
            select(Value).where(Value.district_id == district_id, Value.variable_id == vid, Value.round_id == round_id)
        ).first()
        return None if row is None else row.value


def result_of(district_id: int, code: str, round_id: int) -> Result | None:
    with session_scope() as session:
        indicator = indicator_of(session, code, round_id)
        return session.exec(
            select(Result).where(
                Result.district_id == district_id, Result.indicator_id == indicator.id, Result.round_id == round_id
            )
        ).first()


def audit_count(action: str) -> int:
    with session_scope() as session:
        return len(list(session.exec(select(AuditLog).where(AuditLog.action == action))))


def indicator_id(code: str, round_id: int | None = None) -> int:
    with session_scope() as session:
        return indicator_of(session, code, round_id).id


def district_id(code: str) -> int:
    from krs_app.db.models import District

    with session_scope() as session:
        return session.exec(select(District).where(District.code == code)).one().id


def set_result(district: int, code: str, round_id: int, **fields) -> None:
    """Put a result row into a given state directly (test setup only)."""
    with session_scope() as session:
        ind = indicator_of(session, code, round_id)
        row = session.exec(
            select(Result).where(
                Result.district_id == district, Result.indicator_id == ind.id, Result.round_id == round_id
            )
        ).first()
        if row is None:
            row = Result(district_id=district, indicator_id=ind.id, round_id=round_id)
        for name, value in fields.items():
            setattr(row, name, value)
        session.add(row)


def districts_with_status(code: str, round_id: int, status: str) -> list[int]:
    with session_scope() as session:
        ind = indicator_of(session, code, round_id)
        return sorted(
            session.exec(
                select(Result.district_id).where(
                    Result.indicator_id == ind.id, Result.round_id == round_id, Result.status == status
                )
            )
        )


def audit_rows(action: str) -> list[AuditLog]:
    with session_scope() as session:
        return list(session.exec(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def round_row(round_id: int):
    from krs_app.db.models import Round

    with session_scope() as session:
        return session.get(Round, round_id)


def fy2562_round_id(number: int = 2) -> int:
    """A round of the manual's fiscal year 2562 (closed in the demo): ครั้งที่ 1 / 2 ปี 62."""
    from krs_app.db.models import FiscalYear, Round

    with session_scope() as session:
        year = session.exec(select(FiscalYear).where(FiscalYear.year_be == 2562)).one()
        return session.exec(select(Round).where(Round.fiscal_year_id == year.id, Round.number == number)).one().id


def plant_ratio_outlier(district_id: int, round_id: int, times: float = 20) -> None:
    """11.2 is a / b × 100: put a at `times` the whole b, with b as it was (an outlier to flag)."""
    from sqlalchemy import update

    b = stored_value(district_id, "11.2", "b", round_id)
    with session_scope() as session:
        session.execute(
            update(Value)
            .where(
                Value.district_id == district_id,
                Value.round_id == round_id,
                Value.variable_id == variable_id("11.2", "a", round_id),
            )
            .values(value=times * b)
        )


SMALL_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def attach_pdf(user: auth.CurrentUser, code: str = "11.3", body: bytes = SMALL_PDF) -> tuple[int, Path]:
    """A district attaches a small PDF to an indicator of the current round, as the upload route
    does (staged, then attach_evidence): the file's id and where it was staged."""
    import hashlib

    from krs_app.services import evidence

    staged = evidence.new_staging_path()
    staged.write_bytes(body)
    file_id = evidence.attach_evidence(
        user, indicator_id(code), None, "สรุป", "a.pdf", staged, len(body), hashlib.sha256(body).hexdigest()
    )
    return file_id, staged
