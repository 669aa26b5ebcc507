"""Who sees which specification documents, and the reads the screens and the API share.

A document is seen by coordinators and by the viewers of its ministry; the same people may upload
(coordinators for any ministry, a viewer for their own)."""

from django.db.models import Count, Q

from accounts.roles import Role, has_role, is_coordinator
from standards.models import Ministry
from standards.specifications.models import (
    TO_FIX,
    CitationStatusChoice,
    SpecificationCitation,
    SpecificationDocument,
)


def viewer_ministry(user) -> str | None:
    """The ministry a viewer's documents belong to; None for anyone else."""
    if has_role(user, Role.MINISTRY_VIEWER):
        return user.ministry_id
    return None


def can_use_specifications(user) -> bool:
    return is_coordinator(user) or bool(viewer_ministry(user))


def upload_ministries(user):
    """The ministries `user` may upload for: all for coordinators, their own for a viewer."""
    if is_coordinator(user):
        return Ministry.objects.all()
    return Ministry.objects.filter(pk=viewer_ministry(user) or "")


def visible_documents(user):
    if is_coordinator(user):
        return SpecificationDocument.objects.all()
    ministry = viewer_ministry(user)
    if not ministry:
        return SpecificationDocument.objects.none()
    return SpecificationDocument.objects.filter(ministry_id=ministry)


def visible_citations(user):
    """Citations in the documents `user` sees (the same rule, as a join)."""
    if is_coordinator(user):
        return SpecificationCitation.objects.all()
    ministry = viewer_ministry(user)
    if not ministry:
        return SpecificationCitation.objects.none()
    return SpecificationCitation.objects.filter(document__ministry_id=ministry)


def document_list(user):
    """Documents with their citations counted by status, newest first."""
    counts = {
        f"{status}_count": Count("citations", filter=Q(citations__status=status))
        for status in CitationStatusChoice.values
    }
    return (
        visible_documents(user)
        .select_related("ministry", "uploaded_by")
        .annotate(citation_count=Count("citations"), **counts)
        .order_by("-uploaded_at", "-pk")
    )


def document_citations(document: SpecificationDocument):
    return document.citations.select_related("standard").order_by("position")


def with_documents(citations, *related: str):
    """`citations` with their documents (and `related` beyond) in the same query, the documents'
    files left out: a join does not go through the documents' manager, which defers them."""
    return citations.select_related("document__ministry", *related).defer("document__content")


def fix_it_citations(user):
    """The citations to put right: a withdrawn standard, or an edition older than the current."""
    return with_documents(visible_citations(user).filter(status__in=TO_FIX), "standard").order_by(
        "document__ministry__sort_order", "document__title", "document_id", "position"
    )


def visible_citation_q(user, prefix: str = "") -> Q:
    """The same rule as a condition on citations reached through `prefix` (e.g.
    "specification_citations__" from a standard), for counting in one query."""
    if is_coordinator(user):
        return Q()
    ministry = viewer_ministry(user)
    if not ministry:
        return Q(**{f"{prefix}pk__in": []})
    return Q(**{f"{prefix}document__ministry_id": ministry})
