"""Double-clicks do the work once (issue 12 item 2): a doubled "ส่งความคิดเห็น" posts one message,
a doubled "ยืนยันไม่รับรอง" sends one refusal (services/idempotency.py + busy buttons)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.e2e.conftest import login, open_review_row, wait_status

pytestmark = pytest.mark.e2e


def _district_with_status(app_server, code: str, status: str, skip: tuple[str, ...] = ()) -> str:
    """A district (by code) whose result on `code` has `status` in the current round."""
    with sqlite3.connect(app_server.data_dir / "krs.db") as db:
        rows = db.execute(
            "SELECT d.code FROM result r JOIN district d ON d.id = r.district_id JOIN indicator i ON i.id = r.indicator_id"
            " JOIN round o ON o.id = r.round_id WHERE i.code = ? AND r.status = ? AND o.closed = 0"
            " ORDER BY o.opens_at DESC, d.code DESC",
            (code, status),
        ).fetchall()
    return next(row[0] for row in rows if row[0] not in skip and row[0] != "spm07")


def test_a_doubled_comment_is_posted_once(new_page, app_server):
    district = new_page()
    login(district, app_server.url, "spm12")
    district.wait_for_selector("#comments-open-11_3")
    district.click("#comments-open-11_3")
    district.wait_for_selector("#comment-input")
    text = "ส่งเอกสารแก้ไขแล้ว ทดสอบกดสองครั้ง"
    district.fill("#comment-input", text)
    district.dblclick("#comment-send")
    district.wait_for_function("t => document.querySelector('#comment-list').innerText.includes(t)", arg=text)
    district.wait_for_timeout(1500)  # the second click's answer has arrived too
    assert district.inner_text("#comment-list").count(text) == 1
    assert district.input_value("#comment-input") == ""


def test_a_doubled_refusal_is_sent_once(new_page, app_server):
    code = _district_with_status(app_server, "11.3", "awaiting")
    bureau = new_page()
    login(bureau, app_server.url, "finance")
    open_review_row(bureau, "11.3", code)
    bureau.click("#refuse-button")
    reason = "ขาดงบเทียบยอดเงินฝากธนาคาร ทดสอบกดสองครั้ง"
    bureau.fill("#refuse-reason", reason)
    bureau.dblclick("#refuse-confirm")
    bureau.wait_for_function("t => document.querySelector('#comment-list').innerText.includes(t)", arg=reason)
    bureau.wait_for_timeout(1500)
    assert bureau.inner_text("#comment-list").count(reason) == 1
    assert "decision-error" not in bureau.content()
    district = new_page()
    login(district, app_server.url, code)
    wait_status(district, "status-11_3", "not_certified")
    with sqlite3.connect(app_server.data_dir / "krs.db") as db:
        refusals = db.execute(
            "SELECT COUNT(*) FROM audit_log a JOIN district d ON d.id = a.district_id WHERE a.action = 'refuse'"
            " AND d.code = ?",
            (code,),
        ).fetchone()[0]
    assert refusals == 1
