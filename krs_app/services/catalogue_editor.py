"""The KPI office's indicator catalogue of one fiscal year: list, create, edit, deactivate,
remove, copy into a new year. KPI office only; bad input raises FieldError naming the field
(nothing stored); every change is audited and drops the catalogue cache in every process.

Editing an indicator that is reported on in an open round re-scores that round's awaiting,
not-certified and not-reported results in the same transaction (each audited); certified
results keep their score (certification is final). `rescore_impact` is the dry run the
confirmation shows, and `save_indicator(..., confirmed=False)` refuses with
ConfirmationNeeded(impact) while there is something to re-score.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import Bureau, EvidenceFile, Indicator, Message, Result, Round, Value, Variable
from krs_app.domain.catalogue_rules import (
    Problem,
    check_indicator,
    weights_by_round_length,
    weights_warning,
)
from krs_app.domain.indicators import (
    IndicatorSpec,
    sort_key_for,
)
from krs_app.domain.numbers import format_number
from krs_app.domain.scoring import evaluate
from krs_app.domain.status import Status
from krs_app.live.bus import Change, announce
from krs_app.services import audit
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import catalogue_changed, fresh_entry, load_catalogue, load_entry
from krs_app.services.errors import FieldError, ServiceError
from krs_app.services.fiscal_years import require_kpi_office, require_year
from krs_app.services.indicator_forms import IndicatorForm, form_of_entry, form_spec, snapshot
from krs_app.services.results import values_by_key

NOT_KPI_OFFICE = "การแก้ไขตัวชี้วัดเป็นหน้าที่ของ กพร. เท่านั้น"
RESCORED = (Status.AWAITING.value, Status.NOT_CERTIFIED.value, Status.NOT_REPORTED.value)


@dataclass(frozen=True)
class IndicatorListRow:
    id: int
    code: str
    name: str
    bureau_short_name: str
    weight: str
    rounds_assessed: str  # "6, 12"
    status: str  # ใช้งาน | ไม่ใช้ในปีนี้
    active: bool


@dataclass(frozen=True)
class WeightTotal:
    months: int
    total: float
    warning: str  # '' when it is 100 (or nothing is assessed in rounds of that length)


@dataclass(frozen=True)
class CatalogueView:
    year_id: int
    year_be: int
    rows: list[IndicatorListRow]
    weights: list[WeightTotal]


@dataclass(frozen=True)
class RescoreImpact:
    rescored: int  # awaiting / not certified / not reported results of open rounds that get the new score
    certified_kept: int  # certified results that keep their certified score
    round_labels: list[str]


class ConfirmationNeeded(ServiceError):
    def __init__(self, impact: RescoreImpact):
        super().__init__(
            f"การแก้ไขนี้จะคำนวณคะแนนใหม่ {impact.rescored} รายการ "
            f"(ผลที่รับรองแล้ว {impact.certified_kept} รายการคงคะแนนเดิม) กรุณายืนยัน"
        )
        self.impact = impact


def _raise(problem: Problem | None) -> None:
    if problem is not None:
        raise FieldError(problem.field, problem.message)


# ------------------------------------------------------------------------------ reading


def list_catalogue(user: CurrentUser, year_id: int) -> CatalogueView:
    """A year's indicators in code order (deactivated ones too) and the weights per round length."""
    require_kpi_office(user, NOT_KPI_OFFICE)
    with session_scope() as session:
        year = require_year(session, year_id)
        entries = load_catalogue(session, fiscal_year_id=year.id, include_inactive=True)
        bureaus = {b.id: b.short_name for b in session.exec(select(Bureau))}
        rows = [
            IndicatorListRow(
                id=e.indicator.id,
                code=e.spec.code,
                name=e.spec.name,
                bureau_short_name=bureaus.get(e.indicator.bureau_id, ""),
                weight=format_number(e.spec.weight),
                rounds_assessed=", ".join(str(m) for m in (3, 6, 9, 12) if e.spec.is_assessed_in(m)),
                status="ใช้งาน" if e.indicator.active else "ไม่ใช้ในปีนี้",
                active=e.indicator.active,
            )
            for e in entries
        ]
        totals = weights_by_round_length(e.spec for e in entries if e.indicator.active)
        weights = [WeightTotal(m, t, weights_warning(m, t)) for m, t in totals.items()]
        return CatalogueView(year.id, year.year_be, rows, weights)


def indicator_form(user: CurrentUser, indicator_id: int) -> IndicatorForm:
    """The editor's form for one stored indicator."""
    require_kpi_office(user, NOT_KPI_OFFICE)
    with session_scope() as session:
        return form_of_entry(load_entry(session, indicator_id))


# ------------------------------------------------------------------------------ writing


