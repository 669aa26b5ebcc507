"""Priority verdicts follow every change to the catalog at once: an API edit, an admin edit and an
import each recompute the verdicts of the standards they touched, and /api/priorities/ says so on
the next read (real commits: the recompute runs once the change has committed)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from reviews.models import StandardPriority
from reviews.priority import services as priority_services
from standards import selectors as catalog_selectors
from standards import services as catalog_services
from standards.models import Standard
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db(transaction=True)
JST = dt.timezone(dt.timedelta(hours=9))
TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def quiet_standard(time_machine):
    """A METI standard in force, confirmed in 2024 (not due before FY2029): not a priority."""
    time_machine.move_to(dt.datetime(2026, 11, 28, 10, 0, tzinfo=JST), tick=False)
    standard = StandardFactory(
        number="JIS Z 8301", established_on=dt.date(2024, 6, 1), ministries=["METI"]
    )
    priority_services.priorities_recompute(today=TODAY)
    assert not StandardPriority.objects.get(standard=standard).is_priority
    return standard


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _priorities(client) -> dict[str, list[str]]:
    response = client.get("/api/priorities/?page_size=200")
    assert response.status_code == 200, response.content
    return {
        row["number"]: [reason["code"] for reason in row["reasons"]]
        for row in response.json()["results"]
    }


def test_an_api_edit_is_read_back_as_a_priority_at_once(quiet_standard, coordinator):
    client = _api(coordinator)
    assert "JIS Z 8301" not in _priorities(client)

    edited = client.patch(
        f"/api/standards/{quiet_standard.pk}/", {"fast_track": True}, format="json"
    )
    assert edited.status_code == 200, edited.content
    assert _priorities(client)["JIS Z 8301"] == ["fast_track"]

    edited = client.patch(
        f"/api/standards/{quiet_standard.pk}/", {"strategic_fields": ["quantum"]}, format="json"
    )
    assert edited.status_code == 200, edited.content
    assert _priorities(client)["JIS Z 8301"] == ["fast_track", "strategic_field"]

    edited = client.patch(
        f"/api/standards/{quiet_standard.pk}/", {"status": "withdrawn"}, format="json"
    )
    assert edited.status_code == 200, edited.content
    assert "JIS Z 8301" not in _priorities(client)  # withdrawn standards are never priorities


def test_an_admin_edit_is_read_back_as_a_priority_at_once(
    quiet_standard, coordinator, admin_client
):
    form = {
        "number": quiet_standard.number,
        "title_ja": quiet_standard.title_ja,
        "title_en": "",
        "status": quiet_standard.status,
        "established_on": "2024-06-01",
        "ministries": ["METI"],
        "drafting_body": quiet_standard.drafting_body_id,
        "ics_codes": "[]",
        "fast_track": "on",
        "strategic_fields": "[]",
        "source_url": "",
        "correspondences-TOTAL_FORMS": "0",
        "correspondences-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    saved = admin_client.post(f"/admin/standards/standard/{quiet_standard.pk}/change/", form)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert Standard.objects.get(pk=quiet_standard.pk).fast_track
    assert _priorities(_api(coordinator))["JIS Z 8301"] == ["fast_track"]


def test_an_import_is_read_back_at_once(quiet_standard, coordinator):
    report = catalog_selectors.catalog_read(
        "number,title_ja,fast_track\nJIS Z 8301,製図,1\nJIS B 8445,産業用ロボット,1\n".encode(),
        filename="fast.csv",
    )
    assert report.ok, report.errors
    catalog_services.standards_import(records=report.records, columns=report.columns)
    found = _priorities(_api(coordinator))
    assert found["JIS Z 8301"] == ["fast_track"]  # updated
    assert found["JIS B 8445"] == ["fast_track"]  # created
