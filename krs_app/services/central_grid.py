"""Central data (ใช้ข้อมูลส่วนกลาง), the grid: the bureau fills the central variables of its
indicators one cell at a time, and downloads them as a CSV to fill in and import back
(the import itself is in services/central_import.py).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import District, Result, Value, Variable
from krs_app.domain.cell_safety import safe_cell
from krs_app.domain.certification import central_edit_window
from krs_app.domain.districts import LEVEL_LABELS
from krs_app.domain.indicators import VariableSource, VariableSpec
from krs_app.domain.numbers import format_number
from krs_app.domain.status import STATUS_LABELS, Status
from krs_app.domain.validation import check_value
from krs_app.live.bus import Change, announce
from krs_app.services import audit
from krs_app.services.access import as_row_id, require_bureau_of, require_round
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import CatalogueEntry, get_round, load_entry
from krs_app.services.clock import utcnow
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from krs_app.services.results import find_result, refresh_keeping_refusal, values_by_key
from krs_app.services.values import EnterOutcome, write_value


@dataclass
class CentralColumn:
    variable_id: int
    key: str
    label: str
    unit: str


@dataclass
class CentralRow:
    district_id: int
    district_code: str
    district_name: str
    level_label: str
    cells: list[str]  # values in the order of CentralGrid.columns
    status: str
    status_label: str
    editable: bool
    lock_reason: str


@dataclass
class CentralGrid:
    indicator_id: int
    indicator_code: str
    indicator_name: str
    round_id: int
    round_label: str
    round_closed: bool
    columns: list[CentralColumn]
    rows: list[CentralRow]


def central_columns(entry: CatalogueEntry, months: int) -> list[VariableSpec]:
    """The indicator's central variables required in a round, in catalogue order."""
    return [v for v in entry.spec.required_variables(months) if v.source == VariableSource.CENTRAL]


def central_grid(user: CurrentUser, indicator_id: int, round_id: int | None = None) -> CentralGrid:
    """Every district's central values of one of the bureau's indicators in a round."""
    with session_scope() as session:
        indicator = require_bureau_of(session, user, indicator_id)
        round_ = get_round(session, None) if round_id is None else require_round(session, round_id)
        entry = load_entry(session, indicator.id, round_)
        columns = central_columns(entry, round_.months)
        ids = [entry.variable_ids[v.key] for v in columns]
        stored: dict[tuple[int, int], float] = {}
        if ids:
            for row in session.exec(select(Value).where(Value.round_id == round_.id, Value.variable_id.in_(ids))):
                stored[(row.district_id, row.variable_id)] = row.value
        # .all(): dict() of a Result itself would read it as a mapping (it has .keys()).
        query = select(Result.district_id, Result.status).where(
            Result.indicator_id == indicator.id, Result.round_id == round_.id
        )
        statuses = dict(session.exec(query).all())
        rows = []
        for district in session.exec(select(District).order_by(District.code)):
            status = Status(statuses.get(district.id, Status.NOT_REPORTED.value))
            window = central_edit_window(status, round_.closed)
            rows.append(
                CentralRow(
                    district_id=district.id,
                    district_code=district.code,
                    district_name=district.short_name,
                    level_label=LEVEL_LABELS.get(district.level, ""),
                    cells=[format_number(stored.get((district.id, vid))) for vid in ids],
                    status=status.value,
                    status_label=STATUS_LABELS[status],
                    editable=window.allowed and bool(ids),
                    lock_reason=window.reason,
                )
            )
        return CentralGrid(
            indicator_id=indicator.id,
            indicator_code=indicator.code,
            indicator_name=indicator.name,
            round_id=round_.id,
            round_label=round_.label,
            round_closed=round_.closed,
            columns=[
                CentralColumn(variable_id=entry.variable_ids[v.key], key=v.key, label=v.label, unit=v.unit)
                for v in columns
            ],
            rows=rows,
        )


def set_central_value(
    user: CurrentUser, district_id: int, variable_id: int, round_id: int, text: object
) -> EnterOutcome:
    """The bureau types one central value for one district. An empty text clears it.

    Validation failures come back as EnterOutcome(ok=False, Thai message) and change
    nothing; a user who may not do it gets NotAllowed.
    """
    if any(as_row_id(number) is None for number in (district_id, variable_id, round_id)):
        raise NotFound()
    if text is not None and not isinstance(text, (str, int, float)):
        return EnterOutcome(False, "กรุณากรอกตัวเลข")
    with session_scope() as session:
        variable_row = session.get(Variable, variable_id)
        if variable_row is None:
            raise NotFound()
        indicator = require_bureau_of(session, user, variable_row.indicator_id)
        if session.get(District, district_id) is None:
            raise NotFound("ไม่พบ สพท. ที่ระบุ")
        round_ = require_round(session, round_id)
        entry = load_entry(session, indicator.id, round_)
        spec = entry.variables_by_id[variable_id]
        if spec.source != VariableSource.CENTRAL:
            raise NotAllowed("ตัวแปรนี้ สพท. เป็นผู้กรอก ไม่ใช่ข้อมูลส่วนกลาง")
        if not spec.is_required_in(round_.months):
            raise ServiceError("ยังไม่ต้องรายงานในรอบนี้")
        result = find_result(session, district_id, indicator.id, round_.id)
        window = central_edit_window(Status(result.status) if result else Status.NOT_REPORTED, round_.closed)
        if not window.allowed:
            return EnterOutcome(False, window.reason)
        stored = values_by_key(session, entry, district_id, round_.id)
        check = check_value(entry.spec, spec, text, {k: v for k, v in stored.items() if k != spec.key})
        if not check.ok:
            return EnterOutcome(False, check.message)
        before = stored.get(spec.key)
        if before == check.value:
            return EnterOutcome(True)
        now = utcnow()
        status_before = result.status if result else Status.NOT_REPORTED.value
        write_value(session, district_id, variable_id, round_.id, check.value, user.id, now)
        session.flush()
        result = refresh_keeping_refusal(session, entry, district_id, round_)
        session.flush()
        audit.record(
            session,
            user_id=user.id,
            action="set_central_value",
            entity="value",
            entity_id=variable_id,
            district_id=district_id,
            round_id=round_.id,
            indicator_id=indicator.id,
            before={"variable": spec.key, "value": before, "status": status_before},
            after={"variable": spec.key, "value": check.value, "status": result.status, "score": result.score},
        )
        indicator_id = indicator.id
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="value"))
    return EnterOutcome(True, changed=True)


INDICATOR_LINE = "ตัวชี้วัด"


def template_csv(user: CurrentUser, indicator_id: int, round_id: int | None = None) -> bytes:
    """A CSV of the current central values (UTF-8 with BOM): fill it in and import it back."""
    grid = central_grid(user, indicator_id, round_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [INDICATOR_LINE, safe_cell(grid.indicator_code), safe_cell(grid.indicator_name)]
    )  # the file names its indicator
    writer.writerow(["district_code", "ชื่อ สพท.", *[c.key for c in grid.columns]])
    for row in grid.rows:
        writer.writerow([safe_cell(row.district_code), safe_cell(row.district_name), *row.cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
