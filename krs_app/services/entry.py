"""The district's data-entry page (บันทึกข้อมูล): what it shows, and entering a value."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, replace

from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import Bureau, District, EvidenceFile, Result, Round, Value, Variable
from krs_app.domain.certification import REFUSAL_REASON_PREFIX, refusal_text
from krs_app.domain.indicators import NOT_ASSESSED_LABEL, VariableSource, code_for_id
from krs_app.domain.next_level import next_level_hint
from krs_app.domain.numbers import format_number, format_result, format_score
from krs_app.domain.scoring import evaluate, weighted_overall
from krs_app.domain.status import (
    NOT_APPLICABLE_LABEL,
    STATUS_LABELS,
    Status,
    district_edit_window,
    district_note,
    overall_part,
    self_score,
)
from krs_app.domain.thai_dates import countdown, thai_datetime
from krs_app.domain.validation import check_value
from krs_app.live.bus import Change, announce
from krs_app.services import audit
from krs_app.services.access import SIDE_DISTRICT, as_row_id
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import get_round, load_entry, round_catalogue
from krs_app.services.clock import to_bangkok, utcnow
from krs_app.services.entry_shared import shared_catalogue, shared_round_options, shared_row
from krs_app.services.entry_summary import row_items
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from krs_app.services.results import find_result, refresh_result, value_rows_by_key
from krs_app.services.round_options import round_options
from krs_app.services.threads import add_message, badges_for_district
from krs_app.services.values import EnterOutcome, write_value
from krs_app.services.views import IndicatorRow, IndicatorText, RoundOption, RowState, VariableText

CELL_INPUT = "input"
CELL_CENTRAL = "central"
CELL_NOT_REQUIRED = "not_required"
CORRECTED_MESSAGE = "แก้ไขข้อมูลตามที่สำนักแจ้งแล้ว"


def _shared(text: str) -> str:
    """One string object for equal texts: every open page keeps its rows, so repeated texts
    (element ids, scores, hints) are stored once per process rather than once per browser tab."""
    return sys.intern(text)


@dataclass
class EntryPage:
    district_name: str
    district_short_name: str
    round_id: int
    round_label: str
    round_closed: bool
    deadline_text: str
    countdown_text: str
    overall_text: str
    rounds: list[RoundOption]
    catalogue: list[IndicatorText]  # the round's, shared by every page of it (services.entry_shared)
    row_states: list[RowState]  # in catalogue order

    @property
    def indicators(self) -> list[IndicatorRow]:
        return [IndicatorRow(text, row) for text, row in zip(self.catalogue, self.row_states, strict=True)]


def _require_district(user: CurrentUser) -> int:
    if not user.is_district or user.district_id is None:
        raise NotAllowed("หน้านี้สำหรับผู้รับผิดชอบตัวชี้วัดของ สพท. เท่านั้น")
    return user.district_id


def _district_results(session: Session, district_id: int, round_: Round) -> dict[int, Result]:
    """The district's results of the round, by indicator id: read once for its rows and its overall score."""
    return {
        r.indicator_id: r
        for r in session.exec(select(Result).where(Result.district_id == district_id, Result.round_id == round_.id))
    }


def _overall_text(entries, results: dict[int, Result], round_: Round) -> str:
    """The district's weighted score as its own page shows it (self-assessment while awaiting)."""
    scored = []
    for entry in entries:
        if not entry.spec.is_assessed_in(round_.months):
            continue
        result = results.get(entry.indicator.id)
        status = Status(result.status) if result else Status.NOT_REPORTED
        score = self_score(status, result.score if result else None)
        scored.append(overall_part(entry.spec.weight, score, bool(result and result.not_applicable)))
    return format_score(weighted_overall(scored))


def _cell_mode(variable, months) -> str:
    if not variable.is_required_in(months):
        return CELL_NOT_REQUIRED
    if variable.source == VariableSource.CENTRAL:
        return CELL_CENTRAL
    return CELL_INPUT


