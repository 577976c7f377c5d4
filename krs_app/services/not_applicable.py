"""ไม่ประเมินตัวชี้วัดนี้: the owning bureau marks one district's result not applicable (e.g. a
ratio whose whole is 0), with a reason, or undoes the mark, before the round closes.

The mark leaves the result out of the district's weighted overall score (domain/status.py
overall_part). Each change is one transaction with its audit row and a message in the thread
(so the district reads why, and its new-data badge rises); announced after commit.
"""

from __future__ import annotations

from krs_app.db.engine import session_scope
from krs_app.domain.certification import assessed_in_round, check_reason, may_mark_not_applicable
from krs_app.domain.status import NOT_APPLICABLE_LABEL
from krs_app.live.bus import Change, announce
from krs_app.services import threads
from krs_app.services.access import SIDE_BUREAU, require_reviewer, require_round
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import load_entry
from krs_app.services.clock import utcnow
from krs_app.services.decisions import DecisionOutcome, _outcome, _raise_unless
from krs_app.services.results import change_result, get_or_create_result

MARK_PREFIX = NOT_APPLICABLE_LABEL + ": "
UNDO_PREFIX = "ยกเลิก “ไม่ประเมินตัวชี้วัดนี้”: "


def _set(user: CurrentUser, district_id: int, indicator_id: int, round_id: int, reason: str, mark: bool):
    now = utcnow()
    with session_scope() as session:
        actor = require_reviewer(session, user, district_id, indicator_id)
        what = "เหตุผลที่ไม่ประเมินตัวชี้วัดนี้" if mark else "เหตุผลที่ยกเลิก"
        _raise_unless(check_reason(reason, what))
        round_ = require_round(session, round_id)
        entry = load_entry(session, indicator_id, round_)  # an indicator of the round's fiscal year
        _raise_unless(assessed_in_round(entry.spec, round_.months))
        result = get_or_create_result(session, district_id, indicator_id, round_.id)
        _raise_unless(may_mark_not_applicable(bool(result.not_applicable), round_.closed, actor, undo=not mark))
        text = reason.strip()
        change_result(
            session,
            user.id,
            result,
            "mark_not_applicable" if mark else "undo_not_applicable",
            now,
            before_fields=("not_applicable", "not_applicable_reason"),
            changes={
                "not_applicable": mark,
                "not_applicable_reason": text if mark else None,
                "not_applicable_by": user.id if mark else None,
                "not_applicable_at": now if mark else None,
            },
            after={"not_applicable": mark, "reason": text},
        )
        threads.add_message(
            session,
            user,
            SIDE_BUREAU,
            district_id,
            indicator_id,
            round_.id,
            (MARK_PREFIX if mark else UNDO_PREFIX) + text,
        )
        outcome = _outcome(result, "บันทึกว่าไม่ประเมินตัวชี้วัดนี้แล้ว" if mark else "ยกเลิกการไม่ประเมินตัวชี้วัดนี้แล้ว")
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="status"))
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="message"))
    return outcome


def mark_not_applicable(
    user: CurrentUser, district_id: int, indicator_id: int, round_id: int, reason: str
) -> DecisionOutcome:
    """ไม่ประเมินตัวชี้วัดนี้: by the owning bureau, with a reason, before the round closes."""
    return _set(user, district_id, indicator_id, round_id, reason, mark=True)


def undo_not_applicable(
    user: CurrentUser, district_id: int, indicator_id: int, round_id: int, reason: str
) -> DecisionOutcome:
    """Undo the mark (the result counts again), by the owning bureau, before the round closes."""
    return _set(user, district_id, indicator_id, round_id, reason, mark=False)
