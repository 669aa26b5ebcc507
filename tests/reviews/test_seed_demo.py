"""seed_demo: the demo catalog and one user per role, idempotent, and never outside demo mode."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import RequestFactory, override_settings
from django.utils import timezone

from reviews import demo
from reviews.models import Assignment, Batch, StandardOutcome
from reviews.survey.workflow import OPEN_STATES
from standards.models import Standard
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@override_settings(DEBUG=True)
def test_seed_is_idempotent_and_prints_the_logins(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first = seed()
    assert "11000 created" in first and "jisreview-demo" in first
    counts = dict(Assignment.objects.values_list("state").annotate(n=Count("id")))
    second = seed()
    assert "0 created, 0 updated, 11000 unchanged" in second
    assert Standard.objects.count() == 11_000
    assert Standard.history.count() == 11_000
    assert get_user_model().objects.count() == 12
    fast = set(Standard.objects.filter(fast_track=True).values_list("number", flat=True))
    assert fast == {"JIS B 8445", "JIS B 7922", "JIS Y 17100"}
    # Every screen has something to show: all states, and overdue work.
    states = set(Assignment.objects.values_list("state", flat=True))
    assert states == {"assigned", "in_progress", "submitted", "returned", "accepted"}
    assert Assignment.objects.filter(
        due_on__lt=timezone.localdate(), state__in=OPEN_STATES
    ).exists()
    assert set(Assignment.objects.values_list("reviewer__username", flat=True)) <= {
        f"reviewer{n}" for n in range(1, 9)
    }
    assert StandardOutcome.objects.count() == Assignment.objects.filter(state="accepted").count()
    assert "0 moved" in second
    assert dict(Assignment.objects.values_list("state").annotate(n=Count("id"))) == counts


@time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_demo_survey_is_cut_into_batches_whatever_day_it_is_seeded():
    """The demo counts its due dates from the day it is given, even one long gone."""
    for n in range(6):
        StandardFactory(number=f"JIS B {9000 + n}", established_on=dt.date(2020, 4, 1))
    seed_day = dt.date(2026, 4, 1)  # months before the clock's today
    demo.demo_plan_create(today=seed_day)
    demo.demo_users_create("a-demo-password")
    demo.demo_survey_create(today=seed_day)
    due = sorted(set(Batch.objects.values_list("due_on", flat=True)))
    assert due and due[0] == seed_day - dt.timedelta(days=20)  # a third overdue, the rest to come
    assert Assignment.objects.count() == 6


@override_settings(DEBUG=True)
def test_demo_users_have_their_roles_and_affiliations(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-password")
    seed()
    User = get_user_model()
    groups = {
        u.username: {g.name for g in u.groups.all()}
        for u in User.objects.prefetch_related("groups")
    }
    assert groups["coordinator"] == {"coordinator"}
    assert all(groups[f"reviewer{n}"] == {"reviewer"} for n in range(1, 9))
    assert groups["meti"] == groups["mlit"] == {"ministry_viewer"}
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="mlit").ministry_id == "MLIT"
    reviewers = User.objects.filter(username__startswith="reviewer")
    assert len({r.ministry_id for r in reviewers}) >= 4
    assert reviewers.exclude(drafting_body=None).count() == 4
    login = RequestFactory().post("/accounts/login/")
    assert authenticate(login, username="reviewer3", password="another-demo-password") is not None
    assert authenticate(login, username="reviewer3", password="jisreview-demo") is None


@override_settings(DEBUG=False, DEMO_MODE=False)
def test_refuses_outside_demo_mode(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="only with DJANGO_DEBUG=1"):
        seed()
    with pytest.raises(CommandError, match="set DEMO_PASSWORD"):
        seed("--force")
    assert not Standard.objects.exists()
    assert not get_user_model().objects.exists()