def validate_form(session: Session, year_id: int, form: IndicatorForm, indicator: Indicator | None) -> IndicatorSpec:
    spec = form_spec(form)
    others = session.exec(
        select(Indicator.code).where(
            Indicator.fiscal_year_id == year_id, Indicator.id != (indicator.id if indicator else -1)
        )
    )
    _raise(check_indicator(spec, list(others)))
    if not isinstance(form.bureau_id, int) or session.get(Bureau, form.bureau_id) is None:
        raise FieldError("indicator-bureau", "สำนักเจ้าของตัวชี้วัด: กรุณาเลือกสำนัก")
    stored = (
        {v.id: v for v in session.exec(select(Variable).where(Variable.indicator_id == indicator.id))}
        if indicator
        else {}
    )
    for i, v in enumerate(form.variables, start=1):
        if v.id is not None and v.id not in stored:
            raise FieldError(f"variable-key-{i}", f"ตัวแปรแถวที่ {i}: ไม่ใช่ตัวแปรของตัวชี้วัดนี้")
    kept = {v.id for v in form.variables if v.id is not None}
    for variable_id, row in stored.items():
        if (
            variable_id not in kept
            and session.exec(select(Value.id).where(Value.variable_id == variable_id).limit(1)).first()
        ):
            raise FieldError("variable-add", f"ตัวแปร {row.key} มีข้อมูลที่บันทึกแล้ว ลบไม่ได้")
    return spec


def _open_rounds(session: Session, year_id: int) -> list[Round]:
    return list(session.exec(select(Round).where(Round.fiscal_year_id == year_id, Round.closed == False)))  # noqa: E712


def impact_of(session: Session, indicator: Indicator) -> RescoreImpact:
    rounds_ = _open_rounds(session, indicator.fiscal_year_id)
    ids = [r.id for r in rounds_]
    counts: dict[str, int] = {}
    if ids:
        counts = dict(
            session.exec(
                select(Result.status, func.count(Result.id))
                .where(Result.indicator_id == indicator.id, Result.round_id.in_(ids))
                .group_by(Result.status)
            ).all()
        )
    rescored = sum(counts.get(s, 0) for s in RESCORED)
    return RescoreImpact(rescored, counts.get(Status.CERTIFIED.value, 0), [r.label for r in rounds_])


def rescore_impact(user: CurrentUser, indicator_id: int) -> RescoreImpact:
    """Dry run: how many results saving this indicator re-scores, and how many certified ones keep their score."""
    require_kpi_office(user, NOT_KPI_OFFICE)
    with session_scope() as session:
        return impact_of(session, load_entry(session, indicator_id).indicator)


def write_indicator(session: Session, indicator: Indicator, spec: IndicatorSpec, form: IndicatorForm) -> None:
    indicator.code, indicator.name, indicator.bureau_id = spec.code, spec.name, form.bureau_id
    indicator.weight, indicator.formula = spec.weight, spec.formula
    indicator.t1, indicator.t2, indicator.t3, indicator.t4, indicator.t5 = spec.thresholds
    indicator.direction, indicator.kind = spec.direction.value, spec.kind.value
    indicator.sort_key, indicator.active = sort_key_for(spec.code), bool(form.active)
    session.add(indicator)
    session.flush()
    stored = {v.id: v for v in session.exec(select(Variable).where(Variable.indicator_id == indicator.id))}
    kept = {v.id for v in form.variables if v.id is not None}
    for variable_id, row in stored.items():
        if variable_id not in kept:
            session.delete(row)
    # Keys are unique per indicator: park the kept rows on temporary keys before renaming.
    for position, row in enumerate(r for i, r in stored.items() if i in kept):
        row.key = f"~{position}"
        session.add(row)
    session.flush()
    for position, (form_row, var) in enumerate(zip(form.variables, spec.variables, strict=True)):
        row = (
            stored[form_row.id]
            if form_row.id is not None
            else Variable(indicator_id=indicator.id, key=var.key, label="")
        )
        row.key, row.label, row.unit = var.key, var.label, var.unit
        row.kind, row.source = var.kind.value, var.source.value
        row.required_months = ",".join(str(m) for m in sorted(var.required_months))
        row.min_value, row.max_value, row.whole_key, row.position = (
            var.min_value,
            var.max_value,
            var.whole_key,
            position,
        )
        session.add(row)
    session.flush()


def rescore_open_rounds(session: Session, user: CurrentUser, indicator: Indicator) -> list[tuple[int, int]]:
    """Re-score the indicator's not-certified-yet results of open rounds; (district, round) of each changed."""
    entry = fresh_entry(session, indicator.id)  # this transaction's indicator, not the cached one
    changed = []
    for round_ in _open_rounds(session, indicator.fiscal_year_id):
        results = session.exec(
            select(Result).where(
                Result.indicator_id == indicator.id, Result.round_id == round_.id, Result.status.in_(RESCORED)
            )
        )
        for result in results:
            evaluation = evaluate(
                entry.spec, values_by_key(session, entry, result.district_id, round_.id), round_.months
            )
            if (evaluation.result, evaluation.score) == (result.result, result.score):
                continue
            before = {"result": result.result, "score": result.score, "status": result.status}
            result.result, result.score = evaluation.result, evaluation.score
            session.add(result)
            audit.record(
                session,
                user_id=user.id,
                action="rescore",
                entity="result",
                entity_id=result.id,
                district_id=result.district_id,
                round_id=round_.id,
                indicator_id=indicator.id,
                before=before,
                after={"result": evaluation.result, "score": evaluation.score, "status": result.status},
            )
            changed.append((result.district_id, round_.id))
    return changed


