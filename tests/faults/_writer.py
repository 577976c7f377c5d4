"""A child process for the crash tests: district users write through the services in threads
(values, messages, evidence files) and print one JSON line per write *before* it is tried
("try") and once it returned ("ack"), flushed at once. The test kills this process with SIGKILL."""

from __future__ import annotations

import hashlib
import json
import sys
import threading

from krs_app.db.engine import session_scope
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth, entry, evidence, threads
from krs_app.services.catalogue import current_round

_print_lock = threading.Lock()


def say(**line) -> None:
    with _print_lock:
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()


def writer(username: str) -> None:
    _token, user = auth.login(username, DEMO_PASSWORD)
    with session_scope() as session:
        round_id = current_round(session).id
    page = entry.entry_page(user)
    pairs = [
        (row.id, {v.key: v.id for v in row.variables})
        for row in page.indicators
        if row.editable and [v.mode for v in row.variables] == ["input", "input"]
    ]
    indicator = pairs[0][0]
    i = 0
    while True:
        i += 1
        _ind, ids = pairs[i % len(pairs)]
        for key, value in (("b", 100 + i), ("a", i % 50)):
            say(kind="value", state="try", user=username, variable=ids[key], value=float(value))
            outcome = entry.enter_value(user, round_id, ids[key], str(value))
            if outcome.ok:
                say(kind="value", state="ack", user=username, variable=ids[key], value=float(value))
        if i % 3 == 0:
            body = f"{username} ข้อความ {i}"
            say(kind="message", state="try", user=username, body=body)
            threads.post_message(user, user.district_id, indicator, None, body)
            say(kind="message", state="ack", user=username, body=body)
        if i % 4 == 0:
            data = b"%PDF-1.4\n" + f"{username}-{i}".encode() * 200
            staged = evidence.new_staging_path()
            staged.write_bytes(data)
            sha = hashlib.sha256(data).hexdigest()
            say(kind="file", state="try", user=username, sha=sha)
            file_id = evidence.attach_evidence(user, indicator, None, f"ไฟล์ {i}", f"f{i}.pdf", staged, len(data), sha)
            say(kind="file", state="ack", user=username, sha=sha, id=file_id)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        threading.Thread(target=writer, args=(name,), daemon=True).start()
    say(kind="started")
    threading.Event().wait()
