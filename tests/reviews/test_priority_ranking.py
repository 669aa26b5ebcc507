"""The priority list is a ranking: strongest reason first (procurement evidence before a review that
falls due), on the screen, in its exports and in the API; and "due for review only" can be left out."""

import csv
import datetime as dt
import importlib
import io

import lxml.html
import pytest
from django.apps import apps

from reviews.models import StandardPriority
from reviews.priority import rule
from tests.reviews.test_priority_queries import surveyed  # noqa: F401 (a fixture)
from tests.standards.factories import StandardFactory

# surveyed: METI's C 6000 cited and usable (and due), C 6001 usable with conditions, to revise (and
# due), B 8445 fast-tracked (not due), C 6002 and C 6003 due for review only.
RANKED = ["JIS C 6000", "JIS C 6001", "JIS B 8445", "JIS C 6002", "JIS C 6003"]
WITHOUT_DUE_ONLY = ["JIS C 6000", "JIS C 6001", "JIS B 8445"]


# ---- the rule, without a database -------------------------------------------------------------


def test_every_reason_has_one_place_in_the_ranking():
    assert sorted(rule.STRENGTH_ORDER) == sorted(rule.REASONS)
    assert rule.STRENGTH_ORDER[-1] == "review_due_soon"


@pytest.mark.parametrize(
    ("stronger", "weaker"),
    [
        (("cited_in_procurement",), ("usable", "usable_with_conditions", "fast_track")),
        (("usable",), ("usable_with_conditions", "revision_recommended", "review_due_soon")),
        (("usable_with_conditions",), ("fast_track", "strategic_field", "review_due_soon")),
        (("fast_track",), ("strategic_field", "review_due_soon")),
        (("strategic_field",), ("review_due_soon",)),
        (("usable", "review_due_soon"), ("usable",)),  # a tie is broken by the next reason
        (("review_due_soon",), ()),
    ],
)
def test_a_stronger_reason_outranks_any_number_of_weaker_ones(stronger, weaker):
    assert rule.strength(stronger) > rule.strength(weaker)


def test_the_verdict_lists_its_reasons_strongest_first():
    facts = rule.Facts(
        active=True,
        fast_track=True,
        usability="usable",
        cited_in_procurement=True,
        review_due_on=dt.date(2026, 4, 1),
    )
    verdict = rule.priority(facts, dt.date(2026, 11, 28))
    assert verdict.reasons == ("cited_in_procurement", "usable", "fast_track", "review_due_soon")
    assert verdict.strength == rule.strength(verdict.reasons)
    assert rule.reasons_in_words(["review_due_soon", "fast_track"]) == [
        "Fast-tracked",
        "Review due by the end of next fiscal year",
    ]
    assert rule.DUE_SOON_ONLY == rule.strength(["review_due_soon"]) == 1


# ---- stored, and listed in that order ---------------------------------------------------------


@pytest.mark.django_db
def test_the_stored_verdict_carries_its_strength(surveyed):  # noqa: F811
    for verdict in StandardPriority.objects.all():
        assert verdict.strength == rule.strength(verdict.reasons)
        assert verdict.reasons == rule.strongest_first(verdict.reasons)


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [row["number"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_the_api_ranks_and_can_leave_out_due_soon_only(token_client, ministry_viewer, surveyed):  # noqa: F811
    client = token_client(ministry_viewer)
    assert _numbers(client.get("/api/priorities/")) == RANKED
    assert _numbers(client.get("/api/priorities/?exclude_due_soon=1")) == WITHOUT_DUE_ONLY
    assert _numbers(client.get("/api/priorities/?exclude_due_soon=true")) == WITHOUT_DUE_ONLY
    assert _numbers(client.get("/api/priorities/?exclude_due_soon=0")) == RANKED
    assert _numbers(client.get("/api/priorities/?ordering=number")) == sorted(RANKED)
    assert _numbers(client.get("/api/priorities/?ordering=strength")) == [
        "JIS C 6002",
        "JIS C 6003",
        "JIS B 8445",
        "JIS C 6001",
        "JIS C 6000",
    ]


@pytest.mark.django_db
def test_the_screen_ranks_shows_the_strongest_reason_first_and_has_the_tick_box(
    client,
    ministry_viewer,
    surveyed,  # noqa: F811
):
    client.force_login(ministry_viewer)
    page = client.get("/reviews/priorities/")
    listed = [standard.number for standard in page.context["page"]]
    assert listed == RANKED
    first = page.context["page"][0]
    assert first.reasons_in_words[0] == str(rule.LABELS["cited_in_procurement"])
    html = page.content.decode()
    assert 'name="exclude_due_soon"' in html and 'type="checkbox"' in html
    ticked = client.get("/reviews/priorities/?exclude_due_soon=1")
    assert [standard.number for standard in ticked.context["page"]] == WITHOUT_DUE_ONLY
    [box] = lxml.html.fromstring(ticked.content).xpath("//input[@name='exclude_due_soon']")
    assert box.checked and box.get("value") == "1"


@pytest.mark.django_db
def test_the_screens_exports_follow_the_ranking_and_the_tick_box(client, ministry_viewer, surveyed):  # noqa: F811
    client.force_login(ministry_viewer)
    response = client.get("/reviews/priorities/export.csv?exclude_due_soon=1")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    _header, *rows = csv.reader(io.StringIO(body))
    assert [row[0] for row in rows] == WITHOUT_DUE_ONLY


@pytest.mark.django_db
def test_a_standard_without_a_verdict_ranks_after_every_priority(
    token_client,
    coordinator,
    surveyed,  # noqa: F811
):
    StandardFactory(number="JIS A 0001", established_on=dt.date(2015, 1, 1))
    StandardPriority.objects.filter(standard__number="JIS A 0001").delete()  # not computed yet
    numbers = _numbers(token_client(coordinator).get("/api/priorities/?priority=&page_size=200"))
    assert numbers.index("JIS A 0001") > numbers.index("JIS C 6003")


@pytest.mark.django_db
def test_the_migration_ranks_verdicts_stored_before_it(surveyed):  # noqa: F811
    migration = importlib.import_module("reviews.migrations.0008_standard_priority_strength")
    StandardPriority.objects.update(strength=0)
    c6000 = StandardPriority.objects.get(standard__number="JIS C 6000")
    c6000.reasons = ["usable", "cited_in_procurement", "review_due_soon"]  # the old order
    c6000.save()
    migration.rank_stored_verdicts(apps, None)
    c6000.refresh_from_db()
    assert c6000.reasons == ["cited_in_procurement", "usable", "review_due_soon"]
    # ranked by the order frozen in the migration (the rule has gained reasons since)
    assert c6000.strength == migration._strength(c6000.reasons) == 97