def _catalogue_text(session: Session, entries, round_: Round, shared: bool = True) -> list[IndicatorText]:
    """What the page shows of the round's catalogue: the same for every district (sent once per
    load); `shared`: the one list of equal texts kept for every page (a whole catalogue only),
    made once per round while its catalogue entries (services.catalogue's cached objects: new
    ones after an edit), months and bureau names stay the same."""
    bureaus = {b.id: b.name for b in session.exec(select(Bureau))}
    if not shared:
        return _make_catalogue_text(entries, round_, bureaus)
    made_from = (round_.months, tuple(sorted(bureaus.items())), tuple(id(e) for e in entries))
    with _texts_lock:
        kept = _texts_by_round.get(round_.id)
    if kept is not None and kept[0] == made_from:  # kept[1] holds the entries: their ids stay theirs
        return kept[2]
    texts = shared_catalogue(_make_catalogue_text(entries, round_, bureaus))
    with _texts_lock:
        _texts_by_round[round_.id] = (made_from, tuple(entries), texts)
    return texts


_texts_by_round: dict[int, tuple[tuple, tuple, list[IndicatorText]]] = {}  # round id -> what made it
_texts_lock = threading.Lock()


def _make_catalogue_text(entries, round_: Round, bureaus: dict[int, str]) -> list[IndicatorText]:
    texts = []
    for entry in entries:
        spec = entry.spec
        code_id = _shared(code_for_id(spec.code))
        variables = tuple(
            VariableText(
                id=variable_id,
                key=key,
                label=entry.variables_by_id[variable_id].label,
                unit=entry.variables_by_id[variable_id].unit,
                mode=_cell_mode(entry.variables_by_id[variable_id], round_.months),
                element_id=_shared(f"value-{code_id}-{key}"),
            )
            for key, variable_id in entry.variable_ids.items()
        )
        texts.append(
            IndicatorText(
                id=entry.indicator.id,
                code=spec.code,
                code_id=code_id,
                name=spec.name,
                weight=_shared(format_number(spec.weight)),
                assessed=spec.is_assessed_in(round_.months),
                result_unit=spec.result_unit,
                bureau=bureaus.get(entry.indicator.bureau_id, ""),
                variables=variables,
            )
        )
    return texts


