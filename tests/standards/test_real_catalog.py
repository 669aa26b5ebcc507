"""The real-shaped catalog file (fixtures/build_real_catalog.py): deterministic, shaped like the
public list, and read with warnings and no errors. Its import speed is the bench's
(scripts/bench_real_import.py), not a timed test."""

import csv
import datetime as dt
import hashlib
import importlib.util
import io
from pathlib import Path

import pytest

from standards import selectors
from standards.importing import read_catalog

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location(
        "build_real_catalog", FIXTURES / "build_real_catalog.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def catalog(generator, tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("real") / "real_catalog.csv"
    generator.write_csv(path)
    return path.read_bytes()


def test_the_same_file_every_time(generator, catalog, tmp_path):
    again = tmp_path / "again.csv"
    generator.write_csv(again)
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(catalog).digest()


def test_shaped_like_the_public_list(generator, catalog):
    assert catalog.startswith("\ufeff規格番号,規格名称".encode())
    rows = list(csv.DictReader(io.StringIO(catalog.decode("utf-8-sig"))))
    assert "主務大臣" not in rows[0], "public lists have no ministry column"
    numbers = [row["規格番号"] for row in rows]
    assert 19_000 < len(rows) < 20_500
    assert 8_000 < sum(row["状態"] == "廃止" for row in rows) < 9_000
    assert sum(n.startswith(("TS ", "TR ")) for n in numbers) == 300
    assert sum("/" in n for n in numbers) == generator.AMENDMENTS
    assert all(":" in n for n in numbers if n.startswith("JIS")), "every JIS with its edition"
    international = [row["対応国際規格"] for row in rows]
    for form in ("(IDT)", "（", "overall", "同等でない（NEQ）", "\n", "、", "[", "identical"):
        assert any(form in text for text in international), form
    bodies = [row["原案作成団体"] for row in rows]
    for form in ("\u3000", "(一社)", "一般社団法人\n", "・一般"):
        assert any(form in body for body in bodies), form
    assert len({body for body in bodies}) > 500
    real = [row for row in rows if row["生成データ"] == "no"]
    assert real and all(row["出典"] for row in real)


@pytest.mark.django_db
def test_read_with_warnings_and_no_errors(generator, catalog):
    report = read_catalog(
        catalog,
        filename="real_catalog.csv",
        ministries=selectors.ministry_lookup(),
        today=dt.date(2026, 11, 28),
        max_bytes=20 * 1024 * 1024,
        max_rows=50_000,
    )
    assert report.errors == []
    assert len(report.amendments) == generator.AMENDMENTS
    kinds = {record.kind for record in report.records}
    assert kinds == {"JIS", "TS", "TR"}
    assert report.warning_count > generator.EDITION_CLASHES
    assert "ministry" not in report.columns


@pytest.mark.django_db
def test_importing_it_twice_writes_nothing_the_second_time(catalog):
    from standards import services
    from standards.models import InternationalCorrespondence, Standard

    lines = catalog.decode("utf-8-sig").splitlines(keepends=True)
    part = "".join(lines[:3001]).encode()  # the header and the first divisions, TS/TR excluded
    report = selectors.catalog_read(part, filename="part.csv")
    first = services.standards_import(
        records=report.records, columns=report.columns, amendments=report.amendments
    )
    assert first.amendments and len(first.created) > 2500
    assert Standard.drafting_bodies.through.objects.count() > len(first.created), "joint bodies"
    history = (Standard.history.count(), InternationalCorrespondence.history.count())
    again = services.standards_import(
        records=report.records, columns=report.columns, amendments=report.amendments
    )
    assert again.summary() == {"created": 0, "updated": 0, "unchanged": len(first.created)}
    assert again.changes == [] and again.amendments == 0
    assert (Standard.history.count(), InternationalCorrespondence.history.count()) == history
