"""Survey pages: reviewers' assignments and questionnaire form; coordinators' decisions on them
(the batch pages are in batch_views)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from reviews.common import scope
from reviews.common.i18n import pick
from reviews.survey import prefill, selectors, services
from reviews.survey.filters import AssignmentFilter
from reviews.survey.forms import AnswerForm, ReassignForm
from reviews.survey.models import Assignment
from reviews.survey.workflow import (
    EDITABLE_STATES,
    OPEN_STATES,
    Action,
    InvalidTransition,
    State,
    allows,
)

SORTS = {
    "due": ("due_on", "standard__number"),
    "-due": ("-due_on", "standard__number"),
    "number": ("standard__number",),
    "state": ("state", "due_on"),
}


@require_GET
def assignment_list(request):
    visible = selectors.visible_assignments(request.user).select_related(
        "standard", "reviewer", "batch"
    )
    filters = AssignmentFilter(request.GET or None, queryset=visible, request=request)
    sort = request.GET.get("sort", "due")
    page = Paginator(filters.qs.order_by(*SORTS.get(sort, SORTS["due"])), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/assignments.html",
        {
            "page": page,
            "filters": filters,
            "today": timezone.localdate(),
            "sort": sort,
            "query": query.urlencode(),
            "open_states": OPEN_STATES,
        },
    )


def _visible_assignment(request, pk: int) -> Assignment:
    queryset = selectors.visible_assignments(request.user).select_related(
        "standard", "standard__alignment", "reviewer", "questionnaire", "batch", "response"
    )
    return get_object_or_404(queryset, pk=pk)


def _form_for(assignment, data=None, answers=None, version=None):
    response = getattr(assignment, "response", None)
    given = answers if answers is not None else (response.answers if response else {})
    initial = AnswerForm.initial_from(given)
    initial["version"] = version if version is not None else (response.version if response else 0)
    form = AnswerForm(assignment.questionnaire.definition, data, initial=initial)
    # the answers the system computed: pre-filled where the reviewer has not answered, and shown
    # with their evidence beside the question either way
    for key, computed in prefill.prefills(assignment).items():
        if key in form.fields:
            form.fields[key].prefill = computed
            if key not in given and computed.value:
                form.initial[key] = computed.value
    return form


def _page(request, assignment, form, status=200, **extra):
    response = getattr(assignment, "response", None)
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
                assignment.questionnaire.definition, response.answers if response else {}
            ),
            "transitions": assignment.transitions.select_related("by"),
            # read only where shown: beside the answers of a response no longer editable
            "computed_answers": lambda: _readable_computed(assignment),
            "reviewers": selectors.reviewers() if scope.can_decide(request.user) else [],
            "reassignable": allows(assignment.state, Action.REASSIGN),
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
    """Save a draft, or submit. On any error the page comes back with whatever was typed, the
    problems listed at the top; a failed submit writes nothing."""
    try:
        assignment = _visible_assignment(request, pk)
    except Http404:
        return _taken_back(request, pk)
    if not scope.can_answer(request.user, assignment):
        raise PermissionDenied
    form = _form_for(assignment, data=request.POST)
    submit = request.POST.get("action") == "submit"
    if not form.is_valid():
        return _page(request, assignment, form, status=400, failed_submit=submit)
    answers, based_on = form.answers(), form.cleaned_data["version"]
    save = services.response_submit if submit else services.response_save_draft
    try:
        save(assignment=assignment, answers=answers, based_on=based_on, by=request.user)
    except Assignment.DoesNotExist:  # its batch was withdrawn while the reviewer typed
        return _taken_back(request, pk)
    except services.StaleResponse as stale:
        theirs = stale.response
        mine = _form_for(assignment, data=None, answers=answers, version=theirs.version)
        return _page(
            request,
            assignment,
            mine,
            status=409,
            conflict=_readable_answers(assignment.questionnaire.definition, theirs.answers),
            conflict_by=theirs.updated_by,
        )
    except (ValidationError, InvalidTransition) as exc:
        return _page(request, assignment, _with_errors(form, exc), status=400, failed_submit=submit)
    if submit:
        messages.success(request, _("Submitted. The coordinator will check your answers."))
        return redirect("reviews:assignments")
    messages.success(request, _("Draft saved."))
    return redirect("reviews:assignment", pk=pk)


def _readable_computed(assignment) -> list[tuple[str, str, str]]:
    """(question, computed answer, evidence) as kept when the response was last saved."""
    labels = {q["key"]: q for q in assignment.questionnaire.definition["questions"]}
    rows = []
    for computed in assignment.computed_answers.order_by("question"):
        question = labels.get(computed.question)
        if question is None:
            continue
        choices = {c["value"]: pick(c["label"]) for c in question.get("choices", [])}
        value = choices.get(computed.value, computed.value) or "—"
        rows.append((pick(question["label"]), value, computed.evidence))
    return rows


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
        try:
            services.assignment_reassign(assignment=assignment, reviewer=reviewer, by=request.user)
        except InvalidTransition as exc:
            reassign.add_error(None, str(exc))
            return _page(request, assignment, _form_for(assignment), 409, reassign=reassign)
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


def _taken_back(request, pk: int):
    """The reviewer saves or submits an assignment whose batch was withdrawn meanwhile (deleted,
    kept in its history): say so, and give back what they typed, which nothing stores now."""
    record = selectors.withdrawn_assignment(request.user, pk)
    if record is None:
        raise Http404
    definition = record.questionnaire.definition
    typed = {
        q["key"]: values if len(values) > 1 else values[0]
        for q in definition["questions"]
        if (values := [v for v in request.POST.getlist(q["key"]) if v.strip()])
    }
    return render(
        request,
        "reviews/assignment_withdrawn.html",
        {"record": record, "typed": _readable_answers(definition, typed)},
        status=410,
    )


def _readable_answers(definition: dict, answers: dict) -> list[tuple[str, str]]:
    """(question, answer) in words, in the active language, for the questions answered."""
    rows = []
    for question in definition["questions"]:
        if question["key"] not in answers:
            continue
        value = answers[question["key"]]
        labels = {c["value"]: pick(c["label"]) for c in question.get("choices", [])}
        if isinstance(value, bool):
            shown = _("Yes") if value else _("No")
        elif isinstance(value, list):
            shown = pgettext("list separator", ", ").join(labels.get(v, v) for v in value)
        else:
            shown = labels.get(value, value)
        rows.append((pick(question["label"]), str(shown)))
    return rows
