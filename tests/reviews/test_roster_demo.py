"""The demo roster in fixtures/ (the Done-when walk's file): reproduced by its generator, and read
against the demo catalog's drafting bodies with no problem and no warning, leaving only the bodies
the generator leaves out on purpose without anyone."""

import csv
import importlib.util
from pathlib import Path

import pytest

from reviews.roster.rows import read_roster
from reviews.roster.selectors import division_lookup
from standards.bodies import body_key, split_bodies
from standards.catalog_files import table_rows
from standards.selectors import ministry_lookup

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"


def load_generator():
    spec = importlib.util.spec_from_file_location(
        "build_demo_roster", FIXTURES / "build_demo_roster.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generator_reproduces_the_committed_file(tmp_path):
    target = tmp_path / "roster.csv"
    load_generator().write_csv(target)
    assert target.read_bytes() == (FIXTURES / "demo_roster.csv").read_bytes()


@pytest.mark.django_db
def test_the_demo_roster_reads_cleanly_against_the_demo_catalog():
    with (FIXTURES / "demo_catalog.csv").open(encoding="utf-8") as handle:
        cells = [row["drafting_body"] for row in csv.DictReader(handle)]
    bodies = {body_key(name): name for cell in cells for name in split_bodies(cell)}
    routed = {body_key(split_bodies(cell)[0]) for cell in cells if split_bodies(cell)}
    data = (FIXTURES / "demo_roster.csv").read_bytes()

    report = read_roster(
        table_rows(data, "demo_roster.csv", 10_000),
        ministries=ministry_lookup(),
        bodies=bodies,
        divisions=division_lookup(),
    )

    assert report.ok and report.warnings == []
    named = {body_key(name) for person in report.people for name in person.drafting_bodies}
    assert len(routed - named) == load_generator().UNCOVERED
