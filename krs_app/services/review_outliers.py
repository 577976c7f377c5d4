"""Outlier flags on the bureau's review list: which districts' results (or entered values)
look far from the others on the same indicator and round, or moved far from the district's
previous round. Advice for the reviewer, never a block on certifying (domain/outliers.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from krs_app.db.models import Indicator, Result, Round
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


def flag_outliers(session: Session, items: list, data, entry: CatalogueEntry, round_: Round, keys: list[str]) -> None:
    """Set outlier, outlier_reason and outlier_id on each inbox row (items: review_inbox._Item)."""
    results = {
        item.row.district_id: unrounded_result(entry.spec, data.values.get(item.row.district_id, {}), round_.months)
        for item in items
    }
    reasons: dict[int, list[str]] = {}
    for district_id, flags in outlier_flags(results, _previous_results(session, entry, round_)).items():
        reasons.setdefault(district_id, []).extend(
            ("ผล: " if flag.kind == "spread" else "") + flag.reason for flag in flags
        )
    for key in keys:
        values = {item.row.district_id: data.values.get(item.row.district_id, {}).get(key) for item in items}
        for district_id, flags in outlier_flags(values).items():
            reasons.setdefault(district_id, []).extend(f"ตัวแปร {key}.: " + flag.reason for flag in flags)
    code_id = code_for_id(entry.indicator.code)
    for item in items:
        row = item.row
        row.outlier_id = f"outlier-flag-{row.district_code}-{code_id}"
        found = reasons.get(row.district_id)
        if found:
            row.outlier = True
            row.outlier_reason = " · ".join(found)
