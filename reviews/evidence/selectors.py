"""Reads of the specification evidence, under its visibility rule: a document's citations are seen
by coordinators and by the viewers of the document's ministry; a reviewer sees every citation of
the standards they hold an assignment on (the survey's rule, reviews.common.scope, for reviewers)."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from accounts.roles import Role, has_role, is_coordinator
from reviews.plan.models import PlanEntry
from reviews.survey.models import Assignment
from standards.models import Standard, Status, english_or_japanese
from standards.specifications import selectors as documents
from standards.specifications.models import (
    TO_FIX,
    CitationStatusChoice,
    ScanState,
    SpecificationCitation,
)

# the evidence panel lists this many citations; the count above it covers them all
PANEL_ROWS = 50


@dataclass
class Evidence:
    citations: list = field(default_factory=list)
    documents: int = 0
    ministries: list = field(default_factory=list)
    total: int = 0
    readable_documents: set = field(default_factory=set)  # ids the user may open


def evidence_citations(user, standard: Standard):
    """The citations of `standard` that `user` may see, in documents whose scan is done."""
    citations = SpecificationCitation.objects.filter(
        standard=standard, document__state=ScanState.DONE
    )
    if is_coordinator(user):
        return citations
    if has_role(user, Role.REVIEWER) and standard.pk is not None:
        holds = Assignment.objects.filter(standard=standard, reviewer=user.pk).exists()
        if holds:
            return citations
    ministry = documents.viewer_ministry(user)
    if ministry:
        return citations.filter(document__ministry_id=ministry)
    return citations.none()


def evidence_panel(user, standard: Standard) -> Evidence | None:
    """What the standard's page shows of the evidence: None for a user who may see none of it.
    The documents, ministries and citations are counted in the database; only the first
    PANEL_ROWS citations are read (a standard such as A 5308 is cited in thousands)."""
    if not (is_coordinator(user) or has_role(user, Role.REVIEWER, Role.MINISTRY_VIEWER)):
        return None
    citations = evidence_citations(user, standard)
    ministry = "document__ministry__"
    by_ministry = list(
        citations.values(f"{ministry}name_ja", f"{ministry}name_en")
        .annotate(documents=Count("document", distinct=True), citations=Count("pk"))
        .order_by(f"{ministry}sort_order", f"{ministry}code")
    )
    if not by_ministry:
        return Evidence()
    openable = documents.visible_documents(user).filter(pk=OuterRef("document_id"))
    rows = list(
        documents.with_documents(citations)
        .annotate(openable=Exists(openable))
        .order_by(f"{ministry}sort_order", "document_id", "position")[:PANEL_ROWS]
    )
    return Evidence(
        citations=rows,
        documents=sum(row["documents"] for row in by_ministry),
        ministries=[
            english_or_japanese(row[f"{ministry}name_ja"], row[f"{ministry}name_en"])
            for row in by_ministry
        ],
        total=sum(row["citations"] for row in by_ministry),
        readable_documents={c.document_id for c in rows if c.openable},
    )


def candidate_standards(user):
    """JIS cited in the specifications `user` sees but not yet surveyed (no assignment yet): the
    candidates for the next batch, with how many documents cite each and how many of those
    citations need fixing, and the fiscal year the plan surveys it (if planned)."""
    via = "specification_citations__"
    visible = documents.visible_citation_q(user, via) & Q(
        **{f"{via}document__state": ScanState.DONE}
    )
    planned = (
        PlanEntry.objects.filter(standard=OuterRef("pk"))
        .order_by("-programme__start_fy")
        .values("fiscal_year")[:1]
    )
    return (
        Standard.objects.filter(status=Status.ACTIVE)
        .exclude(Exists(Assignment.objects.filter(standard=OuterRef("pk"))))
        .annotate(
            citing_documents=Count(f"{via}document", filter=visible, distinct=True),
            citations_to_fix=Count(
                f"{via}id", filter=visible & Q(**{f"{via}status__in": TO_FIX}), distinct=True
            ),
            survey_fy=Subquery(planned),
        )
        .filter(citing_documents__gt=0)
        .prefetch_related("ministries")
        .order_by("-citing_documents", "division", "number")
    )


def cited_standards_by_status(user) -> list[dict]:
    """For the dashboard: per ministry whose documents the user sees, the distinct JIS cited, by
    status (a number cited as current in one document and superseded in another counts once under
    each). One query: {"ministry": code, "name": in the active language, "counts": [by status]}."""
    ministry = "document__ministry__"
    rows = (
        documents.visible_citations(user)
        .filter(document__state=ScanState.DONE)
        .values(f"{ministry}code", f"{ministry}name_ja", f"{ministry}name_en", "status")
        .annotate(n=Count("number", distinct=True))
        .order_by(f"{ministry}sort_order", f"{ministry}code")
    )
    table: dict[str, dict] = {}
    for row in rows:
        entry = table.setdefault(
            row[f"{ministry}code"],
            {
                "ministry": row[f"{ministry}code"],
                "name": english_or_japanese(row[f"{ministry}name_ja"], row[f"{ministry}name_en"]),
                "counts": dict.fromkeys(CitationStatusChoice.values, 0),
            },
        )
        entry["counts"][row["status"]] = row["n"]
    for entry in table.values():
        entry["counts"] = list(entry["counts"].values())
    return list(table.values())
