"""python manage.py import_roster: the same rules as the screen, with the coverage in the dry run."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

from reviews.survey.models import RoutingRule
from tests.reviews.roster_data import ELECTRICAL, ROBOTS, STANDARDS_BODY, catalog, csv_bytes, row

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def roster_file(tmp_path):
    def write(*rows, name="roster.csv"):
        path = tmp_path / name
        path.write_bytes(csv_bytes(*rows))
        return path

    return write


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    with translation.override("en"):
        call_command("import_roster", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_dry_run_lists_people_and_the_coverage_gaps(roster_file, reviewer):
    catalog()
    reviewer.email = "rev@example.jp"
    reviewer.save()
    path = roster_file(row("new@example.jp", bodies=ROBOTS), row("rev@example.jp", name="改名"))
    out = run(path, "--dry-run", "--deactivate-missing")
    assert "create: new@example.jp" in out
    assert "change: rev@example.jp: Name:" in out
    assert "Dry run, nothing was written" in out
    assert "Coverage: 2 of 3 drafting bodies have nobody to answer" in out
    assert out.index(STANDARDS_BODY) < out.index(ELECTRICAL)
    assert ROBOTS not in out.split("Coverage:")[1]
    assert not User.objects.filter(email="new@example.jp").exists()


def test_deactivate_missing_lists_them(roster_file, reviewer):
    catalog()
    out = run(roster_file(row("new@example.jp")), "--dry-run", "--deactivate-missing")
    assert f"deactivate: {reviewer.email}" in out


def test_import_writes_and_says_so(roster_file):
    catalog()
    out = run(roster_file(row("new@example.jp", bodies=ROBOTS)))
    assert "Imported roster.csv: 1 created (invited)" in out
    assert RoutingRule.objects.get(value=ROBOTS).reviewers.get().email == "new@example.jp"


def test_the_command_line_may_grant_the_coordinator_role(roster_file):
    catalog()
    run(roster_file(row("boss@example.jp", role="事務局")))
    assert User.objects.get(email="boss@example.jp").groups.get().name == "coordinator"


def test_bad_rows_fail_with_nothing_written(roster_file):
    catalog()
    with pytest.raises(CommandError, match="1 problem"):
        run(roster_file(row("a@example.jp"), row("a@example.jp")))
    assert not User.objects.filter(email="a@example.jp").exists()


def test_missing_or_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "absent.csv")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(bad)
