"""Catalog search as people type it: several words, and JIS citations with their edition year,
on the list page and the API alike."""

import re

import pytest

from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    for number, title_ja, title_en in [
        (
            "JIS A 1108",
            "コンクリートの圧縮強度試験方法",
            "Method of test for compressive strength of concrete",
        ),
        ("JIS A 5308", "レディーミクストコンクリート", "Ready-mixed concrete"),
        ("JIS Z 2241", "金属材料引張試験方法", "Metallic materials-Tensile testing"),
        ("JIS B 8445", "ロボット及びロボティックデバイス", "Robots and robotic devices"),
        ("JIS C 61000-4-2", "電磁両立性－第4-2部：静電気放電イミュニティ試験", ""),
        (
            "JIS C 61000-4-20",
            "電磁両立性－第4-20部：TEM導波管のエミッション及びイミュニティ試験",
            "",
        ),
    ]:
        StandardFactory(number=number, title_ja=title_ja, title_en=title_en)


def _from_api(client, text: str) -> list[str]:
    response = client.get("/api/standards/", {"q": text, "ordering": "number"})
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def _from_page(client, text: str) -> list[str]:
    response = client.get("/standards/", {"q": text, "ordering": "number"})
    assert response.status_code == 200
    return re.findall(r'<a href="/standards/\d+/">([^<]+)</a>', response.content.decode())


@pytest.mark.parametrize("search", [_from_api, _from_page], ids=["api", "page"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # every word must be there, in any order and place
        ("コンクリート 試験方法", ["JIS A 1108"]),
        ("コンクリート　試験方法", ["JIS A 1108"]),  # an ideographic space, as a Japanese IME types
        ("試験方法　 コンクリート ", ["JIS A 1108"]),
        ("concrete compressive", ["JIS A 1108"]),
        ("コンクリート", ["JIS A 1108", "JIS A 5308"]),
        ("試験方法", ["JIS A 1108", "JIS Z 2241"]),
        ("コンクリート 引張", []),
        # a citation names its edition; the catalog lists the standard, whatever its edition
        ("JIS B 8445:2016", ["JIS B 8445"]),
        ("ＪＩＳ　Ｂ　８４４５：２０１６", ["JIS B 8445"]),
        ("JIS B 8445:2016/追補1", ["JIS B 8445"]),
        ("B 8445 : 2016", ["JIS B 8445"]),
        # a citation is exactly one standard; a bare number still matches as a prefix
        ("JIS C 61000-4-2:2019", ["JIS C 61000-4-2"]),
        ("JIS C 61000-4-2", ["JIS C 61000-4-2", "JIS C 61000-4-20"]),
        ("ｂ８４４５", ["JIS B 8445"]),
        ("JIS B 8445", ["JIS B 8445"]),
    ],
)
def test_search(client, reviewer, catalog, search, text, expected):
    client.force_login(reviewer)
    assert search(client, text) == expected
