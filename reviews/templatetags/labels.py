"""Texts that come in Japanese and English (a pair of fields, name_ja / name_en) shown in the
active language, through the one picker in reviews.common.i18n."""

from django import template

from reviews.common.i18n import pick_pair

register = template.Library()


@register.filter
def in_language(obj, field: str) -> str:
    """{{ standard|in_language:"title" }}: title_en on English pages where there is one, else
    title_ja."""
    if obj is None:
        return ""
    return pick_pair(getattr(obj, f"{field}_ja", ""), getattr(obj, f"{field}_en", ""))
