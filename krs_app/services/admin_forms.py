"""The /admin page's forms as the browser holds them (every field a string) turned into the
services' forms, and back. Only reading what was typed: the rules are the services' own
(indicator_forms.form_spec, catalogue_editor.validate_form, fiscal_years.add_round ...).
"""

from __future__ import annotations

from datetime import date, datetime

from krs_app.domain.thai_date_input import parse_thai_date, thai_date_input
from krs_app.services.clock import to_bangkok
from krs_app.services.errors import FieldError
from krs_app.services.indicator_forms import IndicatorForm, VariableForm

ROUND_MONTHS = (3, 6, 9, 12)
VARIABLE_FIELDS = ("key", "label", "unit", "kind", "source", "months", "min", "max", "whole", "id")
INDICATOR_FIELDS = ("code", "name", "bureau", "weight", "formula", "t1", "t2", "t3", "t4", "t5", "direction", "kind")


def blank_variable(position: int) -> dict[str, str]:
    """A new variable row: key 1, 2, ... by its position, a district count in every round."""
    return {
        "key": str(position),
        "label": "",
        "unit": "",
        "kind": "count",
        "source": "district",
        "months": "3, 6, 9, 12",
        "min": "",
        "max": "",
        "whole": "",
        "id": "",
    }


def blank_indicator() -> dict[str, str]:
    fields = dict.fromkeys(INDICATOR_FIELDS, "")
    fields.update(direction="higher", kind="percent")
    return fields


def _months(text: str, i: int) -> tuple[int, ...]:
    parts = [p.strip() for p in str(text or "").replace(" ", ",").split(",") if p.strip()]
    if not parts or any(not p.isdigit() or int(p) not in ROUND_MONTHS for p in parts):
        raise FieldError(f"variable-months-{i}", f"ตัวแปรแถวที่ {i}: รอบที่ต้องกรอก ให้ระบุ 3, 6, 9 หรือ 12 คั่นด้วยจุลภาค")
    return tuple(sorted({int(p) for p in parts}))


def indicator_form(fields: dict[str, str], variables: list[dict[str, str]]) -> IndicatorForm:
    """The editor's strings as an IndicatorForm (numbers are read by form_spec); FieldError at the field."""
    bureau = str(fields.get("bureau", "")).strip()
    return IndicatorForm(
        code=str(fields.get("code", "")),
        name=str(fields.get("name", "")),
        bureau_id=int(bureau) if bureau.isdigit() else -1,
        weight=str(fields.get("weight", "")),  # type: ignore[arg-type]
        formula=str(fields.get("formula", "")),
        thresholds=tuple(str(fields.get(f"t{i}", "")) for i in range(1, 6)),  # type: ignore[arg-type]
        direction=str(fields.get("direction", "")),
        kind=str(fields.get("kind", "")),
        variables=[
            VariableForm(
                key=str(v.get("key", "")),
                label=str(v.get("label", "")),
                unit=str(v.get("unit", "")),
                kind=str(v.get("kind", "")),
                source=str(v.get("source", "")),
                required_months=_months(v.get("months", ""), i),
                min_value=v.get("min") or None,  # type: ignore[arg-type]
                max_value=v.get("max") or None,  # type: ignore[arg-type]
                whole_key=str(v.get("whole") or "") or None,
                id=int(v["id"]) if str(v.get("id", "")).isdigit() else None,
            )
            for i, v in enumerate(variables, start=1)
        ],
    )


def _text(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def page_fields(form: IndicatorForm) -> tuple[dict[str, str], list[dict[str, str]]]:
    """A stored indicator's form as the editor's strings."""
    fields = {
        "code": form.code,
        "name": form.name,
        "bureau": str(form.bureau_id),
        "weight": _text(form.weight),
        "formula": form.formula,
        "direction": str(form.direction),
        "kind": str(form.kind),
    }
    fields.update({f"t{i}": _text(t) for i, t in enumerate(form.thresholds, start=1)})
    variables = [
        {
            "key": v.key,
            "label": v.label,
            "unit": v.unit,
            "kind": str(v.kind),
            "source": str(v.source),
            "months": ", ".join(str(m) for m in v.required_months),
            "min": _text(v.min_value),
            "max": _text(v.max_value),
            "whole": v.whole_key or "",
            "id": str(v.id) if v.id is not None else "",
        }
        for v in form.variables
    ]
    return fields, variables


def typed_date(text: str, field: str, name: str) -> date:
    """A date typed the Thai way (31/3/2569) for a form field; FieldError at that field."""
    try:
        day = parse_thai_date(text)
    except ValueError as error:
        raise FieldError(field, f"{name}: {error}") from None
    if day is None:
        raise FieldError(field, f"{name}: กรุณาระบุวันที่")
    return day


def optional_date(text: str, field: str, name: str) -> date | None:
    return typed_date(text, field, name) if str(text or "").strip() else None


def date_input(moment: datetime | None) -> str:
    """A stored UTC moment as the Bangkok day typed back into a form (31/3/2569)."""
    local = to_bangkok(moment)
    return thai_date_input(local.date()) if local else ""
