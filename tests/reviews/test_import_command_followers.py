"""The import_standards command follows its import before it ends, however large: with no worker
running, the open assignments of the standards it withdraws are withdrawn all the same. Asked to,
it leaves that to the worker (issue #15)."""

import io

import pytest
from django.core.management import call_command

from reviews.models import Assignment
from reviews.survey.workflow import State
from standards import import_followers, services
from standards.models import Standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """What was handed to the worker, which never runs here."""
    calls = []
    monkeypatch.setattr(
        import_followers.catalog_changed_send,
        "apply_async",
        lambda args, **options: calls.append(sorted(args[0])),
    )
    monkeypatch.setattr(services, "FOLLOW_AT_ONCE_UP_TO", 1)  # this file is "large"
    return calls


@pytest.fixture
def withdrawals(tmp_path, assignment):
    """A file withdrawing the assigned standard and one more: past FOLLOW_AT_ONCE_UP_TO."""
    path = tmp_path / "withdrawals.csv"
    rows = Standard.objects.filter(number__in=[assignment.standard.number, "JIS B 7911"])
    path.write_text(
        "規格番号,規格名称,状態\n" + "".join(f"{s.number},{s.title_ja},廃止\n" for s in rows),
        encoding="utf-8",
    )
    return path


def _import(path, *options) -> str:
    out = io.StringIO()
    call_command("import_standards", str(path), *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_large_import_from_the_command_withdraws_the_assignments_before_it_ends(
    assignment, withdrawals, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = _import(withdrawals)
    assert queued == []
    assert Assignment.objects.get(pk=assignment.pk).state == State.WITHDRAWN
    assert "international alignment) is up to date." in out


def test_asked_to_the_command_leaves_it_to_the_worker_and_says_so(
    assignment, withdrawals, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = _import(withdrawals, "--follow-on-worker")
    assert queued == [sorted([assignment.standard.number, "JIS B 7911"])]
    assert Assignment.objects.get(pk=assignment.pk).state == State.ASSIGNED
    assert "left to the worker" in out
