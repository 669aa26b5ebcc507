"""Logging in (with its second step), passwords, and the signed-in user's own things: two-factor
authentication, saved searches (the lists themselves live with their screens) and API tokens."""

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import two_factor
from accounts.api_tokens import api_token_revoke, api_tokens
from accounts.forms import CodeForm, PasswordResetForm
from accounts.middleware import owed_step_done
from accounts.models import SavedSearch
from accounts.passwords import client_address, password_reset_request_allowed
from accounts.qr import qr_code_data_url
from accounts.roles import Role, has_role, is_coordinator
from accounts.saved_searches import saved_search_save
from accounts.throttle import throttle_retry_after

# New recovery codes wait here between the request that made them and the page that shows them,
# which takes them out: they are shown once.
RECOVERY_CODES_SESSION_KEY = "accounts_new_recovery_codes"

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

    def form_valid(self, form):
        return language_remember(super().form_valid(form), self.request, form.get_user())


def language_remember(response, request, user):
    """Signed in: the user's own language (set by the roster) becomes the site's, unless this
    browser has already chosen one. Returns the response."""
    if user.language and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def _next_url(request, default: str | None = None) -> str:
    """Where to go once a step is done: a `next` on this site, else the user's starting page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or landing_url(request.user)


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    next_url = _next_url(request)
    if request.user.is_verified() or not two_factor.has_two_factor(request.user):
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        result = two_factor.two_factor_verify(user=request.user, code=form.cleaned_data["code"])
        if result.device is not None:
            _verified(request, result.device)
            if result.used_recovery_code:
                left = two_factor.recovery_codes_left(request.user)
                message = ngettext(
                    "You signed in with a recovery code; %(left)d is left. "
                    "Make new ones on the account page if you are running out.",
                    "You signed in with a recovery code; %(left)d are left. "
                    "Make new ones on the account page if you are running out.",
                    left,
                )
                messages.warning(request, message % {"left": left})
            return redirect(next_url)
        form.add_error("code", _wrong_code_message(result.retry_after))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": next_url, "signing_in": True},
    )


def _verified(request, device) -> None:
    django_otp.login(request, device)
    # a session that has gained the second factor gets a new key, like one that signs in
    request.session.cycle_key()
    owed_step_done(request)


def _wrong_code_message(retry_after: int) -> str:
    if retry_after:
        return _("Too many wrong codes. Wait %(seconds)d seconds, then try again.") % {
            "seconds": retry_after
        }
    return _(
        "That code is not right, or has been used already. Type the six digits the app shows "
        "now, or one of your recovery codes."
    )


def security(request):
    """The user's account page: password, two-factor authentication, API tokens."""
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "has_two_factor": two_factor.has_two_factor(user),
            "required": two_factor.two_factor_required(user),
            "recovery_codes_left": two_factor.recovery_codes_left(user),
            "token_count": api_tokens(user).count(),
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app: the secret as text and as a QR code, confirmed with a first
    code. With one already, this replaces it once the new one is confirmed."""
    user = request.user
    replacing = two_factor.has_two_factor(user)
    if replacing and not user.is_verified():
        return redirect(_with_next("accounts:two-factor-verify", request.get_full_path()))
    required = two_factor.two_factor_required(user)
    next_url = _next_url(request, default=reverse("accounts:security"))
    restart = request.method == "POST" and "restart" in request.POST
    device = two_factor.totp_device_start(user=user, restart=restart)
    form = CodeForm(request.POST if request.method == "POST" and not restart else None)
    if form.is_valid():
        codes = two_factor.totp_device_confirm(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            _verified(request, device)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect(_with_next("accounts:recovery-codes", next_url))
        form.add_error(
            "code",
            _(
                "That code is not right. Check that the app shows an entry for jisreview and "
                "that the phone sets its clock automatically, then type the code it shows now."
            ),
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "secret": two_factor.secret_text(device),
            "qr_code": qr_code_data_url(device.config_url),
            "replacing": replacing,
            "required": required,
            # the step a required user's first sign-in must take before anything else
            "signing_in": required and not replacing,
        },
    )


@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """New recovery codes, shown once; POST makes a new set (the old one stops working)."""
    user = request.user
    if not two_factor.has_two_factor(user):
        return redirect("accounts:security")
    if not user.is_verified():
        return redirect(_with_next("accounts:two-factor-verify", request.get_full_path()))
    if request.method == "POST":
        request.session[RECOVERY_CODES_SESSION_KEY] = two_factor.recovery_codes_issue(user=user)
        return redirect("accounts:recovery-codes")
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": request.session.pop(RECOVERY_CODES_SESSION_KEY, None),
            "left": two_factor.recovery_codes_left(user),
            "next": _next_url(request, default=reverse("accounts:security")),
        },
    )


@require_POST
def two_factor_off(request):
    """Turn two-factor authentication off, with a current code; not for those who must use it."""
    user = request.user
    if two_factor.two_factor_required(user):
        messages.error(request, _("Your role requires two-factor authentication."))
        return redirect("accounts:security")
    form = CodeForm(request.POST)
    result = (
        two_factor.two_factor_verify(user=user, code=form.cleaned_data["code"])
        if form.is_valid()
        else two_factor.Verification()
    )
    if result.device is None:
        messages.error(request, _wrong_code_message(result.retry_after))
        return redirect("accounts:security")
    two_factor.two_factor_remove(user=user)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:security")


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


class PasswordResetView(auth_views.PasswordResetView):
    """Asking for a reset link. The answer is the same whether or not an account has the address;
    requests are limited per address and per client (429 past the limit, for any address)."""

    email_template_name = "registration/password_reset_email.txt"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        allowed = password_reset_request_allowed(
            email=form.cleaned_data["email"], client=client_address(self.request)
        )
        if not allowed:
            response = self.render_to_response(
                self.get_context_data(form=form, limited=True), status=429
            )
            response["Retry-After"] = str(throttle_retry_after())
            return response
        self.extra_email_context = {"valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the e-mail: works once and for PASSWORD_RESET_TIMEOUT. The new password ends
    every session of the user and revokes their API tokens (accounts.api_tokens)."""

    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    """A new password for the signed-in user: their other sessions end (Django's session hash
    check), this one stays, and their API tokens are revoked (accounts.api_tokens)."""

    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _(
                "Your password has been changed. Your other sessions have been signed out and "
                "your API tokens revoked."
            ),
        )
        return response


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
