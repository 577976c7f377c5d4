"""ข้อมูลส่วนกลาง: the bureau fills central variables in the grid and imports a file (check, then confirm)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

THAI = re.compile(r"[\u0e00-\u0e7f]")


def _open_indicator(page, base_url: str, code: str) -> None:
    page.goto(base_url + "/central")
    page.wait_for_selector("#central-indicator option", state="attached")
    title = page.locator("#central-title")
    if not (title.count() and title.inner_text().startswith(code + " ")):
        value = page.eval_on_selector(
            "#central-indicator",
            "(select, code) => [...select.options].find(o => o.text.startsWith(code + ' ')).value",
            code,
        )
        page.select_option("#central-indicator", value)
    page.wait_for_function(
        "code => (document.querySelector('#central-title') || {}).innerText?.startsWith(code + ' ')", arg=code
    )
    page.wait_for_selector("#central-grid tbody tr")


def _editable_codes(page) -> list[str]:
    """District codes whose central cells may be edited now (unlocked rows), in grid order."""
    ids = page.eval_on_selector_all(
        "#central-grid input[id^='central-'][id$='-b']:not([readonly])", "inputs => inputs.map(i => i.id)"
    )
    return [element_id.split("-")[1] for element_id in ids]


def test_bureau_edits_a_cell_and_imports_a_file(new_page, app_server, tmp_path):
    page = new_page()
    login(page, app_server.url, "finance")
    page.wait_for_url("**/review")
    _open_indicator(page, app_server.url, "11.2")
    assert page.locator("#central-grid tbody tr").count() == 245
    codes = _editable_codes(page)
    assert len(codes) >= 2
    first, second = codes[0], codes[1]

    # Locked (certified) rows are read-only and say why.
    locked = page.eval_on_selector_all(
        "#central-grid input[id^='central-'][id$='-b'][readonly]", "inputs => inputs.map(i => i.id)"
    )
    if locked:
        locked_code = locked[0].split("-")[1]
        assert "รับรอง" in page.inner_text(f"#central-lock-{locked_code}")

    # One cell: raise the whole (b), leave with Enter, see it stored after a reload.
    cell = f"#central-{first}-b"
    old = int(page.input_value(cell))
    page.fill(cell, str(old + 1))
    page.press(cell, "Enter")
    page.wait_for_selector("#central-notice")
    page.wait_for_function("() => document.querySelector('#central-notice').innerText.includes('บันทึก')")
    page.reload()
    _open_indicator(page, app_server.url, "11.2")
    assert page.input_value(cell) == str(old + 1)

    # A part larger than its whole is refused at the cell in Thai, and nothing is stored.
    part_cell = f"#central-{first}-a"
    part_before = page.input_value(part_cell)
    page.fill(part_cell, str(old + 100))
    page.press(part_cell, "Enter")
    page.wait_for_selector(f"#error-central-{first}-a")
    assert THAI.search(page.inner_text(f"#error-central-{first}-a"))
    page.reload()
    _open_indicator(page, app_server.url, "11.2")
    assert page.input_value(part_cell) == part_before

    # The filter keeps the matching districts only.
    page.fill("#central-filter", second)
    page.wait_for_function("() => document.querySelectorAll('#central-grid tbody tr').length === 1")
    assert page.locator(f"#central-row-{second}").count() == 1
    page.fill("#central-filter", "")
    page.wait_for_function("() => document.querySelectorAll('#central-grid tbody tr').length === 245")

    # The template: the current values as a CSV.
    template = page.request.get(app_server.url + page.get_attribute("#central-template", "href"))
    assert template.status == 200 and template.headers["content-type"].startswith("text/csv")
    assert f"{first}," in template.body().decode("utf-8-sig")

    # Import: one good row, one with an unknown district code.
    whole = int(page.input_value(f"#central-{second}-b"))
    csv_file = tmp_path / "ข้อมูลส่วนกลาง.csv"
    csv_file.write_text(f"district_code,b\n{second},{whole + 2}\nzz999,12\n", encoding="utf-8")
    page.set_input_files("#central-file", str(csv_file))
    page.click("#central-preview")
    page.wait_for_selector("#central-preview-changes")
    changes = page.inner_text("#central-preview-changes")
    assert second in changes and f"b: {whole} → {whole + 2}" in changes
    refused = page.inner_text("#central-preview-refused")
    assert "zz999" in refused and 'ไม่พบรหัสเขตพื้นที่ "zz999"' in refused
    # Checking stored nothing.
    page.reload()
    _open_indicator(page, app_server.url, "11.2")
    assert page.input_value(f"#central-{second}-b") == str(whole)

    page.set_input_files("#central-file", str(csv_file))
    page.click("#central-preview")
    page.wait_for_selector("#central-apply")
    page.click("#central-apply")
    page.wait_for_selector("#central-import-message")
    assert "นำเข้าข้อมูลส่วนกลางแล้ว 1 เขต" in page.inner_text("#central-import-message")
    assert page.locator("#central-preview-changes").count() == 0
    page.wait_for_function(
        "([id, value]) => document.getElementById(id).value === value", arg=[f"central-{second}-b", str(whole + 2)]
    )
    page.reload()
    _open_indicator(page, app_server.url, "11.2")
    assert page.input_value(f"#central-{second}-b") == str(whole + 2)


def test_cancel_drops_the_checked_file(new_page, app_server, tmp_path):
    page = new_page()
    login(page, app_server.url, "finance")
    page.wait_for_url("**/review")
    _open_indicator(page, app_server.url, "11.2")
    code = _editable_codes(page)[-1]
    whole = int(page.input_value(f"#central-{code}-b"))
    csv_file = tmp_path / "cancel.csv"
    csv_file.write_text(f"district_code,b\n{code},{whole + 5}\n", encoding="utf-8")
    page.set_input_files("#central-file", str(csv_file))
    page.click("#central-preview")
    page.wait_for_selector("#central-cancel")
    page.click("#central-cancel")
    page.wait_for_selector("#central-preview-panel", state="detached")
    assert page.input_value(f"#central-{code}-b") == str(whole)


def test_a_district_is_sent_away_from_central_data(new_page, app_server):
    page = new_page()
    login(page, app_server.url, "spm07")
    page.wait_for_url("**/entry")
    page.goto(app_server.url + "/central")
    page.wait_for_url("**/entry")
    page.wait_for_selector("#status-11_3")
    assert page.locator("#central-grid").count() == 0


def test_a_central_value_saved_in_one_tab_appears_in_the_other(new_page, app_server):
    editing = new_page()
    watching = new_page()
    for page in (editing, watching):
        login(page, app_server.url, "finance")
        page.wait_for_url("**/review")
        _open_indicator(page, app_server.url, "11.2")
    code = _editable_codes(editing)[-1]
    cell = f"#central-{code}-b"
    new_value = str(int(editing.input_value(cell)) + 3)
    editing.fill(cell, new_value)
    editing.press(cell, "Enter")
    watching.wait_for_function(
        "([cell, value]) => document.querySelector(cell).value === value", arg=[cell, new_value], timeout=3000
    )


def test_a_file_of_another_indicator_is_refused_and_a_change_of_indicator_drops_the_file(
    new_page, app_server, tmp_path
):
    page = new_page()
    login(page, app_server.url, "finance")
    page.wait_for_url("**/review")
    _open_indicator(page, app_server.url, "11.2")
    template = page.request.get(app_server.url + page.get_attribute("#central-template", "href"))
    path = tmp_path / "central-11.2.csv"
    path.write_bytes(template.body())

    _open_indicator(page, app_server.url, "11.4")
    page.set_input_files("#central-file", str(path))
    page.click("#central-preview")
    page.wait_for_selector("#central-import-message")
    message = page.inner_text("#central-import-message")
    assert "11.2" in message and "11.4" in message
    assert page.locator("#central-preview-changes").count() == 0  # no preview of a wrong file

    page.set_input_files("#central-file", str(path))
    _open_indicator(page, app_server.url, "11.2")
    page.wait_for_function("document.querySelector('#central-file').files.length === 0")
