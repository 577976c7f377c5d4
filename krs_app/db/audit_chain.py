"""Sealing the audit chain in the same transaction as the change (see krs_app.domain.audit_chain).

A session that added audit rows (services.audit.record, or a bulk `insert(AuditLog)` through
the session) seals them just before it commits: it flushes, locks the one-row chain head
(SELECT … FOR UPDATE on PostgreSQL; on SQLite the flush has already taken the database's
single write lock), gives each unsealed row of this transaction its seq, prev_hash and hash,
and moves the head. Taking the head last, after every other row lock of the transaction, keeps
the wait short and never in a cycle with other locks; concurrent writers queue on the head and
extend the chain one after the other.

Imported by krs_app.db.engine, so every session of the app has it.

What it does not cover: a row written straight into the database (outside the app, seq left
empty) is sealed by the next write like the transaction's own rows. The chain shows rows
changed or removed after they were sealed; keeping someone with write access to the
database from adding rows would need a key outside the database (an HMAC), not done here.
"""

from __future__ import annotations

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from krs_app.db.models import AuditChainHead, AuditLog
from krs_app.domain.audit_chain import GENESIS_HASH, HASHED_FIELDS, seal

_PENDING = "krs_audit_pending"
HEAD_ID = 1


def _mark(session: Session) -> None:
    session.info[_PENDING] = True


@event.listens_for(Session, "before_flush")
def _note_new_audit_rows(session: Session, _context, _instances) -> None:
    if any(isinstance(obj, AuditLog) for obj in session.new):
        _mark(session)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_audit_insert(state) -> None:
    table = getattr(state.statement, "table", None) if state.is_insert else None
    if getattr(table, "name", None) == AuditLog.__tablename__:
        _mark(state.session)


def seal_pending(session: Session) -> int:
    """Seal this transaction's unsealed audit rows now; returns how many. (Also run at commit.)"""
    session.info.pop(_PENDING, None)
    session.flush()
    head = session.execute(
        select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).with_for_update()
    ).scalar_one_or_none()
    if head is None:  # a database made before the chain head existed is migrated with one
        head = AuditChainHead(id=HEAD_ID, seq=0, row_hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    columns = [getattr(AuditLog, name) for name in HASHED_FIELDS]
    rows = [
        dict(row._mapping)
        for row in session.execute(select(*columns).where(AuditLog.seq.is_(None)).order_by(AuditLog.id))
    ]
    if not rows:
        return 0
    updates, head_seq, head_hash = seal(rows, head.seq, head.row_hash)
    session.execute(update(AuditLog), updates, execution_options={"synchronize_session": False})
    session.execute(
        update(AuditChainHead).where(AuditChainHead.id == HEAD_ID).values(seq=head_seq, row_hash=head_hash),
        execution_options={"synchronize_session": False},
    )
    by_id = {u["id"]: u for u in updates}
    for obj in list(session.identity_map.values()):  # keep loaded objects in step, not dirty
        if isinstance(obj, AuditLog) and obj.id in by_id:
            for name in ("seq", "prev_hash", "row_hash"):
                set_committed_value(obj, name, by_id[obj.id][name])
        elif isinstance(obj, AuditChainHead):
            set_committed_value(obj, "seq", head_seq)
            set_committed_value(obj, "row_hash", head_hash)
    return len(updates)


@event.listens_for(Session, "before_commit")
def _seal_at_commit(session: Session) -> None:
    if session.info.get(_PENDING) or any(isinstance(obj, AuditLog) for obj in session.new):
        seal_pending(session)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
