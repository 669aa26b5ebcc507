"""Saving and deleting one's searches (the lists themselves live with their screens)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import SavedSearch
from accounts.saved_searches import saved_search_save


@require_POST
def saved_search_create(request):
    path = request.POST.get("path", "")
    query = request.POST.get("query", "")
    try:
        search = saved_search_save(
            user=request.user, name=request.POST.get("name", ""), path=path, query=query
        )
    except ValidationError as exc:
        for problems in exc.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(_back(request, path, query))
    messages.success(request, _("Saved the search 「%(name)s」.") % {"name": search.name})
    return redirect(search.get_absolute_url())


@require_POST
def saved_search_delete(request, pk: int):
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    search.delete()
    messages.success(request, _("Deleted the search 「%(name)s」.") % {"name": search.name})
    return redirect(search.path)


def _back(request, path: str, query: str) -> str:
    if path.startswith("/") and url_has_allowed_host_and_scheme(
        path, allowed_hosts={request.get_host()}
    ):
        return f"{path}?{query}" if query else path
    return "/"
