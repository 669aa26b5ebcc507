import datetime as dt

import pytest
from django.utils import translation

from standards.dates import (
    InvalidDate,
    add_years,
    fiscal_year,
    fiscal_year_label,
    parse_date,
    review_due_on,
)

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-03-22", D(2016, 3, 22)),
        ("2016/3/22", D(2016, 3, 22)),
        ("2016/03/22", D(2016, 3, 22)),
        ("2016年3月22日", D(2016, 3, 22)),
        ("２０１６／３／２２", D(2016, 3, 22)),
        ("平成28年3月22日", D(2016, 3, 22)),
        ("平成２８年３月２２日", D(2016, 3, 22)),
        ("令和5年3月20日", D(2023, 3, 20)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("平成31年4月30日", D(2019, 4, 30)),
        ("平成元年1月8日", D(1989, 1, 8)),
        ("昭和64年1月7日", D(1989, 1, 7)),
        ("昭和24年7月1日", D(1949, 7, 1)),
        ("H28.3.22", D(2016, 3, 22)),
        ("R5.3.20", D(2023, 3, 20)),
        ("㋿5年3月20日", D(2023, 3, 20)),
        (dt.datetime(2016, 3, 22, 0, 0), D(2016, 3, 22)),
        (D(2016, 3, 22), D(2016, 3, 22)),
    ],
)
def test_reads_western_and_era_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2023-02-30", "not a real calendar date"),
        ("2023-13-01", "not a real calendar date"),
        ("令和99年", "not a date"),
        ("令和99年1月1日", None),  # a real date far in the future: the importer refuses it
        ("令和元年4月30日", "before 令和 began"),
        ("平成32年1月1日", "after 平成 ended"),
        ("昭和65年1月1日", "after 昭和 ended"),
        ("平成0年1月1日", "starts at 元年"),
        ("yesterday", "not a date"),
        ("2016", "not a date"),
    ],
)
def test_rejects_impossible_dates(text, reason):
    if reason is None:
        assert parse_date(text) == D(2117, 1, 1)
        return
    with pytest.raises(InvalidDate) as excinfo:
        parse_date(text)
    assert f"「{text}」" in str(excinfo.value)
    assert reason in str(excinfo.value)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (D(2026, 4, 1), 2026),
        (D(2027, 3, 31), 2026),
        (D(2027, 4, 1), 2027),
        (D(2026, 1, 15), 2025),
        (D(2026, 12, 31), 2026),
    ],
)
def test_fiscal_year_runs_april_to_march(day, year):
    assert fiscal_year(day) == year


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2026, "令和8年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
    ],
)
def test_fiscal_year_label_in_era(year, label):
    assert fiscal_year_label(year, "ja") == label
    with translation.override("ja"):
        assert fiscal_year_label(year) == label


@pytest.mark.parametrize("language", ["en", "en-us"])
def test_fiscal_year_label_in_english_is_the_western_year(language):
    assert fiscal_year_label(2026, language) == "FY2026"
    assert fiscal_year_label(2019, language) == "FY2019"
    with translation.override(language):
        assert fiscal_year_label(2026) == "FY2026"


def test_review_due_five_years_after_latest_action():
    assert review_due_on(D(2010, 1, 1), D(2016, 3, 22), D(2014, 6, 1)) == D(2021, 3, 22)
    assert review_due_on(D(2010, 1, 1), None, None) == D(2015, 1, 1)
    assert review_due_on(None, None, None) is None


def test_leap_day_becomes_28_february():
    assert add_years(D(2016, 2, 29), 5) == D(2021, 2, 28)
    assert review_due_on(D(2020, 2, 29)) == D(2025, 2, 28)
