"""The demo catalog in fixtures/: deterministic, real at its core, and accepted by the importer."""

import csv
import datetime as dt
import hashlib
import importlib.util
from pathlib import Path

import pytest

from standards import selectors
from standards.importing import read_catalog

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def load_generator():
    spec = importlib.util.spec_from_file_location(
        "build_demo_catalog", FIXTURES / "build_demo_catalog.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_the_committed_file(tmp_path):
    target = tmp_path / "demo.csv"
    load_generator().write_csv(target)
    committed = (FIXTURES / "demo_catalog.csv").read_bytes()
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(committed).digest()


def test_real_standards_keep_their_titles_and_generated_rows_are_marked():
    with (FIXTURES / "real_jis_sample.csv").open(encoding="utf-8") as handle:
        real = {row["number"]: row["title_ja"] for row in csv.DictReader(handle)}
    with (FIXTURES / "demo_catalog.csv").open(encoding="utf-8") as handle:
        rows = {row["number"]: row for row in csv.DictReader(handle)}
    assert len(rows) == 11_000
    for number, title in real.items():
        assert rows[number]["title_ja"] == title and rows[number]["generated"] == "no"
    generated = [r for n, r in rows.items() if n not in real]
    assert generated and all(r["generated"] == "yes" for r in generated)
    assert {n for n, r in rows.items() if r["fast_track"] == "yes"} == {
        "JIS B 8445",
        "JIS B 7922",
        "JIS Y 17100",
    }


@pytest.mark.django_db
def test_importer_accepts_every_row():
    report = read_catalog(
        (FIXTURES / "demo_catalog.csv").read_bytes(),
        filename="demo_catalog.csv",
        ministries=selectors.ministry_lookup(),
        today=dt.date(2026, 11, 28),
        max_bytes=20 * 1024 * 1024,
        max_rows=50_000,
    )
    assert report.errors == []
    assert len(report.records) == 11_000
    overdue = [
        r for r in report.records if r.status == "active" and _due(r) < dt.date(2026, 11, 28)
    ]
    assert 0.1 < len(overdue) / len(report.records) < 0.3, (
        "some standards are already past their review"
    )


def _due(record):
    from standards.dates import review_due_on

    return (
        review_due_on(record.established_on, record.revised_on, record.confirmed_on) or dt.date.max
    )
