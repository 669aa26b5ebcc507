"""standards.alignment.rule: each status, undated and amended references, replacement chains, and how
several counterparts combine (no database)."""

import datetime as dt

import pytest

from standards.alignment import rule
from standards.alignment.rule import Edition, Index, Verdict

DATA = Index(
    [
        Edition(
            "ISO 13482:2014", "ISO 13482", 2014, "withdrawn", dt.date(2014, 2, 1), "ISO 13482:2025"
        ),
        Edition("ISO 13482:2025", "ISO 13482", 2025, "current", dt.date(2025, 3, 1)),
        Edition("ISO 17100:2015", "ISO 17100", 2015, "current", dt.date(2015, 5, 1)),
        Edition("IEC 60947-2:2016", "IEC 60947-2", 2016, "current", dt.date(2016, 6, 1)),
        Edition(
            "ISO/IEC 27001:2013", "ISO/IEC 27001", 2013, "withdrawn", None, "ISO/IEC 27001:2022"
        ),
        Edition("ISO/IEC 27001:2022", "ISO/IEC 27001", 2022, "current", dt.date(2022, 10, 25)),
        Edition("ISO 4068:1978", "ISO 4068", 1978, "withdrawn", dt.date(1978, 1, 1)),
        # replaced by another document that the data does not have
        Edition("ISO 7519:1991", "ISO 7519", 1991, "withdrawn", None, "ISO 128-3:2020"),
        # replaced by the very edition a JIS cites, which the data does not list
        Edition("ISO 5000:2011", "ISO 5000", 2011, "withdrawn", None, "ISO 5000:2014"),
        # the data still calls the old edition current, without a link to the new one
        Edition("ISO 8000-1:2011", "ISO 8000-1", 2011, "current", dt.date(2011, 1, 1)),
        Edition("ISO 8000-1:2022", "ISO 8000-1", 2022, "current", dt.date(2022, 7, 1)),
        # a chain through a withdrawn edition to another document's current one
        Edition("IEC 60204-1:2001", "IEC 60204-1", 2001, "withdrawn", None, "IEC 60204-1:2008"),
        Edition("IEC 60204-1:2008", "IEC 60204-1", 2008, "withdrawn", None, "IEC 60204-11:2019"),
        Edition("IEC 60204-11:2019", "IEC 60204-11", 2019, "current", dt.date(2019, 4, 1)),
    ]
)


@pytest.mark.parametrize(
    ("designation", "jis_year", "status", "newer", "published"),
    [
        ("ISO 13482:2014", None, "revised", "ISO 13482:2025", dt.date(2025, 3, 1)),
        ("ISO 13482:2025", None, "aligned", "", None),
        ("ISO 17100:2015", None, "aligned", "", None),
        ("ISO 17100:2015/Amd 1:2017", None, "aligned", "", None),  # the amendment is its edition's
        ("iso 17100 : 2015", None, "aligned", "", None),  # written any way
        ("ＩＳＯ　１７１００：２０１５", None, "aligned", "", None),
        ("IEC 60947-2:2016", None, "aligned", "", None),
        ("ISO/IEC 27001:2013", None, "revised", "ISO/IEC 27001:2022", dt.date(2022, 10, 25)),
        ("ISO 4068:1978", None, "withdrawn", "", None),
        ("ISO 7519:1991", None, "revised", "ISO 128-3:2020", None),
        ("IEC 60204-1:2001", None, "revised", "IEC 60204-11:2019", dt.date(2019, 4, 1)),
        ("ISO 5000:2014", None, "aligned", "", None),
        ("ISO 5000:2011", None, "revised", "ISO 5000:2014", None),
        ("ISO 8000-1:2011", None, "revised", "ISO 8000-1:2022", dt.date(2022, 7, 1)),
        # an edition older than any the data has: the newest current one is newer
        ("ISO 13482:2010", None, "revised", "ISO 13482:2025", dt.date(2025, 3, 1)),
        ("ISO 9001:2015", None, "unknown", "", None),  # not in the data
        ("not a reference", None, "unknown", "", None),
        # undated: the edition in force when the JIS edition was made
        ("ISO 13482", 2016, "revised", "ISO 13482:2025", dt.date(2025, 3, 1)),
        ("ISO 13482", 2026, "aligned", "", None),
        ("ISO 13482", None, "unknown", "", None),
        # a cited edition newer than the data knows: the data lags, the JIS is not behind
        ("ISO 17100:2020", None, "aligned", "", None),
    ],
)
def test_each_status(designation, jis_year, status, newer, published):
    verdict = rule.counterpart(designation, DATA, jis_year=jis_year)
    assert (verdict.status, verdict.newer, verdict.newer_published_on) == (status, newer, published)


def test_an_undated_reference_names_the_edition_it_was_compared_with():
    assert rule.counterpart("ISO 13482", DATA, jis_year=2016).cited == "ISO 13482:2014"


def test_a_replacement_loop_ends_as_withdrawn_instead_of_running_forever():
    index = Index(
        [
            Edition("ISO 1:2000", "ISO 1", 2000, "withdrawn", None, "ISO 1:2001"),
            Edition("ISO 1:2001", "ISO 1", 2001, "withdrawn", None, "ISO 1:2000"),
        ]
    )
    assert rule.counterpart("ISO 1:2000", index, jis_year=None).status == "withdrawn"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["aligned", "aligned"], "aligned"),
        (["aligned", "unknown"], "unknown"),
        (["aligned", "withdrawn", "unknown"], "withdrawn"),
        (["withdrawn", "revised", "aligned"], "revised"),
        ([], None),
    ],
)
def test_several_counterparts_combine_most_pressing_first(statuses, expected):
    found = rule.overall(Verdict(s, f"ISO {n}:2000") for n, s in enumerate(statuses))
    assert (found.status if found else None) == expected


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        ("revised", "yes"),
        ("aligned", "no"),
        (None, "not_applicable"),
        ("withdrawn", ""),
        ("unknown", ""),
    ],
)
def test_the_prefilled_answer(status, answer):
    assert rule.prefilled_answer(status) == answer
