"""Evidence files: attach, list, withdraw, register receipt, download — and who may do each."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditLog, EvidenceFile, Round
from krs_app.services import evidence
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from krs_app.settings import PROJECT_ROOT, get_settings
from tests.services import helpers
from tests.services.helpers import audit_count, current_round_id, login_as

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n" + b"x" * 2000
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100
THAI = re.compile(r"[\u0e00-\u0e7f]")
THAI_DATE = re.compile(
    r"^\d{1,2} (ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.) 25\d\d$"
)


def indicator_id(code: str) -> int:
    return helpers.indicator_id(code)


def closed_round_id() -> int:
    with session_scope() as session:
        return session.exec(select(Round).where(Round.closed == True)).first().id  # noqa: E712


def stage(data: bytes) -> Path:
    path = evidence.new_staging_path()
    path.write_bytes(data)
    return path


def files_under_evidence_dir() -> list[Path]:
    root = get_settings().evidence_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def evidence_rows() -> list[EvidenceFile]:
    with session_scope() as session:
        return list(session.exec(select(EvidenceFile)))


def attach(
    user, code="11.3", data=PDF, name="รายงานผลการตรวจสอบ.pdf", description="สรุปผลการตรวจสอบการเงิน", round_id=None
) -> int:
    staged = stage(data)
    return evidence.attach_evidence(
        user,
        helpers.indicator_id(code, round_id),
        round_id,
        description,
        name,
        staged,
        len(data),
        hashlib.sha256(data).hexdigest(),
    )


def _public_folders() -> list[Path]:
    folders = [
        PROJECT_ROOT / "assets",
        PROJECT_ROOT / "uploaded_files",
        PROJECT_ROOT / ".web",
        Path.cwd() / "uploaded_files",
    ]
    try:
        import reflex as rx

        folders.append(Path(rx.get_upload_dir()).resolve())
    except Exception:  # noqa: BLE001
        pass
    return [f.resolve() for f in folders]


# --- attach ------------------------------------------------------------------------------------


def test_an_attached_file_is_listed_with_everything_the_manual_shows(krs_db):
    user = login_as("spm07")
    staged = stage(PDF)
    file_id = evidence.attach_evidence(
        user,
        indicator_id("11.3"),
        None,
        "  งบเทียบยอดเงินฝากธนาคาร  ",
        "งบเทียบยอด.pdf",
        staged,
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
    )
    assert not staged.exists(), "the staged upload is moved away, not left in tmp"

    rows = evidence.list_evidence(user, user.district_id, indicator_id("11.3"))
    assert [r.id for r in rows] == [file_id]
    row = rows[0]
    assert row.description == "งบเทียบยอดเงินฝากธนาคาร"
    assert row.file_name == "งบเทียบยอด.pdf"
    with session_scope() as session:
        assert row.round_label == session.get(Round, current_round_id()).label
    assert row.round_label.startswith("ครั้งที่")
    assert THAI_DATE.match(row.sent_text), row.sent_text
    assert row.uploader == user.display_name and "สพม. เขต 7" in row.uploader
    assert row.size_text == "2 KB"
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    assert not row.received and row.received_text == "ยังไม่ลงทะเบียนรับ"
    assert row.download_url == f"/api/evidence/{file_id}"
    assert row.can_withdraw and not row.can_register
    assert audit_count("attach_evidence") == 1


def test_the_stored_file_is_under_the_data_directory_and_not_public(krs_db):
    user = login_as("spm07")
    file_id = attach(user, name="รายงาน.pdf")
    path = evidence.evidence_for_download(user, file_id).path.resolve()
    evidence_dir = get_settings().evidence_dir.resolve()
    assert path.is_file()
    assert path.is_relative_to(evidence_dir)
    assert not path.is_relative_to(evidence_dir / "tmp")
    for public in _public_folders():
        assert not path.is_relative_to(public), f"{path} is inside the public folder {public}"
    assert "รายงาน" not in path.name, "stored under a generated name, not the one the browser sent"
    assert path.read_bytes() == PDF
    assert hashlib.sha256(path.read_bytes()).hexdigest() == hashlib.sha256(PDF).hexdigest()
    assert files_under_evidence_dir() == [path]


def test_two_files_with_the_same_name_are_both_kept(krs_db):
    user = login_as("spm07")
    first = attach(user, data=PDF, name="same.pdf", description="ฉบับแรก")
    second = attach(user, data=PDF + b"2", name="same.pdf", description="ฉบับแก้ไข")
    rows = evidence.list_evidence(user, user.district_id, indicator_id("11.3"))
    assert [r.id for r in rows] == [second, first], "newest first"
    assert {r.description for r in rows} == {"ฉบับแรก", "ฉบับแก้ไข"}
    assert evidence.evidence_for_download(user, first).path.read_bytes() == PDF
    assert evidence.evidence_for_download(user, second).path.read_bytes() == PDF + b"2"


def _assert_refused_leaves_nothing(
    user, error, *, code="11.3", data=PDF, name="x.pdf", description="คำอธิบาย", round_id=None
):
    before_files = files_under_evidence_dir()
    before_rows = len(evidence_rows())
    before_audit = audit_count("attach_evidence")
    staged = stage(data)
    with pytest.raises(error) as raised:
        evidence.attach_evidence(
            user,
            helpers.indicator_id(code, round_id),
            round_id,
            description,
            name,
            staged,
            len(data),
            hashlib.sha256(data).hexdigest(),
        )
    assert raised.value.message.strip() and THAI.search(raised.value.message)
    assert not staged.exists(), "a refused upload must not stay in the staging folder"
    assert files_under_evidence_dir() == before_files
    assert len(evidence_rows()) == before_rows
    assert audit_count("attach_evidence") == before_audit
    return raised.value.message


def test_a_wrong_type_is_refused_and_leaves_nothing(krs_db):
    user = login_as("spm07")
    _assert_refused_leaves_nothing(user, ServiceError, data=PNG, name="รายงาน.pdf")
    _assert_refused_leaves_nothing(user, ServiceError, data=b"MZ\x90\x00" + b"\x00" * 64, name="setup.exe")


def test_a_missing_description_is_refused_and_leaves_nothing(krs_db):
    user = login_as("spm07")
    message = _assert_refused_leaves_nothing(user, ServiceError, description="   ")
    assert "คำอธิบาย" in message


def test_an_empty_file_is_refused_and_leaves_nothing(krs_db):
    _assert_refused_leaves_nothing(login_as("spm07"), ServiceError, data=b"")


@pytest.mark.parametrize("username", ["finance", "testing", "kpi"])
def test_only_district_users_attach(krs_db, username):
    _assert_refused_leaves_nothing(login_as(username), NotAllowed)


def test_attaching_in_a_closed_round_is_refused_and_leaves_nothing(krs_db):
    message = _assert_refused_leaves_nothing(login_as("spm07"), ServiceError, round_id=closed_round_id())
    assert "ปิด" in message


def test_attaching_to_an_unknown_indicator_leaves_nothing(krs_db):
    user = login_as("spm07")
    before = files_under_evidence_dir()
    staged = stage(PDF)
    with pytest.raises(NotFound):
        evidence.attach_evidence(user, 999_999, None, "คำอธิบาย", "x.pdf", staged, len(PDF), "0" * 64)
    assert not staged.exists()
    assert files_under_evidence_dir() == before
    assert evidence_rows() == []


def test_a_district_attaches_only_for_itself(krs_db):
    file_id = attach(login_as("spm07"))
    with session_scope() as session:
        assert session.get(EvidenceFile, file_id).district_id == login_as("spm07").district_id
    assert evidence.list_evidence(login_as("spm08"), login_as("spm08").district_id, indicator_id("11.3")) == []


# --- list --------------------------------------------------------------------------------------


def test_another_district_cannot_list_the_files(krs_db):
    owner = login_as("spm07")
    attach(owner)
    with pytest.raises(NotAllowed):
        evidence.list_evidence(login_as("spm08"), owner.district_id, indicator_id("11.3"))
    with pytest.raises(NotAllowed):
        evidence.list_evidence(login_as("testing"), owner.district_id, indicator_id("11.3"))


def test_the_owning_bureau_and_kpi_office_see_the_list(krs_db):
    owner = login_as("spm07")
    file_id = attach(owner)
    finance_rows = evidence.list_evidence(login_as("finance"), owner.district_id, indicator_id("11.3"))
    assert [r.id for r in finance_rows] == [file_id]
    assert finance_rows[0].can_register and not finance_rows[0].can_withdraw
    kpi_rows = evidence.list_evidence(login_as("kpi"), owner.district_id, indicator_id("11.3"))
    assert [r.id for r in kpi_rows] == [file_id]
    assert not kpi_rows[0].can_withdraw


# --- withdraw ----------------------------------------------------------------------------------


def test_a_district_withdraws_its_own_file(krs_db):
    user = login_as("spm07")
    file_id = attach(user)
    evidence.withdraw_evidence(user, file_id)
    assert evidence.list_evidence(user, user.district_id, indicator_id("11.3")) == []
    with session_scope() as session:
        row = session.get(EvidenceFile, file_id)
        assert row is not None, "nothing is hard-deleted"
        assert row.withdrawn_at is not None
        audits = list(session.exec(select(AuditLog).where(AuditLog.action == "withdraw_evidence")))
    assert len(audits) == 1
    assert audits[0].entity_id == file_id and audits[0].user_id == user.id
    with pytest.raises(NotFound):
        evidence.evidence_for_download(user, file_id)
    with pytest.raises(NotFound):
        evidence.withdraw_evidence(user, file_id)


def test_a_registered_file_cannot_be_withdrawn(krs_db):
    user = login_as("spm07")
    file_id = attach(user)
    evidence.register_receipt(login_as("finance"), file_id)
    with pytest.raises(ServiceError) as raised:
        evidence.withdraw_evidence(user, file_id)
    assert THAI.search(raised.value.message)
    rows = evidence.list_evidence(user, user.district_id, indicator_id("11.3"))
    assert [r.id for r in rows] == [file_id]
    assert not rows[0].can_withdraw
    assert audit_count("withdraw_evidence") == 0


@pytest.mark.parametrize("username", ["spm08", "spp001", "finance", "kpi"])
def test_only_the_owner_district_withdraws(krs_db, username):
    owner = login_as("spm07")
    file_id = attach(owner)
    with pytest.raises(NotAllowed):
        evidence.withdraw_evidence(login_as(username), file_id)
    assert [r.id for r in evidence.list_evidence(owner, owner.district_id, indicator_id("11.3"))] == [file_id]
    assert audit_count("withdraw_evidence") == 0


def test_withdrawing_an_unknown_file_is_not_found(krs_db):
    with pytest.raises(NotFound):
        evidence.withdraw_evidence(login_as("spm07"), 999_999)


# --- register receipt --------------------------------------------------------------------------


def test_the_owning_bureau_registers_receipt(krs_db):
    district = login_as("spm07")
    finance = login_as("finance")
    file_id = attach(district)
    evidence.register_receipt(finance, file_id)
    with session_scope() as session:
        row = session.get(EvidenceFile, file_id)
        assert row.received_by == finance.id and row.received_at is not None
    listed = evidence.list_evidence(district, district.district_id, indicator_id("11.3"))[0]
    assert listed.received
    assert listed.received_text.startswith(finance.display_name)
    assert "น." in listed.received_text
    assert not evidence.list_evidence(finance, district.district_id, indicator_id("11.3"))[0].can_register
    assert audit_count("register_receipt") == 1
    evidence.register_receipt(finance, file_id)  # twice is harmless
    assert audit_count("register_receipt") == 1


@pytest.mark.parametrize("username", ["testing", "spm07", "spm08", "kpi"])
def test_others_cannot_register_receipt(krs_db, username):
    file_id = attach(login_as("spm07"))
    with pytest.raises(NotAllowed):
        evidence.register_receipt(login_as(username), file_id)
    with session_scope() as session:
        row = session.get(EvidenceFile, file_id)
        assert row.received_at is None and row.received_by is None
    assert audit_count("register_receipt") == 0


def test_registering_a_withdrawn_file_is_not_found(krs_db):
    user = login_as("spm07")
    file_id = attach(user)
    evidence.withdraw_evidence(user, file_id)
    with pytest.raises(NotFound):
        evidence.register_receipt(login_as("finance"), file_id)


# --- download ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["spm07", "finance", "kpi"])
def test_owner_district_owning_bureau_and_kpi_office_may_download(krs_db, username):
    file_id = attach(login_as("spm07"), name="งบเทียบยอด.pdf")
    download = evidence.evidence_for_download(login_as(username), file_id)
    assert download.file_name == "งบเทียบยอด.pdf"
    assert download.content_type == "application/pdf"
    assert download.path.read_bytes() == PDF


@pytest.mark.parametrize("username", ["spm08", "spp001", "testing"])
def test_other_offices_may_not_download(krs_db, username):
    file_id = attach(login_as("spm07"))
    with pytest.raises((NotAllowed, NotFound)):
        evidence.evidence_for_download(login_as(username), file_id)


def test_nobody_logged_in_may_not_download(krs_db):
    file_id = attach(login_as("spm07"))
    with pytest.raises((NotAllowed, NotFound)):
        evidence.evidence_for_download(None, file_id)


def test_a_guessed_id_is_not_found(krs_db):
    attach(login_as("spm07"))
    with pytest.raises(NotFound):
        evidence.evidence_for_download(login_as("spm07"), 999_999)
