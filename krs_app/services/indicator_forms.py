"""The indicator editor's form: plain dataclasses the /admin page fills, turned into the
domain's IndicatorSpec (FieldError naming the field when a number or a choice is not one),
and the live preview of a form (sample values -> result, score, criteria curve)."""

from __future__ import annotations

from dataclasses import dataclass, field

from krs_app.db.models import Indicator
from krs_app.domain.catalogue_rules import ScorePreview
from krs_app.domain.catalogue_rules import preview_score as _preview_score
from krs_app.domain.indicators import (
    Direction,
    IndicatorKind,
    IndicatorSpec,
    VariableKind,
    VariableSource,
    VariableSpec,
)
from krs_app.services.catalogue import CatalogueEntry
from krs_app.services.errors import FieldError, ServiceError


@dataclass
class VariableForm:
    key: str  # a, b, 1, 2
    label: str
    unit: str = ""  # โรง / ส่งแล้วกรอก 1 / ไม่ส่งกรอก 0
    kind: str = "count"  # count | flag | number
    source: str = "district"  # district | central
    required_months: tuple[int, ...] = (3, 6, 9, 12)
    min_value: float | None = None
    max_value: float | None = None
    whole_key: str | None = None  # "part of" that variable
    id: int | None = None  # the stored variable this row edits; None: a new one


@dataclass
class IndicatorForm:
    code: str
    name: str
    bureau_id: int
    weight: float
    formula: str
    thresholds: tuple[float, float, float, float, float]
    direction: str = "higher"
    kind: str = "percent"
    variables: list[VariableForm] = field(default_factory=list)  # in display order
    active: bool = True


def _number(value: object, field_id: str, name: str, *, optional: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        raise FieldError(field_id, f"{name}: กรุณากรอกตัวเลข")
    if isinstance(value, bool):
        raise FieldError(field_id, f"{name}: กรุณากรอกตัวเลข")
    try:
        number = float(str(value).replace(",", "").strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise FieldError(field_id, f"{name}: กรุณากรอกตัวเลข") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise FieldError(field_id, f"{name}: กรุณากรอกตัวเลข")
    return number


def form_spec(form: IndicatorForm) -> IndicatorSpec:
    """The domain's view of a form; FieldError when a number or a choice is not one."""
    if not isinstance(form, IndicatorForm):
        raise ServiceError("ข้อมูลตัวชี้วัดไม่ถูกต้อง")
    thresholds = tuple(
        _number(t, f"indicator-t{i}", f"เกณฑ์ระดับ {i}") for i, t in enumerate(tuple(form.thresholds)[:5], start=1)
    )
    if len(thresholds) != 5:
        raise FieldError("indicator-t1", "ต้องกำหนดเกณฑ์ให้ครบ 5 ระดับ")
    if form.direction not in tuple(Direction):
        raise FieldError("indicator-direction", "ทิศทาง: ต้องเป็น ค่ามากยิ่งดี หรือ ค่าน้อยยิ่งดี")
    if form.kind not in tuple(IndicatorKind):
        raise FieldError("indicator-kind", "ประเภทตัวชี้วัด: ต้องเป็น ร้อยละ ระดับความสำเร็จ หรือค่า")
    variables = []
    for i, v in enumerate(form.variables, start=1):
        if v.kind not in tuple(VariableKind):
            raise FieldError(f"variable-kind-{i}", f"ตัวแปรแถวที่ {i}: ชนิดต้องเป็น count, flag หรือ number")
        if v.source not in tuple(VariableSource):
            raise FieldError(f"variable-source-{i}", f"ตัวแปรแถวที่ {i}: แหล่งข้อมูลต้องเป็น สพท. หรือส่วนกลาง")
        variables.append(
            VariableSpec(
                key=str(v.key).strip().lower(),
                label=str(v.label).strip(),
                unit=str(v.unit or "").strip(),
                kind=VariableKind(v.kind),
                source=VariableSource(v.source),
                required_months=frozenset(int(m) for m in v.required_months),
                min_value=_number(v.min_value, f"variable-min-{i}", f"ตัวแปรแถวที่ {i} ค่าต่ำสุด", optional=True),
                max_value=_number(v.max_value, f"variable-max-{i}", f"ตัวแปรแถวที่ {i} ค่าสูงสุด", optional=True),
                whole_key=(str(v.whole_key).strip().lower() or None) if v.whole_key else None,
            )
        )
    return IndicatorSpec(
        code=str(form.code).strip(),
        name=str(form.name).strip(),
        weight=_number(form.weight, "indicator-weight", "น้ำหนัก"),
        formula=str(form.formula).strip(),
        thresholds=thresholds,  # type: ignore[arg-type]
        direction=Direction(form.direction),
        kind=IndicatorKind(form.kind),
        variables=tuple(variables),
    )


def preview(form: IndicatorForm, samples: dict[str, object], months: int = 12) -> ScorePreview:
    """Live preview: sample values (by variable key, as typed) -> result, score (4 decimals), criteria curve."""
    spec = form_spec(form)
    values = {}
    for key, text in (samples or {}).items():
        try:
            values[str(key)] = None if text in (None, "") else float(str(text).replace(",", ""))
        except ValueError:
            values[str(key)] = None
    return _preview_score(spec, values, months)


def form_of_entry(entry: CatalogueEntry) -> IndicatorForm:
    ind = entry.indicator
    return IndicatorForm(
        code=ind.code,
        name=ind.name,
        bureau_id=ind.bureau_id,
        weight=ind.weight,
        formula=ind.formula,
        thresholds=(ind.t1, ind.t2, ind.t3, ind.t4, ind.t5),
        direction=ind.direction,
        kind=ind.kind,
        active=ind.active,
        variables=[
            VariableForm(
                key=v.key,
                label=v.label,
                unit=v.unit,
                kind=v.kind.value,
                source=v.source.value,
                required_months=tuple(sorted(v.required_months)),
                min_value=v.min_value,
                max_value=v.max_value,
                whole_key=v.whole_key,
                id=entry.variable_ids[v.key],
            )
            for v in entry.spec.variables
        ],
    )


def snapshot(indicator: Indicator, spec: IndicatorSpec) -> dict:
    return {
        "code": spec.code,
        "name": spec.name,
        "bureau_id": indicator.bureau_id,
        "weight": spec.weight,
        "formula": spec.formula,
        "thresholds": list(spec.thresholds),
        "direction": spec.direction.value,
        "kind": spec.kind.value,
        "active": indicator.active,
        "variables": [
            {
                "key": v.key,
                "label": v.label,
                "kind": v.kind.value,
                "source": v.source.value,
                "months": sorted(v.required_months),
                "whole": v.whole_key,
            }
            for v in spec.variables
        ],
    }
