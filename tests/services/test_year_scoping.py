"""An indicator of one fiscal year cannot be written to in a round of another year."""

from __future__ import annotations

import pytest

from krs_app.services import entry, threads
from krs_app.services.errors import NotFound
from tests.services.helpers import current_round_id, fy2562_round_id, indicator_id, login_as, stored_value, variable_id


def test_a_value_for_last_years_variable_is_refused_in_this_years_round(krs_db):
    district = login_as("spm07")
    old_variable = variable_id("11.3", "1", fy2562_round_id())
    with pytest.raises(NotFound) as refused:
        entry.enter_value(district, current_round_id(), old_variable, "1")
    assert "ปีงบประมาณ" in refused.value.message
    assert stored_value(district.district_id, "11.3", "1", current_round_id()) is None


def test_a_message_on_last_years_indicator_is_refused_in_this_years_round(krs_db):
    district = login_as("spm07")
    old = indicator_id("11.3", fy2562_round_id())
    before = len(threads.thread(district, district.district_id, old))
    with pytest.raises(NotFound):
        threads.post_message(district, district.district_id, old, current_round_id(), "ข้ามปี")
    assert len(threads.thread(district, district.district_id, old)) == before


def test_each_rounds_page_shows_the_indicators_of_its_own_year(krs_db):
    district = login_as("spm07")
    now = {r.id for r in entry.entry_page(district, current_round_id()).indicators}
    old = {r.id for r in entry.entry_page(district, fy2562_round_id()).indicators}
    assert now and old and now.isdisjoint(old)