def _row_states(
    session: Session,
    entries,
    district_id: int,
    round_: Round,
    results: dict[int, Result],
    only: set[int] | None = None,
    catalogue: list[IndicatorText] | None = None,
    shown: dict[int, RowState] | None = None,
) -> dict[int, RowState]:
    """Each indicator's state on the entry page (or only the given indicators'), by indicator id,
    from the district's results of the round (_district_results). `shown`: the rows as the page
    shows them, when only values changed: their new-data badges and evidence counts are kept
    rather than read again (a value does not change them; a message or a file is pushed live)."""
    now = utcnow()
    # Not assessed in this round: still listed, with the manual's label and no inputs.
    wanted = [e for e in entries if only is None or e.indicator.id in only]
    indicator_ids = [e.indicator.id for e in wanted]
    if not indicator_ids:
        return {}
    variable_ids = [vid for e in wanted for vid in e.variable_ids.values()]
    values = {
        v.variable_id: v.value
        for v in session.exec(
            select(Value).where(
                Value.district_id == district_id, Value.round_id == round_.id, Value.variable_id.in_(variable_ids)
            )
        )
    }
    known = shown is not None and all(i in shown for i in indicator_ids)
    unread = {i for i in indicator_ids if shown[i].new_badge} if known else badges_for_district(session, district_id)
    evidence_counts: dict[int, int] = {i: shown[i].evidence_count for i in indicator_ids} if known else {}
    for indicator_id in (
        ()
        if known
        else session.exec(
            select(EvidenceFile.indicator_id).where(
                EvidenceFile.district_id == district_id,
                EvidenceFile.round_id == round_.id,
                EvidenceFile.withdrawn_at.is_(None),
                EvidenceFile.indicator_id.in_(indicator_ids),
            )
        )
    ):
        evidence_counts[indicator_id] = evidence_counts.get(indicator_id, 0) + 1

    texts = {text.id: text for text in catalogue or _catalogue_text(session, wanted, round_, shared=False)}
    rows: dict[int, RowState] = {}
    for entry in wanted:
        spec = entry.spec
        by_key = {key: values[vid] for key, vid in entry.variable_ids.items() if vid in values}
        evaluation = evaluate(spec, by_key, round_.months)
        result = results.get(entry.indicator.id)
        status = Status(result.status) if result else Status.NOT_REPORTED
        shown_score = self_score(status, evaluation.score)
        window = district_edit_window(
            status,
            now,
            round_.closed,
            round_.district_deadline,
            result.correction_deadline if result else None,
            result.extended_until if result else None,
        )
        modes = {key: _cell_mode(entry.variables_by_id[vid], round_.months) for key, vid in entry.variable_ids.items()}
        not_applicable = bool(result and result.not_applicable)
        assessed = spec.is_assessed_in(round_.months)
        required = [key for key, mode in modes.items() if mode != CELL_NOT_REQUIRED]
        missing = [key for key in required if by_key.get(key) is None]
        # Some required values entered, some still empty: say which (a row not begun says nothing).
        missing_text = "ยังไม่ได้กรอก: " + ", ".join(missing) if missing and len(missing) < len(required) else ""
        refusal = correction = ""
        if result is not None and status == Status.NOT_CERTIFIED:
            refusal = refusal_text(result.reason or "", REFUSAL_REASON_PREFIX)
            if result.correction_deadline:
                correction = thai_datetime(to_bangkok(result.correction_deadline))
                refusal += f" (แก้ไขได้ถึง {correction})"
        row = RowState(
            score_text=_shared(format_score(shown_score)) if assessed else "",
            percent_text=_shared(format_result(evaluation.result)),
            status=status.value,
            status_label=NOT_ASSESSED_LABEL
            if not assessed
            else NOT_APPLICABLE_LABEL
            if not_applicable
            else STATUS_LABELS[status],
            hint=_shared(next_level_hint(spec, by_key, round_.months, evaluation.score))
            if status != Status.CERTIFIED and assessed
            else "",
            editable=window.allowed and assessed,
            lock_reason=window.reason,
            refusal_reason=refusal,
            new_badge=entry.indicator.id in unread,
            evidence_count=evidence_counts.get(entry.indicator.id, 0),
            not_applicable=not_applicable,
            note=district_note(
                status,
                evaluation.complete,
                evaluation.score is not None,
                not_applicable,
                (result.not_applicable_reason or "") if result else "",
            ),
            missing_text=missing_text,
            correction_deadline_text=correction,
            extended_text=_extended_text(result, status, now),
            values=tuple(_shared(format_number(by_key.get(key))) for key in entry.variable_ids),
        )
        row = replace(row, attention=row_items(IndicatorRow(texts[entry.indicator.id], row)))
        rows[entry.indicator.id] = shared_row(district_id, round_.id, entry.indicator.id, row)
    return rows


def _extended_text(result: Result | None, status: Status, now) -> str:
    """The new deadline of a lock exception in force (the KPI office's ขยายเวลา), for the row."""
    if result is None or result.extended_until is None or status == Status.CERTIFIED or now > result.extended_until:
        return ""
    return f"ขยายเวลาแก้ไขถึง {thai_datetime(to_bangkok(result.extended_until))} (กพร.)"


def entry_page(user: CurrentUser, round_id: int | None = None) -> EntryPage:
    return _district_page(_require_district(user), round_id)


def page_for_watchers(district_id: int, round_id: int) -> EntryPage:
    """The page as every watching tab of this district shows it, for the live push.

    Only for the live layer, which sends it to tabs whose sessions it has just checked
    belong to this district (services.auth.live_district_sessions). What a push does not send
    (the district's names, the round selector's choices) is left empty: not read for it."""
    return _district_page(district_id, round_id, for_push=True)


def _district_page(district_id: int, round_id: int | None, for_push: bool = False) -> EntryPage:
    with session_scope() as session:
        district = None if for_push else session.get(District, district_id)
        round_ = get_round(session, round_id)
        entries = round_catalogue(session, round_)
        results = _district_results(session, district_id, round_)
        catalogue = _catalogue_text(session, entries, round_)
        states = _row_states(session, entries, district_id, round_, results, catalogue=catalogue)
        return EntryPage(
            district_name=district.name if district else "",
            district_short_name=district.short_name if district else "",
            round_id=round_.id,
            round_label=round_.label,
            round_closed=round_.closed,
            deadline_text=thai_datetime(to_bangkok(round_.district_deadline)),
            countdown_text="ปิดรอบแล้ว" if round_.closed else countdown(round_.district_deadline, utcnow()),
            overall_text=_overall_text(entries, results, round_),
            rounds=[] if for_push else shared_round_options(round_options(session)),
            catalogue=catalogue,
            row_states=[states[e.indicator.id] for e in entries],
        )


