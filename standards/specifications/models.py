"""A specification document a ministry uploaded (or the command stored) and the JIS citations its
scan found, each judged against the catalog. The file is kept in the row itself, so the worker can
scan it wherever it runs; list queries never load it (the manager defers it)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from standards.citations import CitationStatus
from standards.documents import Location, Reason
from standards.models import Ministry, Standard


class ScanState(models.TextChoices):
    QUEUED = "queued", _("waiting for the worker")
    SCANNING = "scanning", _("scanning")
    DONE = "done", _("done")
    SKIPPED = "skipped", _("could not be read")
    FAILED = "failed", _("failed")


FINISHED_STATES = (ScanState.DONE, ScanState.SKIPPED, ScanState.FAILED)
# A scan that has said nothing for this long lost its worker: the task (acks_late) is delivered
# again and may claim it anew, and the screen offers to scan it again. A 2,000-page PDF scans in
# well under a minute.
SCAN_LOST_AFTER = dt.timedelta(minutes=10)


class CitationStatusChoice(models.TextChoices):
    CURRENT = CitationStatus.CURRENT.value, _("current")
    SUPERSEDED = CitationStatus.SUPERSEDED.value, _("superseded")
    WITHDRAWN = CitationStatus.WITHDRAWN.value, _("withdrawn")
    UNKNOWN = CitationStatus.UNKNOWN.value, _("unknown")


# the citations a ministry has to fix: the standard is gone, or the edition cited is an old one
TO_FIX = (CitationStatusChoice.WITHDRAWN, CitationStatusChoice.SUPERSEDED)

SkippedReason = models.TextChoices(
    "SkippedReason",
    [
        (reason.name, (reason.value, label))
        for reason, label in (
            (Reason.NO_TEXT_LAYER, _("no text layer (a scanned image)")),
            (Reason.ENCRYPTED, _("encrypted")),
            (Reason.CORRUPT, _("damaged")),
            (Reason.TOO_LARGE, _("too large")),
            (Reason.ARCHIVE_BOMB, _("archive bomb")),
            (Reason.UNSUPPORTED, _("format not read")),
            (Reason.ENCODING, _("unknown text encoding")),
        )
    ],
)


class DocumentManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().defer("content")


class SpecificationDocument(models.Model):
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.PROTECT,
        related_name="specifications",
        verbose_name=_("ministry"),
    )
    title = models.CharField(_("title"), max_length=300)
    file_name = models.CharField(_("file name"), max_length=300)
    content = models.BinaryField(_("content"), editable=False)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, editable=False)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    state = models.CharField(
        _("scan state"), max_length=8, choices=ScanState.choices, default=ScanState.QUEUED
    )
    pages_read = models.PositiveIntegerField(_("pages read"), default=0)
    pages = models.PositiveIntegerField(
        _("pages"),
        null=True,
        blank=True,
        help_text=_("Pages of a PDF; paragraphs, rows or blocks of other formats."),
    )
    skipped_reason = models.CharField(
        _("skipped because"), max_length=16, choices=SkippedReason.choices, blank=True
    )
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("scan started"), null=True, blank=True)
    scanned_at = models.DateTimeField(_("scanned"), null=True, blank=True)

    objects = DocumentManager()

    class Meta:
        ordering = ("-uploaded_at", "-pk")
        # the file stays out of every read, a citation's `document` and the admin's included
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["ministry", "content_hash"], name="specification_hash_unique_per_ministry"
            )
        ]
        verbose_name = _("specification document")
        verbose_name_plural = _("specification documents")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("standards:specification", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def lost(self) -> bool:
        """Scanning, but its worker has not been heard of for SCAN_LOST_AFTER."""
        return (
            self.state == ScanState.SCANNING
            and self.started_at is not None
            and self.started_at < timezone.now() - SCAN_LOST_AFTER
        )


class SpecificationCitation(models.Model):
    """One JIS cited in a document, where and how; the same number cited twice is two rows."""

    document = models.ForeignKey(
        SpecificationDocument,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("document"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.CharField(_("as written"), max_length=200)
    number = models.CharField(_("number"), max_length=40)
    edition_year = models.PositiveSmallIntegerField(_("cited edition"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CitationStatusChoice.choices)
    standard = models.ForeignKey(
        Standard,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="specification_citations",
        verbose_name=_("standard"),
    )
    current_edition_year = models.PositiveSmallIntegerField(
        _("current edition"), null=True, blank=True
    )
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    table = models.PositiveIntegerField(_("table"), null=True, blank=True)
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    paragraph = models.PositiveIntegerField(_("paragraph"), null=True, blank=True)
    line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    context = models.TextField(_("context"), blank=True)

    class Meta:
        ordering = ("document", "position")
        indexes = [
            models.Index(fields=["standard", "status"], name="spec_citation_standard"),
            models.Index(fields=["status"], name="spec_citation_status"),
        ]
        verbose_name = _("specification citation")
        verbose_name_plural = _("specification citations")

    def __str__(self):
        return f"{self.number} ({self.status})"

    @property
    def location(self) -> Location:
        return Location(
            page=self.page,
            sheet=self.sheet or None,
            table=self.table,
            row=self.row,
            paragraph=self.paragraph,
            line=self.line,
        )

    @property
    def place(self) -> str:
        """Where in the document, as the screen and the exports say it: "12", "Sheet1, row 4"."""
        return str(self.location)

    @property
    def cited_as(self) -> str:
        return f"{self.number}:{self.edition_year}" if self.edition_year else self.number

    @property
    def current_edition(self) -> str:
        if self.status == CitationStatusChoice.WITHDRAWN or not self.current_edition_year:
            return ""
        return f"{self.number}:{self.current_edition_year}"
