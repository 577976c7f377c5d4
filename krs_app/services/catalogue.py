"""Indicators and rounds read from the database and turned into the domain's plain specs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from krs_app.db.models import Indicator, Round, Variable
from krs_app.domain.indicators import (
    Direction,
    IndicatorKind,
    IndicatorSpec,
    VariableKind,
    VariableSource,
    VariableSpec,
    code_sort_key,
)
from krs_app.services.access import as_row_id
from krs_app.services.clock import utcnow
from krs_app.services.errors import NotFound


@dataclass(frozen=True)
class CatalogueEntry:
    indicator: Indicator
    spec: IndicatorSpec
    variable_ids: dict[str, int]  # key -> variable id
    variables_by_id: dict[int, VariableSpec]


def parse_months(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.split(",") if part.strip())


def variable_spec(variable: Variable) -> VariableSpec:
    return VariableSpec(
        key=variable.key,
        label=variable.label,
        unit=variable.unit,
        kind=VariableKind(variable.kind),
        source=VariableSource(variable.source),
        required_months=parse_months(variable.required_months),
        min_value=variable.min_value,
        max_value=variable.max_value,
        whole_key=variable.whole_key,
    )


# The catalogue (indicators, variables) is read on every edit and changes only when the KPI
# office loads a new one, so each process keeps it; invalidate_catalogue() drops it.
_cache: dict[str, list[CatalogueEntry]] = {}


def invalidate_catalogue() -> None:
    _cache.clear()


def load_catalogue(session: Session, bureau_id: int | None = None) -> list[CatalogueEntry]:
    """Every indicator (or one bureau's) with its variables, in code order."""
    key = str(session.get_bind().url)
    entries = _cache.get(key)
    if entries is None:
        entries = _read_catalogue(session)
        if entries:
            _cache[key] = entries
    if bureau_id is None:
        return list(entries)
    return [e for e in entries if e.indicator.bureau_id == bureau_id]


def _read_catalogue(session: Session) -> list[CatalogueEntry]:
    indicators = list(session.exec(select(Indicator)))
    for indicator in indicators:
        session.expunge(indicator)
    indicator_ids = [i.id for i in indicators]
    variables = (
        list(session.exec(select(Variable).where(Variable.indicator_id.in_(indicator_ids)).order_by(Variable.position)))
        if indicator_ids
        else []
    )
    by_indicator: dict[int, list[Variable]] = {}
    for variable in variables:
        by_indicator.setdefault(variable.indicator_id, []).append(variable)
    entries = []
    for indicator in sorted(indicators, key=lambda i: code_sort_key(i.code)):
        rows = by_indicator.get(indicator.id, [])
        specs = {row.id: variable_spec(row) for row in rows}
        spec = IndicatorSpec(
            code=indicator.code,
            name=indicator.name,
            weight=indicator.weight,
            formula=indicator.formula,
            thresholds=(indicator.t1, indicator.t2, indicator.t3, indicator.t4, indicator.t5),
            direction=Direction(indicator.direction),
            kind=IndicatorKind(indicator.kind),
            variables=tuple(specs[row.id] for row in rows),
        )
        entries.append(
            CatalogueEntry(
                indicator=indicator,
                spec=spec,
                variable_ids={row.key: row.id for row in rows},
                variables_by_id=specs,
            )
        )
    return entries


def load_entry(session: Session, indicator_id: int) -> CatalogueEntry:
    for entry in load_catalogue(session):
        if entry.indicator.id == indicator_id:
            return entry
    raise NotFound()


def rounds_newest_first(session: Session) -> list[Round]:
    return list(session.exec(select(Round).order_by(Round.opens_at.desc())))


def current_round(session: Session) -> Round | None:
    """The open round that opened last; failing that, the newest round."""
    now = utcnow()
    rounds = rounds_newest_first(session)
    for round_ in rounds:
        if not round_.closed and round_.opens_at <= now:
            return round_
    return rounds[0] if rounds else None


def get_round(session: Session, round_id: int | None) -> Round:
    if round_id and as_row_id(round_id) is None:
        raise NotFound("ไม่พบรอบการรายงาน")
    round_ = session.get(Round, round_id) if round_id else current_round(session)
    if round_ is None:
        raise NotFound("ไม่พบรอบการรายงาน")
    return round_


def round_is_closed(round_id: int | None) -> bool:
    """Whether the round (None: the current one) takes no writes any more; an unknown round counts as closed."""
    from krs_app.db.engine import session_scope

    with session_scope() as session:
        try:
            return get_round(session, round_id if isinstance(round_id, int) and round_id > 0 else None).closed
        except NotFound:
            return True


def district_id_for_code(code: str) -> int:
    """A district's id from its code (spm07), for forms where staff type the code."""
    from krs_app.db.engine import session_scope
    from krs_app.db.models import District

    with session_scope() as session:
        district = session.exec(select(District).where(District.code == code.strip().lower()[:20])).first()
        if district is None:
            raise NotFound("ไม่พบรหัส สพท. นี้")
        return district.id
