"""Messages between a district and the bureau (ความคิดเห็น / ข้อเสนอแนะ) and new-data badges.

A message or a file from one side raises the other side's badge on that district ×
indicator; opening it (clicking the badge) records who opened it and when.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import Bureau, District, EvidenceFile, Indicator, Message, Round
from krs_app.domain.thai_dates import thai_date, thai_datetime
from krs_app.live.bus import Change, announce
from krs_app.services import audit
from krs_app.services.access import SIDE_BUREAU, SIDE_DISTRICT, check_district_indicator
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import get_round, load_entry
from krs_app.services.clock import to_bangkok, utcnow
from krs_app.services.errors import NotAllowed, ServiceError

MAX_MESSAGE_LENGTH = 2000
CLOSED_ROUND_MESSAGE = "รอบการรายงานนี้ปิดแล้ว ส่งความคิดเห็นไม่ได้"


def message_length(body: object) -> int:
    """How long a message counts as (what the box's counter shows and the limit applies to)."""
    return len(body.strip()) if isinstance(body, str) else 0


def too_long_text(length: int) -> str:
    """The Thai refusal for a message over the limit ("" when it fits)."""
    if length <= MAX_MESSAGE_LENGTH:
        return ""
    return (
        f"ข้อความยาวเกิน {MAX_MESSAGE_LENGTH:,} ตัวอักษร (ยาว {length:,} ตัวอักษร) "
        f"กรุณาตัดให้สั้นลง {length - MAX_MESSAGE_LENGTH:,} ตัวอักษร แล้วส่งอีกครั้ง ยังไม่ได้ส่งข้อความนี้"
    )


@dataclass
class MessageRow:
    id: int
    body: str
    round_label: str
    sent_text: str
    sender_office: str
    sender_name: str
    sender_side: str
    opened_text: str
    mine: bool


def office_name_of(session: Session, user: CurrentUser) -> str:
    if user.district_id is not None:
        district = session.get(District, user.district_id)
        return district.name if district else ""
    if user.bureau_id is not None:
        bureau = session.get(Bureau, user.bureau_id)
        return bureau.name if bureau else ""
    return user.office_name


def add_message(
    session: Session,
    user: CurrentUser,
    side: str,
    district_id: int,
    indicator_id: int,
    round_id: int,
    body: str,
) -> Message:
    """Add a message inside the caller's transaction (used by refusals and reminders too)."""
    text = (body or "").strip()
    if not text:
        raise ServiceError("กรุณาพิมพ์ข้อความก่อนส่ง")
    too_long = too_long_text(message_length(text))
    if too_long:
        raise ServiceError(too_long)  # refused whole, never cut: the writer shortens it
    message = Message(
        district_id=district_id,
        indicator_id=indicator_id,
        round_id=round_id,
        body=text,
        sender_side=side,
        sender_user_id=user.id,
        sender_office=office_name_of(session, user),
        sender_name=user.display_name,
        sent_at=utcnow(),
    )
    session.add(message)
    session.flush()
    audit.record(
        session,
        user_id=user.id,
        action="post_message",
        entity="message",
        entity_id=message.id,
        district_id=district_id,
        round_id=round_id,
        indicator_id=indicator_id,
        after={"body": text, "side": side},
    )
    return message


def post_message(user: CurrentUser, district_id: int, indicator_id: int, round_id: int | None, body: str) -> int:
    """ส่งความคิดเห็น: either side writes in the district × indicator thread. Returns the message's id."""
    if not isinstance(body, str):
        raise ServiceError("กรุณาพิมพ์ข้อความก่อนส่ง")
    with session_scope() as session:
        side = check_district_indicator(session, user, district_id, indicator_id)
        round_ = get_round(session, round_id if isinstance(round_id, int) else None)
        if round_.closed:
            raise ServiceError(CLOSED_ROUND_MESSAGE)
        load_entry(session, indicator_id, round_)  # an indicator of the round's fiscal year
        message_id = add_message(session, user, side, district_id, indicator_id, round_.id, body).id
        round_id = round_.id
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="message"))
    return message_id


