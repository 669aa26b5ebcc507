"""The catalog API builds each standard's JSON directly (StandardSerializer.to_representation): it
must give exactly what DRF's generic field-by-field path gives for the declared fields, in either
language, for standards with and without the optional parts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework import serializers

from standards import selectors
from standards.api import StandardSerializer
from standards.models import DraftingBody, StandardAlignment
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied():
    bare = StandardFactory(number="JIS Z 9001", drafting_body=None, title_en="")
    bare.ics_codes, bare.strategic_fields = [], []
    bare.save()
    full = StandardFactory(
        number="JIS B 8445",
        title_en="Robots",
        established_on=dt.date(2010, 4, 1),
        revised_on=dt.date(2016, 3, 22),
        confirmed_on=dt.date(2021, 10, 20),
        fast_track=True,
        ministries=["METI", "MLIT"],
        correspondences=[("ISO 10218-1:2011", "MOD"), ("ISO 13482", "")],
        drafting_body=DraftingBody.objects.create(name="一般社団法人日本ロボット工業会"),
    )
    full.ics_codes, full.strategic_fields = ["25.040.30", "13"], ["hydrogen", "quantum"]
    full.save()
    StandardAlignment.objects.create(
        standard=full,
        status="revised",
        newer_reference="ISO 10218-1:2025",
        newer_published_on=dt.date(2025, 1, 31),
        computed_at=timezone.now(),
    )
    unpublished = StandardFactory(number="JIS C 6000", correspondences=[("IEC 60000", "IDT")])
    StandardAlignment.objects.create(
        standard=unpublished,
        status="revised",
        newer_reference="IEC 60000:2026",
        computed_at=timezone.now(),
    )
    aligned = StandardFactory(number="JIS Q 9001", correspondences=[("ISO 9001:2015", "IDT")])
    StandardAlignment.objects.create(standard=aligned, status="aligned", computed_at=timezone.now())
    return [bare, full, unpublished, aligned]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("read", ["standard_detail_queryset", "standard_read_queryset"])
def test_direct_representation_equals_the_generic_one(varied, language, read):
    queryset = getattr(selectors, read)().filter(pk__in=[s.pk for s in varied])
    standards = list(queryset)
    assert len(standards) == 4
    serializer = StandardSerializer()
    with translation.override(language):
        for standard in standards:
            generic = serializers.ModelSerializer.to_representation(serializer, standard)
            assert serializer.to_representation(standard) == dict(generic)


def test_division_names_follow_the_language(varied):
    full = selectors.standard_detail_queryset().get(number="JIS B 8445")
    with translation.override("ja"):
        ja = StandardSerializer().to_representation(full)["division_name"]
    with translation.override("en"):
        en = StandardSerializer().to_representation(full)["division_name"]
    assert (ja, en) == ("一般機械", "Mechanical engineering")


def test_several_divisions_list_each_standard_once_without_distinct(client, reviewer, varied):
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/standards/?division=B&division=Q&division=Z&page_size=50")
    numbers = [row["number"] for row in response.json()["results"]]
    assert sorted(numbers) == ["JIS B 8445", "JIS Q 9001", "JIS Z 9001"]
    listing = [q["sql"] for q in queries.captured_queries if "standards_standard" in q["sql"]]
    assert listing and not any("DISTINCT" in sql for sql in listing)
