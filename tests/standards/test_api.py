"""The catalog API: filters, search, ordering, pagination, permissions and query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from standards.models import Standard
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db
LIST = "/api/standards/"


@pytest.fixture
def catalog():
    return {
        "robot": StandardFactory(
            number="JIS B 8445",
            title_ja="ロボット及びロボティックデバイス－生活支援ロボットの安全要求事項",
            title_en="Robots and robotic devices",
            established_on=dt.date(2016, 3, 22),
            fast_track=True,
            correspondences=[("ISO 13482:2014", "IDT")],
            strategic_fields=["ai_semiconductors"],
        ),
        "wbgt": StandardFactory(
            number="JIS B 7922",
            title_ja="電子式湿球黒球温度（WBGT）指数計",
            established_on=dt.date(2023, 3, 20),
            ministries=["METI", "MHLW"],
        ),
        "concrete": StandardFactory(
            number="JIS A 5308",
            title_ja="レディーミクストコンクリート",
            established_on=dt.date(2024, 3, 25),
            ministries=["MLIT"],
            correspondences=[("ISO 22965-2:2007", "MOD")],
        ),
        "old": StandardFactory(
            number="JIS X 0208",
            title_ja="7ビット及び8ビットの2バイト情報交換用符号化漢字集合",
            established_on=dt.date(1997, 1, 20),
            status="withdrawn",
            strategic_fields=["quantum", "data_linkage"],
        ),
    }


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=ｂ８４４５", ["JIS B 8445"]),
        ("q=B8445", ["JIS B 8445"]),
        ("q=jis b 8445", ["JIS B 8445"]),
        ("q=ロボット", ["JIS B 8445"]),
        ("q=robotic", ["JIS B 8445"]),
        ("q=ﾛﾎﾞｯﾄ", ["JIS B 8445"]),
        ("q=0208", ["JIS X 0208"]),
        ("division=B", ["JIS B 7922", "JIS B 8445"]),
        ("division=A&division=X", ["JIS A 5308", "JIS X 0208"]),
        ("ministry=MHLW", ["JIS B 7922"]),
        ("ministry=METI", ["JIS B 7922", "JIS B 8445", "JIS X 0208"]),
        ("status=withdrawn", ["JIS X 0208"]),
        ("fast_track=true", ["JIS B 8445"]),
        ("review_due_fy=2020", ["JIS B 8445"]),
        ("review_due_fy_max=2020", ["JIS B 8445", "JIS X 0208"]),
        ("strategic_field=quantum", ["JIS X 0208"]),
        ("strategic_field=ai_semiconductors", ["JIS B 8445"]),
        ("degree=MOD", ["JIS A 5308"]),
        ("degree=IDT", ["JIS B 8445"]),
        ("degree=NEQ", []),
        ("division=B&ministry=METI&q=温度", ["JIS B 7922"]),
        ("ordering=-review_due_on&division=B", ["JIS B 7922", "JIS B 8445"]),
        ("ordering=number", ["JIS A 5308", "JIS B 7922", "JIS B 8445", "JIS X 0208"]),
    ],
)
def test_filters_search_and_ordering(client, reviewer, catalog, query, expected):
    client.force_login(reviewer)
    assert numbers(client.get(f"{LIST}?{query}")) == expected


def test_invalid_filter_value_names_the_field(client, reviewer, catalog):
    client.force_login(reviewer)
    response = client.get(f"{LIST}?division=I&status=gone")
    assert response.status_code == 400
    assert set(response.json()) == {"division", "status"}


def test_a_bad_date_filter_with_a_percent_sign_names_the_field(client, reviewer, catalog):
    # the message quotes the value; a "%" in it once broke django-filter's `message % ()`
    client.force_login(reviewer)
    response = client.get(LIST, {"established_on_after": "100%o"})
    assert response.status_code == 400
    assert "「100%o」" in response.json()["established_on"][0]


def test_pagination(client, reviewer):
    StandardFactory.create_batch(60)
    client.force_login(reviewer)
    body = client.get(f"{LIST}?page_size=25&page=3").json()
    assert body["count"] == 60 and len(body["results"]) == 10 and body["next"] is None


def test_detail_carries_every_catalog_field(client, ministry_viewer, catalog):
    client.force_login(ministry_viewer)
    body = client.get(f"{LIST}{catalog['robot'].pk}/").json()
    assert body["number"] == "JIS B 8445"
    assert body["division"] == "B"
    assert body["review_due_on"] == "2021-03-22" and body["review_due_fy"] == 2020
    assert body["correspondences"] == [{"designation": "ISO 13482:2014", "degree": "IDT"}]
    assert [m["code"] for m in body["ministries"]] == ["METI"]
    assert body["fast_track"] is True


@pytest.mark.parametrize("user", ["reviewer", "ministry_viewer", "coordinator", "outsider"])
def test_any_signed_in_user_reads(client, request, catalog, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(LIST).status_code == 200


def test_anonymous_gets_401_and_no_data(api_client, catalog):
    response = api_client.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "results" not in response.json()


NEW = {
    "number": "jis z 8301",
    "title_ja": "規格票の様式及び作成方法",
    "ministry_codes": ["METI"],
    "correspondences": [{"designation": "ISO/IEC Directives Part 2", "degree": "NEQ"}],
}


@pytest.mark.parametrize(
    ("user", "status"), [("ministry_viewer", 403), ("reviewer", 403), ("coordinator", 201)]
)
def test_only_coordinators_write(token_client, request, user, status):
    client = token_client(request.getfixturevalue(user))
    response = client.post(LIST, NEW, format="json")
    assert response.status_code == status
    assert Standard.objects.filter(number="JIS Z 8301").exists() == (status == 201)


def test_ministry_viewer_cannot_change_or_delete(token_client, ministry_viewer, catalog):
    client = token_client(ministry_viewer)
    url = f"{LIST}{catalog['robot'].pk}/"
    assert client.patch(url, {"title_ja": "x"}, format="json").status_code == 403
    assert client.delete(url).status_code in (403, 405)
    assert Standard.objects.get(pk=catalog["robot"].pk).title_ja.startswith("ロボット")


def test_coordinator_update_is_recorded_with_who(token_client, coordinator, catalog):
    client = token_client(coordinator)
    response = client.patch(
        f"{LIST}{catalog['wbgt'].pk}/",
        {"revised_on": "2025-03-21", "ministry_codes": ["METI"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["review_due_on"] == "2030-03-21"
    latest = catalog["wbgt"].history.latest("history_date")
    assert latest.history_user == coordinator
    assert [m.ministry_id for m in latest.ministries.all()] == ["METI"]


def test_bad_number_is_a_field_error(token_client, coordinator):
    response = token_client(coordinator).post(LIST, {**NEW, "number": "ISO 9001"}, format="json")
    assert response.status_code == 400
    assert "「ISO 9001」" in response.json()["number"][0]


@pytest.mark.parametrize("code", ["XXXX", "ME\x00TI"])  # a NUL must not reach PostgreSQL
def test_an_unknown_ministry_code_is_a_field_error(token_client, coordinator, catalog, code):
    response = token_client(coordinator).patch(
        f"{LIST}{catalog['wbgt'].pk}/", {"ministry_codes": ["METI", code]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["ministry_codes"]


def test_token_endpoint(api_client, reviewer, catalog):
    response = api_client.post(
        "/api/auth/token/", {"username": "rev", "password": "pw-rev"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert len(numbers(api_client.get(LIST))) == 4
    bad = api_client.post(
        "/api/auth/token/", {"username": "rev", "password": "wrong"}, format="json"
    )
    assert bad.status_code == 400


@pytest.mark.parametrize("page_size", [5, 50, 200])
def test_list_queries_do_not_grow_with_page_size_token(
    token_client, reviewer, django_assert_max_num_queries, page_size
):
    StandardFactory.create_batch(
        60, correspondences=[("ISO 9001:2015", "MOD")], ministries=["METI", "MLIT"]
    )
    client = token_client(reviewer)
    # token + user, count, page, ministries, correspondences
    with django_assert_max_num_queries(5):
        response = client.get(f"{LIST}?page_size={page_size}&q=試験&division=B&ordering=-number")
    assert len(response.json()["results"]) == min(page_size, 60)


@pytest.mark.parametrize("page_size", [5, 200])
def test_list_queries_do_not_grow_with_page_size_session(
    client, reviewer, django_assert_max_num_queries, page_size
):
    StandardFactory.create_batch(60, correspondences=[("ISO 9001:2015", "MOD")])
    client.force_login(reviewer)
    client.get(f"{LIST}?ministry=METI")  # the session and the ministries' names are now cached
    # user, count, page, ministries, correspondences
    with django_assert_max_num_queries(5):
        response = client.get(f"{LIST}?page_size={page_size}&ministry=METI&degree=MOD")
    assert len(response.json()["results"]) == min(page_size, 60)


def test_schema_and_docs(client, reviewer):
    client.force_login(reviewer)
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/standards/", "/api/standards/{id}/", "/api/auth/token/"} <= set(paths)
    params = {p["name"] for p in paths["/api/standards/"]["get"]["parameters"]}
    assert {
        "q",
        "division",
        "ministry",
        "status",
        "review_due_fy",
        "fast_track",
        "strategic_field",
        "degree",
        "ordering",
        "page",
        "page_size",
    } <= params
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200 and b"swagger-ui" in docs.content


def test_filter_by_drafting_body_name(client, reviewer):
    StandardFactory(number="JIS B 8445", drafting_body__name="一般社団法人日本ロボット工業会")
    StandardFactory(number="JIS A 5308", drafting_body__name="公益社団法人土木学会")
    client.force_login(reviewer)
    assert numbers(client.get(f"{LIST}?drafting_body=ロボット")) == ["JIS B 8445"]


def test_duplicate_number_is_a_field_error(token_client, coordinator, catalog):
    response = token_client(coordinator).post(
        LIST, {**NEW, "number": "jisb8445"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "JIS B 8445 is already in the catalog" in response.json()["number"][0]


def test_one_api_change_is_one_history_entry(token_client, coordinator, catalog):
    wbgt = catalog["wbgt"]
    before = wbgt.history.count()
    response = token_client(coordinator).patch(
        f"{LIST}{wbgt.pk}/", {"title_en": "WBGT meters", "ministry_codes": ["MHLW"]}, format="json"
    )
    assert response.status_code == 200
    assert wbgt.history.count() == before + 1
    latest = wbgt.history.latest("history_date")
    assert latest.title_en == "WBGT meters" and [
        m.ministry_id for m in latest.ministries.all()
    ] == ["MHLW"]


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"established_on": "2099-01-01"}, "established_on"),
        ({"established_on": "2016-03-22", "revised_on": "2010-01-01"}, "revised_on"),
    ],
)
def test_api_refuses_impossible_dates(token_client, coordinator, dates, field):
    response = token_client(coordinator).post(LIST, {**NEW, **dates}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
