"""The round's report matrix: every district × assessed indicator, computed once per round.

Built from column reads (tuples, never ORM objects) and kept in memory, one matrix per
round. When the live bus says a result of a district changed, only that district's row is
re-read (one query) and the ranks recomputed; a cheap fingerprint of the round's result rows
(count, last update) catches changes the bus did not tell (another process without a shared
bus, a script) and rebuilds the whole matrix, so a stale matrix is not served.

Public scores follow DOMAIN.md: 1.0000 unless certified; a not-applicable result has no
score and its weight leaves the district's denominator. The views (who sees which rows and
columns) are in services/report_view.py.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, replace
from typing import NamedTuple

from sqlalchemy import func, select
from sqlmodel import Session

from krs_app.db.models import Bureau, District, Result, Round
from krs_app.domain.indicators import RESULT_UNITS, code_for_id
from krs_app.domain.ranking import competition_ranks
from krs_app.domain.scoring import MIN_SCORE, weighted_overall
from krs_app.domain.status import STATUS_LABELS, Status, public_score
from krs_app.live import bus
from krs_app.services.active_districts import active_districts
from krs_app.services.catalogue import CatalogueEntry, round_catalogue

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


class ReportCell(NamedTuple):
    """A tuple with names: 245 × 40 of these are made per rebuild (a frozen dataclass costs ~4× more)."""

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
_dirty: dict[int, set[int]] = {}  # round id -> districts the bus said changed since the matrix was built


def _note_change(change: bus.Change) -> None:
    """A result of the round changed: its district's row is re-read at the next request (a
    round-wide change, kind "round", drops the whole matrix)."""
    if change.kind not in _SCORE_KINDS:
        return
    with _lock:
        if change.kind == "round":
            for key in [k for k in _cache if k[1] == change.round_id]:
                del _cache[key]
            _dirty.pop(change.round_id, None)
        else:
            _dirty.setdefault(change.round_id, set()).add(change.district_id)


def invalidate_matrices() -> None:
    with _lock:
        _cache.clear()
        _dirty.clear()


bus.subscribe(_note_change)


def round_entries(session: Session, round_: Round) -> list[CatalogueEntry]:
    """The indicators of the round's fiscal year assessed in the round, in code order."""
    return [e for e in round_catalogue(session, round_) if e.spec.is_assessed_in(round_.months)]


def _fingerprint(session: Session, round_: Round, entries: list[CatalogueEntry]) -> tuple:
    count, last = session.execute(
        select(func.count(Result.id), func.max(Result.updated_at)).where(Result.round_id == round_.id)
    ).one()
    catalogue = tuple((e.indicator.id, e.spec.weight, e.spec.thresholds, e.spec.direction) for e in entries)
    # A district deactivated or reactivated changes the rows (no result changes with it).
    districts = tuple(session.execute(active_districts(District.id)).scalars())
    return (count, str(last), round_.closed, round_.label, catalogue, districts)


def round_matrix(session: Session, round_: Round) -> RoundMatrix:
    """The cached matrix of the round, rebuilt when its results changed."""
    entries = round_entries(session, round_)
    fingerprint = _fingerprint(session, round_, entries)
    key = (str(session.get_bind().url), round_.id)
    with _lock:
        cached = _cache.get(key)
        dirty = _dirty.pop(round_.id, set())
    if cached is not None and cached.fingerprint == fingerprint and not dirty:
        return cached
    same_shape = cached is not None and cached.fingerprint[2:] == fingerprint[2:]
    if same_shape and dirty and len(dirty) <= _PATCH_AT_MOST:
        matrix = _patch(session, cached, dirty, fingerprint)  # the bus named the rows: re-read only those
    else:
        matrix = _build(session, round_, entries, fingerprint)
    with _lock:
        _cache[key] = matrix
    return matrix


_PUBLIC_STATUS = {status.value: status for status in Status}
_PATCH_AT_MOST = 20  # more changed districts than this: rebuild the whole matrix


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
            active_districts(
                District.id, District.code, District.short_name, District.name, District.level, District.province
            )
        ).all()
    )
    column = {indicator.id: j for j, indicator in enumerate(indicators)}
    row_of = {district.id: k for k, district in enumerate(districts)}
    width = len(indicators)
    status = [[Status.NOT_REPORTED.value] * width for _ in districts]
    result: list[list[float | None]] = [[None] * width for _ in districts]
    computed: list[list[float | None]] = [[None] * width for _ in districts]
    query = select(
        Result.district_id, Result.indicator_id, Result.status, Result.result, Result.score, Result.not_applicable
    ).where(Result.round_id == round_.id)
    # Through the Core connection: the ORM's row loading doubled the read of 245 × 40 rows.
    for district_id, indicator_id, cell_status, cell_result, cell_score, marked in (
        session.connection().execute(query).all()
    ):
        j = column.get(indicator_id)
        k = row_of.get(district_id)
        if j is None or k is None:
            continue
        status[k][j] = NOT_APPLICABLE if marked else cell_status
        result[k][j] = cell_result
        computed[k][j] = cell_score
    rows = [_row(indicators, status[k], result[k], computed[k]) for k in range(len(districts))]
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
        public=tuple(r[0] for r in rows),
        cells=tuple(r[1] for r in rows),
        overall=tuple(r[2] for r in rows),
        rank=tuple(competition_ranks([r[2] for r in rows])),
        fingerprint=fingerprint,
    )


