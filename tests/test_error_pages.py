"""403 and 404 pages speak the user's language and keep the site's navigation; under /api/ the
same errors stay JSON."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from jisreview import views

pytestmark = pytest.mark.django_db


def _title(page: str) -> str:
    return re.search(r"<h1>([^<]*)</h1>", page)[1]


def _has_navigation(page: str) -> bool:
    return all(
        piece in page
        for piece in ("<nav", 'href="/standards/"', 'action="/accounts/logout/"', 'class="who"')
    )


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/no-such-page/", 404),  # no route
        ("/standards/999999/", 404),  # a route, but no such standard
        ("/standards/import/", 403),  # a coordinator's page: the view raises PermissionDenied
    ],
)
@pytest.mark.parametrize(
    ("language", "titles"),
    [
        ("ja", {404: "ページが見つかりません", 403: "アクセスできません"}),
        ("en", {404: "Page not found", 403: "Forbidden"}),
    ],
)
def test_error_pages_are_translated_and_keep_the_navigation(
    client, reviewer, url, status, language, titles
):
    client.force_login(reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # as the header's menu sets it
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert _title(page) == titles[status]
    assert _has_navigation(page)


def test_a_reason_given_with_permission_denied_is_shown(rf: RequestFactory, reviewer):
    request = rf.get("/reviews/follow-ups/")
    request.user = reviewer
    response = views.permission_denied(request, PermissionDenied("You may not change this."))
    assert response.status_code == 403
    assert "You may not change this." in response.content.decode()


@pytest.mark.japanese
def test_an_anonymous_visitor_gets_the_page_without_the_menu(client):
    response = client.get("/no-such-page/")  # no language chosen: Japanese
    page = response.content.decode()
    assert (response.status_code, _title(page)) == (404, "ページが見つかりません")
    assert "<nav" not in page and 'href="/"' in page


def test_under_the_api_they_stay_json(client, token_client, reviewer, rf):
    response = token_client(reviewer).get("/api/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    request = rf.get("/api/anything/")
    request.user = reviewer
    denied = views.permission_denied(request, PermissionDenied())
    assert denied.status_code == 403 and denied["Content-Type"] == "application/json"
    assert "permission" in denied.content.decode()
