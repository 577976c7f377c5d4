"""Indicators and rounds read from the database and turned into the domain's plain specs."""

from __future__ import annotations

import threading
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
from krs_app.live import catalogue_sync
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


# The catalogue of a fiscal year (indicators, variables) is read on every edit and changes only
# when the KPI office edits it, so each process keeps it. catalogue_changed() drops it here and
# tells every other process (krs_app.live.catalogue_sync); invalidate_catalogue() only drops it here.
_cache: dict[tuple[str, int], list[CatalogueEntry]] = {}
_year_of: dict[tuple[str, int], int] = {}  # (database, indicator id) -> its fiscal year id
_lock = threading.Lock()
_generation = 0  # bumped by every invalidation: a read that started before one is not kept


def invalidate_catalogue() -> None:
    global _generation
    with _lock:
        _generation += 1
        _cache.clear()
        _year_of.clear()


catalogue_sync.on_change(invalidate_catalogue)


def catalogue_changed() -> None:
    """Call after committing a change to any catalogue: every process reloads it."""
    catalogue_sync.publish()


def load_catalogue(
    session: Session, bureau_id: int | None = None, *, fiscal_year_id: int, include_inactive: bool = False
) -> list[CatalogueEntry]:
    """A fiscal year's indicators (or one bureau's) with their variables, in code order.

    Deactivated indicators are left out unless include_inactive (the KPI office's editor)."""
    catalogue_sync.ensure_listening()
    url = str(session.get_bind().url)
    key = (url, fiscal_year_id)
    with _lock:
        entries = _cache.get(key)
        generation = _generation
    if entries is None:
        entries = _read_catalogue(session, fiscal_year_id)
        with _lock:
            if generation == _generation and entries:  # an empty year may be being loaded
                _cache[key] = entries
                for entry in entries:
                    _year_of[(url, entry.indicator.id)] = fiscal_year_id
    return [
        e
        for e in entries
        if (include_inactive or e.indicator.active) and (bureau_id is None or e.indicator.bureau_id == bureau_id)
    ]


def round_catalogue(session: Session, round_: Round, bureau_id: int | None = None) -> list[CatalogueEntry]:
    """The catalogue of the round's fiscal year."""
    return load_catalogue(session, bureau_id, fiscal_year_id=round_.fiscal_year_id)


def _read_catalogue(session: Session, fiscal_year_id: int) -> list[CatalogueEntry]:
    indicators = list(session.exec(select(Indicator).where(Indicator.fiscal_year_id == fiscal_year_id)))
    for indicator in indicators:
        session.expunge(indicator)
    indicator_ids = [i.id for i in indicators]
    variables = (
        list(session.exec(select(Variable).where(Variable.indicator_id.in_(indicator_ids)).order_by(Variable.position)))
        if indicator_ids
        else []
    )
    for variable in variables:
        session.expunge(variable)
    by_indicator: dict[int, list[Variable]] = {}
    for variable in variables:
        by_indicator.setdefault(variable.indicator_id, []).append(variable)
    entries = []
    for indicator in sorted(indicators, key=lambda i: code_sort_key(i.code)):
        rows = by_indicator.get(indicator.id, [])
        specs = {row.id: variable_spec(row) for row in rows}
        entries.append(
            CatalogueEntry(
                indicator=indicator,
                spec=indicator_spec(indicator, [specs[row.id] for row in rows]),
                variable_ids={row.key: row.id for row in rows},
                variables_by_id=specs,
            )
        )
    return entries


def indicator_spec(indicator: Indicator, variables: list[VariableSpec]) -> IndicatorSpec:
    return IndicatorSpec(
        code=indicator.code,
        name=indicator.name,
        weight=indicator.weight,
        formula=indicator.formula,
        thresholds=(indicator.t1, indicator.t2, indicator.t3, indicator.t4, indicator.t5),
        direction=Direction(indicator.direction),
        kind=IndicatorKind(indicator.kind),
        variables=tuple(variables),
    )


OTHER_YEAR_MESSAGE = "ตัวชี้วัดนี้ไม่อยู่ในปีงบประมาณของรอบที่เลือก"


def load_entry(session: Session, indicator_id: int, round_: Round | None = None) -> CatalogueEntry:
    """One indicator of any year (active or not); with a round, NotFound unless it is of the round's year."""
    if not isinstance(indicator_id, int):
        raise NotFound()
    url = str(session.get_bind().url)
    with _lock:
        year_id = _year_of.get((url, indicator_id))
    if year_id is None:
        year_id = session.exec(select(Indicator.fiscal_year_id).where(Indicator.id == indicator_id)).first()
        if year_id is None:
            raise NotFound()
    if round_ is not None and round_.fiscal_year_id != year_id:
        raise NotFound(OTHER_YEAR_MESSAGE)
    for entry in load_catalogue(session, fiscal_year_id=year_id, include_inactive=True):
        if entry.indicator.id == indicator_id:
            return entry
    raise NotFound()


def rounds_newest_first(session: Session) -> list[Round]:
    return list(session.exec(select(Round).order_by(Round.opens_at.desc())))


def current_round(session: Session) -> Round | None:
    """The open round that opened last; failing that, the round that opened last (closed);
    failing that (nothing has opened yet), the newest round."""
    return current_of(rounds_newest_first(session))


def current_of(rounds: list[Round]) -> Round | None:
    """current_round among rounds already loaded newest first (no query).

    A round set up for later (next year's, not yet opened) never becomes current before it
    opens: once the running round closes, the pages keep showing the round just closed."""
    now = utcnow()
    opened = [round_ for round_ in rounds if round_.opens_at <= now]
    for round_ in opened:
        if not round_.closed:
            return round_
    if opened:
        return opened[0]
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


def catalogue_for_round(round_id: int | None, bureau_id: int | None = None) -> list[CatalogueEntry]:
    """The active indicators (or one bureau's) of the round's fiscal year; no round id: the current round."""
    from krs_app.db.engine import session_scope

    with session_scope() as session:
        return round_catalogue(session, get_round(session, round_id if isinstance(round_id, int) else None), bureau_id)


def fresh_entry(session: Session, indicator_id: int) -> CatalogueEntry:
    """One indicator as this transaction sees it (uncommitted edits included), bypassing the cache."""
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound()
    rows = list(session.exec(select(Variable).where(Variable.indicator_id == indicator_id).order_by(Variable.position)))
    specs = {row.id: variable_spec(row) for row in rows}
    return CatalogueEntry(
        indicator=indicator,
        spec=indicator_spec(indicator, [specs[row.id] for row in rows]),
        variable_ids={row.key: row.id for row in rows},
        variables_by_id=specs,
    )
