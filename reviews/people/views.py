"""The people screen for coordinators (everyone, their state, last sign-in and open work; resend an
invitation; deactivate with confirmation) with its exports, and the invitation link's page."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role, is_coordinator
from accounts.views import landing_url, language_remember
from jisreview.pagination import screen_page
from reviews.people import selectors, services
from reviews.people.filters import PeopleFilter
from reviews.people.forms import InvitationPasswordForm
from standards import exports

PAGE_SIZE = 50
# What a link that opens nothing says; in every case nothing was changed.
LINK_PROBLEMS = {
    "invalid": gettext_lazy(
        "This link is not valid: it was changed or not copied whole. Copy the whole link from "
        "the e-mail, or ask the review office for a new invitation."
    ),
    "expired": gettext_lazy(
        "This invitation has expired. Ask the review office to send you a new one."
    ),
    "used": gettext_lazy(
        "This invitation has been used already: your password is set. Sign in, or reset your "
        "password if you have forgotten it."
    ),
    "superseded": gettext_lazy(
        "A newer invitation has been sent to you since this one. Use the link in the latest e-mail."
    ),
    "deactivated": gettext_lazy(
        "This account has been deactivated. Ask the review office if you need access."
    ),
}


def _coordinator_only(request) -> None:
    if not is_coordinator(request.user):
        raise PermissionDenied


def _filtered(request) -> PeopleFilter:
    return PeopleFilter(request.GET, queryset=selectors.people())


def _roles(person) -> str:
    labels = dict(Role.choices)
    names = sorted(str(labels[g.name]) for g in person.groups.all() if g.name in labels)
    if person.is_superuser:
        names.insert(0, _("Administrator"))
    return ", ".join(names)


def _organisation(person) -> str:
    if person.organisation:
        return person.organisation
    if person.drafting_body_id:
        return person.drafting_body.name
    return person.ministry.name if person.ministry_id else ""


def _dress(person, by) -> None:
    person.roles = _roles(person)
    person.organisation_text = _organisation(person)
    person.state_label = dict(selectors.State.CHOICES)[person.state]
    person.may_manage = selectors.may_manage(by, person)
    person.may_be_invited = person.may_manage and selectors.may_be_invited(person)


@require_GET
def people_list(request):
    _coordinator_only(request)
    filterset = _filtered(request)
    page, query = screen_page(request, filterset.qs, PAGE_SIZE)
    page.object_list = list(page.object_list)
    for person in page.object_list:
        _dress(person, request.user)
    return render(
        request,
        "reviews/people/people.html",
        {"filter": filterset, "page": page, "query": query},
    )


def _export_columns() -> list[tuple[str, object]]:
    def when(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    return [
        (_("User name"), lambda p: p.username),
        (_("Name"), lambda p: p.get_full_name()),
        (_("E-mail"), lambda p: p.email),
        (_("Organisation"), lambda p: p.organisation_text),
        (_("Role"), lambda p: p.roles),
        (_("State"), lambda p: str(p.state_label)),
        (_("Invited"), lambda p: when(p.invited_at)),
        (_("Last login"), lambda p: when(p.last_login)),
        (_("Open assignments"), lambda p: p.open_assignments),
    ]


@require_GET
def people_export(request, fmt: str):
    """The filtered list as CSV or XLSX, read in chunks (the groups prefetched per chunk)."""
    _coordinator_only(request)
    columns = _export_columns()
    header = [name for name, _value in columns]

    def rows():
        for person in _filtered(request).qs.iterator(chunk_size=500):
            _dress(person, request.user)
            yield [value(person) for _name, value in columns]

    name = f"people-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "xlsx":
        return exports.xlsx_response(name, "people", header, rows())
    return exports.csv_response(name, header, rows())


@require_POST
def person_invite(request, pk: int):
    """Send (again) an invitation to someone who has never signed in; the older link stops working."""
    _coordinator_only(request)
    person = get_object_or_404(get_user_model().objects.prefetch_related("groups"), pk=pk)
    if not selectors.may_manage(request.user, person):
        messages.error(request, _not_yours_message(person))
    elif not selectors.may_be_invited(person):
        messages.error(
            request,
            _(
                "%(name)s cannot be invited: only active people who have never signed in can be. "
                "Someone who has signed in can reset their password from the sign-in page."
            )
            % {"name": person.get_username()},
        )
    elif not person.email:
        messages.error(
            request,
            _("%(name)s has no e-mail address to send an invitation to.")
            % {"name": person.get_username()},
        )
    else:
        services.invitations_send(users=[person], by=request.user)
        messages.success(
            request,
            _("An invitation is on its way to %(email)s. Links sent before no longer work.")
            % {"email": person.email},
        )
    return redirect(_back(request))


@require_http_methods(["GET", "POST"])
def person_deactivate(request, pk: int):
    """Deactivate someone after a confirmation page that says how much open work goes back to
    routing."""
    _coordinator_only(request)
    person = get_object_or_404(selectors.people(), pk=pk)
    _dress(person, request.user)
    if request.method == "POST" and person.is_active:
        try:
            outcome = services.person_deactivate(user=person, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(_back(request))
        messages.success(request, _deactivated_message(person, outcome))
        if outcome.unrouted:
            messages.warning(request, _unrouted_message(outcome))
        return redirect(_back(request))
    return render(
        request,
        "reviews/people/deactivate_confirm.html",
        {"person": person, "back": _back(request), "is_self": person.pk == request.user.pk},
    )


def _not_yours_message(person) -> str:
    return _(
        "Only an administrator may invite or deactivate %(name)s (an administrator or a "
        "coordinator)."
    ) % {"name": person.get_username()}


def _deactivated_message(person, outcome) -> str:
    done = _(
        "%(name)s is deactivated: they can no longer sign in and their API tokens are revoked."
    ) % {"name": person.get_username()}
    if not outcome.n_reassigned:
        return done
    moved = _("%(count)d open assignment(s) went back to routing.") % {
        "count": outcome.n_reassigned
    }
    return f"{done} {moved}"


def _unrouted_message(outcome) -> str:
    numbers = ", ".join(a.standard.number for a in outcome.unrouted[:10])
    return _(
        "No routing rule with an active reviewer covers %(count)d assignment(s) (%(numbers)s); "
        "they stay with the deactivated person until you reassign them on their batch's page."
    ) % {"count": len(outcome.unrouted), "numbers": numbers}


def _back(request) -> str:
    """Back to the people list with the filters it had."""
    query = request.POST.get("query", request.GET.get("query", ""))
    base = reverse("reviews:people")
    return f"{base}?{query}" if query else base


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """The invitation link: set a first password, then go on signed in (to set up two-factor
    authentication first where the role requires it). A link that opens nothing says why and
    changes nothing."""
    opened = selectors.invitation_open(token)
    if opened.invitation is None:
        return _link_problem(request, opened.problem)
    user = opened.invitation.user
    form = InvitationPasswordForm(user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            return _link_problem(request, exc.code or "invalid")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your password is set. Welcome to the JIS review."))
        return language_remember(redirect(landing_url(user)), request, user)
    return render(
        request,
        "reviews/people/invitation.html",
        {"form": form, "person": user},
        status=400 if form.is_bound else 200,
    )


def _link_problem(request, problem: str):
    return render(
        request,
        "reviews/people/invitation_problem.html",
        {"problem": problem, "message": LINK_PROBLEMS.get(problem, LINK_PROBLEMS["invalid"])},
        status=400,
    )
