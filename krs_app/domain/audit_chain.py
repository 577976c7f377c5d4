"""The audit log's tamper evidence: a hash chain, as pure functions.

Each audit row has a place in the chain (seq = 1, 2, 3 …), the hash of the row before it
(prev_hash; the first row's is GENESIS_HASH) and its own hash, SHA-256 over a canonical
JSON of its content plus prev_hash. Changing, removing or inserting a row breaks the link
at that row; cutting rows off the end shows against the chain head (the last seq and hash,
kept in its own table).

Changing this definition changes every stored hash: it would need a migration that
re-seals the chain (and says so in the audit log).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

GENESIS_HASH = "0" * 64

# The content a row's hash covers, in this order (the row's id too: renumbering shows).
HASHED_FIELDS = (
    "id",
    "seq",
    "at",
    "user_id",
    "action",
    "entity",
    "entity_id",
    "district_id",
    "round_id",
    "indicator_id",
    "before",
    "after",
)


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    return value


def row_digest(row: Mapping[str, object], prev_hash: str) -> str:
    """The hash of one audit row: over its content (HASHED_FIELDS) and the previous row's hash."""
    content = [[name, _plain(row.get(name))] for name in HASHED_FIELDS]
    content.append(["prev_hash", prev_hash])
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    """The first place the chain does not hold."""

    row_id: int | None  # the audit row's id (None: the chain head itself)
    seq: int | None
    reason: str  # Thai, printed by `krs audit verify`


@dataclass(frozen=True)
class ChainCheck:
    checked: int  # rows checked, up to and including the broken one
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def check_chain(
    rows: Iterable[Mapping[str, object]], head_seq: int | None = None, head_hash: str | None = None
) -> ChainCheck:
    """Walk rows in seq order (each with HASHED_FIELDS, prev_hash, row_hash); stop at the first break.

    Rows without a seq (never sealed) are given in id order after the sealed ones and are a break.
    head_seq / head_hash: the chain head as stored; None skips that check.
    """
    checked = 0
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for row in rows:
        checked += 1
        row_id, seq = row.get("id"), row.get("seq")
        if seq is None:
            return ChainCheck(checked, BrokenLink(row_id, None, "แถวนี้ไม่มีลายเซ็นของห่วงโซ่ (เขียนโดยไม่ผ่านระบบ)"))
        if seq != expected_seq:
            reason = f"ลำดับขาดหาย: คาดว่าเป็นลำดับ {expected_seq} แต่พบ {seq} (มีแถวถูกลบหรือแทรก)"
            return ChainCheck(checked, BrokenLink(row_id, seq, reason))
        if row.get("prev_hash") != expected_prev:
            return ChainCheck(checked, BrokenLink(row_id, seq, "ค่าแฮชของแถวก่อนหน้าไม่ตรงกัน (มีแถวถูกลบหรือแทรก)"))
        digest = row_digest(row, expected_prev)
        if row.get("row_hash") != digest:
            return ChainCheck(checked, BrokenLink(row_id, seq, "เนื้อหาของแถวถูกแก้ไขหลังบันทึก (ค่าแฮชไม่ตรง)"))
        expected_prev = digest
        expected_seq += 1
    last_seq = expected_seq - 1
    if head_seq is not None and head_seq != last_seq:
        reason = f"หัวห่วงโซ่บันทึกไว้ {head_seq} แถว แต่พบ {last_seq} แถว (มีแถวท้ายถูกลบ)"
        return ChainCheck(checked, BrokenLink(None, head_seq, reason))
    if head_hash is not None and head_hash != expected_prev:
        return ChainCheck(checked, BrokenLink(None, head_seq, "ค่าแฮชของหัวห่วงโซ่ไม่ตรงกับแถวสุดท้าย"))
    return ChainCheck(checked, None)


def seal(rows: Iterable[Mapping[str, object]], seq: int, prev_hash: str) -> tuple[list[dict], int, str]:
    """Give unsealed rows (in order) their seq, prev_hash and row_hash after the chain head (seq, prev_hash).

    Returns the updates ({id, seq, prev_hash, row_hash} per row) and the new head."""
    updates = []
    for row in rows:
        seq += 1
        sealed = {**row, "seq": seq}
        digest = row_digest(sealed, prev_hash)
        updates.append({"id": row["id"], "seq": seq, "prev_hash": prev_hash, "row_hash": digest})
        prev_hash = digest
    return updates, seq, prev_hash
