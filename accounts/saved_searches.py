"""Saved searches: a user keeps the filters of a list screen under a name and returns to them."""

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from accounts.models import SavedSearch

# the list screens whose filters can be saved (URL names)
SCREENS = frozenset(
    {"standards:list", "reviews:priorities", "reviews:dashboard", "reviews:follow-ups"}
)
MAX_QUERY = 2000
NAME_MAX = SavedSearch._meta.get_field("name").max_length
MAX_PER_USER = 200


def saved_searches(user, path: str):
    return SavedSearch.objects.filter(user=user, path=path)


def saved_search_save(*, user, name: str, path: str, query: str) -> SavedSearch:
    """Save (or replace, by name) the filters `query` of the screen at `path`."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the search a name.")})
    if "\x00" in name:  # PostgreSQL cannot store it
        raise ValidationError({"name": _("A search name cannot contain null characters.")})
    if len(name) > NAME_MAX:
        raise ValidationError(
            {
                "name": _("Keep the name within %(limit)d characters; this one has %(length)d.")
                % {"limit": NAME_MAX, "length": len(name)}
            }
        )
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    if match is None or match.view_name not in SCREENS:
        raise ValidationError({"path": _("「%(path)s」 is not a list screen.") % {"path": path}})
    params = QueryDict(query, mutable=True)
    for transient in ("page", "csrfmiddlewaretoken"):
        params.pop(transient, None)
    query = params.urlencode()
    if len(query) > MAX_QUERY:
        raise ValidationError({"query": _("These filters are too long to save.")})
    existing = SavedSearch.objects.filter(user=user, path=path, name=name).first()
    if existing is None and SavedSearch.objects.filter(user=user).count() >= MAX_PER_USER:
        raise ValidationError(
            {"name": _("You have %(n)d saved searches; delete some first.") % {"n": MAX_PER_USER}}
        )
    search, _created = SavedSearch.objects.update_or_create(
        user=user, path=path, name=name, defaults={"query": query}
    )
    return search
