"""Procurement evidence from the ministries' specifications, walked as every role.

A METI and an MLIT specification both cite JIS C 6000 (METI's, the reviewer's assignment); the MLIT
one also cites C 6004 (the other reviewer's) and A 5308, the METI one K 1111 — neither surveyed.
Each document carries a sentence found nowhere else. The standard's page shows a document's
citations to coordinators, to the viewers of the document's ministry, and to the reviewers holding
an assignment on the standard; the candidates list, the priority reason with its document count and
the dashboard count only what each may see.
"""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.test import RequestFactory

from accounts.roles import Role, role_names
from reviews.evidence import selectors as evidence
from reviews.priority.models import StandardPriority
from standards import selectors as catalog_selectors
from standards.models import Ministry, Standard
from standards.specifications import services
from tests.conftest import in_english
from tests.standards.factories import StandardFactory
from tests.untouched_forms import untouched_query

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PANEL = "reviews/_standard_evidence.html"
SENTENCE = {
    "METI": "経産省仕様 SPEC-METI-1 の機器は JIS C 6000:2010 に適合すること。",
    "MLIT": "国交省仕様 SPEC-MLIT-2 の盤は JIS C 6000 による。",
}
TEXT = {
    "METI": SENTENCE["METI"] + "\n\n材料は JIS K 1111 による。\n",
    "MLIT": SENTENCE["MLIT"]
    + "\n\n試験は JIS C 6004 による。\n\nコンクリートは JIS A 5308 による。\n",
}
MARK = {"METI": "SPEC-METI-1", "MLIT": "SPEC-MLIT-2"}
# role → the documents whose citations of C 6000 it may see
RULE = {
    "coordinator": {"METI", "MLIT"},
    "meti_viewer": {"METI"},
    "mlit_viewer": {"MLIT"},
    "reviewer": {"METI", "MLIT"},  # holds C 6000's assignment: every citation of it
    "other_reviewer": set(),  # holds C 6004's, not C 6000's
    "outsider": set(),
}


def _user(django_user_model, username, role, ministry=None):
    user = django_user_model.objects.create_user(username=username, ministry_id=ministry)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def world(
    batches,
    django_user_model,
    coordinator,
    reviewer,
    other_reviewer,
    ministry_viewer,
    outsider,
    django_capture_on_commit_callbacks,
):
    StandardFactory(number="JIS K 1111", established_on=dt.date(2021, 6, 1), ministries=["METI"])
    StandardFactory(number="JIS A 5308", established_on=dt.date(2021, 6, 1), ministries=["MLIT"])
    documents = {}
    with django_capture_on_commit_callbacks(execute=True):
        for code, text in TEXT.items():
            document, _new = services.specification_upload(
                ministry=Ministry.objects.get(code=code),
                file_name=f"{code.lower()}.txt",
                content=text.encode(),
                title=f"{code} 標準仕様書",
            )
            documents[code] = services.specification_scan_run(document_id=document.pk)
    users = {
        "coordinator": coordinator,
        "meti_viewer": ministry_viewer,
        "mlit_viewer": _user(django_user_model, "mlit-viewer", Role.MINISTRY_VIEWER, "MLIT"),
        "reviewer": reviewer,
        "other_reviewer": other_reviewer,
        "outsider": outsider,
    }
    return {"documents": documents, "users": users}


def _panel(user, number: str) -> str:
    standard = catalog_selectors.standard_detail_queryset().get(number=number)
    request = RequestFactory().get(f"/standards/{standard.pk}/")
    request.user = user
    return render_to_string(PANEL, {"standard": standard}, request=request)


@pytest.mark.parametrize("role", RULE)
def test_the_panel_shows_each_documents_citations_exactly_where_the_rule_allows(world, role):
    html = _panel(world["users"][role], "JIS C 6000")
    for code in ("METI", "MLIT"):
        assert (MARK[code] in html) is (code in RULE[role]), (role, code)


@pytest.mark.parametrize("role", RULE)
def test_the_standard_page_shows_the_evidence_where_the_rule_allows(client, world, role):
    client.force_login(world["users"][role])
    in_english(client)
    standard = Standard.objects.get(number="JIS C 6000")
    html = client.get(f"/standards/{standard.pk}/").content.decode()
    for code in ("METI", "MLIT"):
        assert (MARK[code] in html) is (code in RULE[role]), (role, code)
    assert ("Cited in procurement specifications" in html) is (role != "outsider")


def test_the_panel_says_documents_ministries_and_pages(world):
    html = _panel(world["users"]["coordinator"], "JIS C 6000")
    assert "Cited 2 time(s) in 2 documents of:" in html
    assert "JIS C 6000:2010" in html and "superseded" in html
    # a viewer reads the other ministry's sentence nowhere, and opens only their own document
    meti = _panel(world["users"]["meti_viewer"], "JIS C 6000")
    assert f'href="/standards/specifications/{world["documents"]["METI"].pk}/"' in meti
    reviewer = _panel(world["users"]["reviewer"], "JIS C 6000")
    assert "/standards/specifications/" not in reviewer  # sees the evidence, opens no document


@pytest.mark.parametrize(
    ("role", "queries"),
    [("coordinator", 2), ("meti_viewer", 2), ("reviewer", 3), ("outsider", 0)],
)
def test_panel_query_count(world, role, queries, django_assert_num_queries):
    user = world["users"][role]
    role_names(user)  # the page header has already read the roles
    standard = catalog_selectors.standard_detail_queryset().get(number="JIS C 6000")
    request = RequestFactory().get(f"/standards/{standard.pk}/")
    request.user = user
    # coordinators and viewers: the documents and citations counted by ministry, then the first
    # citations with document, ministry and whether it may open the document; a reviewer first
    # asks whether it holds the standard's assignment
    with django_assert_num_queries(queries):
        render_to_string(PANEL, {"standard": standard}, request=request)


