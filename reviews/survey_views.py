"""Survey pages: reviewers' assignments and questionnaire form; coordinators' batches and decisions."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role, is_coordinator
from reviews import permissions as scope
from reviews import selectors, services
from reviews.forms import AnswerForm, BatchForm, ReassignForm
from reviews.models import Assignment, Batch
from reviews.workflow import EDITABLE_STATES, OPEN_STATES, InvalidTransition, State

SORTS = {
    "due": ("due_on", "standard__number"),
    "-due": ("-due_on", "standard__number"),
    "number": ("standard__number",),
    "state": ("state", "due_on"),
}


@require_GET
def assignment_list(request):
    today = timezone.localdate()
    queryset = scope.visible_assignments(request.user).select_related(
        "standard", "reviewer", "batch"
    )
    state, overdue = request.GET.get("state", ""), request.GET.get("overdue") == "1"
    if state in State.values:
        queryset = queryset.filter(state=state)
    if overdue:
        queryset = queryset.filter(due_on__lt=today, state__in=OPEN_STATES)
    sort = request.GET.get("sort", "due")
    page = Paginator(queryset.order_by(*SORTS.get(sort, SORTS["due"])), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/assignments.html",
        {
            "page": page,
            "today": today,
            "states": State.choices,
            "state": state,
            "overdue": overdue,
            "sort": sort,
            "query": query.urlencode(),
            "open_states": OPEN_STATES,
        },
    )


def _visible_assignment(request, pk: int) -> Assignment:
    queryset = scope.visible_assignments(request.user).select_related(
        "standard", "reviewer", "questionnaire", "batch"
    )
    return get_object_or_404(queryset, pk=pk)


def _form_for(assignment, data=None, answers=None, version=None):
    response = getattr(assignment, "response", None)
    initial = AnswerForm.initial_from(
        answers if answers is not None else (response.answers if response else {})
    )
    initial["version"] = version if version is not None else (response.version if response else 0)
    return AnswerForm(
        assignment.questionnaire.definition,
        data,
        initial=initial,
        language=translation.get_language() or "ja",
    )


def _page(request, assignment, form, status=200, **extra):
    response = getattr(assignment, "response", None)
    language = translation.get_language() or "ja"
    return render(
        request,
        "reviews/assignment.html",
        {
            "assignment": assignment,
            "form": form,
            "editable": scope.can_answer(request.user, assignment)
            and assignment.state in EDITABLE_STATES,
            "can_decide": scope.can_decide(request.user) and assignment.state == State.SUBMITTED,
            "answers": _readable_answers(
                assignment.questionnaire.definition, response.answers if response else {}, language
            ),
            "transitions": assignment.transitions.select_related("by"),
            "reviewers": _reviewers() if scope.can_decide(request.user) else [],
            **extra,
        },
        status=status,
    )


@require_GET
def assignment_detail(request, pk: int):
    assignment = _visible_assignment(request, pk)
    return _page(request, assignment, _form_for(assignment))


@require_POST
def assignment_answer(request, pk: int):
    """Save a draft or submit. Whatever was typed comes back on any error; nothing is lost."""
    assignment = _visible_assignment(request, pk)
    if not scope.can_answer(request.user, assignment):
        raise PermissionDenied
    form = _form_for(assignment, data=request.POST)
    if not form.is_valid():
        return _page(request, assignment, form, status=400)
    answers = form.answers()
    try:
        services.response_save_draft(
            assignment=assignment,
            answers=answers,
            based_on=form.cleaned_data["version"],
            by=request.user,
        )
    except services.StaleResponse as stale:
        theirs = stale.response
        mine = _form_for(assignment, data=None, answers=answers, version=theirs.version)
        language = translation.get_language() or "ja"
        return _page(
            request,
            assignment,
            mine,
            status=409,
            conflict=_readable_answers(
                assignment.questionnaire.definition, theirs.answers, language
            ),
            conflict_by=theirs.updated_by,
        )
    except (ValidationError, InvalidTransition) as exc:
        return _page(request, assignment, _with_errors(form, exc), status=400)
    if request.POST.get("action") == "submit":
        try:
            services.assignment_submit(assignment=assignment, by=request.user)
        except (ValidationError, InvalidTransition) as exc:
            saved = _visible_assignment(request, pk)
            data = request.POST.copy()
            data["version"] = saved.response.version
            return _page(
                request,
                saved,
                _with_errors(_form_for(saved, data=data), exc),
                status=400,
                notice=_("Your answers were saved as a draft, but cannot be submitted yet."),
            )
        messages.success(request, _("Submitted. The coordinator will check your answers."))
        return redirect("reviews:assignments")
    messages.success(request, _("Draft saved."))
    return redirect("reviews:assignment", pk=pk)


def _with_errors(form, exc):
    """Attach service errors (question key → message) to a bound form, keeping what was typed."""
    form.is_valid()
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        errors = exc.message_dict
    else:
        errors = {None: getattr(exc, "messages", [str(exc)])}
    for key, texts in errors.items():
        form.add_error(key if key in form.fields else None, texts)
    return form


@require_POST
def assignment_decide(request, pk: int):
    assignment = _visible_assignment(request, pk)
    if not scope.can_decide(request.user):
        raise PermissionDenied
    decision, comment = request.POST.get("decision"), request.POST.get("comment", "")
    if decision == "reassign":
        reassign = ReassignForm(request.POST)
        if not reassign.is_valid():
            return _page(request, assignment, _form_for(assignment), 400, reassign=reassign)
        reviewer = reassign.cleaned_data["reviewer"]
        services.assignment_reassign(assignment=assignment, reviewer=reviewer, by=request.user)
        messages.success(
            request, _("Reassigned to %(name)s; answers are kept.") % {"name": reviewer.username}
        )
        return redirect("reviews:assignment", pk=pk)
    try:
        if decision == "accept":
            services.assignment_accept(assignment=assignment, by=request.user, comment=comment)
            messages.success(request, _("Accepted; the outcome is on the standard."))
        elif decision == "return":
            services.assignment_return(assignment=assignment, by=request.user, comment=comment)
            messages.success(request, _("Returned to the reviewer with your comment."))
        else:
            raise PermissionDenied
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("reviews:assignment", pk=pk)


def _reviewers():
    return get_user_model().objects.filter(groups__name=Role.REVIEWER).order_by("username")


def _readable_answers(definition: dict, answers: dict, language: str) -> list[tuple[str, str]]:
    rows = []
    for question in definition["questions"]:
        if question["key"] not in answers:
            continue
        value = answers[question["key"]]
        labels = {
            c["value"]: c["label"].get(language) or c["label"]["ja"]
            for c in question.get("choices", [])
        }
        if isinstance(value, bool):
            shown = _("Yes") if value else _("No")
        elif isinstance(value, list):
            shown = "、".join(labels.get(v, v) for v in value)
        else:
            shown = labels.get(value, value)
        rows.append((question["label"].get(language) or question["label"]["ja"], str(shown)))
    return rows


# --- coordinators: batches ---------------------------------------------------------------------


def _coordinator_only(request):
    if not is_coordinator(request.user):
        raise PermissionDenied


def batch_list(request):
    _coordinator_only(request)
    programme = selectors.current_programme()
    form = BatchForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.batches_create(
                programme=programme, by=request.user, **form.selection()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(count)d batch(es) created.") % {"count": len(created)})
            return redirect("reviews:batches")
    counts = {f"n_{s}": Count("assignments", filter=Q(assignments__state=s)) for s in State.values}
    overdue = Count(
        "assignments",
        filter=Q(assignments__state__in=OPEN_STATES, assignments__due_on__lt=timezone.localdate()),
    )
    batches = (
        Batch.objects.select_related("reviewer")
        .annotate(**counts, n_overdue=overdue)
        .order_by("due_on", "name")
    )
    return render(
        request,
        "reviews/batches.html",
        {"batches": batches, "form": form, "programme": programme},
        status=400 if form.errors else 200,
    )


def batch_detail(request, pk: int):
    _coordinator_only(request)
    batch = get_object_or_404(Batch.objects.select_related("reviewer"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "bulk_accept":
            _bulk_accept(request, batch)
        elif action == "reassign":
            reassign = ReassignForm(request.POST)
            if not reassign.is_valid():
                return _batch_page(request, batch, reassign, status=400)
            _batch_reassign(request, batch, reassign.cleaned_data["reviewer"])
        return redirect("reviews:batch", pk=pk)
    return _batch_page(request, batch, ReassignForm())


def _batch_page(request, batch: Batch, reassign: ReassignForm, status: int = 200):
    reviewers = get_user_model().objects.filter(groups__name=Role.REVIEWER).order_by("username")
    assignments = batch.assignments.select_related("standard", "reviewer").order_by(
        "standard__number"
    )
    return render(
        request,
        "reviews/batch.html",
        {
            "batch": batch,
            "assignments": assignments,
            "reviewers": reviewers,
            "reassign": reassign,
            "today": timezone.localdate(),
            "open_states": OPEN_STATES,
        },
        status=status,
    )


def _batch_reassign(request, batch: Batch, reviewer) -> None:
    services.batch_reassign(batch=batch, reviewer=reviewer, by=request.user)
    messages.success(
        request, _("Batch reassigned to %(name)s; answers are kept.") % {"name": reviewer.username}
    )


def _bulk_accept(request, batch: Batch) -> None:
    """Accept the ticked responses still submitted; say which had changed since the list was shown."""
    ids = [int(i) for i in request.POST.getlist("assignment") if i.isascii() and i.isdigit()]
    outcome = services.responses_bulk_accept(ids=ids, batch=batch, by=request.user)
    messages.success(
        request, _("%(count)d response(s) accepted.") % {"count": len(outcome.accepted)}
    )
    if outcome.changed:
        rows = ", ".join(
            f"{a.standard.number} ({str(State(a.state).label).lower()})" for a in outcome.changed
        )
        messages.warning(
            request,
            _("%(count)d had changed since the list was shown and were left as they are: %(rows)s.")
            % {"count": len(outcome.changed), "rows": rows},
        )


# --- reminders and notifications ------------------------------------------------------------------


@require_GET
def reminder_log(request):
    """Coordinators: what was sent to whom, and what failed."""
    _coordinator_only(request)
    from reviews.models import Reminder

    status = request.GET.get("status", "")
    queryset = Reminder.objects.order_by("-date", "recipient")
    if status in Reminder.Status.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 100).get_page(request.GET.get("page"))
    failed = Reminder.objects.filter(status=Reminder.Status.FAILED).count()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/reminders.html",
        {
            "page": page,
            "failed": failed,
            "status": status,
            "statuses": Reminder.Status.choices,
            "query": query.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
def notification_list(request):
    """A user's in-app reminders; opening the list marks them read."""
    from reviews.models import Notification

    notifications = Notification.objects.filter(user=request.user).select_related("reminder")[:100]
    items = list(notifications)
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("reviews:notifications")
    return render(request, "reviews/notifications.html", {"notifications": items})