def entry_rows(
    user: CurrentUser, round_id: int, indicator_ids: set[int], shown: dict[int, RowState] | None = None
) -> tuple[dict[int, RowState], str]:
    """Only the given indicators' row states (by indicator id), and the overall score: what one
    change can affect. `shown`: those rows as the page shows them, after a change of values only
    (see _row_states)."""
    district_id = _require_district(user)
    with session_scope() as session:
        round_ = get_round(session, round_id)
        entries = round_catalogue(session, round_)
        results = _district_results(session, district_id, round_)
        rows = _row_states(session, entries, district_id, round_, results, set(indicator_ids), shown=shown)
        return rows, _overall_text(entries, results, round_)


def enter_value(user: CurrentUser, round_id: int, variable_id: int, text: object) -> EnterOutcome:
    """A district types a value into one of its cells and leaves it.

    Checks who may write (the district's own district variables only), when (edit
    window), and what (the domain's validation); stores the value or clears it,
    recomputes the result and status, audits, then announces the change.
    """
    district_id = _require_district(user)
    if as_row_id(round_id) is None or as_row_id(variable_id) is None:
        raise NotFound()
    if text is not None and not isinstance(text, (str, int, float)):
        return EnterOutcome(False, "กรุณากรอกตัวเลข")
    with session_scope() as session:
        round_ = session.get(Round, round_id)
        if round_ is None:
            raise NotFound("ไม่พบรอบการรายงาน")
        variable_row = session.get(Variable, variable_id)
        if variable_row is None:
            raise NotFound()
        entry = load_entry(session, variable_row.indicator_id, round_)
        spec = entry.variables_by_id[variable_id]
        if spec.source != VariableSource.DISTRICT:
            raise NotAllowed("ตัวแปรนี้ใช้ข้อมูลส่วนกลาง สพท. กรอกไม่ได้")
        if not spec.is_required_in(round_.months):
            raise ServiceError("ยังไม่ต้องรายงานในรอบนี้")
        result = find_result(session, district_id, entry.indicator.id, round_.id, for_update=True)
        window = district_edit_window(
            Status(result.status) if result else Status.NOT_REPORTED,
            utcnow(),
            round_.closed,
            round_.district_deadline,
            result.correction_deadline if result else None,
            result.extended_until if result else None,
        )
        if not window.allowed:
            return EnterOutcome(False, window.reason)
        rows = value_rows_by_key(session, entry, district_id, round_.id)
        stored = {key: row.value for key, row in rows.items()}
        others = {k: v for k, v in stored.items() if k != spec.key}
        check = check_value(entry.spec, spec, text, others)
        if not check.ok:
            return EnterOutcome(False, check.message)
        before = stored.get(spec.key)
        if before == check.value:
            return EnterOutcome(True)
        write_value(
            session, district_id, variable_id, round_.id, check.value, user.id, utcnow(), existing=rows.get(spec.key)
        )
        session.flush()
        status_before = result.status if result else Status.NOT_REPORTED.value
        now_stored = others if check.value is None else {**others, spec.key: check.value}
        result, _ = refresh_result(session, entry, district_id, round_, known=(now_stored, result))
        session.flush()
        if status_before == Status.NOT_CERTIFIED.value and result.status == Status.AWAITING.value:
            # A correction after a refusal: tell the bureau in the thread (raises its new-data badge).
            add_message(session, user, SIDE_DISTRICT, district_id, entry.indicator.id, round_.id, CORRECTED_MESSAGE)
        audit.record(
            session,
            user_id=user.id,
            action="enter_value",
            entity="value",
            entity_id=variable_id,
            district_id=district_id,
            round_id=round_.id,
            indicator_id=entry.indicator.id,
            before={"variable": spec.key, "value": before, "status": status_before},
            after={"variable": spec.key, "value": check.value, "status": result.status, "score": result.score},
        )
        indicator_id = entry.indicator.id
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="value"))
    return EnterOutcome(True, changed=True, indicator_id=indicator_id)
