"""kill -9 of a process writing through the services (4 district users in threads: values,
messages, evidence files), then a restart (migrate + start-up clean-up): every write it saw
acknowledged is there, nothing is half-stored, the touched results' scores equal a
recomputation from the stored values, and the audit chain verifies. SQLite (WAL) here.

Scope: the writer is a plain process calling the services the app's handlers call, not the
app over its websocket (see the closing note of issue 11)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict

from sqlalchemy import select

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditLog, EvidenceFile, Message, Result, Round, Value
from krs_app.domain.scoring import evaluate
from krs_app.services.catalogue import load_entry
from krs_app.services.results import values_by_key
from krs_app.settings import PROJECT_ROOT, get_settings
from tests.conftest import _use_database

USERS = ["spm07", "spm01", "spm02", "spp001"]
ACKS_BEFORE_KILL = 120


def _run_and_kill(data_dir) -> list[dict]:
    env = dict(os.environ, KRS_DATA_DIR=str(data_dir), PYTHONPATH=str(PROJECT_ROOT))
    env.pop("KRS_DATABASE_URL", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.faults._writer", *USERS],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    lines: list[dict] = []
    acks = 0
    deadline = time.monotonic() + 40

    def read() -> None:
        nonlocal acks
        for raw in child.stdout:
            line = json.loads(raw)
            lines.append(line)
            acks += line.get("state") == "ack"

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while acks < ACKS_BEFORE_KILL and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    os.killpg(child.pid, signal.SIGKILL)  # kill -9, mid-write
    child.wait(10)
    reader.join(5)
    assert acks >= ACKS_BEFORE_KILL, child.stderr.read()[-3000:]
    return lines


def test_kill_9_while_writing_loses_no_acknowledged_write_and_stores_nothing_half(sqlite_template, tmp_path):
    data_dir = tmp_path / "crash"
    data_dir.mkdir()
    shutil.copy(sqlite_template, data_dir / "krs.db")
    _use_database(data_dir, None)
    lines = _run_and_kill(data_dir)

    from krs_app.startup import prepare_database

    prepare_database()  # the restart: migrate, clean the evidence folder

    # the last acknowledged value per (user, variable), and what may have committed after it unseen
    acked: dict[tuple, float] = {}
    pending: dict[tuple, float] = {}
    for line in lines:
        if line.get("kind") == "value":
            key = (line["user"], line["variable"])
            (acked if line["state"] == "ack" else pending)[key] = line["value"]
    acked_messages = {line["body"] for line in lines if line.get("kind") == "message" and line["state"] == "ack"}
    acked_files = {line["sha"] for line in lines if line.get("kind") == "file" and line["state"] == "ack"}
    assert acked and acked_messages and acked_files

    from krs_app.db.models import User
    from krs_app.services import auth  # noqa: F401

    with session_scope() as session:
        users = {u.username: u for u in session.execute(select(User).where(User.username.in_(USERS))).scalars()}
        stored = {
            (name, row.variable_id): row.value
            for name, user in users.items()
            for row in session.execute(
                select(Value).where(Value.entered_by == user.id, Value.district_id == user.district_id)
            ).scalars()
        }
        for key, value in acked.items():  # acknowledged → there (or a later, in-flight write of the same cell)
            assert stored.get(key) in (value, pending.get(key)), key
        audits = defaultdict(list)
        for row in session.execute(
            select(AuditLog).where(AuditLog.action == "enter_value").order_by(AuditLog.seq)
        ).scalars():
            audits[(row.user_id, row.entity_id)].append(json.loads(row.after)["value"])
        for (name, variable), value in stored.items():  # no value written here without its audit row
            if (name, variable) in acked or (name, variable) in pending:
                assert audits[(users[name].id, variable)][-1] == value
        bodies = set(session.execute(select(Message.body)).scalars())
        assert acked_messages <= bodies
        files = session.execute(select(EvidenceFile)).scalars().all()
        assert acked_files <= {f.sha256 for f in files}
        root = get_settings().evidence_dir
        on_disk = {p.name for p in root.glob("*/*") if p.is_file()}
        assert {f.stored_name for f in files} == on_disk  # no row without its file, no file without its row
        round_ = session.execute(select(Round).where(Round.closed == False)).scalars().first()  # noqa: E712
        touched = 0
        for user in users.values():
            for result in session.execute(
                select(Result).where(Result.district_id == user.district_id, Result.round_id == round_.id)
            ).scalars():
                entry = load_entry(session, result.indicator_id)
                evaluation = evaluate(
                    entry.spec, values_by_key(session, entry, user.district_id, round_.id), round_.months
                )
                assert (result.result, result.score) == (evaluation.result, evaluation.score), result
                touched += 1
        assert touched
    from krs_app.services.audit_log import verify_chain

    assert verify_chain().ok
    value_acks = [line for line in lines if line.get("kind") == "value" and line["state"] == "ack"]
    found_values = sum(
        1 for line in value_acks if stored.get((line["user"], line["variable"])) is not None
    )  # each acknowledged cell holds its last acknowledged (or a later in-flight) value: checked above
    print(
        f"\nkill -9 with {len(USERS)} writers: acknowledged values {len(value_acks)} (found {found_values}), "
        f"messages {len(acked_messages)} (found {len(acked_messages & bodies)}), "
        f"files {len(acked_files)} (found {len(acked_files & {f.sha256 for f in files})})"
    )