def thread(user: CurrentUser, district_id: int, indicator_id: int) -> list[MessageRow]:
    """The whole thread for a district × indicator, across rounds, oldest first."""
    with session_scope() as session:
        side = check_district_indicator(session, user, district_id, indicator_id)
        rounds = {r.id: r.label for r in session.exec(select(Round))}
        rows = session.exec(
            select(Message)
            .where(Message.district_id == district_id, Message.indicator_id == indicator_id)
            .order_by(Message.sent_at, Message.id)
        )
        return [
            MessageRow(
                id=m.id,
                body=m.body,
                round_label=rounds.get(m.round_id, ""),
                sent_text=thai_date(to_bangkok(m.sent_at)),
                sender_office=m.sender_office,
                sender_name=m.sender_name,
                sender_side=m.sender_side,
                opened_text=thai_datetime(to_bangkok(m.opened_at)) if m.opened_at else "ยังไม่เปิดอ่าน",
                mine=m.sender_side == side,
            )
            for m in rows
        ]


def _other_side(side: str) -> str:
    return SIDE_BUREAU if side == SIDE_DISTRICT else SIDE_DISTRICT


def mark_opened(user: CurrentUser, district_id: int, indicator_id: int) -> int:
    """Clicking the new-data badge: record who opened the other side's messages and files, and when.

    Returns how many items were marked. The KPI office only reads: it never clears a badge.
    """
    with session_scope() as session:
        side = check_district_indicator(session, user, district_id, indicator_id)
        if user.is_kpi_office:
            raise NotAllowed("กพร. ดูข้อมูลได้ แต่ไม่บันทึกการเปิดอ่านแทนสำนัก")
        now = utcnow()
        count = 0
        other = _other_side(side)
        for message in session.exec(
            select(Message).where(
                Message.district_id == district_id,
                Message.indicator_id == indicator_id,
                Message.sender_side == other,
                Message.opened_at.is_(None),
            )
        ):
            message.opened_at = now
            message.opened_by = user.id
            session.add(message)
            count += 1
        if side == SIDE_BUREAU:
            for file in session.exec(
                select(EvidenceFile).where(
                    EvidenceFile.district_id == district_id,
                    EvidenceFile.indicator_id == indicator_id,
                    EvidenceFile.opened_at.is_(None),
                    EvidenceFile.withdrawn_at.is_(None),
                )
            ):
                file.opened_at = now
                file.opened_by = user.id
                session.add(file)
                count += 1
        if count:
            audit.record(
                session,
                user_id=user.id,
                action="mark_opened",
                entity="badge",
                district_id=district_id,
                indicator_id=indicator_id,
                after={"side": side, "items": count},
            )
        round_id = get_round(session, None).id
    if count:
        announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="opened"))
    return count


def badges_for_district(session: Session, district_id: int) -> set[int]:
    """Indicators on which the bureau sent something the district has not opened."""
    return set(
        session.exec(
            select(Message.indicator_id).where(
                Message.district_id == district_id, Message.sender_side == SIDE_BUREAU, Message.opened_at.is_(None)
            )
        )
    )


def badges_for_bureau(
    session: Session, indicator_ids: list[int], district_id: int | None = None
) -> set[tuple[int, int]]:
    """(district, indicator) pairs where a district sent a message or file the bureau has not opened."""
    if not indicator_ids:
        return set()
    message_query = select(Message.district_id, Message.indicator_id).where(
        Message.indicator_id.in_(indicator_ids), Message.sender_side == SIDE_DISTRICT, Message.opened_at.is_(None)
    )
    file_query = select(EvidenceFile.district_id, EvidenceFile.indicator_id).where(
        EvidenceFile.indicator_id.in_(indicator_ids),
        EvidenceFile.opened_at.is_(None),
        EvidenceFile.withdrawn_at.is_(None),
    )
    if district_id is not None:
        message_query = message_query.where(Message.district_id == district_id)
        file_query = file_query.where(EvidenceFile.district_id == district_id)
    return set(session.exec(message_query)) | set(session.exec(file_query))


@dataclass
class NewFromDistrict:
    district_id: int
    district_code: str
    district_name: str
    indicator_id: int
    indicator_code: str


def new_from_districts(user: CurrentUser) -> list[NewFromDistrict]:
    """The bureau's list of district × indicator pairs with something new."""
    if not user.is_bureau:
        raise NotAllowed()
    with session_scope() as session:
        indicators = {
            i.id: i.code for i in session.exec(select(Indicator).where(Indicator.bureau_id == user.bureau_id))
        }
        pairs = badges_for_bureau(session, list(indicators))
        districts = {d.id: d for d in session.exec(select(District))}
        rows = [
            NewFromDistrict(d, districts[d].code, districts[d].short_name, i, indicators[i])
            for d, i in pairs
            if d in districts
        ]
        return sorted(rows, key=lambda r: (r.indicator_code, r.district_code))
