"""International alignment in the review: the priority reason with the newer edition, the
questionnaire pre-filled with the computed answer and its evidence (both kept), the dashboard's
counts by ministry and division, and the follow-up suggested for revised IDT/MOD standards."""

import csv
import datetime as dt
import io

import pytest

from reviews.priority.models import StandardPriority
from reviews.survey import services as survey_services
from reviews.survey.models import ComputedAnswer, Response
from standards.alignment.files import read_international
from standards.alignment.services import alignments_recompute, international_import
from standards.models import InternationalCorrespondence
from tests.conftest import in_english
from tests.reviews.data import COMPLETE
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db
DATA = (
    "reference,published_on,status,replaced_by\n"
    "ISO 13482:2014,2014-02-01,withdrawn,ISO 13482:2025\n"
    "ISO 13482:2025,2025-03-01,current,\n"
    "ISO 17100:2015,2015-05-01,current,\n"
)


def align(django_capture_on_commit_callbacks):
    """Import the data and recompute every alignment, running what follows on commit (the
    priority verdicts) as the worker would."""
    report = read_international(DATA.encode(), filename="d.csv", today=dt.date(2026, 11, 30))
    international_import(records=report.records)
    with django_capture_on_commit_callbacks(execute=True):
        alignments_recompute()


@pytest.fixture
def standards():
    return {
        "robot": StandardFactory(
            number="JIS B 8445",
            established_on=dt.date(2016, 1, 29),
            correspondences=[("ISO 13482:2014", "IDT")],
        ),
        "translation": StandardFactory(
            number="JIS Y 17100",
            established_on=dt.date(2021, 6, 7),
            correspondences=[("ISO 17100:2015", "IDT")],
        ),
        "loose": StandardFactory(
            number="JIS B 9000",
            established_on=dt.date(2016, 1, 29),
            ministries=["MLIT"],
            correspondences=[("ISO 13482:2014", "NEQ")],
        ),
    }


def test_priority_reason_follows_the_alignment(standards, django_capture_on_commit_callbacks):
    align(django_capture_on_commit_callbacks)
    reasons = dict(StandardPriority.objects.values_list("standard__number", "reasons"))
    assert "international_revised" in reasons["JIS B 8445"]
    assert "international_revised" not in reasons["JIS Y 17100"]


def test_priority_list_shows_the_reason_and_the_newer_edition_and_exports_it(
    client, ministry_viewer, standards, django_capture_on_commit_callbacks
):
    align(django_capture_on_commit_callbacks)
    client.force_login(ministry_viewer)
    in_english(client)
    page = client.get("/reviews/priorities/?alignment=revised").content.decode()
    assert "International counterpart revised" in page
    assert "ISO 13482:2025 (2025-03-01)" in page
    assert "JIS Y 17100" not in page and "JIS B 9000" not in page  # aligned; MLIT's
    response = client.get("/reviews/priorities/export.csv?alignment=revised")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["Number"], r["Newer international edition"]) for r in rows] == [
        ("JIS B 8445", "ISO 13482:2025 (2025-03-01)")
    ]
    assert "International counterpart revised" in rows[0]["Priority reasons"]


@pytest.fixture
def robot_assignment(batches, django_capture_on_commit_callbacks):
    """The reviewer's first assignment, its standard made from ISO 13482:2014 (IDT)."""
    assignment = batches[0].assignments.select_related("standard").first()
    InternationalCorrespondence.objects.create(
        standard=assignment.standard, designation="ISO 13482:2014", degree="IDT"
    )
    align(django_capture_on_commit_callbacks)
    return assignment


def test_reviewer_sees_the_prefilled_answer_with_its_evidence(client, reviewer, robot_assignment):
    client.force_login(reviewer)
    in_english(client)
    response = client.get(f"/reviews/assignments/{robot_assignment.pk}/")
    assert response.context["form"]["international_revised"].value() == "yes"
    page = response.content.decode()
    assert "Computed from the international data:" in page
    assert "ISO 13482:2014: newer edition ISO 13482:2025, published 2025-03-01." in page


def test_the_reviewers_own_answer_and_the_computed_one_are_both_kept(reviewer, robot_assignment):
    survey_services.response_save_draft(
        assignment=robot_assignment,
        answers={**COMPLETE, "international_revised": "no"},
        based_on=0,
        by=reviewer,
    )
    assert (
        Response.objects.get(assignment=robot_assignment).answers["international_revised"] == "no"
    )
    computed = ComputedAnswer.objects.get(assignment=robot_assignment)
    assert (computed.question, computed.value) == ("international_revised", "yes")
    assert "ISO 13482:2025" in computed.evidence


