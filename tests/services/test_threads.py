"""Messages between a district and its bureau, and the new-data badges they raise and clear."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import EvidenceFile, Message
from krs_app.services import evidence, threads
from krs_app.services.errors import NotAllowed, ServiceError
from tests.services import helpers
from tests.services.helpers import audit_count, fy2562_round_id, login_as

THAI = re.compile(r"[\u0e00-\u0e7f]")
PDF = b"%PDF-1.4\n%%EOF\n"
MANUAL_FIRST = "ไม่รับรอง เนื่องจากหมดยอดเงิน"
MANUAL_BODIES = [
    "ไม่รับรอง เนื่องจากหมดยอดเงิน ข้อมูลบัญชีที่ติดต่อก็คือ บัญชีเงินรับฝากอื่น",
    "งบเทียบยอดเงินฝากธนาคารในงบประมาณ (GL.1101020603) พบว่า มีการกระทบยอดไม่ถูกต้อง ซึ่งยอดคงเหลือตามยอดคงในระบบ GFMS "
    "มีจำนวน 1,024,362 บาท ในส่วนนี้ขอให้ สพท.ดำเนินการแก้ไขให้ถูกต้องด้วยครับ",
    "สพท.7 ได้แนบรายการปรับปรุงบัญชีเรียบร้อยแล้ว",
    "สพท.7 งบเทียบยอดเงินฝากธนาคารในงบประมาณ (GL.1101020603) ได้ดำเนินการแก้ไขเรียบร้อยแล้ว",
    "ขาดรายงานสรุปให้",
    "สพท.7 แนบข้อ 1.1.6 สรุปรายงานผลการตรวจสอบทรัพย์สิน เรียบร้อยแล้ว",
]


def indicator_id(code: str) -> int:
    return helpers.indicator_id(code)


def finance_indicator_ids() -> list[int]:
    return [indicator_id(c) for c in ("7.1", "7.2", "11.2", "11.3", "11.4", "11.5", "11.6")]


def message_count() -> int:
    with session_scope() as session:
        return len(list(session.exec(select(Message))))


def bureau_badges(indicator_ids: list[int]) -> set[tuple[int, int]]:
    with session_scope() as session:
        return threads.badges_for_bureau(session, indicator_ids)


def district_badges(district_id: int) -> set[int]:
    with session_scope() as session:
        return threads.badges_for_district(session, district_id)


def new_pairs(bureau_user) -> set[tuple[int, int]]:
    return {(row.district_id, row.indicator_id) for row in threads.new_from_districts(bureau_user)}


# --- posting -----------------------------------------------------------------------------------


def test_a_district_and_its_bureau_write_to_each_other(krs_db):
    district, finance = login_as("spm07"), login_as("finance")
    ind = indicator_id("11.3")
    threads.post_message(district, district.district_id, ind, None, "แนบรายงานสรุปแล้วครับ")
    threads.post_message(finance, district.district_id, ind, None, "ได้รับแล้ว ขอบคุณครับ")

    rows = threads.thread(district, district.district_id, ind)
    assert [r.body for r in rows[-2:]] == ["แนบรายงานสรุปแล้วครับ", "ได้รับแล้ว ขอบคุณครับ"]
    mine, theirs = rows[-2:]
    assert mine.mine and not theirs.mine
    assert mine.sender_side == "district" and theirs.sender_side == "bureau"
    assert mine.sender_office == "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 7"
    assert theirs.sender_office == "สำนักการคลังและสินทรัพย์"
    assert mine.opened_text == "ยังไม่เปิดอ่าน"
    assert mine.round_label.startswith("ครั้งที่")
    assert re.match(r"^\d{1,2} \S+ 25\d\d$", mine.sent_text)

    seen_by_bureau = threads.thread(finance, district.district_id, ind)
    assert [r.body for r in seen_by_bureau] == [r.body for r in rows]
    assert seen_by_bureau[-1].mine and not seen_by_bureau[-2].mine
    assert audit_count("post_message") == 2


@pytest.mark.parametrize("body", ["", "   ", "\n\t  \n", None, 42])
def test_an_empty_message_is_refused_and_nothing_is_stored(krs_db, body):
    user = login_as("spm07")
    before = message_count()
    with pytest.raises(ServiceError) as raised:
        threads.post_message(user, user.district_id, indicator_id("11.3"), None, body)
    assert raised.value.message.strip() and THAI.search(raised.value.message)
    assert message_count() == before
    assert audit_count("post_message") == 0


def test_a_message_over_2000_characters_is_refused_and_nothing_is_stored(krs_db):
    user = login_as("finance")
    district = login_as("spm07")
    before = message_count()
    with pytest.raises(ServiceError) as raised:
        threads.post_message(user, district.district_id, indicator_id("11.3"), None, "ก" * 2001)
    assert THAI.search(raised.value.message) and "2,000" in raised.value.message
    assert message_count() == before
    assert district_badges(district.district_id) == set()


def test_a_message_of_exactly_2000_characters_is_kept_whole(krs_db):
    user = login_as("spm07")
    body = "ข" * 2000
    threads.post_message(user, user.district_id, indicator_id("11.3"), None, body)
    assert threads.thread(user, user.district_id, indicator_id("11.3"))[-1].body == body


def test_html_is_stored_as_text_not_escaped(krs_db):
    user = login_as("spm07")
    body = '<script>alert("x")</script> <b>ตัวหนา</b> & &amp; <img src=x onerror=alert(1)>'
    threads.post_message(user, user.district_id, indicator_id("11.3"), None, body)
    assert threads.thread(user, user.district_id, indicator_id("11.3"))[-1].body == body
    with session_scope() as session:
        stored = session.exec(select(Message).order_by(Message.id.desc())).first()
    assert stored.body == body


# --- the thread --------------------------------------------------------------------------------


def test_the_manuals_thread_is_there_oldest_first(krs_db):
    user = login_as("spm07")
    rows = threads.thread(user, user.district_id, helpers.indicator_id("11.3", fy2562_round_id()))
    assert len(rows) == 6
    assert rows[0].body.startswith(MANUAL_FIRST)
    assert [r.body for r in rows] == MANUAL_BODIES
    assert [r.sender_side for r in rows] == ["bureau", "bureau", "district", "district", "bureau", "district"]
    assert [r.sent_text for r in rows] == [
        "30 เม.ย. 2562",
        "24 ต.ค. 2562",
        "24 ต.ค. 2562",
        "24 ต.ค. 2562",
        "25 ต.ค. 2562",
        "25 ต.ค. 2562",
    ]
    assert rows[0].round_label == "ครั้งที่ 1 ปี 62 (รอบ 6 เดือน)"
    assert {r.round_label for r in rows[1:]} == {"ครั้งที่ 2 ปี 62 (รอบ 12 เดือน)"}
    assert all(r.opened_text != "ยังไม่เปิดอ่าน" for r in rows)


def test_new_messages_follow_the_manuals_thread_in_order(krs_db):
    district, finance = login_as("spm07"), login_as("finance")
    manual_round = fy2562_round_id()
    ind = helpers.indicator_id("11.3", manual_round)
    bodies = ["หนึ่ง", "สอง", "สาม", "สี่"]
    for index, body in enumerate(bodies):
        threads.post_message(district if index % 2 == 0 else finance, district.district_id, ind, manual_round, body)
    rows = threads.thread(district, district.district_id, ind)
    assert [r.body for r in rows] == MANUAL_BODIES + bodies


def test_the_kpi_office_reads_any_thread(krs_db):
    district = login_as("spm07")
    rows = threads.thread(login_as("kpi"), district.district_id, helpers.indicator_id("11.3", fy2562_round_id()))
    assert [r.body for r in rows] == MANUAL_BODIES


@pytest.mark.parametrize("username", ["spm08", "spp001", "testing"])
def test_other_offices_cannot_read_the_thread(krs_db, username):
    district = login_as("spm07")
    with pytest.raises(NotAllowed):
        threads.thread(login_as(username), district.district_id, indicator_id("11.3"))


def test_another_district_cannot_post_in_the_thread(krs_db):
    district = login_as("spm07")
    before = message_count()
    with pytest.raises(NotAllowed):
        threads.post_message(login_as("spm08"), district.district_id, indicator_id("11.3"), None, "แทรก")
    assert message_count() == before


def test_another_bureau_cannot_post_on_an_indicator_it_does_not_own(krs_db):
    district = login_as("spm07")
    before = message_count()
    with pytest.raises(NotAllowed) as raised:
        threads.post_message(login_as("testing"), district.district_id, indicator_id("11.3"), None, "ข้อความ")
    assert THAI.search(raised.value.message)
    assert message_count() == before
    assert district_badges(district.district_id) == set()


# --- badges ------------------------------------------------------------------------------------


def test_the_demo_starts_with_no_badges_on_the_manuals_thread(krs_db):
    district = login_as("spm07")
    assert indicator_id("11.3") not in district_badges(district.district_id)
    assert (district.district_id, indicator_id("11.3")) not in bureau_badges(finance_indicator_ids())


def test_a_district_message_raises_the_bureau_badge_and_opening_clears_it(krs_db):
    district, finance = login_as("spm07"), login_as("finance")
    ind = indicator_id("11.3")
    pair = (district.district_id, ind)
    assert pair not in new_pairs(finance)

    threads.post_message(district, district.district_id, ind, None, "แนบไฟล์แก้ไขแล้วครับ")
    assert pair in bureau_badges(finance_indicator_ids())
    assert pair in new_pairs(finance)
    listed = next(r for r in threads.new_from_districts(finance) if (r.district_id, r.indicator_id) == pair)
    assert listed.indicator_code == "11.3" and listed.district_code == "spm07"
    assert pair not in new_pairs(login_as("testing")), "another bureau does not see it"
    assert ind not in district_badges(district.district_id), "the sender gets no badge for its own message"

    assert threads.mark_opened(finance, district.district_id, ind) == 1
    assert pair not in bureau_badges(finance_indicator_ids())
    assert pair not in new_pairs(finance)
    with session_scope() as session:
        message = session.exec(select(Message).where(Message.body == "แนบไฟล์แก้ไขแล้วครับ")).one()
    assert message.opened_at is not None and message.opened_by == finance.id
    opened = threads.thread(district, district.district_id, ind)[-1]
    assert opened.opened_text != "ยังไม่เปิดอ่าน" and "น." in opened.opened_text
    assert audit_count("mark_opened") == 1


def test_a_bureau_message_raises_the_district_badge_and_opening_clears_it(krs_db):
    district, finance = login_as("spm07"), login_as("finance")
    ind = indicator_id("11.3")
    threads.post_message(finance, district.district_id, ind, None, "ขาดรายงานสรุป กรุณาแนบเพิ่ม")
    assert ind in district_badges(district.district_id)
    assert ind not in district_badges(login_as("spm08").district_id)
    assert (district.district_id, ind) not in bureau_badges(finance_indicator_ids())

    assert threads.mark_opened(district, district.district_id, ind) == 1
    assert ind not in district_badges(district.district_id)
    with session_scope() as session:
        message = session.exec(select(Message).where(Message.body == "ขาดรายงานสรุป กรุณาแนบเพิ่ม")).one()
    assert message.opened_at is not None and message.opened_by == district.id


def test_opening_ones_own_side_does_not_clear_the_other_sides_badge(krs_db):
    district = login_as("spm07")
    ind = indicator_id("11.3")
    threads.post_message(district, district.district_id, ind, None, "จากเขต")
    assert threads.mark_opened(district, district.district_id, ind) == 0
    assert (district.district_id, ind) in bureau_badges(finance_indicator_ids())


def test_the_kpi_office_cannot_clear_a_badge(krs_db):
    district = login_as("spm07")
    ind = indicator_id("11.3")
    threads.post_message(district, district.district_id, ind, None, "จากเขต")
    with pytest.raises(NotAllowed):
        threads.mark_opened(login_as("kpi"), district.district_id, ind)
    assert (district.district_id, ind) in bureau_badges(finance_indicator_ids())
    with session_scope() as session:
        assert session.exec(select(Message).where(Message.body == "จากเขต")).one().opened_at is None


@pytest.mark.parametrize("username", ["spm08", "testing"])
def test_other_offices_cannot_clear_a_badge(krs_db, username):
    district = login_as("spm07")
    ind = indicator_id("11.3")
    threads.post_message(district, district.district_id, ind, None, "จากเขต")
    with pytest.raises(NotAllowed):
        threads.mark_opened(login_as(username), district.district_id, ind)
    assert (district.district_id, ind) in bureau_badges(finance_indicator_ids())


def test_new_from_districts_is_for_bureaus_only(krs_db):
    for username in ("spm07", "kpi"):
        with pytest.raises(NotAllowed):
            threads.new_from_districts(login_as(username))


def test_attaching_a_file_raises_the_bureau_badge_and_opening_clears_it(krs_db):
    district, finance = login_as("spm07"), login_as("finance")
    ind = indicator_id("11.3")
    pair = (district.district_id, ind)
    staged = evidence.new_staging_path()
    staged.write_bytes(PDF)
    file_id = evidence.attach_evidence(
        district, ind, None, "รายการปรับปรุงบัญชี", "ปรับปรุงบัญชี.pdf", staged, len(PDF), hashlib.sha256(PDF).hexdigest()
    )
    assert pair in bureau_badges(finance_indicator_ids())
    assert pair in new_pairs(finance)
    assert ind not in district_badges(district.district_id)

    assert threads.mark_opened(finance, district.district_id, ind) == 1
    assert pair not in new_pairs(finance)
    with session_scope() as session:
        row = session.get(EvidenceFile, file_id)
    assert row.opened_at is not None and row.opened_by == finance.id


def test_a_withdrawn_file_no_longer_raises_the_badge(krs_db):
    district, finance = login_as("spm07"), login_as("finance")
    ind = indicator_id("11.3")
    staged = evidence.new_staging_path()
    staged.write_bytes(PDF)
    file_id = evidence.attach_evidence(
        district, ind, None, "ผิดไฟล์", "wrong.pdf", staged, len(PDF), hashlib.sha256(PDF).hexdigest()
    )
    evidence.withdraw_evidence(district, file_id)
    assert (district.district_id, ind) not in new_pairs(finance)
