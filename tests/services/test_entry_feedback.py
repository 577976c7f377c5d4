"""Save feedback on the entry page (issue 12 item 17): a row with some required values still
empty says which are missing."""

from __future__ import annotations

from krs_app.services import entry
from tests.services.helpers import current_round_id, login_as, variable_id


def _row(user, round_id, code):
    return next(r for r in entry.entry_page(user, round_id).indicators if r.code == code)


def test_a_partly_filled_row_names_the_missing_values(krs_db):
    user = login_as("spm07")
    round_id = current_round_id()
    assert _row(user, round_id, "2.1").missing_text == ""  # not begun: nothing to point at
    assert entry.enter_value(user, round_id, variable_id("2.1", "b"), "50").ok
    assert _row(user, round_id, "2.1").missing_text == "ยังไม่ได้กรอก: a"
    assert entry.enter_value(user, round_id, variable_id("2.1", "a"), "40").ok
    assert _row(user, round_id, "2.1").missing_text == ""
