"""The roster screen: coordinators only; upload → preview (a dry run) → confirm; the coverage page;
queries that do not grow with the roster."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.people.models import Invitation
from reviews.survey.models import RoutingRule
from tests.conftest import in_english
from tests.reviews.roster_data import (
    ELECTRICAL,
    ROBOTS,
    STANDARDS_BODY,
    catalog,
    csv_bytes,
    row,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def programme():
    return catalog()


def upload(client, data, name="roster.csv", **extra):
    return client.post(
        "/reviews/roster/", {"file": SimpleUploadedFile(name, data), **extra}, follow=False
    )


@pytest.mark.parametrize(
    "user, status",
    [("coordinator", 200), ("reviewer", 403), ("ministry_viewer", 403), ("outsider", 403)],
)
@pytest.mark.parametrize("path", ["/reviews/roster/", "/reviews/roster/coverage/"])
def test_only_coordinators(client, request, user, status, path):
    client.force_login(request.getfixturevalue(user))
    assert client.get(path).status_code == status


def test_confirm_is_for_coordinators(client, reviewer):
    client.force_login(reviewer)
    assert client.post("/reviews/roster/confirm/", {"token": "x"}).status_code == 403


def test_upload_previews_then_confirm_imports(client, coordinator, programme):
    client.force_login(coordinator)
    in_english(client)
    page = upload(client, csv_bytes(row("new@example.jp", bodies=ROBOTS), row("b@example.jp")))
    html = page.content.decode()
    assert "Dry run, nothing was written" in html
    assert "new@example.jp" in html and 'id="roster-confirm"' in html
    assert not User.objects.filter(email="new@example.jp").exists()
    # the coverage as the import would leave it
    assert "2 of 3 drafting bodies have nobody to answer" in html

    token = page.context["confirm"]["token"].value()
    done = client.post("/reviews/roster/confirm/", {"token": token}, follow=True)
    assert done.redirect_chain[-1][0] == "/reviews/roster/coverage/"
    assert "Roster imported: 2 created and invited" in done.content.decode()
    assert User.objects.filter(email="new@example.jp").exists()
    assert Invitation.objects.count() == 2
    assert RoutingRule.objects.get(value=ROBOTS).reviewers.count() == 1
    # the same preview cannot be imported twice
    again = client.post("/reviews/roster/confirm/", {"token": token}, follow=True)
    assert "expired or was already imported" in again.content.decode()
    assert Invitation.objects.count() == 2


def test_anothers_preview_cannot_be_confirmed(client, coordinator, django_user_model, programme):
    client.force_login(coordinator)
    token = upload(client, csv_bytes(row("new@example.jp"))).context["confirm"]["token"].value()
    other = django_user_model.objects.create_superuser("root", email="root@example.jp")
    client.force_login(other)
    client.post("/reviews/roster/confirm/", {"token": token})
    assert not User.objects.filter(email="new@example.jp").exists()


def test_bad_rows_are_listed_and_offer_no_confirm(client, coordinator, programme):
    client.force_login(coordinator)
    in_english(client)
    html = upload(client, csv_bytes(row("a@example.jp"), row("broken", name="X"))).content.decode()
    assert "1 problem; nothing was written." in html
    assert "broken" in html and "not a valid e-mail address" in html
    assert 'id="roster-confirm"' not in html


def test_a_coordinator_grant_is_refused_on_screen(client, coordinator, programme):
    client.force_login(coordinator)
    in_english(client)
    html = upload(client, csv_bytes(row("boss@example.jp", role="coordinator"))).content.decode()
    assert "only an administrator may grant the coordinator role" in html
    assert 'id="roster-confirm"' not in html


def test_an_unreadable_file_is_a_form_error(client, coordinator, programme):
    client.force_login(coordinator)
    in_english(client)
    html = upload(client, b"\x00\x01binary", name="roster.csv").content.decode()
    assert "neither CSV nor XLSX" in html


def test_unknown_body_warning_on_the_preview(client, coordinator, programme):
    client.force_login(coordinator)
    in_english(client)
    html = upload(
        client, csv_bytes(row("a@example.jp", bodies="日本ロボット工業協会"))
    ).content.decode()
    assert 'id="roster-warnings"' in html and ROBOTS in html


def test_coverage_page_lists_the_gaps_with_the_years(client, coordinator, programme):
    client.force_login(coordinator)
    in_english(client)
    page = client.get("/reviews/roster/coverage/")
    html = page.content.decode()
    assert "3 of 3 drafting bodies have nobody to answer" in html
    assert html.index(ROBOTS) < html.index(STANDARDS_BODY) < html.index(ELECTRICAL)
    assert "FY2026" in html and "FY2027" in html


@pytest.mark.japanese
def test_coverage_page_in_japanese(client, coordinator, programme):
    client.force_login(coordinator)
    html = client.get("/reviews/roster/coverage/").content.decode()
    assert "原案作成団体" in html and "令和8年度" in html


def _queries(client, method, *args, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(*args, **kwargs)
    assert response.status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_roster_or_the_gaps(client, coordinator, programme):
    """The preview reads the people it names in three queries however many they are, and writes
    (then rolls back) in bulk; the coverage page counts every body in one query. The first
    request also fills the caches (ministries, notifications), hence the one before counting."""
    client.force_login(coordinator)
    few = csv_bytes(*(row(f"p{n}@example.jp", bodies=ROBOTS) for n in range(3)))
    many = csv_bytes(*(row(f"p{n}@example.jp", bodies=ROBOTS, divisions="B") for n in range(30)))
    _queries(client, "post", "/reviews/roster/", {"file": SimpleUploadedFile("a.csv", few)})
    small = _queries(client, "post", "/reviews/roster/", {"file": SimpleUploadedFile("a.csv", few)})
    large = _queries(
        client, "post", "/reviews/roster/", {"file": SimpleUploadedFile("a.csv", many)}
    )
    assert small == large
    # the user, their roles, the programme, the gaps with their counts, the number of bodies
    assert _queries(client, "get", "/reviews/roster/coverage/") == 5
    catalog_more()
    assert _queries(client, "get", "/reviews/roster/coverage/") == 5


def catalog_more():
    from tests.standards.factories import StandardFactory

    for n in range(10):
        StandardFactory(number=f"JIS C {9000 + n}")


@pytest.mark.parametrize(
    "language, cookie_before, cookie_after",
    [("en", None, "en"), ("", None, None), ("en", "ja", "ja")],
)
def test_the_roster_language_is_the_site_language_after_login(
    client, reviewer, language, cookie_before, cookie_after
):
    reviewer.language = language
    reviewer.save()
    if cookie_before:
        client.cookies["django_language"] = cookie_before
    client.post("/accounts/login/", {"username": "rev", "password": "pw-rev"})
    cookie = client.cookies.get("django_language")
    assert (cookie.value if cookie else None) == cookie_after


def test_confirm_checks_again_and_writes_nothing_when_refused(
    client, coordinator, django_user_model, programme
):
    """Between the preview and the confirmation an account became an administrator's: the import
    is refused, the page lists why, nothing is written."""
    client.force_login(coordinator)
    in_english(client)
    person = django_user_model.objects.create_user("p", email="p@example.jp")
    page = upload(client, csv_bytes(row("p@example.jp", name="P"), row("new@example.jp")))
    person.is_superuser = True
    person.save()
    token = page.context["confirm"]["token"].value()
    html = client.post("/reviews/roster/confirm/", {"token": token}).content.decode()
    assert "only an administrator may change it" in html
    assert not User.objects.filter(email="new@example.jp").exists()


def test_of_two_confirmations_at_once_only_one_imports(client, coordinator, programme, monkeypatch):
    """A double click: both requests read the kept upload, but only the one whose delete removed
    it imports (here the other request deleted it first)."""
    from django.core.cache import cache

    client.force_login(coordinator)
    token = upload(client, csv_bytes(row("new@example.jp"))).context["confirm"]["token"].value()
    real_delete = cache.delete

    def taken_meanwhile(key, *args, **kwargs):
        real_delete(key, *args, **kwargs)
        return False

    monkeypatch.setattr(cache, "delete", taken_meanwhile)
    client.post("/reviews/roster/confirm/", {"token": token})
    assert not User.objects.filter(email="new@example.jp").exists()
