"""ขยายเวลา from the KPI office's form: scopes (one, a district's round, an indicator, the whole
round), the checks at their fields, idempotency, audit, and the list of extensions in force."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import District, Result
from krs_app.services import clock, entry, extension_list, extensions
from krs_app.services.clock import to_bangkok
from krs_app.services.errors import FieldError, NotAllowed, ServiceError
from krs_app.services.extensions import ExtensionForm
from tests.services.helpers import (
    audit_count,
    current_round_id,
    district_id,
    districts_with_status,
    indicator_id,
    login_as,
    result_of,
    round_row,
    variable_id,
)


def be_date(days: int) -> str:
    """A day `days` after today, typed the Thai way (31/3/2569)."""
    day = to_bangkok(clock.utcnow() + timedelta(days=days)).date()
    return f"{day.day}/{day.month}/{day.year + 543}"


def form(scope: str, district: str = "", indicator: str = "", until: str = "", reason: str = "ระบบขัดข้อง"):
    return ExtensionForm(scope=scope, district=district, indicator=indicator, until=until or be_date(6), reason=reason)


def open_results(round_id: int) -> int:
    with session_scope() as session:
        return session.exec(
            select(func.count(Result.id)).where(Result.round_id == round_id, Result.extended_until.is_not(None))
        ).one()


def test_one_district_by_its_name_opens_its_row_past_the_deadline(krs_db):
    round_id = current_round_id()
    kpi = login_as("kpi")
    spm07 = login_as("spm07")
    with session_scope() as session:
        name = session.get(District, district_id("spm07")).name
    message = extensions.extend(kpi, round_id, form("one", name, str(indicator_id("11.3"))), "request-one-0001")
    assert "ขยายเวลาถึง" in message and "1 รายการ" in message
    clock.shift_for_tests(timedelta(days=4))  # past the district deadline
    assert entry.enter_value(spm07, round_id, variable_id("11.3", "1"), "1").ok
    row = next(r for r in entry.entry_page(spm07, round_id).indicators if r.code == "11.3")
    assert row.extended_text.startswith("ขยายเวลาแก้ไขถึง")
    other = next(r for r in entry.entry_page(spm07, round_id).indicators if r.code == "11.2")
    assert other.extended_text == "" and not other.editable  # only 11.3 was extended
    assert audit_count("extend_deadline") == 1


def test_a_whole_round_for_every_district_and_the_list_in_force(krs_db):
    round_id = current_round_id()
    kpi = login_as("kpi")
    certified = len(districts_with_status("11.3", round_id, "certified"))
    message = extensions.extend(kpi, round_id, form("round"), "request-round-001")
    changed = open_results(round_id)
    with session_scope() as session:
        districts = session.exec(select(func.count(District.id)).where(District.active == True)).one()  # noqa: E712
    assert changed > districts  # every district, every indicator (rows created where none existed)
    assert f"{changed} รายการ" in message and (certified == 0 or "ไม่รวมที่รับรองผลแล้ว" in message)
    assert audit_count("extend_deadline") == changed
    clock.shift_for_tests(timedelta(days=4))
    assert entry.enter_value(login_as("spm07"), round_id, variable_id("11.3", "1"), "1").ok  # past its deadline
    page = extension_list.extension_page(kpi, round_id)
    assert [(r.district, r.indicator, r.count) for r in page.extensions] == [("ทุก สพท.", "ทุกตัวชี้วัด", changed)]
    assert page.extensions[0].by == kpi.display_name and page.extensions[0].until_text != "-"


def test_an_indicator_for_every_district_and_a_districts_round(krs_db):
    round_id = current_round_id()
    kpi = login_as("kpi")
    extensions.extend(kpi, round_id, form("indicator", indicator="11.3"), "request-ind-0001")
    with session_scope() as session:
        codes = {
            r.indicator_id
            for r in session.exec(select(Result).where(Result.round_id == round_id, Result.extended_until.is_not(None)))
        }
    assert codes == {indicator_id("11.3")}
    extensions.extend(kpi, round_id, form("district", "spm07", until=be_date(7)), "request-dist-0001")
    rows = extension_list.extension_page(kpi, round_id).extensions
    assert {(r.district, r.indicator) for r in rows} >= {("ทุก สพท.", "11.3"), ("สพม. เขต 7", "ทุกตัวชี้วัด")}


def test_submitting_twice_changes_nothing_more(krs_db):
    round_id = current_round_id()
    kpi = login_as("kpi")
    request = "request-twice-01"
    first = extensions.extend(kpi, round_id, form("indicator", indicator="11.3"), request)
    count = audit_count("extend_deadline")
    again = extensions.extend(kpi, round_id, form("indicator", indicator="11.3"), request)
    assert again == first and audit_count("extend_deadline") == count


@pytest.mark.parametrize(
    ("bad", "field", "word"),
    [
        (form("one", "", "11.3"), "extend-district", "กรุณาเลือก สพท."),
        (form("one", "ไม่มีเขตนี้", "11.3"), "extend-district", "ไม่พบ"),
        (form("one", "เชียงใหม่", "11.3"), "extend-district", "แห่ง"),
        (form("one", "spm07", ""), "extend-indicator", "ตัวชี้วัด"),
        (form("indicator", indicator="11.3", until="31/2/2569"), "extend-until", "วัน/เดือน/ปี"),
        (form("round", until="x"), "extend-until", "วัน/เดือน/ปี"),
        (form("round", reason=""), "extend-reason", "กรุณาระบุ"),
        (form("wide"), "extend-scope", "ขอบเขต"),
    ],
)
def test_bad_input_is_refused_at_its_field(krs_db, bad, field, word):
    with pytest.raises(FieldError) as refused:
        extensions.extend(login_as("kpi"), current_round_id(), bad, "request-bad-0001")
    assert refused.value.field == field and word in refused.value.message
    assert audit_count("extend_deadline") == 0


def test_the_date_must_be_after_the_current_deadline_and_within_certification(krs_db):
    round_id = current_round_id()
    kpi = login_as("kpi")
    day = to_bangkok(round_row(round_id).district_deadline).date() - timedelta(days=1)  # ends before it
    with pytest.raises(FieldError) as early:
        extensions.extend(
            kpi, round_id, form("round", until=f"{day.day}/{day.month}/{day.year + 543}"), "request-early-01"
        )
    assert early.value.field == "extend-until" and "หลังกำหนดเดิม" in early.value.message
    with pytest.raises(FieldError) as late:
        extensions.extend(kpi, round_id, form("round", until=be_date(30)), "request-late-001")
    assert late.value.field == "extend-until" and "ไม่เกิน" in late.value.message
    assert open_results(round_id) == 0


@pytest.mark.parametrize("username", ["spm07", "finance"])
def test_only_the_kpi_office(krs_db, username):
    with pytest.raises(NotAllowed):
        extensions.extend(login_as(username), current_round_id(), form("round"), "request-role-001")
    with pytest.raises(NotAllowed):
        extension_list.extension_page(login_as(username), current_round_id())
    assert open_results(current_round_id()) == 0


def test_a_certified_result_and_a_closed_round_are_refused(krs_db):
    from krs_app.services import rounds

    round_id = current_round_id()
    kpi = login_as("kpi")
    certified = districts_with_status("11.3", round_id, "certified")[0]
    with session_scope() as session:
        code = session.get(District, certified).code
    with pytest.raises(ServiceError) as locked:
        extensions.extend(kpi, round_id, form("one", code, "11.3"), "request-cert-001")
    assert "รับรอง" in locked.value.message
    assert result_of(certified, "11.3", round_id).extended_until is None
    rounds.close_round(kpi, round_id)
    with pytest.raises(ServiceError) as closed:
        extensions.extend(kpi, round_id, form("round"), "request-closed-1")
    assert "ปิด" in closed.value.message


def test_an_extension_can_be_revoked(krs_db):
    round_id = current_round_id()
    kpi = login_as("kpi")
    extensions.extend(kpi, round_id, form("indicator", indicator="11.3"), "request-revoke-1")
    extensions.extend(kpi, round_id, form("one", "spm07", "11.2"), "request-revoke-2")
    rows = extension_list.extension_page(kpi, round_id).extensions
    wide = next(r for r in rows if r.indicator == "11.3")
    with pytest.raises(NotAllowed):
        extensions.revoke(login_as("finance"), round_id, wide.key, "request-revoke-3")
    message = extensions.revoke(kpi, round_id, wide.key, "request-revoke-4")
    assert message == f"ยกเลิกการขยายเวลาแล้ว {wide.count} รายการ"
    assert [r.indicator for r in extension_list.extension_page(kpi, round_id).extensions] == ["11.2"]  # the other stays
    assert result_of(district_id("spm07"), "11.3", round_id).extended_until is None
    assert extensions.revoke(kpi, round_id, wide.key, "request-revoke-4") == message  # a doubled click
    with pytest.raises(ServiceError):
        extensions.revoke(kpi, round_id, wide.key, "request-revoke-5")  # nothing left to revoke
