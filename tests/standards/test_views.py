"""Catalog pages: login everywhere, Japanese first, search and filters, import for coordinators."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from standards.models import Standard
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/standards/",
        "/standards/import/",
        "/standards/1/",
        "/api/docs/",
        "/admin/",
        "/reviews/plan/",
        "/reviews/assignments/",
        "/reviews/assignments/1/",
        "/reviews/batches/",
        "/reviews/batches/1/",
        "/reviews/plan/export.csv",
    ],
)
def test_anonymous_users_see_only_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_login_page_is_japanese_by_default_and_english_on_request(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "ログイン" in page and 'lang="ja"' in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("login")).content.decode()
    assert "Log in" in page and 'lang="en"' in page


def test_list_searches_width_insensitively(client, reviewer):
    StandardFactory(number="JIS B 8445", title_ja="生活支援ロボットの安全要求事項")
    StandardFactory(number="JIS B 7922", title_ja="電子式湿球黒球温度（WBGT）指数計")
    client.force_login(reviewer)
    page = client.get("/standards/?q=ｂ８４４５").content.decode()
    assert "JIS B 8445" in page and "JIS B 7922" not in page


def test_list_filters_sorts_and_paginates(client, reviewer):
    for n in range(30):
        StandardFactory(number=f"JIS K {1000 + n}", established_on=dt.date(2010 + n % 10, 5, 1))
    StandardFactory(number="JIS A 1108", ministries=["MLIT"])
    client.force_login(reviewer)
    page = client.get(
        "/standards/?division=K&ordering=-number&page_size=25&page=2"
    ).content.decode()
    assert "JIS K 1004" in page and "JIS K 1005" not in page and "JIS A 1108" not in page
    page = client.get("/standards/?ministry=MLIT").content.decode()
    assert "JIS A 1108" in page and "JIS K 1000" not in page


@pytest.mark.parametrize("page_size", [25, 200])
def test_list_page_queries_do_not_grow(
    client, coordinator, django_assert_max_num_queries, page_size
):
    StandardFactory.create_batch(210, ministries=["METI", "MHLW"])
    client.force_login(coordinator)
    client.get("/standards/")  # session and ministry choices are now cached
    # user, roles, count, page, ministries
    with django_assert_max_num_queries(5):
        response = client.get(f"/standards/?page_size={page_size}&q=試験&division=B&ministry=METI")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == page_size


def test_detail_shows_history(client, coordinator):
    standard = StandardFactory(number="JIS Z 8301", title_ja="規格票の様式")
    standard.title_ja = "規格票の様式及び作成方法"
    standard._change_reason = "title corrected"
    standard.save()
    client.force_login(coordinator)
    page = client.get(standard.get_absolute_url()).content.decode()
    assert "規格票の様式及び作成方法" in page
    assert "title corrected" in page
    assert "規格票の様式 → 規格票の様式及び作成方法" in page


IMPORT_CSV = "規格番号,規格名称,主務大臣\nJIS B 8445,生活支援ロボットの安全要求事項,経済産業大臣\n"


def test_only_coordinators_import(client, reviewer, ministry_viewer):
    for user in (reviewer, ministry_viewer):
        client.force_login(user)
        assert client.get(reverse("standards:import")).status_code == 403
        upload = SimpleUploadedFile("c.csv", IMPORT_CSV.encode())
        assert client.post(reverse("standards:import"), {"file": upload}).status_code == 403
    assert not Standard.objects.exists()


def test_coordinator_imports_through_the_page(client, coordinator):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("c.csv", IMPORT_CSV.encode("cp932"))
    response = client.post(reverse("standards:import"), {"file": upload})
    assert response.status_code == 200
    robot = Standard.objects.get(number="JIS B 8445")
    assert robot.history.get().history_user == coordinator


def test_bad_upload_lists_problems_and_writes_nothing(client, coordinator):
    client.force_login(coordinator)
    data = IMPORT_CSV + "JIS B 7922,温度計,財務大臣\n"
    response = client.post(
        reverse("standards:import"), {"file": SimpleUploadedFile("c.csv", data.encode())}
    )
    page = response.content.decode()
    assert "財務大臣" in page and "<td>3</td>" in page
    assert not Standard.objects.exists()


def test_skip_invalid_on_the_page_and_rejects_download(client, coordinator):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = (IMPORT_CSV + "JIS B 7922,温度計,財務大臣\n").encode()
    form = {"file": SimpleUploadedFile("c.csv", data), "skip_invalid": "on"}
    response = client.post(reverse("standards:import"), form)
    # The page says what was imported and what was rejected, and offers the rejects to fix.
    page = response.content.decode()
    assert "1 created, 0 updated, 0 unchanged." in page and "1 row rejected." in page
    assert "財務大臣" in page
    [link] = re.findall(r'href="([^"]+/rejects\.csv)"', page)
    download = client.get(link)
    assert download["Content-Type"].startswith("text/csv")
    assert "JIS B 7922,温度計,財務大臣,3," in download.content.decode("utf-8-sig")
    assert list(Standard.objects.values_list("number", flat=True)) == ["JIS B 8445"]


def test_admin_changelist_is_usable(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.jp", "pw")
    StandardFactory.create_batch(5)
    client.force_login(admin)
    for url in (
        "/admin/standards/standard/",
        "/admin/standards/standard/?q=試験",
        "/admin/standards/ministry/",
        "/admin/standards/draftingbody/",
        "/admin/accounts/user/",
        "/admin/standards/internationalcorrespondence/",
    ):
        assert client.get(url).status_code == 200, url


def test_admin_normalises_the_number_and_rejects_bad_ones(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.jp", "pw")
    client.force_login(admin)
    form = {
        "number": "ｊｉｓ　ｂ　８４４５",
        "title_ja": "生活支援ロボット",
        "status": "active",
        "ministries": ["METI"],
        "ics_codes": "[]",
        "strategic_fields": "[]",
        "correspondences-TOTAL_FORMS": "0",
        "correspondences-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/standards/standard/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    standard = Standard.objects.get()
    assert (standard.number, standard.division) == ("JIS B 8445", "B")
    response = client.post("/admin/standards/standard/add/", {**form, "number": "ISO 9001"})
    assert response.status_code == 200 and "「ISO 9001」" in response.content.decode()
    assert Standard.objects.count() == 1


def test_admin_edit_is_one_history_entry(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.jp", "pw")
    client.force_login(admin)
    standard = StandardFactory(number="JIS B 8445", title_ja="ロボット", ministries=["METI"])
    form = {
        "number": "JIS B 8445",
        "title_ja": "生活支援ロボット",
        "status": "active",
        "ministries": ["METI", "MHLW"],
        "ics_codes": "[]",
        "strategic_fields": "[]",
        "correspondences-TOTAL_FORMS": "0",
        "correspondences-INITIAL_FORMS": "0",
    }
    before = standard.history.count()
    response = client.post(f"/admin/standards/standard/{standard.pk}/change/", form)
    assert response.status_code == 302
    assert standard.history.count() == before + 1
    latest = standard.history.latest("history_date")
    assert latest.history_user == admin
    assert sorted(m.ministry_id for m in latest.ministries.all()) == ["METI", "MHLW"]
