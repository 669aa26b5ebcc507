"""Logging in, and the signed-in user's own things: saved searches (the lists themselves live
with their screens) and API tokens."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.api_tokens import api_token_revoke, api_tokens
from accounts.models import SavedSearch
from accounts.roles import Role, has_role, is_coordinator
from accounts.saved_searches import saved_search_save

# Where each role starts its work; a user with several roles starts at the first that applies.
# Coordinators (and administrators) look after the catalog.
ROLE_LANDING_PAGES = (
    (Role.REVIEWER, "reviews:assignments"),
    (Role.MINISTRY_VIEWER, "reviews:priorities"),
)


def landing_url(user) -> str:
    """The page a user starts on after logging in or opening the site's root."""
    if not is_coordinator(user):
        for role, url_name in ROLE_LANDING_PAGES:
            if has_role(user, role):
                return reverse(url_name)
    return reverse("standards:list")


class LoginView(auth_views.LoginView):
    """Django's login page, leading to the user's own starting page unless a safe `next` names
    another (an unsafe one is ignored by Django)."""

    def get_default_redirect_url(self):
        return landing_url(self.request.user)


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


def api_token_list(request):
    return render(request, "accounts/api_tokens.html", {"tokens": api_tokens(request.user)})


@require_POST
def api_token_revoke_view(request, digest: str):
    if not api_token_revoke(user=request.user, digest=digest):
        raise Http404
    messages.success(request, _("Revoked the token. Programs using it must obtain a new one."))
    return redirect("accounts:api-tokens")