def store_indicator(
    session: Session,
    user: CurrentUser,
    action: str,
    year_id: int,
    indicator: Indicator | None,
    spec: IndicatorSpec,
    form: IndicatorForm,
    before: dict | None = None,
) -> Indicator:
    """Write a validated form onto the indicator (a new one of the year when None) and audit it."""
    if indicator is None:
        indicator = Indicator(fiscal_year_id=year_id, code=spec.code, name="", bureau_id=form.bureau_id,
                              weight=0, formula="", t1=0, t2=0, t3=0, t4=0, t5=0)  # fmt: skip
    write_indicator(session, indicator, spec, form)
    audit.record(
        session,
        user_id=user.id,
        action=action,
        entity="indicator",
        entity_id=indicator.id,
        indicator_id=indicator.id,
        before=before,
        after=snapshot(indicator, spec),
    )
    return indicator


def create_indicator(user: CurrentUser, year_id: int, form: IndicatorForm) -> int:
    """A new indicator in a year's catalogue; returns its id."""
    require_kpi_office(user, NOT_KPI_OFFICE)
    with session_scope() as session:
        year = require_year(session, year_id)
        if any(v.id is not None for v in form.variables):
            raise FieldError("variable-key-1", "ตัวแปรของตัวชี้วัดใหม่ต้องเป็นตัวแปรใหม่")
        spec = validate_form(session, year.id, form, None)
        indicator = store_indicator(session, user, "create_indicator", year.id, None, spec, form)
        indicator_id = indicator.id
    catalogue_changed()
    return indicator_id


def save_indicator(
    user: CurrentUser, indicator_id: int, form: IndicatorForm, *, confirmed: bool = False
) -> RescoreImpact:
    """Save an edited indicator. With results to re-score in an open round and not confirmed:
    ConfirmationNeeded (nothing stored). Returns what was re-scored."""
    require_kpi_office(user, NOT_KPI_OFFICE)
    with session_scope() as session:
        entry = load_entry(session, indicator_id)
        indicator = session.get(Indicator, entry.indicator.id, with_for_update=True)
        before = snapshot(indicator, entry.spec)
        spec = validate_form(session, indicator.fiscal_year_id, form, indicator)
        impact = impact_of(session, indicator)
        if impact.rescored and not confirmed:
            raise ConfirmationNeeded(impact)
        store_indicator(session, user, "edit_indicator", indicator.fiscal_year_id, indicator, spec, form, before)
        changed = rescore_open_rounds(session, user, indicator)
    catalogue_changed()
    for district_id, round_id in changed:
        announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="value"))
    return impact


def set_active(user: CurrentUser, indicator_id: int, active: bool) -> None:
    """Deactivate an indicator for its year (it leaves pages, reports and weights; stored rows stay) or bring it back."""
    require_kpi_office(user, NOT_KPI_OFFICE)
    with session_scope() as session:
        indicator = session.get(Indicator, load_entry(session, indicator_id).indicator.id)
        if indicator.active == bool(active):
            return
        indicator.active = bool(active)
        session.add(indicator)
        audit.record(
            session,
            user_id=user.id,
            action="activate_indicator" if active else "deactivate_indicator",
            entity="indicator",
            entity_id=indicator.id,
            indicator_id=indicator.id,
            before={"active": not active},
            after={"active": bool(active)},
        )
    catalogue_changed()


def remove_indicator(user: CurrentUser, indicator_id: int) -> None:
    """Remove an indicator nothing was stored for (values, reported results, files, messages); else refused."""
    require_kpi_office(user, NOT_KPI_OFFICE)
    with session_scope() as session:
        entry = load_entry(session, indicator_id)
        iid = entry.indicator.id
        variable_ids = list(entry.variable_ids.values())
        stored = (
            (
                variable_ids
                and session.exec(select(Value.id).where(Value.variable_id.in_(variable_ids)).limit(1)).first()
            )
            or session.exec(
                select(Result.id).where(Result.indicator_id == iid, Result.status != Status.NOT_REPORTED.value).limit(1)
            ).first()
            or session.exec(select(EvidenceFile.id).where(EvidenceFile.indicator_id == iid).limit(1)).first()
            or session.exec(select(Message.id).where(Message.indicator_id == iid).limit(1)).first()
        )
        if stored:
            raise ServiceError('ตัวชี้วัดนี้มีข้อมูลที่บันทึกแล้ว ลบไม่ได้ (ใช้ "ไม่ใช้ในปีนี้" แทน)')
        for result in session.exec(select(Result).where(Result.indicator_id == iid)):
            session.delete(result)
        for variable in session.exec(select(Variable).where(Variable.indicator_id == iid)):
            session.delete(variable)
        session.flush()
        audit.record(
            session,
            user_id=user.id,
            action="remove_indicator",
            entity="indicator",
            entity_id=iid,
            indicator_id=iid,
            before=snapshot(entry.indicator, entry.spec),
        )
        session.delete(session.get(Indicator, iid))
    catalogue_changed()
