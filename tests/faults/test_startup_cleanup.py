"""The start-up clean-up removes what a killed process leaves in the evidence folder: a file
moved into place whose row never committed, and an unfinished upload's staging file; it keeps
every file a row names, and files younger than the age limit (another server mid-upload)."""

from __future__ import annotations

import hashlib
import os
import time

from krs_app.ops.cleanup import clean_evidence_dir
from krs_app.services import evidence
from krs_app.settings import get_settings
from krs_app.startup import prepare_database
from tests.services.helpers import indicator_id, login_as

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _files() -> set[str]:
    return {p.name for p in get_settings().evidence_dir.rglob("*") if p.is_file()}


def test_start_up_removes_files_without_rows_and_unfinished_uploads_only(krs_db):
    user = login_as("spm07")
    staged = evidence.new_staging_path()
    staged.write_bytes(PDF)
    evidence.attach_evidence(
        user, indicator_id("11.3"), None, "สรุป", "a.pdf", staged, len(PDF), hashlib.sha256(PDF).hexdigest()
    )
    kept = _files()
    root = get_settings().evidence_dir
    orphan = root / "ab" / "ab0000orphan.bin"  # moved into place, then the process died before commit
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(PDF)
    unfinished = evidence.new_staging_path()
    unfinished.write_bytes(PDF[:10])
    young = root / "cd" / "cd0000young.bin"
    young.parent.mkdir(parents=True, exist_ok=True)
    young.write_bytes(PDF)
    old = time.time() - 3600
    for path in (orphan, unfinished):
        os.utime(path, (old, old))

    report = clean_evidence_dir(min_age_seconds=600)
    assert (report.orphans_removed, report.staging_removed) == (1, 1)
    assert _files() == kept | {young.name}

    prepare_database()  # start-up: on the embedded default no age limit; PostgreSQL (shared volume) keeps 600 s
    assert _files() == (kept if krs_db == "sqlite" else kept | {young.name})
