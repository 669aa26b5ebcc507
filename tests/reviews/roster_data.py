"""Builders for the roster tests: a small catalog with a plan, and roster files."""

import csv
import datetime as dt
import io

from reviews.plan.models import PlanEntry, Programme
from tests.standards.factories import DraftingBodyFactory, StandardFactory

ROBOTS = "一般社団法人日本ロボット工業会"
ELECTRICAL = "一般社団法人日本電機工業会"
STANDARDS_BODY = "一般財団法人日本規格協会"
TODAY = dt.date(2026, 5, 1)  # FY2026
EN = [
    "email",
    "name",
    "organisation",
    "role",
    "ministry",
    "drafting_bodies",
    "divisions",
    "language",
]
JA = ["メールアドレス", "氏名", "所属", "役割", "主務大臣", "原案作成団体", "部門", "言語"]


def catalog() -> Programme:
    """Three bodies; ROBOTS has 2 standards in FY2026 and 1 in FY2027, ELECTRICAL 1 in FY2027,
    STANDARDS_BODY 1 in FY2026."""
    programme = Programme.objects.create(name="test", start_fy=2026)
    plan = {
        ROBOTS: [2026, 2026, 2027],
        ELECTRICAL: [2027],
        STANDARDS_BODY: [2026],
    }
    number = 8000
    for name, years in plan.items():
        body = DraftingBodyFactory(name=name)
        for year in years:
            number += 1
            standard = StandardFactory(number=f"JIS B {number}", drafting_body=body)
            PlanEntry.objects.create(
                programme=programme, standard=standard, fiscal_year=year, reason="due"
            )
    return programme


def row(
    email,
    name="山田 太郎",
    role="reviewer",
    *,
    org="",
    ministry="",
    bodies="",
    divisions="",
    language="",
):
    return [email, name, org, role, ministry, bodies, divisions, language]


def csv_bytes(*rows, header=EN, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(*rows, header=JA) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