def test_the_panel_counts_every_citation_and_lists_only_the_first(world, monkeypatch):
    monkeypatch.setattr(evidence, "PANEL_ROWS", 1)
    panel = evidence.evidence_panel(
        world["users"]["coordinator"], Standard.objects.get(number="JIS C 6000")
    )
    assert (panel.total, panel.documents, len(panel.citations)) == (2, 2, 1)
    assert panel.ministries == [Ministry.objects.get(code=c).name for c in ("METI", "MLIT")]
    assert panel.readable_documents == {panel.citations[0].document_id}


def test_a_scan_makes_the_cited_standards_priorities_with_the_document_count(world, token_client):
    verdict = StandardPriority.objects.get(standard__number="JIS C 6000")
    assert verdict.reasons[0] == "cited_in_specifications" and verdict.cited_documents == 2
    assert StandardPriority.objects.get(standard__number="JIS K 1111").cited_documents == 1
    api = token_client(world["users"]["coordinator"])
    body = api.get("/api/priorities/?number=C+6000", HTTP_ACCEPT_LANGUAGE="en")
    [row] = [r for r in body.json()["results"] if r["number"] == "JIS C 6000"]
    assert row["reasons"][0] == {
        "code": "cited_in_specifications",
        "label": "Cited in procurement specifications (2 documents)",
    }


def test_a_rescan_that_no_longer_finds_a_citation_takes_the_reason_away(
    world, django_capture_on_commit_callbacks
):
    from standards.specifications.models import SpecificationDocument

    meti = world["documents"]["METI"]
    SpecificationDocument.objects.filter(pk=meti.pk).update(
        content="JIS K 1111 のみ。".encode(), state="queued"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.specification_scan_run(document_id=meti.pk)
    assert StandardPriority.objects.get(standard__number="JIS C 6000").cited_documents == 1


def _candidates(user) -> list[str]:
    return list(evidence.candidate_standards(user).values_list("number", flat=True))


def test_candidates_are_the_cited_standards_no_survey_has_reached(world):
    users = world["users"]
    assert _candidates(users["meti_viewer"]) == ["JIS K 1111"]
    assert _candidates(users["mlit_viewer"]) == ["JIS A 5308"]
    assert sorted(_candidates(users["coordinator"])) == ["JIS A 5308", "JIS K 1111"]
    assert _candidates(users["outsider"]) == []


def test_candidates_page_api_and_exports(client, token_client, world, django_assert_num_queries):
    viewer = world["users"]["meti_viewer"]
    client.force_login(viewer)
    in_english(client)
    page = client.get("/reviews/specifications/not-surveyed/").content.decode()
    assert "JIS K 1111" in page and "JIS A 5308" not in page
    csv_body = b"".join(
        client.get("/reviews/specifications/not-surveyed.csv").streaming_content
    ).decode("utf-8-sig")
    assert csv_body.splitlines()[1].startswith("JIS K 1111,")
    xlsx = client.get("/reviews/specifications/not-surveyed.xlsx")
    assert xlsx.status_code == 200
    api = token_client(viewer)
    # token with its user and role groups, count, one page of candidates, their ministries
    with django_assert_num_queries(4):
        results = api.get("/api/specification-candidates/").json()["results"]
    assert [(r["number"], r["citing_documents"]) for r in results] == [("JIS K 1111", 1)]
    assert (
        token_client(world["users"]["reviewer"]).get("/api/specification-candidates/").status_code
        == 403
    )


def test_the_dashboard_counts_cited_standards_by_status_and_ministry(client, world):
    def table(user):
        return {row["ministry"]: row["counts"] for row in evidence.cited_standards_by_status(user)}

    # current, superseded, withdrawn, unknown
    assert table(world["users"]["coordinator"]) == {"METI": [1, 1, 0, 0], "MLIT": [3, 0, 0, 0]}
    assert table(world["users"]["meti_viewer"]) == {"METI": [1, 1, 0, 0]}
    client.force_login(world["users"]["coordinator"])
    in_english(client)
    html = client.get("/reviews/dashboard/").content.decode()
    assert "JIS cited in procurement specifications" in html


@pytest.mark.parametrize(
    "url", ["/reviews/specifications/not-surveyed/", "/standards/specifications/fix-it/"]
)
@pytest.mark.parametrize("role", ["coordinator", "meti_viewer"])
def test_an_untouched_filter_form_lists_everything(client, world, url, role):
    client.force_login(world["users"][role])
    unfiltered = client.get(url).content.decode()
    query = untouched_query(unfiltered)
    assert query, "the page has a filter form"
    applied = client.get(f"{url}?{query}").content.decode()
    heading = re.compile(r"<h1>.*?<small>(\d+)</small>", re.S)
    assert heading.search(applied).group(1) == heading.search(unfiltered).group(1) != "0"


def test_candidates_page_query_count(client, world, django_assert_num_queries):
    client.force_login(world["users"]["coordinator"])
    client.get("/reviews/specifications/not-surveyed/")  # the session is recorded on the first
    # user, role groups, the count, one page of candidates, their competent ministers
    with django_assert_num_queries(5):
        assert client.get("/reviews/specifications/not-surveyed/").status_code == 200
