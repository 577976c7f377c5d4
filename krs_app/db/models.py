"""Every table of KRS (SQLModel). Times are stored as naive UTC."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class FiscalYear(SQLModel, table=True):
    __tablename__ = "fiscal_year"
    id: int | None = Field(default=None, primary_key=True)
    year_be: int = Field(unique=True, index=True)  # 2562
    label: str  # ปีงบประมาณ 2562


class Round(SQLModel, table=True):
    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("fiscal_year_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    fiscal_year_id: int = Field(foreign_key="fiscal_year.id", index=True)
    number: int  # ครั้งที่ 1, 2, ...
    months: int  # 3, 6, 9, 12
    label: str  # ครั้งที่ 2 ปี 62 (รอบ 12 เดือน)
    opens_at: NaiveDatetime
    district_deadline: NaiveDatetime
    certification_deadline: NaiveDatetime
    closed: bool = False
    closed_at: NaiveDatetime | None = None


class Bureau(SQLModel, table=True):
    __tablename__ = "bureau"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    name: str  # สำนักการคลังและสินทรัพย์
    short_name: str  # สคส.
    active: bool = True  # a deactivated bureau keeps its history; its accounts are deactivated


class District(SQLModel, table=True):
    __tablename__ = "district"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)  # spm07, spp-cmi1
    name: str  # สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 7
    short_name: str  # สพม. เขต 7
    level: str  # primary | secondary
    province: str
    active: bool = True  # a deactivated district keeps its history; its accounts are deactivated


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    password_hash: str
    display_name: str
    role: str  # district | bureau | kpi_office
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    bureau_id: int | None = Field(default=None, foreign_key="bureau.id", index=True)
    failed_logins: int = 0
    locked_until: NaiveDatetime | None = None
    active: bool = True
    created_at: NaiveDatetime
    must_change_password: bool = False  # set by a reset (one-time password): change it at the next login
    last_login_at: NaiveDatetime | None = None
    password_changed_at: NaiveDatetime | None = None


class UserSession(SQLModel, table=True):
    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True)  # sha256 of the token the browser keeps
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: NaiveDatetime
    last_seen_at: NaiveDatetime
    ended_at: NaiveDatetime | None = None


class Indicator(SQLModel, table=True):
    """One indicator of one fiscal year's catalogue: a code means one indicator within its year."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("fiscal_year_id", "code", name="uq_indicator_year_code"),)
    id: int | None = Field(default=None, primary_key=True)
    fiscal_year_id: int = Field(foreign_key="fiscal_year.id", index=True)
    code: str = Field(index=True)  # 11.2
    name: str
    bureau_id: int = Field(foreign_key="bureau.id", index=True)
    weight: float
    formula: str  # a / b * 100 — evaluated by the domain's safe evaluator only
    t1: float
    t2: float
    t3: float
    t4: float
    t5: float
    direction: str = "higher"  # higher | lower is better
    kind: str = "percent"  # percent | level | value
    sort_key: str = ""  # zero-padded code for ordering
    active: bool = True  # False: deactivated for its year (kept because values refer to it)


