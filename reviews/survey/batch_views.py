"""Coordinators' batch pages: cutting a year into batches (preview, then create), and one batch's
page (bulk accept, reassign, withdraw)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import is_coordinator
from reviews.plan.selectors import current_programme
from reviews.survey import selectors, services
from reviews.survey.forms import BatchForm, ReassignForm
from reviews.survey.models import Batch
from reviews.survey.workflow import OPEN_STATES, State


def _coordinator_only(request):
    if not is_coordinator(request.user):
        raise PermissionDenied


def batch_list(request):
    """GET: the batches and an empty form. POST `preview` (the default): the batches the form would
    make, written nowhere; `change`: back to the form as it was filled; `create`: make them, if
    they are still those that were shown."""
    _coordinator_only(request)
    programme = current_programme()
    if request.method != "POST":
        return _batches_page(request, BatchForm(programme=programme), programme)
    form = BatchForm(request.POST, programme=programme)
    action = request.POST.get("action", "preview")
    if action == "change" or not form.is_valid():
        return _batches_page(request, form, programme)
    selection = {"programme": programme, **form.selection()}
    if action == "create":
        return _create(request, form, selection)
    try:
        plan = selectors.batch_plan(**selection)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _batches_page(request, form, programme)
    return _preview_page(request, form, plan)


def _create(request, form: BatchForm, selection: dict):
    try:
        created = services.batches_create(
            by=request.user, expected=request.POST.get("plan", ""), **selection
        )
    except services.PlanChanged as changed:
        return _preview_page(request, form, changed.plan, changed=True)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _batches_page(request, form, selection["programme"])
    standards = sum(batch.assignments.count() for batch in created)
    messages.success(
        request,
        ngettext(
            "%(count)d batch of %(standards)d standards created.",
            "%(count)d batches of %(standards)d standards created.",
            len(created),
        )
        % {"count": len(created), "standards": standards},
    )
    return redirect("reviews:batches")


def _batches_page(request, form: BatchForm, programme):
    """The list and the form; a form with errors comes with their summary at the top (400)."""
    refused = form.is_bound and bool(form.errors)
    batches = sorted(
        selectors.batches_with_progress(Batch.objects.all(), today=timezone.localdate())
        .select_related("reviewer")
        .order_by("due_on", "name"),
        key=_in_number_order,
    )
    return render(
        request,
        "reviews/batches.html",
        {
            "batches": batches,
            "form": form,
            "programme": programme,
            "rules": selectors.routing_rules(),
            "withdrawn": selectors.batches_withdrawn(),
        },
        status=400 if refused else 200,
    )


def _in_number_order(batch: Batch):
    """By due date, then name, a cut's batches by number: #2 before #10."""
    prefix, _sep, number = batch.name.rpartition(" #")
    if not (prefix and number.isdigit()):
        return (batch.due_on, batch.name, 0)
    return (batch.due_on, prefix, int(number))


def _preview_page(request, form: BatchForm, plan, *, changed: bool = False):
    """What the form would make. Nothing is written: the form's values travel in hidden fields
    with the plan's digest, so creating makes exactly this or says it changed (409)."""
    return render(
        request,
        "reviews/batch_preview.html",
        {"form": form, "plan": plan, "changed": changed},
        status=409 if changed else 200,
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
        elif action == "withdraw":
            return _batch_withdraw(request, batch)
        return redirect("reviews:batch", pk=pk)
    return _batch_page(request, batch, ReassignForm())


def _batch_page(request, batch: Batch, reassign: ReassignForm, status: int = 200):
    assignments = list(
        batch.assignments.select_related("standard", "reviewer").order_by("standard__number")
    )
    today = timezone.localdate()
    return render(
        request,
        "reviews/batch.html",
        {
            "batch": batch,
            "assignments": assignments,
            "reviewers": selectors.reviewers(),
            "reassign": reassign,
            "today": today,
            "open_states": OPEN_STATES,
            "n_submitted": sum(a.state == State.SUBMITTED for a in assignments),
            "n_overdue": sum(a.state in OPEN_STATES and a.due_on < today for a in assignments),
            # the service decides; this only keeps a button off the page that would be refused
            "withdrawable": all(a.state in (State.ASSIGNED, State.WITHDRAWN) for a in assignments),
        },
        status=status,
    )


def _batch_reassign(request, batch: Batch, reviewer) -> None:
    services.batch_reassign(batch=batch, reviewer=reviewer, by=request.user)
    messages.success(
        request, _("Batch reassigned to %(name)s; answers are kept.") % {"name": reviewer.username}
    )


def _batch_withdraw(request, batch: Batch):
    try:
        count = services.batch_withdraw(batch=batch, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reviews:batch", pk=batch.pk)
    messages.success(
        request,
        ngettext(
            "Batch %(name)s withdrawn; its %(count)d standard can go into a new batch.",
            "Batch %(name)s withdrawn; its %(count)d standards can go into a new batch.",
            count,
        )
        % {"name": batch.label, "count": count},
    )
    return redirect("reviews:batches")


LARGEST_ID = 2**63 - 1


def _bulk_accept(request, batch: Batch) -> None:
    """Accept the ticked responses still submitted; say which had changed since the list was shown."""
    # an id past the largest a row can have names no assignment (and SQLite refuses to compare it)
    ids = [
        int(i)
        for i in request.POST.getlist("assignment")
        if i.isascii() and i.isdigit() and int(i) <= LARGEST_ID
    ]
    if not ids:
        messages.error(request, _("Nothing was accepted: tick the responses to accept first."))
        return
    outcome = services.responses_bulk_accept(ids=ids, batch=batch, by=request.user)
    if outcome.accepted:
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