# Stored results and scores were rounded (2 and 4 places, half up) when they were computed
# (domain.scoring.evaluate), so plain formatting shows them exactly as format_score /
# format_result would, without their decimal arithmetic per cell. Texts are memoised: a
# round's scores and results repeat a lot (1.0000 for every uncertified cell).
_score_texts: dict[float | None, str] = {None: "-"}
_result_texts: dict[tuple[float, str], str] = {}
_TEXTS_AT_MOST = 50_000  # memo size bound: cleared beyond this


def _score_text(score: float | None) -> str:
    text = _score_texts.get(score)
    if text is None:
        if len(_score_texts) > _TEXTS_AT_MOST:
            _score_texts.clear()
            _score_texts[None] = "-"
        text = _score_texts[score] = f"{score:.4f}"
    return text


def _result_text(result: float | None, unit: str) -> str:
    """The result after its unit ("ร้อยละ 87.50" / "ระดับ 4.00" / "ค่า 3.07"): the unit follows the indicator's kind."""
    key = (result, unit)
    text = _result_texts.get(key)
    if text is None:
        if len(_result_texts) > _TEXTS_AT_MOST:
            _result_texts.clear()
        text = _result_texts[key] = "-" if result is None else f"{unit} {result:,.2f}"
    return text


_label = functools.cache(status_label)
_CERTIFIED = Status.CERTIFIED.value
_new_tuple = tuple.__new__  # a ReportCell without the Python-level __new__ call, per cell


def _row(indicators, status, result, computed) -> tuple[tuple, tuple, float]:
    """One district's public scores, cells and weighted overall (cell_public_score, inlined)."""
    public = tuple(
        None if s == NOT_APPLICABLE else (c if s == _CERTIFIED and c is not None else MIN_SCORE)
        for s, c in zip(status, computed, strict=True)
    )
    overall = weighted_overall(zip((i.weight for i in indicators), public, strict=True)) or MIN_SCORE
    scores, results = _score_texts, _result_texts
    heads = [(i.code_id, RESULT_UNITS.get(i.kind, "")) for i in indicators]
    cells = tuple(
        _new_tuple(
            ReportCell,
            (
                code_id,
                s,
                _label(s),
                p,
                scores.get(p) or _score_text(p),
                r,
                results.get((r, unit)) or _result_text(r, unit),
            ),
        )
        for (code_id, unit), s, p, r in zip(heads, status, public, result, strict=True)
    )
    return public, cells, overall


def _patch(session: Session, matrix: RoundMatrix, district_ids: set[int], fingerprint: tuple) -> RoundMatrix:
    """The matrix with the rows of these districts re-read (one query), ranks recomputed."""
    at = {d.id: k for k, d in enumerate(matrix.districts) if d.id in district_ids}
    column = {indicator.id: j for j, indicator in enumerate(matrix.indicators)}
    width = len(matrix.indicators)
    fresh = {k: ([Status.NOT_REPORTED.value] * width, [None] * width, [None] * width) for k in at.values()}
    query = select(
        Result.district_id, Result.indicator_id, Result.status, Result.result, Result.score, Result.not_applicable
    ).where(Result.round_id == matrix.round_id, Result.district_id.in_(list(at)))
    for district_id, indicator_id, cell_status, cell_result, cell_score, marked in (
        session.connection().execute(query).all()
    ):
        j = column.get(indicator_id)
        if j is not None:
            row = fresh[at[district_id]]
            row[0][j] = NOT_APPLICABLE if marked else cell_status
            row[1][j], row[2][j] = cell_result, cell_score
    status, result, computed = list(matrix.status), list(matrix.result), list(matrix.computed)
    public, cells, overall = list(matrix.public), list(matrix.cells), list(matrix.overall)
    for k, (row_status, row_result, row_computed) in fresh.items():
        status[k], result[k], computed[k] = tuple(row_status), tuple(row_result), tuple(row_computed)
        public[k], cells[k], overall[k] = _row(matrix.indicators, row_status, row_result, row_computed)
    return replace(
        matrix,
        status=tuple(status),
        result=tuple(result),
        computed=tuple(computed),
        public=tuple(public),
        cells=tuple(cells),
        overall=tuple(overall),
        rank=tuple(competition_ranks(overall)),
        fingerprint=fingerprint,
    )