class Variable(SQLModel, table=True):
    __tablename__ = "variable"
    __table_args__ = (UniqueConstraint("indicator_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    key: str  # a, b, 1, 2
    label: str
    unit: str  # โรง / ส่งแล้วกรอก 1 / ไม่ส่งกรอก 0
    kind: str = "count"  # count | flag | number
    source: str = "district"  # district | central
    required_months: str = "3,6,9,12"  # rounds (by length in months) where it is required
    min_value: float | None = None
    max_value: float | None = None
    whole_key: str | None = None  # this variable is a part of that one
    position: int = 0


class Value(SQLModel, table=True):
    __tablename__ = "value"
    __table_args__ = (UniqueConstraint("district_id", "variable_id", "round_id"),)
    id: int | None = Field(default=None, primary_key=True)
    district_id: int = Field(foreign_key="district.id", index=True)
    variable_id: int = Field(foreign_key="variable.id", index=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    value: float
    entered_by: int | None = Field(default=None, foreign_key="user_account.id")
    entered_at: NaiveDatetime


class Result(SQLModel, table=True):
    __tablename__ = "result"
    __table_args__ = (UniqueConstraint("district_id", "indicator_id", "round_id"),)
    id: int | None = Field(default=None, primary_key=True)
    district_id: int = Field(foreign_key="district.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    status: str = "not_reported"  # not_reported | awaiting | not_certified | certified
    result: float | None = None  # computed from the values (2 decimals)
    score: float | None = None  # computed score (4 decimals); public score depends on status
    reported_at: NaiveDatetime | None = None
    certified_by: int | None = Field(default=None, foreign_key="user_account.id")
    certified_at: NaiveDatetime | None = None
    refused_by: int | None = Field(default=None, foreign_key="user_account.id")
    refused_at: NaiveDatetime | None = None
    reason: str | None = Field(default=None, sa_column=Column(Text))
    correction_deadline: NaiveDatetime | None = None
    extended_until: NaiveDatetime | None = None  # lock exception granted by the KPI office
    fixed_at_close: bool = False
    updated_at: NaiveDatetime | None = None
    # ไม่ประเมินตัวชี้วัดนี้: marked by the owning bureau; left out of the weighted overall score
    not_applicable: bool = False
    not_applicable_reason: str | None = Field(default=None, sa_column=Column(Text))
    not_applicable_by: int | None = Field(default=None, foreign_key="user_account.id")
    not_applicable_at: NaiveDatetime | None = None


class EvidenceFile(SQLModel, table=True):
    __tablename__ = "evidence_file"
    id: int | None = Field(default=None, primary_key=True)
    district_id: int = Field(foreign_key="district.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    description: str
    original_name: str
    stored_name: str = Field(unique=True)
    size_bytes: int
    sha256: str
    content_type: str
    uploaded_by: int = Field(foreign_key="user_account.id")
    uploaded_at: NaiveDatetime
    opened_by: int | None = Field(default=None, foreign_key="user_account.id")  # the other side
    opened_at: NaiveDatetime | None = None
    received_by: int | None = Field(default=None, foreign_key="user_account.id")  # ลงทะเบียนรับ
    received_at: NaiveDatetime | None = None
    withdrawn_at: NaiveDatetime | None = None


class Message(SQLModel, table=True):
    __tablename__ = "message"
    id: int | None = Field(default=None, primary_key=True)
    district_id: int = Field(foreign_key="district.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
    sender_side: str  # district | bureau
    sender_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    sender_office: str  # the office's Thai name at the time it was sent
    sender_name: str = ""
    sent_at: NaiveDatetime
    opened_by: int | None = Field(default=None, foreign_key="user_account.id")
    opened_at: NaiveDatetime | None = None


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: NaiveDatetime = Field(index=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id")
    action: str  # enter_value, login_failed, certify, ...
    entity: str  # value, result, user, ...
    entity_id: int | None = None
    district_id: int | None = Field(default=None, index=True)
    round_id: int | None = Field(default=None, index=True)  # migration 0006
    indicator_id: int | None = None
    before: str | None = Field(default=None, sa_column=Column(Text))  # JSON
    after: str | None = Field(default=None, sa_column=Column(Text))  # JSON
    # Tamper evidence (krs_app.db.audit_chain seals these at commit): the row's place in the
    # chain, the previous row's hash, and the hash over this row's content and prev_hash.
    seq: int | None = Field(default=None, unique=True, index=True)
    prev_hash: str | None = None
    row_hash: str | None = None


class AuditChainHead(SQLModel, table=True):
    """One row (id 1): the last sealed audit row's seq and hash. Writers lock it to extend the chain."""

    __tablename__ = "audit_chain_head"
    id: int | None = Field(default=None, primary_key=True)
    seq: int = 0
    row_hash: str


class Submission(SQLModel, table=True):
    """A submit already handled (services/idempotency.py): a doubled or replayed one answers the same."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("user_id", "request_id", name="uq_submission_user_request"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    request_id: str
    kind: str  # post_message, refuse, bulk_certify, apply_import, attach_evidence, ...
    answer: str | None = Field(default=None, sa_column=Column(Text))  # JSON; None while it runs
    at: NaiveDatetime = Field(index=True)
