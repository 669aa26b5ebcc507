"""The one choice between Japanese and English labels: questionnaire texts ({"ja": …, "en": …}) and
pairs of model fields (name_ja / name_en) are shown in the active language, else in Japanese."""

from collections.abc import Mapping

from django.utils import translation

LABEL_LANGUAGES = ("ja", "en")
FALLBACK = "ja"


def active_language() -> str:
    """ "ja" or "en": the active language cut to the two the labels come in ("en-us" is "en")."""
    language = (translation.get_language() or FALLBACK).split("-")[0]
    return language if language in LABEL_LANGUAGES else FALLBACK


def pick(texts: Mapping[str, str], language: str | None = None) -> str:
    """The text in `language` (default: the active one); the Japanese one when that is missing."""
    return texts.get(language or active_language()) or texts.get(FALLBACK) or ""


def pick_pair(ja: str, en: str, language: str | None = None) -> str:
    """The same choice for a pair of fields, e.g. pick_pair(ministry.name_ja, ministry.name_en)."""
    return pick({"ja": ja, "en": en}, language)
