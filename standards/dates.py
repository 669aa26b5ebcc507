"""Calendar rules of the catalog: Japanese era dates, fiscal years and the five-year review (no ORM)."""

import datetime as dt
import re

from django.utils import translation
from django.utils.translation import gettext as _

from standards.numbers import normalize_width

# (era name, romanised initial, first day). Eras end the day before the next one starts.
ERAS = (
    ("令和", "R", dt.date(2019, 5, 1)),
    ("平成", "H", dt.date(1989, 1, 8)),
    ("昭和", "S", dt.date(1926, 12, 25)),
)
REVIEW_INTERVAL_YEARS = 5

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WESTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_ERA = re.compile(
    r"^(令和|平成|昭和|[RHS])\s*(元|\d{1,2})\s*[年.]\s*(\d{1,2})\s*[月.]\s*(\d{1,2})\s*日?$"
)


class InvalidDate(ValueError):
    """The text is not a date this catalog understands; the message quotes it."""


def parse_date(text: str | dt.date | dt.datetime) -> dt.date:
    """Read 2016-03-22, 2016/3/22, 2016年3月22日, 平成28年3月22日, 令和元年5月1日 or H28.3.22."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    if _ISO.match(text):  # the common case, without normalising widths first
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass  # fall through for the full check and its message
    cleaned = normalize_width(str(text)).strip().upper()
    if match := _WESTERN.match(cleaned):
        return _make_date(text, int(match[1]), int(match[2]), int(match[3]))
    if match := _ERA.match(cleaned):
        return _era_date(text, match[1], match[2], int(match[3]), int(match[4]))
    raise InvalidDate(
        _("「%(text)s」 is not a date; write it as 2016-03-22, 2016/3/22 or 平成28年3月22日.")
        % {"text": text}
    )


def _era_date(text, era_name: str, era_year: str, month: int, day: int) -> dt.date:
    index = next(i for i, (name, initial, _start) in enumerate(ERAS) if era_name in (name, initial))
    name, _initial, first_day = ERAS[index]
    year_in_era = 1 if era_year == "元" else int(era_year)
    if year_in_era < 1:
        raise InvalidDate(
            _("「%(text)s」: %(era)s starts at 元年 (year 1).") % {"text": text, "era": name}
        )
    value = _make_date(text, first_day.year + year_in_era - 1, month, day)
    if value < first_day:
        raise InvalidDate(
            _("「%(text)s」 is before %(era)s began on %(day)s.")
            % {"text": text, "era": name, "day": first_day.isoformat()}
        )
    if index > 0:
        era_end = ERAS[index - 1][2] - dt.timedelta(days=1)
        if value > era_end:
            raise InvalidDate(
                _("「%(text)s」 is after %(era)s ended on %(day)s.")
                % {"text": text, "era": name, "day": era_end.isoformat()}
            )
    return value


def _make_date(text, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidDate(
            _("「%(text)s」 is not a real calendar date (%(day)s).")
            % {"text": text, "day": f"{year}-{month:02}-{day:02}"}
        ) from None


def fiscal_year(day: dt.date) -> int:
    """Japanese fiscal years run April to March: 2027-03-31 is FY2026, 2027-04-01 is FY2027."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def fiscal_year_label(year: int, language: str | None = None) -> str:
    """The fiscal year as its readers name it: "FY2026" in English; in Japanese by its era,
    令和8年度 (FY2018 → 平成30年度; FY2019 starts under 平成 but is called 令和元年度).
    `language` is "ja" or "en" (or a variant such as "en-us"); by default the active one."""
    if (language or translation.get_language() or "ja").startswith("en"):
        return f"FY{year}"
    if year >= 2019:
        era_year = year - 2018
        return "令和元年度" if era_year == 1 else f"令和{era_year}年度"
    if year >= 1989:
        return "平成元年度" if year == 1989 else f"平成{year - 1988}年度"
    return f"昭和{year - 1925}年度"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def review_due_on(*dates: dt.date | None) -> dt.date | None:
    """The statutory review falls due five years after the latest establishment, revision or confirmation."""
    known = [d for d in dates if d is not None]
    if not known:
        return None
    return add_years(max(known), REVIEW_INTERVAL_YEARS)


def action_date_problems(
    *,
    established_on: dt.date | None,
    revised_on: dt.date | None,
    confirmed_on: dt.date | None,
    today: dt.date,
) -> dict[str, str]:
    """Field → problem for dates a standard cannot have: in the future, or before its establishment."""
    problems = {}
    for name, day in (
        ("established_on", established_on),
        ("revised_on", revised_on),
        ("confirmed_on", confirmed_on),
    ):
        if day and day > today:
            problems[name] = _("the date is in the future")
        elif name != "established_on" and day and established_on and day < established_on:
            problems[name] = _("earlier than the establishment date %(date)s") % {
                "date": established_on.isoformat()
            }
    return problems
