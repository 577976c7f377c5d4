"""Evidence files (การแนบไฟล์ข้อมูลเอกสาร/หลักฐาน): attach, list, withdraw, register receipt, download.

Files live under the data directory (never in Reflex's public upload folder) under a
generated name; the original name is data. A write is atomic: the row and the file
appear together or not at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from krs_app import routes
from krs_app.db.engine import session_scope
from krs_app.db.models import EvidenceFile, Result, Round, User
from krs_app.domain.evidence_rules import check_evidence, human_size, may_withdraw, withdrawal_message
from krs_app.domain.status import Status
from krs_app.domain.thai_dates import thai_date, thai_datetime
from krs_app.live.bus import Change, announce
from krs_app.ops.durable import move_durably
from krs_app.services import audit, threads
from krs_app.services.access import SIDE_DISTRICT, as_row_id, check_district_indicator
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import get_round, load_entry
from krs_app.services.clock import to_bangkok, utcnow
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from krs_app.services.results import find_result
from krs_app.settings import get_settings


@dataclass
class EvidenceRow:
    id: int
    description: str
    file_name: str
    size_text: str
    round_label: str
    sent_text: str
    uploader: str
    received: bool
    received_text: str
    sha256: str
    download_url: str
    can_withdraw: bool
    can_register: bool


def staging_dir() -> Path:
    path = get_settings().evidence_dir / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_staging_path() -> Path:
    return staging_dir() / f"{uuid.uuid4().hex}.part"


def _final_path(stored_name: str) -> Path:
    return get_settings().evidence_dir / stored_name[:2] / stored_name


def attach_evidence(
    user: CurrentUser,
    indicator_id: int,
    round_id: int | None,
    description: str,
    original_name: str,
    staged: Path,
    size: int,
    sha256: str,
) -> int:
    """Store an uploaded (staged) file as evidence of the user's district on an indicator.

    The staged file is moved into place only with its row; on any refusal or error it is deleted.
    """
    settings = get_settings()
    final: Path | None = None
    try:
        if not user.is_district or user.district_id is None:
            raise NotAllowed("แนบไฟล์หลักฐานได้เฉพาะผู้รับผิดชอบตัวชี้วัดของ สพท.")
        with open(staged, "rb") as handle:
            head = handle.read(4096)
        check = check_evidence(
            original_name, head, size, settings.upload_max_bytes, settings.allowed_extensions, description
        )
        if not check.ok:
            raise ServiceError(check.message)
        with session_scope() as session:
            check_district_indicator(session, user, user.district_id, indicator_id)
            round_ = get_round(session, round_id if isinstance(round_id, int) else None)
            load_entry(session, indicator_id, round_)  # an indicator of the round's fiscal year
            if round_.closed:
                raise ServiceError("รอบการรายงานนี้ปิดแล้ว แนบไฟล์ไม่ได้")
            stored_name = f"{uuid.uuid4().hex}.bin"
            row = EvidenceFile(
                district_id=user.district_id,
                indicator_id=indicator_id,
                round_id=round_.id,
                description=description.strip(),
                original_name=check.safe_name,
                stored_name=stored_name,
                size_bytes=size,
                sha256=sha256,
                content_type=check.content_type,
                uploaded_by=user.id,
                uploaded_at=utcnow(),
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                user_id=user.id,
                action="attach_evidence",
                entity="evidence_file",
                entity_id=row.id,
                district_id=user.district_id,
                round_id=round_.id,
                indicator_id=indicator_id,
                after={"name": check.safe_name, "size": size, "sha256": sha256, "description": row.description},
            )
            final = _final_path(stored_name)
            move_durably(staged, final)  # on the disk before its row commits (ops/durable.py)
            file_id = row.id
            district_id, round_id = user.district_id, round_.id
    except BaseException:
        if final is not None and final.exists():
            final.unlink()
        raise
    finally:
        if staged.exists():
            staged.unlink()
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="evidence"))
    return file_id


def list_evidence(user: CurrentUser, district_id: int, indicator_id: int) -> list[EvidenceRow]:
    """เอกสารประกอบ/เอกสารอ้างอิง for a district × indicator, across rounds, newest first."""
    with session_scope() as session:
        side = check_district_indicator(session, user, district_id, indicator_id)
        all_rounds = list(session.exec(select(Round)))
        rounds = {r.id: r.label for r in all_rounds}
        closed = {r.id for r in all_rounds if r.closed}
        certified = set(
            session.exec(
                select(Result.round_id).where(
                    Result.district_id == district_id,
                    Result.indicator_id == indicator_id,
                    Result.status == Status.CERTIFIED.value,
                )
            )
        )
        files = list(
            session.exec(
                select(EvidenceFile)
                .where(
                    EvidenceFile.district_id == district_id,
                    EvidenceFile.indicator_id == indicator_id,
                    EvidenceFile.withdrawn_at.is_(None),
                )
                .order_by(EvidenceFile.uploaded_at.desc(), EvidenceFile.id.desc())
            )
        )
        user_ids = {f.uploaded_by for f in files} | {f.received_by for f in files if f.received_by}
        names = (
            {u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
        )
        return [
            EvidenceRow(
                id=f.id,
                description=f.description,
                file_name=f.original_name,
                size_text=human_size(f.size_bytes),
                round_label=rounds.get(f.round_id, ""),
                sent_text=thai_date(to_bangkok(f.uploaded_at)),
                uploader=names.get(f.uploaded_by, ""),
                received=f.received_at is not None,
                received_text=(
                    f"{names.get(f.received_by, '')} {thai_datetime(to_bangkok(f.received_at))}"
                    if f.received_at
                    else "ยังไม่ลงทะเบียนรับ"
                ),
                sha256=f.sha256,
                download_url=routes.evidence_download(f.id),
                can_withdraw=side == SIDE_DISTRICT
                and f.received_at is None
                and f.round_id not in certified
                and f.round_id not in closed,
                can_register=user.is_bureau and f.received_at is None and f.round_id not in closed,
            )
            for f in files
        ]


def _require_open_round(session, file: EvidenceFile, what: str) -> None:
    """Closed is closed: no file of a closed round is withdrawn or registered any more."""
    round_ = session.get(Round, file.round_id)
    if round_ is None or round_.closed:
        raise ServiceError(f"รอบการรายงานนี้ปิดแล้ว {what}")


def withdraw_evidence(user: CurrentUser, file_id: int) -> None:
    """ถอนไฟล์: a district withdraws its own file while nothing rests on it (domain may_withdraw).

    Nothing is hard-deleted. The withdrawal is audited and recorded in the thread as the
    district's message, which raises the bureau's new-data badge.
    """
    with session_scope() as session:
        file = session.get(EvidenceFile, file_id) if as_row_id(file_id) is not None else None
        if file is None or file.withdrawn_at is not None:
            raise NotFound()
        if not user.is_district or user.district_id != file.district_id:
            raise NotAllowed()
        round_ = session.get(Round, file.round_id)
        result = find_result(session, file.district_id, file.indicator_id, file.round_id)
        decision = may_withdraw(
            file.received_at is not None,
            result is not None and result.status == Status.CERTIFIED.value,
            round_ is None or round_.closed,
        )
        if not decision.allowed:
            raise ServiceError(decision.reason)
        file.withdrawn_at = utcnow()
        session.add(file)
        audit.record(
            session,
            user_id=user.id,
            action="withdraw_evidence",
            entity="evidence_file",
            entity_id=file.id,
            district_id=file.district_id,
            round_id=file.round_id,
            indicator_id=file.indicator_id,
            before={"name": file.original_name, "description": file.description, "sha256": file.sha256},
        )
        threads.add_message(
            session,
            user,
            SIDE_DISTRICT,
            file.district_id,
            file.indicator_id,
            file.round_id,
            withdrawal_message(file.description, file.original_name),
        )
        change = Change(file.district_id, file.round_id, file.indicator_id, "evidence")
        message = Change(file.district_id, file.round_id, file.indicator_id, "message")
    announce(change)
    announce(message)


def register_receipt(user: CurrentUser, file_id: int) -> None:
    """ลงทะเบียนรับ: the owning bureau records who received the file and when."""
    with session_scope() as session:
        file = session.get(EvidenceFile, file_id) if as_row_id(file_id) is not None else None
        if file is None or file.withdrawn_at is not None:
            raise NotFound()
        if not user.is_bureau:
            raise NotAllowed("ลงทะเบียนรับได้เฉพาะสำนักที่รับผิดชอบตัวชี้วัด")
        check_district_indicator(session, user, file.district_id, file.indicator_id)
        if file.received_at is not None:
            return
        _require_open_round(session, file, "ลงทะเบียนรับไม่ได้")
        now = utcnow()
        file.received_at = now
        file.received_by = user.id
        if file.opened_at is None:
            file.opened_at = now
            file.opened_by = user.id
        session.add(file)
        audit.record(
            session,
            user_id=user.id,
            action="register_receipt",
            entity="evidence_file",
            entity_id=file.id,
            district_id=file.district_id,
            round_id=file.round_id,
            indicator_id=file.indicator_id,
        )
        change = Change(file.district_id, file.round_id, file.indicator_id, "receipt")
    announce(change)


@dataclass(frozen=True)
class Download:
    path: Path
    file_name: str
    content_type: str


def evidence_for_download(user: CurrentUser | None, file_id: int) -> Download:
    """The file, if this user may read it: the owning district, the owning bureau, the KPI office."""
    if user is None:
        raise NotAllowed()
    with session_scope() as session:
        file = session.get(EvidenceFile, file_id) if as_row_id(file_id) is not None else None
        if file is None or file.withdrawn_at is not None:
            raise NotFound()
        check_district_indicator(session, user, file.district_id, file.indicator_id)
        return Download(_final_path(file.stored_name), file.original_name, file.content_type)
