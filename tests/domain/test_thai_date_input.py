from datetime import date

import pytest

from krs_app.domain.thai_date_input import parse_thai_date, thai_date_input


@pytest.mark.parametrize(
    "text, expected",
    [
        ("31/3/2569", date(2026, 3, 31)),
        (" 1/10/2568 ", date(2025, 10, 1)),
        ("29/2/2567", date(2024, 2, 29)),
        ("30 เม.ย. 2562", date(2019, 4, 30)),
        ("30 เมย 2562", date(2019, 4, 30)),
        ("", None),
        (None, None),
    ],
)
def test_thai_dates_typed_are_read_in_the_buddhist_era(text, expected):
    assert parse_thai_date(text) == expected


@pytest.mark.parametrize("text", ["31/2/2569", "2026-03-31", "31/3/2026", "พรุ่งนี้", "31 มีนา 2569", "0/1/2569"])
def test_what_is_not_a_thai_date_is_refused(text):
    with pytest.raises(ValueError, match="วัน/เดือน/ปี"):
        parse_thai_date(text)


def test_a_date_goes_back_into_the_form_as_it_is_read():
    day = date(2026, 3, 31)
    assert thai_date_input(day) == "31/3/2569"
    assert parse_thai_date(thai_date_input(day)) == day
