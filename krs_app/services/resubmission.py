"""ส่งผลให้พิจารณาอีกครั้ง: the district sends a refused result back to its bureau when the
correction is only a file or a message (the manual's "สพท.7 ได้แนบรายการปรับปรุงบัญชีเรียบร้อยแล้ว")."""

from __future__ import annotations

from krs_app.db.engine import session_scope
from krs_app.db.models import Round
from krs_app.domain.scoring import evaluate
from krs_app.domain.status import Status, district_edit_window, may_resubmit
from krs_app.live.bus import Change, announce
from krs_app.services.access import SIDE_DISTRICT
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import load_entry
from krs_app.services.clock import utcnow
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from krs_app.services.results import change_result, find_result, values_by_key
from krs_app.services.threads import add_message, message_length, too_long_text

RESUBMITTED_MESSAGE = "ส่งผลให้พิจารณาอีกครั้ง"
RESUBMITTED_DONE = "ส่งผลให้สำนักพิจารณาอีกครั้งแล้ว"


def resubmit(user: CurrentUser, indicator_id: int, round_id: int, note: object = "") -> str:
    """Back to รอการรับรองผล, within the correction deadline; the bureau gets a thread message
    (its new-data badge), the change is audited and announced. Returns the Thai answer."""
    if not user.is_district or user.district_id is None:
        raise NotAllowed("เฉพาะสำนักงานเขตพื้นที่การศึกษาเท่านั้น")
    if not isinstance(indicator_id, int) or not isinstance(round_id, int):
        raise NotFound()
    district_id = user.district_id
    text = note.strip() if isinstance(note, str) else ""
    if too_long_text(message_length(text)):
        raise ServiceError(too_long_text(message_length(text)))  # refused whole, never cut
    now = utcnow()
    with session_scope() as session:
        round_ = session.get(Round, round_id)
        if round_ is None:
            raise NotFound("ไม่พบรอบการรายงาน")
        entry = load_entry(session, indicator_id)
        result = find_result(session, district_id, indicator_id, round_id, for_update=True)
        if result is None:
            raise ServiceError("ส่งผลให้พิจารณาอีกครั้งได้เฉพาะผลที่ไม่รับรอง")
        status = Status(result.status)
        window = district_edit_window(
            status, now, round_.closed, round_.district_deadline, result.correction_deadline, result.extended_until
        )
        complete = evaluate(entry.spec, values_by_key(session, entry, district_id, round_id), round_.months).complete
        decision = may_resubmit(window, status, complete)
        if not decision.allowed:
            raise ServiceError(decision.reason)
        change_result(
            session,
            user.id,
            result,
            "resubmit",
            now,
            before_fields=("status", "correction_deadline", "refused_by", "refused_at"),
            changes={"status": Status.AWAITING.value, "correction_deadline": None, "reported_at": now},
            after={"status": Status.AWAITING.value, "note": text},
        )
        body = RESUBMITTED_MESSAGE + (": " + text if text else "")
        add_message(session, user, SIDE_DISTRICT, district_id, indicator_id, round_id, body)
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="status"))
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="message"))
    return RESUBMITTED_DONE
