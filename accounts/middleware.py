"""The second step of signing in. A user with an authenticator who has given only a password sees
nothing but the page asking for its code; one who must have an authenticator and has none sees
nothing but the page setting one up. Pages open to everyone stay open (the login and reset pages)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from accounts.two_factor import SET_UP, VERIFY, two_factor_owed
from jisreview.errors import error_response, is_api

# What the session owes, worked out once per sign-in (a few queries) and kept in the session, so
# that other requests cost nothing; with the site's requirement at the time, so that turning
# JISREVIEW_REQUIRE_2FA on reaches sessions already open.
SESSION_KEY = "accounts_two_factor_owed"
STEP_PAGES = {VERIFY: "accounts:two-factor-verify", SET_UP: "accounts:two-factor-setup"}
ALWAYS_OPEN = {"logout", "set_language"}


class TwoFactorMiddleware(MiddlewareMixin):
    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        owed = owed_step(request)
        if not owed or user.is_verified():
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if view_name in ALWAYS_OPEN or view_name == STEP_PAGES[owed]:
            return None
        if is_api(request):
            # DRF marks every API view open to LoginRequiredMiddleware (it checks credentials
            # itself), so the API is closed here by its path; the token view asks for the code
            if view_name == "api-token":
                return None
            return error_response(request, 403, _step_message(owed))
        if not getattr(view_func, "login_required", True):
            return None  # open to anyone signed out, so no more to someone half signed in
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(STEP_PAGES[owed])}?{query}")


def owed_step(request) -> str:
    state = request.session.get(SESSION_KEY)
    if not (isinstance(state, list) and len(state) == 2 and state[1] == settings.REQUIRE_2FA):
        state = [two_factor_owed(request.user), settings.REQUIRE_2FA]
        request.session[SESSION_KEY] = state
    return state[0]


def owed_step_done(request) -> None:
    """The session has passed its second factor (or set one up, which verifies it)."""
    request.session[SESSION_KEY] = ["", settings.REQUIRE_2FA]


def _step_message(owed: str) -> str:
    if owed == VERIFY:
        return _("Finish signing in with the code from your authenticator app first.")
    return _("Set up two-factor authentication on the site first: your account requires it.")


@receiver(user_logged_in, dispatch_uid="accounts.middleware.owed_at_sign_in")
def _work_out_again_at_sign_in(sender, request, user, **kwargs):
    """Each sign-in decides afresh what it owes (the user may have set up an authenticator since
    this browser last signed in). Signing in for an API token has no session to clean."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SESSION_KEY, None)
