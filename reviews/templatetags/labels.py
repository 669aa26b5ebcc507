"""Texts shown in the active language: pairs of fields (title_ja / title_en) through the one picker
in reviews.common.i18n, and fiscal years (令和8年度 or FY2026)."""

from django import template

from reviews.common.i18n import pick_pair
from standards.dates import fiscal_year_label

register = template.Library()


@register.filter
def in_language(obj, field: str) -> str:
    """{{ standard|in_language:"title" }}: title_en on English pages where there is one, else
    title_ja."""
    if obj is None:
        return ""
    return pick_pair(getattr(obj, f"{field}_ja", ""), getattr(obj, f"{field}_en", ""))


@register.filter
def fiscal_year(year) -> str:
    """{{ 2026|fiscal_year }}: 令和8年度 on Japanese pages, FY2026 on English ones."""
    return fiscal_year_label(int(year)) if year not in (None, "") else ""
