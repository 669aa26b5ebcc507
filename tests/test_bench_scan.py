"""scripts/bench_scan.py: the scanner benchmark reads every page of the PDF it generates and reports
the figures scripts/bench.py prints beside their targets."""

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@pytest.fixture
def bench_scan(monkeypatch):
    monkeypatch.syspath_prepend(str(SCRIPTS))
    return importlib.import_module("bench_scan")


def test_measures_every_page_of_the_generated_pdf(bench_scan, tmp_path):
    path = tmp_path / "spec.pdf"
    bench_scan.write_specification_pdf(path, pages=20)
    result = bench_scan.measure(path, lookup=lambda numbers: {})
    assert result["pages"] == 20
    # full pages of text: 18 body pages with their citations, and 2 appendix lists of 34 rows
    assert result["citations"] > 18 * 10 + 2 * 34
    assert set(result) >= {"seconds", "cpu_seconds", "pages_per_second", "peak_mb"}
    # peak_mb is this whole test process's peak here; the bound is checked by the script run alone
    assert result["peak_mb"] > 0


@pytest.mark.django_db
def test_child_scan_reads_the_catalog(bench_scan, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = bench_scan.child_scan(pages=3)
    assert result["pages"] == 3


def test_runs_alone_without_a_database():
    """Run as its own process, so the memory it reports is the scan's, not the test runner's."""
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "bench_scan.py"), "5"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # the exit code also judges speed, which a benchmark measures and a test does not
    assert done.returncode in (0, 1), done.stderr
    figures = json.loads(done.stdout)
    assert figures["pages"] == 5 and figures["peak_mb"] <= 300
    assert "5 pages in" in done.stderr
