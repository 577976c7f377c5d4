"""Thai dates (Buddhist era), fiscal years, and deadline countdowns."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from krs_app.domain.thai_dates import countdown, fiscal_year_of, thai_date, thai_datetime, to_buddhist_year


def test_thai_date_of_the_manual():
    assert thai_date(date(2019, 4, 30)) == "30 เม.ย. 2562"
    assert thai_date(date(2019, 10, 24)) == "24 ต.ค. 2562"
    assert thai_date(datetime(2019, 10, 25, 9, 15)) == "25 ต.ค. 2562"


@pytest.mark.parametrize(
    ("month", "label"),
    list(
        enumerate(
            ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."],
            start=1,
        )
    ),
)
def test_every_month_has_its_thai_abbreviation(month, label):
    assert thai_date(date(2020, month, 1)) == f"1 {label} 2563"


def test_no_date_shows_a_dash():
    assert thai_date(None) == "-"
    assert thai_datetime(None) == "-"


def test_thai_datetime():
    assert thai_datetime(datetime(2019, 10, 24, 14, 5)) == "24 ต.ค. 2562 14:05 น."
    assert thai_datetime(datetime(2019, 1, 2, 0, 0)) == "2 ม.ค. 2562 00:00 น."


def test_buddhist_year():
    assert to_buddhist_year(2019) == 2562
    assert to_buddhist_year(2024) == 2567


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2018, 9, 30), 2561),
        (date(2018, 10, 1), 2562),  # the fiscal year starts on 1 October
        (date(2018, 12, 31), 2562),
        (date(2019, 1, 1), 2562),
        (date(2019, 4, 30), 2562),
        (date(2019, 9, 30), 2562),
        (date(2019, 10, 1), 2563),
    ],
)
def test_fiscal_year_of(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


NOW = datetime(2019, 4, 27, 9, 0)


@pytest.mark.parametrize(
    ("remaining", "text"),
    [
        (timedelta(days=3), "เหลืออีก 3 วัน"),
        (timedelta(days=3, hours=7), "เหลืออีก 3 วัน"),
        (timedelta(days=1), "เหลืออีก 1 วัน"),
        (timedelta(hours=23, minutes=59), "เหลืออีก 23 ชั่วโมง"),
        (timedelta(hours=5), "เหลืออีก 5 ชั่วโมง"),
        (timedelta(minutes=30), "เหลืออีก 30 นาที"),
        (timedelta(seconds=10), "เหลืออีก 1 นาที"),
        (timedelta(0), "ครบกำหนดแล้ว"),
        (timedelta(seconds=-1), "ครบกำหนดแล้ว"),
        (timedelta(days=-5), "ครบกำหนดแล้ว"),
    ],
)
def test_countdown(remaining, text):
    assert countdown(NOW + remaining, NOW) == text


def test_no_deadline_no_countdown():
    assert countdown(None, NOW) == ""
