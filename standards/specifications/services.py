"""Writes of specification documents: an upload kept (once per ministry and content), its scan
claimed and run by the worker, and a scan the command made stored as it is."""

import hashlib
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from standards.documents import UnreadableDocument
from standards.models import Ministry, Standard
from standards.scanning import DocumentScan, specification_scan
from standards.signals import specifications_scanned
from standards.specifications.models import (
    SCAN_LOST_AFTER,
    ScanState,
    SpecificationCitation,
    SpecificationDocument,
)
from standards.specifications.uploads import upload_files

logger = logging.getLogger(__name__)

SCAN_CRASHED = "The scan stopped on an unexpected error; it has been logged."
MAX_TITLE = 300


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def specification_upload(
    *,
    ministry: Ministry,
    file_name: str,
    content: bytes,
    title: str = "",
    by=None,
    enqueue: Callable[[int], object] | None = None,
) -> tuple[SpecificationDocument, bool]:
    """Keep a document for `ministry` and have the worker scan it once committed. The same content
    uploaded again for the same ministry is not kept twice: the document already kept is the
    answer (False: not new)."""
    digest = content_hash(content)
    existing = SpecificationDocument.objects.filter(ministry=ministry, content_hash=digest).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            document = SpecificationDocument.objects.create(
                ministry=ministry,
                title=(title or file_name)[:MAX_TITLE],
                file_name=file_name[-MAX_TITLE:],  # the end: the suffix picks the reader
                content=content,
                content_hash=digest,
                size=len(content),
                uploaded_by=by,
            )
            if enqueue is not None:
                transaction.on_commit(lambda: enqueue(document.pk))
    except IntegrityError:  # the same file, uploaded at the same moment by someone else
        return SpecificationDocument.objects.get(ministry=ministry, content_hash=digest), False
    # the content stays in the row only: deferred again, as every read of a document has it, so a
    # ZIP's documents are not all held in memory by the caller's list of outcomes
    del document.content
    return document, True


class ScanHeld(Exception):
    """The document is being scanned by another delivery of the task, whose worker may yet be
    found lost: try again in `retry_in` seconds."""

    def __init__(self, retry_in: float):
        super().__init__(retry_in)
        self.retry_in = retry_in


def specification_scan_run(*, document_id: int, now=None) -> SpecificationDocument | None:
    """The worker's part: claim the document with a conditional UPDATE (a second delivery of the
    task does nothing once the scan is finished; raises ScanHeld while another holds it, and a scan
    whose worker was lost is taken over), scan it with its progress recorded as it goes, and keep
    what it cites. The citations and the state commit together."""
    now = now or timezone.now()
    if not _claim(document_id, now):
        return SpecificationDocument.objects.filter(pk=document_id).first()
    document = SpecificationDocument.objects.only("content", "file_name").get(pk=document_id)

    def progress(chunks: int) -> None:
        SpecificationDocument.objects.filter(pk=document_id).update(pages_read=chunks)

    try:
        scan = _scan_bytes(document.content, document.file_name, progress=progress)
    except UnreadableDocument as exc:
        return _finish(
            document_id, state=ScanState.SKIPPED, skipped_reason=exc.reason, error=exc.message
        )
    except Exception:
        logger.exception("scan of specification %s failed", document_id)
        return _finish(document_id, state=ScanState.FAILED, error=SCAN_CRASHED)
    with transaction.atomic():
        earlier = SpecificationCitation.objects.filter(document_id=document_id)
        cited_before = set(earlier.exclude(standard=None).values_list("standard_id", flat=True))
        earlier.delete()
        standard_ids = _citations_create(document_id, scan) | cited_before
        _finish(document_id, state=ScanState.DONE, pages=scan.chunks, pages_read=scan.chunks)
        _announce(standard_ids)
    return SpecificationDocument.objects.get(pk=document_id)


def _claim(document_id: int, now) -> bool:
    """Take the scan with a conditional UPDATE: a queued document, or one whose worker was lost.
    False: nothing to scan (finished, or gone); ScanHeld: another delivery holds it."""
    claimable = SpecificationDocument.objects.filter(pk=document_id)
    lost = now - SCAN_LOST_AFTER
    if claimable.filter(state=ScanState.QUEUED).update(
        state=ScanState.SCANNING, started_at=now, pages_read=0
    ) or claimable.filter(state=ScanState.SCANNING, started_at__lt=lost).update(
        started_at=now, pages_read=0
    ):
        return True
    held = claimable.filter(state=ScanState.SCANNING).values_list("started_at", flat=True)
    held_since = held.first()
    if held_since is not None:
        # a task given back at once when its worker died finds the scan still held: it asks
        # again once the scan would count as lost
        raise ScanHeld((held_since - lost).total_seconds() + 1)
    return False


