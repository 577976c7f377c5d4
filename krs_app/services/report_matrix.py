"""The round's report matrix: every district × assessed indicator, computed once per round.

Built from column reads (tuples, never ORM objects) and kept in memory, one matrix per
round. It is dropped when the live bus says a result of that round changed, and a cheap
fingerprint of the round's result rows (count, last update) catches changes made by another
process, so a stale matrix is never served.

Public scores follow DOMAIN.md: 1.0000 unless certified; a not-applicable result has no
score and its weight leaves the district's denominator. The views (who sees which rows and
columns) are in services/report_view.py.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from krs_app.db.models import Bureau, District, Result, Round
from krs_app.domain.indicators import code_for_id
from krs_app.domain.ranking import competition_ranks
from krs_app.domain.scoring import MIN_SCORE, weighted_overall
from krs_app.domain.status import STATUS_LABELS, Status, public_score
from krs_app.live import bus
from krs_app.services.catalogue import CatalogueEntry, load_catalogue

NOT_APPLICABLE = "not_applicable"  # ไม่ประเมินตัวชี้วัดนี้: leaves the denominator
_SCORE_KINDS = frozenset({"value", "status", "round"})


@dataclass(frozen=True)
class MatrixIndicator:
    id: int
    code: str
    code_id: str  # 11.2 -> 11_2, for element ids
    name: str
    bureau_id: int
    bureau_short: str
    weight: float
    thresholds: tuple[float, ...]
    direction: str
    kind: str


@dataclass(frozen=True)
class MatrixDistrict:
    id: int
    code: str
    short_name: str
    name: str
    level: str  # primary | secondary
    province: str


@dataclass(frozen=True)
class ReportCell:
    code_id: str
    status: str
    status_label: str
    score: float | None  # the public score; None: not applicable
    score_text: str
    result: float | None
    result_text: str


NOT_APPLICABLE_LABEL = "ไม่ประเมินตัวชี้วัดนี้"


def status_label(status: str) -> str:
    if status == NOT_APPLICABLE:
        return NOT_APPLICABLE_LABEL
    try:
        return STATUS_LABELS[Status(status)]
    except ValueError:
        return status


@dataclass(frozen=True)
class RoundMatrix:
    """Cells are indexed [district][indicator] in the order of `districts` and `indicators`."""

    round_id: int
    round_label: str
    round_number: int
    months: int
    fiscal_year_id: int
    closed: bool
    indicators: tuple[MatrixIndicator, ...]
    districts: tuple[MatrixDistrict, ...]
    status: tuple[tuple[str, ...], ...]
    result: tuple[tuple[float | None, ...], ...]
    computed: tuple[tuple[float | None, ...], ...]  # the score computed from the values
    public: tuple[tuple[float | None, ...], ...]  # the report's score; None: not applicable
    cells: tuple[tuple[ReportCell, ...], ...]  # the same, ready to show
    overall: tuple[float, ...]  # weighted overall of the public scores, 4 decimals
    rank: tuple[int, ...]  # among every district
    fingerprint: tuple

    def district_index(self, district_id: int) -> int | None:
        for index, district in enumerate(self.districts):
            if district.id == district_id:
                return index
        return None


_lock = threading.Lock()
_cache: dict[tuple[str, int], RoundMatrix] = {}


def _forget_round(change: bus.Change) -> None:
    if change.kind not in _SCORE_KINDS:
        return
    with _lock:
        for key in [k for k in _cache if k[1] == change.round_id]:
            del _cache[key]


def invalidate_matrices() -> None:
    with _lock:
        _cache.clear()


bus.subscribe(_forget_round)


def round_entries(session: Session, round_: Round) -> list[CatalogueEntry]:
    """The indicators assessed in the round, in code order."""
    return [e for e in load_catalogue(session) if e.spec.is_assessed_in(round_.months)]


def _fingerprint(session: Session, round_: Round, entries: list[CatalogueEntry]) -> tuple:
    count, last = session.execute(
        select(func.count(Result.id), func.max(Result.updated_at)).where(Result.round_id == round_.id)
    ).one()
    catalogue = tuple((e.indicator.id, e.spec.weight, e.spec.thresholds, e.spec.direction) for e in entries)
    return (count, str(last), round_.closed, round_.label, catalogue)


def round_matrix(session: Session, round_: Round) -> RoundMatrix:
    """The cached matrix of the round, rebuilt when its results changed."""
    entries = round_entries(session, round_)
    fingerprint = _fingerprint(session, round_, entries)
    key = (str(session.get_bind().url), round_.id)
    with _lock:
        cached = _cache.get(key)
    if cached is not None and cached.fingerprint == fingerprint:
        return cached
    matrix = _build(session, round_, entries, fingerprint)
    with _lock:
        _cache[key] = matrix
    return matrix


_PUBLIC_STATUS = {status.value: status for status in Status}


def cell_public_score(status: str, computed: float | None) -> float | None:
    """The report's score of one result; None for a not-applicable one."""
    if status == NOT_APPLICABLE:
        return None
    return public_score(_PUBLIC_STATUS.get(status, Status.NOT_REPORTED), computed)


