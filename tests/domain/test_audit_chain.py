from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from krs_app.domain.audit_chain import GENESIS_HASH, check_chain, row_digest, seal


def _row(i: int, **extra) -> dict:
    return {
        "id": i,
        "at": datetime(2026, 12, 1, 9, 0, i % 60, 123456),
        "user_id": 3,
        "action": "enter_value",
        "entity": "value",
        "entity_id": i,
        "district_id": 7,
        "round_id": 2,
        "indicator_id": 11,
        "before": '{"value": 1}',
        "after": '{"value": 2}',
        **extra,
    }


def _sealed(n: int) -> tuple[list[dict], int, str]:
    rows = [_row(i) for i in range(1, n + 1)]
    updates, seq, head = seal(rows, 0, GENESIS_HASH)
    return [{**r, **u} for r, u in zip(rows, updates, strict=True)], seq, head


def test_a_sealed_chain_checks_out():
    rows, seq, head = _sealed(5)
    check = check_chain(rows, seq, head)
    assert check.ok and check.checked == 5


def test_the_hash_covers_every_field_and_the_previous_hash():
    row = {**_row(1), "seq": 1}
    digest = row_digest(row, GENESIS_HASH)
    assert row_digest({**row, "after": '{"value": 3}'}, GENESIS_HASH) != digest
    assert row_digest({**row, "user_id": 4}, GENESIS_HASH) != digest
    assert row_digest(row, "1" * 64) != digest
    assert len(digest) == 64


def test_an_edited_row_is_the_first_broken_link():
    rows, seq, head = _sealed(6)
    rows[3] = {**rows[3], "after": '{"value": 999}'}
    check = check_chain(rows, seq, head)
    assert not check.ok and check.broken.row_id == 4 and check.checked == 4
    assert "แก้ไข" in check.broken.reason


def test_a_removed_row_breaks_the_chain_at_the_next_one():
    rows, seq, head = _sealed(6)
    del rows[2]
    check = check_chain(rows, seq, head)
    assert check.broken.row_id == 4 and check.broken.seq == 4


def test_rows_cut_off_the_end_show_against_the_head():
    rows, seq, head = _sealed(6)
    check = check_chain(rows[:4], seq, head)
    assert check.broken is not None and check.broken.row_id is None and check.checked == 4


def test_an_unsealed_row_is_a_break():
    rows, seq, head = _sealed(2)
    check = check_chain([*rows, {**_row(3), "seq": None, "prev_hash": None, "row_hash": None}], seq, head)
    assert check.broken.row_id == 3


@given(st.integers(min_value=1, max_value=30), st.data())
def test_any_single_edit_is_found_at_that_row(n, data):
    rows, seq, head = _sealed(n)
    victim = data.draw(st.integers(min_value=0, max_value=n - 1))
    field = data.draw(st.sampled_from(["action", "before", "after", "entity"]))
    rows[victim] = {**rows[victim], field: "tampered"}
    assert check_chain(rows, seq, head).broken.row_id == victim + 1
