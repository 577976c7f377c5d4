"""Keeping a result row (status, result, computed score) in step with its values, and the
one way a decision changes a result (with its audit row)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from krs_app.db.models import Result, Round, Value
from krs_app.domain.scoring import Evaluation, evaluate
from krs_app.domain.status import Status, status_after_values_changed
from krs_app.services import audit
from krs_app.services.catalogue import CatalogueEntry
from krs_app.services.clock import utcnow


def value_rows_by_key(session: Session, entry: CatalogueEntry, district_id: int, round_id: int) -> dict[str, Value]:
    """The district's stored value rows of this indicator and round, by variable key."""
    ids = list(entry.variable_ids.values())
    if not ids:
        return {}
    key_of = {variable_id: key for key, variable_id in entry.variable_ids.items()}
    rows = session.exec(
        select(Value).where(Value.district_id == district_id, Value.round_id == round_id, Value.variable_id.in_(ids))
    )
    return {key_of[row.variable_id]: row for row in rows}


def values_by_key(session: Session, entry: CatalogueEntry, district_id: int, round_id: int) -> dict[str, float]:
    return {key: row.value for key, row in value_rows_by_key(session, entry, district_id, round_id).items()}


def find_result(
    session: Session, district_id: int, indicator_id: int, round_id: int, *, for_update: bool = False
) -> Result | None:
    """The result row; with for_update, locked until the transaction ends (PostgreSQL) so a
    concurrent certification and edit cannot overwrite each other."""
    query = select(Result).where(
        Result.district_id == district_id, Result.indicator_id == indicator_id, Result.round_id == round_id
    )
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def get_or_create_result(session: Session, district_id: int, indicator_id: int, round_id: int) -> Result:
    result = find_result(session, district_id, indicator_id, round_id)
    if result is None:
        result = Result(district_id=district_id, indicator_id=indicator_id, round_id=round_id)
        session.add(result)
    return result


def refresh_result(
    session: Session,
    entry: CatalogueEntry,
    district_id: int,
    round_: Round,
    *,
    known: tuple[dict[str, float], Result | None] | None = None,
) -> tuple[Result, Evaluation]:
    """Recompute result and score from the stored values and move the status on.

    Complete values -> awaiting certification (also after a refusal); incomplete ->
    not reported. A certified result keeps its status. `known`: the district's values and its
    result row (None: none yet) as this same transaction already read and wrote them, so
    they are not read again.
    """
    if known is None:
        values = values_by_key(session, entry, district_id, round_.id)
        result = get_or_create_result(session, district_id, entry.indicator.id, round_.id)
    else:
        values, result = known
        if result is None:
            result = Result(district_id=district_id, indicator_id=entry.indicator.id, round_id=round_.id)
            session.add(result)
    evaluation = evaluate(entry.spec, values, round_.months)
    previous = Status(result.status)
    new_status = status_after_values_changed(previous, evaluation.complete)
    if new_status != previous and new_status == Status.AWAITING:
        result.reported_at = utcnow()
    if new_status != previous and previous == Status.NOT_CERTIFIED:
        result.correction_deadline = None
    result.status = new_status.value
    result.result = evaluation.result
    result.score = evaluation.score
    result.updated_at = utcnow()
    session.add(result)
    return result, evaluation


def refresh_keeping_refusal(session: Session, entry: CatalogueEntry, district_id: int, round_: Round) -> Result:
    """Recompute after a central change. A refused result stays refused: the refusal was the
    bureau's own decision, and a change of central data is not the district's correction."""
    previous = find_result(session, district_id, entry.indicator.id, round_.id)
    saved = (previous.status, previous.correction_deadline, previous.reported_at) if previous else None
    result, _ = refresh_result(session, entry, district_id, round_)
    if saved and saved[0] == Status.NOT_CERTIFIED.value and result.status == Status.AWAITING.value:
        result.status, result.correction_deadline, result.reported_at = saved
        session.add(result)
    return result


def change_result(
    session: Session,
    user_id: int,
    result: Result,
    action: str,
    now: datetime,
    *,
    before_fields: Iterable[str],
    changes: Mapping[str, Any],
    after: Mapping[str, Any],
) -> None:
    """A decision on one result (certify, refuse, undo, extension), inside the caller's
    transaction: the fields named in `before_fields` are audited as they were, `changes`
    are set (and updated_at = now), and the audit row records `after`."""
    before = {name: getattr(result, name) for name in before_fields}
    for name, value in changes.items():
        setattr(result, name, value)
    result.updated_at = now
    session.add(result)
    session.flush()
    audit.record(
        session,
        user_id=user_id,
        action=action,
        entity="result",
        entity_id=result.id,
        district_id=result.district_id,
        round_id=result.round_id,
        indicator_id=result.indicator_id,
        before=before,
        after=dict(after),
    )


def insert_unreported(session: Session, pairs, round_id: int, now: datetime, **fields: Any) -> None:
    """Result rows, not reported, for these (district id, indicator id) pairs that have none yet,
    in one statement (closing a round, a wide extension); `fields` are set on every row."""
    if not pairs:
        return
    base = {
        "round_id": round_id,
        "status": Status.NOT_REPORTED.value,
        "fixed_at_close": False,
        "not_applicable": False,
        "updated_at": now,
    }
    session.execute(insert(Result), [{"district_id": d, "indicator_id": i, **base, **fields} for d, i in pairs])