def specification_rescan(*, document: SpecificationDocument, enqueue: Callable[[int], object]):
    """Scan a document again (after a failure, once the catalog has changed, or when its worker
    was lost); a scan going on is left to finish."""
    going_on = Q(state=ScanState.SCANNING, started_at__gte=timezone.now() - SCAN_LOST_AFTER)
    with transaction.atomic():
        SpecificationDocument.objects.filter(pk=document.pk).exclude(going_on).update(
            state=ScanState.QUEUED, pages_read=0, error="", skipped_reason=""
        )
        transaction.on_commit(lambda: enqueue(document.pk))


def specification_not_queued(*, document_id: int) -> None:
    """The broker refused the scan: say so on the document, which may be scanned again."""
    SpecificationDocument.objects.filter(pk=document_id, state=ScanState.QUEUED).update(
        state=ScanState.FAILED,
        error=_("The scan could not be handed to the worker; try “Scan again” later."),
        scanned_at=timezone.now(),
    )


def specification_store(
    *, scan: DocumentScan, ministry: Ministry, title: str | None = None, by=None
) -> tuple[SpecificationDocument, bool]:
    """Keep a document the command has scanned, with its citations, as an upload scanned by the
    worker would be (False: the same content is already kept for this ministry)."""
    content = scan.path.read_bytes()
    with transaction.atomic():
        document, created = specification_upload(
            ministry=ministry, file_name=scan.name, content=content, title=title or "", by=by
        )
        if not created:
            return document, False
        standard_ids = _citations_create(document.pk, scan)
        _finish(document.pk, state=ScanState.DONE, pages=scan.chunks, pages_read=scan.chunks)
        _announce(standard_ids)
    return SpecificationDocument.objects.get(pk=document.pk), True


def _scan_bytes(content: bytes | memoryview, file_name: str, *, progress) -> DocumentScan:
    # the readers take a path (pypdf and openpyxl stream from a file): the content goes to a
    # temporary file named with the document's suffix, which picks the reader
    suffix = Path(file_name).suffix.lower()[:10]
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(content)
        handle.flush()
        return specification_scan(Path(handle.name), name=file_name, progress=progress)


def _citations_create(document_id: int, scan: DocumentScan) -> set[int]:
    numbers = {item.citation.number for item in scan.citations}
    standards = dict(Standard.objects.filter(number__in=numbers).values_list("number", "pk"))
    rows = []
    for position, item in enumerate(scan.citations):
        citation, where = item.citation, item.citation.location
        rows.append(
            SpecificationCitation(
                document_id=document_id,
                position=position,
                text=citation.text[:200],
                number=citation.number,
                edition_year=citation.edition_year,
                status=str(item.status),
                standard_id=standards.get(citation.number),
                current_edition_year=item.catalog_edition_year,
                page=where.page if where else None,
                sheet=(where.sheet or "")[:100] if where else "",
                table=where.table if where else None,
                row=where.row if where else None,
                paragraph=where.paragraph if where else None,
                line=where.line if where else None,
                context=citation.context,
            )
        )
    SpecificationCitation.objects.bulk_create(rows, batch_size=1000)
    return set(standards.values())


def _finish(document_id: int, *, state: str, **fields) -> SpecificationDocument | None:
    SpecificationDocument.objects.filter(pk=document_id).update(
        state=state, scanned_at=timezone.now(), **fields
    )
    return SpecificationDocument.objects.filter(pk=document_id).first()


def _announce(standard_ids: set[int]) -> None:
    ids = sorted(standard_ids)
    # robust: the scan is committed by then; a follower that fails is logged, not the scan's failure
    transaction.on_commit(
        lambda: specifications_scanned.send(sender=SpecificationDocument, standard_ids=ids),
        robust=True,
    )


@dataclass(frozen=True, slots=True)
class UploadOutcome:
    name: str
    document: SpecificationDocument | None = None
    created: bool = False
    problem: str = ""


def specifications_upload(
    *, ministry: Ministry, files, title: str = "", by=None, enqueue=None
) -> list[UploadOutcome]:
    """Every document among the uploaded files (a ZIP's documents taken out), each kept in its own
    transaction and scanned by the worker; files refused (too large, a broken or bomb ZIP) say why
    and stop nothing."""
    outcomes = []
    for item in upload_files(files):
        if item.content is None:
            outcomes.append(UploadOutcome(item.name, problem=item.problem))
            continue
        document, created = specification_upload(
            ministry=ministry,
            file_name=item.name,
            content=item.content,
            title=title,
            by=by,
            enqueue=enqueue,
        )
        outcomes.append(UploadOutcome(item.name, document, created))
    return outcomes
