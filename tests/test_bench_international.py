"""scripts/bench_international.py: it imports the rows it generates, re-imports them with a tenth
changed, and leaves the database as it found it."""

import importlib
from pathlib import Path

import pytest

from standards.models import InternationalStandard

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@pytest.fixture
def bench_international(monkeypatch):
    monkeypatch.syspath_prepend(str(SCRIPTS))
    return importlib.import_module("bench_international")


@pytest.mark.django_db
def test_measures_an_import_and_a_reimport_and_rolls_them_back(bench_international):
    result = bench_international.measure(rows=300)
    assert (result["created"], result["updated"], result["errors"]) == (300, 30, 0)
    assert set(result) >= {"import_seconds", "import_cpu_seconds", "reimport_seconds"}
    assert not InternationalStandard.objects.exists()
