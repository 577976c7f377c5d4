"""Outlier flags on the bureau's review list and detail: which districts' results (or entered values)
look far from the others on the same indicator and round, or moved far from the district's
previous round. Advice for the reviewer, never a block on certifying (domain/outliers.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from krs_app.db.models import District, Indicator, Result, Round, Value
from krs_app.domain.indicators import code_for_id
from krs_app.domain.outliers import outlier_flags
from krs_app.domain.scoring import unrounded_result
from krs_app.services.catalogue import CatalogueEntry


def _previous_round(session: Session, round_: Round) -> Round | None:
    return (
        session.execute(select(Round).where(Round.opens_at < round_.opens_at).order_by(Round.opens_at.desc()).limit(1))
        .scalars()
        .first()
    )


def _previous_results(session: Session, entry: CatalogueEntry, round_: Round) -> dict[int, float | None]:
    """The same indicator (by code: each year has its own catalogue) in the previous round."""
    previous = _previous_round(session, round_)
    if previous is None:
        return {}
    rows = session.execute(
        select(Result.district_id, Result.result)
        .join(Indicator, Indicator.id == Result.indicator_id)
        .where(Result.round_id == previous.id, Indicator.code == entry.indicator.code)
    ).all()
    return dict(rows)


def outlier_reasons(
    session: Session, values: dict[int, dict[str, float]], entry: CatalogueEntry, round_: Round, keys: list[str]
) -> dict[int, list[str]]:
    """Each flagged district's reasons (Thai) on one indicator and round, from every district's
    entered values (values: district -> variable key -> value; keys: the round's required ones)."""
    results = {
        district_id: unrounded_result(entry.spec, by_key, round_.months) for district_id, by_key in values.items()
    }
    reasons: dict[int, list[str]] = {}
    for district_id, flags in outlier_flags(results, _previous_results(session, entry, round_)).items():
        reasons.setdefault(district_id, []).extend(
            ("ผล: " if flag.kind == "spread" else "") + flag.reason for flag in flags
        )
    for key in keys:
        column = {district_id: by_key.get(key) for district_id, by_key in values.items()}
        for district_id, flags in outlier_flags(column).items():
            reasons.setdefault(district_id, []).extend(f"ตัวแปร {key}.: " + flag.reason for flag in flags)
    return reasons


def flag_outliers(session: Session, items: list, data, entry: CatalogueEntry, round_: Round, keys: list[str]) -> None:
    """Set outlier, outlier_reason and outlier_id on each inbox row (items: review_inbox._Item)."""
    values = {item.row.district_id: data.values.get(item.row.district_id, {}) for item in items}
    reasons = outlier_reasons(session, values, entry, round_, keys)
    code_id = code_for_id(entry.indicator.code)
    for item in items:
        row = item.row
        row.outlier_id = f"outlier-flag-{row.district_code}-{code_id}"
        found = reasons.get(row.district_id)
        if found:
            row.outlier = True
            row.outlier_reason = " · ".join(found)


def district_outlier_reason(session: Session, entry: CatalogueEntry, round_: Round, district_id: int) -> str:
    """The flag of one district's result as the review list shows it ("" when not flagged), for
    the review detail: every district's values of the indicator in the round, in one query."""
    keys = [v.key for v in entry.spec.required_variables(round_.months)]
    key_of = {entry.variable_ids[key]: key for key in keys}
    values: dict[int, dict[str, float]] = {d: {} for d in session.execute(select(District.id)).scalars()}
    if key_of:
        query = select(Value.district_id, Value.variable_id, Value.value).where(
            Value.round_id == round_.id, Value.variable_id.in_(list(key_of))
        )
        for row_district, variable, value in session.execute(query):
            values.setdefault(row_district, {})[key_of[variable]] = value
    return " · ".join(outlier_reasons(session, values, entry, round_, keys).get(district_id, []))