def _build(session: Session, round_: Round, entries: list[CatalogueEntry], fingerprint: tuple) -> RoundMatrix:
    bureau_short = dict(session.execute(select(Bureau.id, Bureau.short_name)).all())
    indicators = tuple(
        MatrixIndicator(
            id=e.indicator.id,
            code=e.indicator.code,
            code_id=code_for_id(e.indicator.code),
            name=e.indicator.name,
            bureau_id=e.indicator.bureau_id,
            bureau_short=bureau_short.get(e.indicator.bureau_id, ""),
            weight=e.spec.weight,
            thresholds=tuple(e.spec.thresholds),
            direction=str(e.spec.direction),
            kind=str(e.spec.kind),
        )
        for e in entries
    )
    districts = tuple(
        MatrixDistrict(*row)
        for row in session.execute(
            select(
                District.id, District.code, District.short_name, District.name, District.level, District.province
            ).order_by(District.code)
        ).all()
    )
    column = {indicator.id: j for j, indicator in enumerate(indicators)}
    row_of = {district.id: k for k, district in enumerate(districts)}
    width = len(indicators)
    status = [[Status.NOT_REPORTED.value] * width for _ in districts]
    result: list[list[float | None]] = [[None] * width for _ in districts]
    computed: list[list[float | None]] = [[None] * width for _ in districts]
    query = select(Result.district_id, Result.indicator_id, Result.status, Result.result, Result.score).where(
        Result.round_id == round_.id
    )
    for district_id, indicator_id, cell_status, cell_result, cell_score in session.execute(query):
        j = column.get(indicator_id)
        k = row_of.get(district_id)
        if j is None or k is None:
            continue
        status[k][j] = cell_status
        result[k][j] = cell_result
        computed[k][j] = cell_score
    weights = [indicator.weight for indicator in indicators]
    public = []
    overall = []
    cells = []

    # Stored results and scores were rounded (2 and 4 places, half up) when they were
    # computed (domain.scoring.evaluate), so plain formatting shows them exactly as
    # format_score/format_result would, without their decimal arithmetic per cell.
    def score_text(score: float | None) -> str:
        return "-" if score is None else f"{score:.4f}"

    def result_text(result: float | None) -> str:
        return "-" if result is None else f"{result:,.2f}"

    label = functools.cache(status_label)
    code_ids = [indicator.code_id for indicator in indicators]
    for k in range(len(districts)):
        row = [cell_public_score(s, c) for s, c in zip(status[k], computed[k], strict=True)]
        public.append(tuple(row))
        overall.append(weighted_overall(zip(weights, row, strict=True)) or MIN_SCORE)
        cells.append(
            tuple(
                ReportCell(
                    code_ids[j], s, label(s), row[j], score_text(row[j]), result[k][j], result_text(result[k][j])
                )
                for j, s in enumerate(status[k])
            )
        )
    return RoundMatrix(
        round_id=round_.id,
        round_label=round_.label,
        round_number=round_.number,
        months=round_.months,
        fiscal_year_id=round_.fiscal_year_id,
        closed=round_.closed,
        indicators=indicators,
        districts=districts,
        status=tuple(tuple(r) for r in status),
        result=tuple(tuple(r) for r in result),
        computed=tuple(tuple(r) for r in computed),
        public=tuple(public),
        cells=tuple(cells),
        overall=tuple(overall),
        rank=tuple(competition_ranks(overall)),
        fingerprint=fingerprint,
    )
