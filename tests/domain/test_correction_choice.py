"""The refusal dialog's explicit choice and its Buddhist-era date input."""

from __future__ import annotations

from datetime import date

import pytest

from krs_app.domain.certification import NO_CORRECTION_CHOICE, correction_choice, default_correction_day
from krs_app.domain.thai_dates import date_input_text, parse_date_input


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15/12/2569", date(2026, 12, 15)),
        ("๑๕/๑๒/๒๕๖๙", date(2026, 12, 15)),
        ("5-1-2570", date(2027, 1, 5)),
        ("2026-12-15", date(2026, 12, 15)),  # a date picker's ISO value
        ("", None),
        ("  ", None),
    ],
)
def test_a_typed_day_is_read_in_the_buddhist_era(text, expected):
    assert parse_date_input(text) == expected


@pytest.mark.parametrize("text", ["15/12", "15/12/25", "31/02/2569", "15/13/2569", "abc", "2026-02-30", "15/12/"])
def test_a_half_typed_or_impossible_day_gets_a_thai_message(text):
    with pytest.raises(ValueError) as error:
        parse_date_input(text)
    assert "วว/ดด/ปปปป" in str(error.value)


def test_a_common_era_year_is_refused_with_a_hint():
    with pytest.raises(ValueError) as error:
        parse_date_input("15/12/2026")
    assert "พุทธศักราช" in str(error.value)


def test_the_input_shows_the_buddhist_year_and_reads_back():
    assert date_input_text(date(2026, 12, 5)) == "05/12/2569"
    assert parse_date_input(date_input_text(date(2026, 12, 5))) == date(2026, 12, 5)


def test_the_default_is_a_week_ahead_but_never_after_the_certification_deadline():
    assert default_correction_day(date(2026, 12, 1), date(2026, 12, 31)) == date(2026, 12, 8)
    assert default_correction_day(date(2026, 12, 1), date(2026, 12, 3)) == date(2026, 12, 3)


def test_an_empty_date_is_a_final_refusal_only_when_ticked():
    assert not correction_choice(False, None).allowed
    assert correction_choice(False, None).reason == NO_CORRECTION_CHOICE
    assert correction_choice(True, None).allowed
    assert correction_choice(False, date(2026, 12, 8)).allowed
