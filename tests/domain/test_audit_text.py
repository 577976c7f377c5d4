from datetime import datetime, timedelta

from krs_app.domain.audit_text import ACTION_LABELS, action_label, describe_change


def test_a_status_change_reads_in_thai():
    before, after, change = describe_change(
        {"status": "awaiting", "score": 1.0}, {"status": "certified", "score": 4.5, "result": 87.5}
    )
    assert before == "สถานะ: รอการรับรองผล; คะแนน: 1.0000"
    assert after == "สถานะ: รับรองผล; คะแนน: 4.5000; ผล: 87.5"
    assert change == "สถานะ: รอการรับรองผล → รับรองผล; คะแนน: 1.0000 → 4.5000; ผล: 87.5"


def test_an_unchanged_field_is_named_once():
    _, _, change = describe_change({"variable": "a", "value": 3}, {"variable": "a", "value": 5})
    assert change == "ตัวแปร: a; ค่า: 3 → 5"


def test_dates_roles_and_flags_are_plain_thai():
    _, after, _ = describe_change(
        None,
        {"role": "district", "active": False, "correction_deadline": "2026-12-01 16:59:59"},
        local=lambda d: d + timedelta(hours=7),
    )
    assert "บทบาท: สำนักงานเขตพื้นที่การศึกษา (สพท.)" in after
    assert "ใช้งาน: ไม่ใช่" in after
    assert "แก้ไขได้ถึง: 1 ธ.ค. 2569 23:59 น." in after
    assert datetime  # the stored form is ISO text


def test_nothing_stored_is_a_dash_and_hashes_are_hidden():
    assert describe_change(None, None) == ("-", "-", "-")
    assert describe_change(None, {"sha256": "ab" * 32}) == ("-", "-", "-")


def test_every_action_the_services_write_has_a_thai_label():
    import re
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "krs_app"
    written = set()
    for path in source.rglob("*.py"):
        written |= set(re.findall(r'action="([a-z_]+)"', path.read_text(encoding="utf-8")))
        written |= set(re.findall(r'"action": "([a-z_]+)"', path.read_text(encoding="utf-8")))
    written.discard("store_true")
    missing = sorted(a for a in written if a not in ACTION_LABELS)
    assert not missing
    assert action_label("unknown_action") == "unknown_action"
