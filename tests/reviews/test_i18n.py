"""The one choice between Japanese and English labels (reviews.common.i18n)."""

import pytest
from django.utils import translation

from reviews.common.i18n import active_language, pick, pick_pair

LABEL = {"ja": "公共調達", "en": "Public procurement"}


@pytest.mark.parametrize(
    ("active", "expected"),
    [("ja", "ja"), ("en", "en"), ("en-us", "en"), ("fr", "ja"), (None, "ja")],
)
def test_the_active_language_is_cut_to_the_two_the_labels_come_in(active, expected):
    with translation.override(active):
        assert active_language() == expected


def test_a_label_in_the_active_language_else_in_japanese():
    with translation.override("en"):
        assert pick(LABEL) == "Public procurement"
        assert pick({"ja": "公共調達", "en": ""}) == "公共調達"
        assert pick({"ja": "公共調達"}) == "公共調達"
        assert pick_pair("経済産業省", "Ministry of Economy") == "Ministry of Economy"
        assert pick(LABEL, "ja") == "公共調達"  # a language asked for outright
    with translation.override("ja"):
        assert pick(LABEL) == "公共調達"
        assert pick_pair("経済産業省", "Ministry of Economy") == "経済産業省"
    assert pick({}) == ""