def test_an_answer_given_is_never_overwritten_by_the_prefill(client, reviewer, robot_assignment):
    survey_services.response_save_draft(
        assignment=robot_assignment,
        answers={"international_revised": "no"},
        based_on=0,
        by=reviewer,
    )
    client.force_login(reviewer)
    form = client.get(f"/reviews/assignments/{robot_assignment.pk}/").context["form"]
    assert form["international_revised"].value() == "no"


def test_without_a_counterpart_the_prefill_is_not_applicable(client, reviewer, batches):
    assignment = batches[0].assignments.first()
    client.force_login(reviewer)
    form = client.get(f"/reviews/assignments/{assignment.pk}/").context["form"]
    assert form["international_revised"].value() == "not_applicable"


def test_follow_up_suggested_for_revised_idt_and_mod_only(
    client, coordinator, standards, django_capture_on_commit_callbacks
):
    align(django_capture_on_commit_callbacks)
    client.force_login(coordinator)
    in_english(client)
    page = client.get(standards["robot"].get_absolute_url()).content.decode()
    assert 'value="Revise to follow the newer international edition: ISO 13482:2025 (IDT)"' in page
    loose = client.get(standards["loose"].get_absolute_url()).content.decode()
    assert "Revise to follow the newer international edition" not in loose


def test_dashboard_counts_by_ministry_and_division(
    client, coordinator, batches, standards, django_capture_on_commit_callbacks
):
    align(django_capture_on_commit_callbacks)
    client.force_login(coordinator)
    response = client.get("/reviews/dashboard/")
    alignment = response.context["alignment"]
    by_ministry = {row["key"]: dict(row["counts"]) for row in alignment["ministry"]}
    assert by_ministry["METI"]["revised"] == 1 and by_ministry["METI"]["aligned"] == 1
    assert by_ministry["MLIT"]["revised"] == 1
    by_division = {row["key"]: dict(row["counts"]) for row in alignment["division"]}
    assert by_division["B"]["revised"] == 2 and by_division["Y"]["aligned"] == 1
    assert "alignment=revised&amp;ministry=METI" in response.content.decode()


def test_dashboard_counts_only_the_viewers_remit(
    client, ministry_viewer, batches, standards, django_capture_on_commit_callbacks
):
    align(django_capture_on_commit_callbacks)
    client.force_login(ministry_viewer)
    alignment = client.get("/reviews/dashboard/").context["alignment"]
    assert [row["key"] for row in alignment["ministry"]] == ["METI"]


def test_the_api_gives_the_computed_answer_with_its_evidence(client, reviewer, robot_assignment):
    client.force_login(reviewer)
    body = client.get(f"/api/assignments/{robot_assignment.pk}/response/").json()
    computed = body["computed"]["international_revised"]
    assert computed["value"] == "yes"
    assert "ISO 13482:2025" in computed["evidence"]


HOSTILE = '<img src=x onerror="alert(1)">'


def test_evidence_from_a_hostile_designation_is_escaped_everywhere_it_shows(
    client, reviewer, batches, django_capture_on_commit_callbacks
):
    """A correspondence's designation is free text (the API and the admin take any); one that is
    not a reference is kept as written in the evidence, and must reach pages as text."""
    assignment = batches[0].assignments.select_related("standard").first()
    InternationalCorrespondence.objects.create(
        standard=assignment.standard, designation=HOSTILE, degree="IDT"
    )
    align(django_capture_on_commit_callbacks)
    client.force_login(reviewer)
    in_english(client)
    for url in (f"/reviews/assignments/{assignment.pk}/", assignment.standard.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page, url
        assert HOSTILE not in page, url


def test_the_priority_reason_names_the_newer_edition_on_the_list_the_api_and_the_export(
    client, ministry_viewer, standards, django_capture_on_commit_callbacks
):
    align(django_capture_on_commit_callbacks)
    client.force_login(ministry_viewer)
    in_english(client)
    reason = "International counterpart revised: ISO 13482:2025 (2025-03-01)"
    assert reason in client.get("/reviews/priorities/?alignment=revised").content.decode()
    (row,) = client.get("/api/priorities/?alignment=revised").json()["results"]
    assert {"code": "international_revised", "label": reason} in row["reasons"]
    response = client.get("/reviews/priorities/export.csv?alignment=revised")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    (exported,) = list(csv.DictReader(io.StringIO(text)))
    assert reason in exported["Priority reasons"]
