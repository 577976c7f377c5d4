"""Start-up clean-up of the evidence folder after a crash.

An upload moves its file into place inside the transaction that inserts its row (services.
evidence.attach_evidence); a process killed between the move and the commit leaves a file no
row names, and a killed upload leaves its staging `.part` file. Both are removed here, before
the server serves. Only files older than `min_age_seconds`: on a volume shared by several
servers (scale-out), another server's upload may be between its move and its commit."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sqlalchemy import select

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleanupReport:
    orphans_removed: int
    staging_removed: int


def clean_evidence_dir(min_age_seconds: float) -> CleanupReport:
    from krs_app.db.engine import session_scope
    from krs_app.db.models import EvidenceFile
    from krs_app.settings import get_settings

    root = get_settings().evidence_dir
    if not root.exists():
        return CleanupReport(0, 0)
    cutoff = time.time() - min_age_seconds
    with session_scope() as session:
        known = set(session.execute(select(EvidenceFile.stored_name)).scalars())
    orphans = staging = 0
    for path in root.glob("*/*"):
        if not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        if path.parent.name == "tmp":
            path.unlink(missing_ok=True)
            staging += 1
        elif path.name not in known:
            path.unlink(missing_ok=True)
            orphans += 1
    if orphans or staging:
        logger.warning("evidence clean-up: %s file(s) without a row, %s unfinished upload(s) removed", orphans, staging)
    return CleanupReport(orphans, staging)
