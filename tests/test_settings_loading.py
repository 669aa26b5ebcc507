"""What loading the settings does, and leaves to later: it makes no folder (the SQLite database, the
filesystem broker and the e-mail backend make theirs when first used), and HSTS preloading is
opted into, never assumed. Each case runs in a fresh interpreter, as a process would start."""

import subprocess
import sys

import pytest

from tests.test_project import PRODUCTION, ROOT, clean_env

DEVELOPMENT = {"DJANGO_DEBUG": "1"}  # SQLite, filesystem broker and e-mail files under var/


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(**env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


SETUP = "import django, os; django.setup(); from django.conf import settings; "


@pytest.mark.parametrize(
    "environment", [DEVELOPMENT, PRODUCTION], ids=["development", "production"]
)
def test_loading_the_settings_makes_no_folder(tmp_path, environment):
    var_dir = tmp_path / "var"
    result = run_python(
        SETUP + "print(settings.VAR_DIR)", **environment, JISREVIEW_VAR_DIR=str(var_dir)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(var_dir)
    assert not var_dir.exists()


def test_sqlite_database_folder_is_made_on_first_connection(tmp_path):
    var_dir = tmp_path / "var"
    code = SETUP + (
        "from django.db import connection; "
        "print(os.path.exists(settings.VAR_DIR)); "
        "connection.ensure_connection(); "
        "print(os.path.exists(settings.DATABASES['default']['NAME']))"
    )
    result = run_python(code, **DEVELOPMENT, JISREVIEW_VAR_DIR=str(var_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_broker_folders_are_made_when_celery_first_reads_its_settings(tmp_path):
    """The web publishes into the queue folder; kombu keeps its exchange table under var/ too, not
    in the working directory."""
    var_dir = tmp_path / "var"
    code = SETUP + (
        "from jisreview.celery import app; "
        "print(os.path.exists(settings.VAR_DIR)); "
        "app.send_task('reviews.tasks.refresh_priorities'); "
        "print(*sorted(os.listdir(settings.VAR_DIR / 'broker')))"
    )
    result = run_python(code, **DEVELOPMENT, JISREVIEW_VAR_DIR=str(var_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "control", "processed", "queue"]
    assert len(list((var_dir / "broker" / "queue").iterdir())) == 1
    assert (var_dir / "broker" / "control" / "celery.exchange").exists()


def test_a_folder_that_cannot_be_made_stops_its_first_use_with_a_message():
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        env=clean_env(**DEVELOPMENT, JISREVIEW_VAR_DIR="/proc/none/var"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "/proc/none/var (the SQLite database) cannot be created" in result.stderr
    assert "JISREVIEW_VAR_DIR" in result.stderr


@pytest.mark.parametrize(
    ("environment", "preload", "reminder_silenced"),
    [
        ({}, False, True),
        ({"DJANGO_HSTS_PRELOAD": "0"}, False, True),
        ({"DJANGO_HSTS_PRELOAD": "1"}, True, False),
    ],
    ids=["unset", "off", "on"],
)
def test_hsts_preload_is_opt_in(environment, preload, reminder_silenced):
    """Preloading is hard to undo, so it is the domain owner's choice; without it, the deploy
    check's preload reminder is silenced, and only then."""
    code = SETUP + (
        "print(settings.SECURE_HSTS_PRELOAD, "
        "'security.W021' in settings.SILENCED_SYSTEM_CHECKS, settings.SECURE_HSTS_SECONDS > 0)"
    )
    result = run_python(code, **PRODUCTION, **environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(preload), str(reminder_silenced), "True"]
