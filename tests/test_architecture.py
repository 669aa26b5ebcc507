"""The import rules in .importlinter, as `make lint` checks them: kept by the tree as it is, and each
one broken by an import that goes against it, added to a copy of the tree."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("accounts", "jisreview", "reviews", "standards")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "250"},  # one line per contract, however long its name
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the project's packages and its contracts."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / ".importlinter", tmp_path)
    return tmp_path


def test_make_lint_checks_the_import_contracts():
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert recipe and "$(BIN)/lint-imports" in recipe.group(1)


def test_the_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# (module added or extended, the import it makes, the contract that refuses it)
VIOLATIONS = [
    ("standards/_probe.py", "import reviews.models", "The catalog and the accounts never import"),
    (
        "accounts/_probe.py",
        "from reviews.reminders import notifications",
        "never import the review",
    ),
    (
        "reviews/plan/models.py",
        "from reviews.plan import views",
        "Inside each step: views and API above forms",
    ),
    (
        "reviews/survey/selectors.py",
        "from reviews.survey import services",
        "Selectors never import",
    ),
    ("reviews/reminders/selectors.py", "from reviews.survey import services", "Selectors never"),
    (
        "reviews/templatetags/_probe.py",
        "from reviews.survey.models import Assignment",
        "Template tags",
    ),
    ("reviews/plan/planning.py", "from django.db import models", "Pure rule modules import no ORM"),
    ("reviews/priority/rule.py", "from standards.selectors import today", "Pure rule modules"),
    ("standards/numbers.py", "from standards.models import Standard", "Pure rule modules"),
    (
        "reviews/survey/services.py",
        "from reviews.priority.services import priorities_recompute",
        "An earlier step never calls a later one",
    ),
    (
        "reviews/plan/views.py",
        "from reviews.models import Programme",
        "never through reviews.models",
    ),
    (
        "jisreview/_probe.py",
        "from reviews.reporting import charts",
        "nothing imports it but the URL",
    ),
    (
        "reviews/priority/views.py",
        "from reviews.reporting import selectors",
        "Reporting reads every",
    ),
]


@pytest.mark.parametrize(("module", "statement", "contract"), VIOLATIONS)
def test_a_violating_import_fails_the_check(tree, module, statement, contract):
    path = tree / module
    before = path.read_text() if path.exists() else ""
    path.write_text(f"{before}\n{statement}  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if " BROKEN" in line]
    assert any(contract in line for line in broken), result.stdout
