"""The catalog: standards, their ministries, drafting bodies and international counterparts."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from standards import dates
from standards.numbers import InvalidJisNumber, parse_jis_number, search_key


class Division(models.TextChoices):
    A = "A", _("Civil engineering and architecture")
    B = "B", _("Mechanical engineering")
    C = "C", _("Electronic and electrical engineering")
    D = "D", _("Automotive engineering")
    E = "E", _("Railway engineering")
    F = "F", _("Shipbuilding")
    G = "G", _("Ferrous materials and metallurgy")
    H = "H", _("Non-ferrous materials and metallurgy")
    K = "K", _("Chemical engineering")
    L = "L", _("Textile engineering")
    M = "M", _("Mining")
    P = "P", _("Pulp and paper")
    Q = "Q", _("Management systems")
    R = "R", _("Ceramics")
    S = "S", _("Domestic wares")
    T = "T", _("Medical equipment and safety appliances")
    W = "W", _("Aircraft and aviation")
    X = "X", _("Information processing")
    Y = "Y", _("Services")
    Z = "Z", _("Miscellaneous")


class Kind(models.TextChoices):
    """What a catalog number names: a standard, or a technical specification or report, which
    the Industrial Standardization Act does not put to the five-year review."""

    JIS = "JIS", _("Standard (JIS)")
    TS = "TS", _("Technical specification (TS)")
    TR = "TR", _("Technical report (TR)")


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Degree(models.TextChoices):
    """Degree of correspondence, after ISO/IEC Guide 21-1."""

    IDT = "IDT", _("Identical (IDT)")
    MOD = "MOD", _("Modified (MOD)")
    NEQ = "NEQ", _("Not equivalent (NEQ)")


class StrategicField(models.TextChoices):
    """METI's pilot standardization fields and the government's strategic fields."""

    QUANTUM = "quantum", _("Quantum")
    HYDROGEN = "hydrogen", _("Hydrogen and ammonia")
    BIOMANUFACTURING = "biomanufacturing", _("Bio-manufacturing")
    DATA_LINKAGE = "data_linkage", _("Data-linkage infrastructure")
    PEROVSKITE = "perovskite", _("Perovskite solar cells")
    AI_SEMICONDUCTORS = "ai_semiconductors", _("AI and semiconductors")
    SHIPBUILDING = "shipbuilding", _("Shipbuilding")
    AEROSPACE = "aerospace", _("Aerospace")
    CYBERSECURITY = "cybersecurity", _("Cybersecurity")
    DISASTER_RESILIENCE = "disaster_resilience", _("Disaster prevention and resilience")
    ENERGY_GX = "energy_gx", _("Energy and green transformation")
    HEALTHCARE = "healthcare", _("Healthcare and pharmaceuticals")
    CRITICAL_MINERALS = "critical_minerals", _("Critical minerals")


def english_or_japanese(japanese: str, english: str) -> str:
    """The English text when the active language is English and there is one, else the Japanese."""
    return (english if (translation.get_language() or "").startswith("en") else "") or japanese


class Ministry(models.Model):
    """A competent minister (主務大臣) under the Industrial Standardization Act."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    aliases = models.CharField(
        _("aliases"),
        max_length=200,
        blank=True,
        help_text=_("Other spellings accepted on import, separated by semicolons."),
    )
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Receives escalations of long-overdue surveys."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ("sort_order", "code")
        verbose_name = _("competent ministry")
        verbose_name_plural = _("competent ministries")

    def __str__(self):
        return self.name_ja

    @property
    def name(self) -> str:
        """The name in the active language: the English one on English pages, where there is one."""
        return english_or_japanese(self.name_ja, self.name_en)

    def spellings(self) -> list[str]:
        extra = [alias.strip() for alias in self.aliases.split(";") if alias.strip()]
        return [self.code, self.name_ja, self.name_en, *extra]


class DraftingBody(models.Model):
    """An organisation that drafts JIS (原案作成団体), usually an industry association."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("drafting body")
        verbose_name_plural = _("drafting bodies")

    def __str__(self):
        return self.name


class StandardQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Status.ACTIVE)

    def plannable(self):
        """What the five-year review plans: active standards, not TS or TR documents."""
        return self.active().filter(kind=Kind.JIS)

    def for_listing(self):
        return self.select_related("drafting_body", "alignment").prefetch_related("ministries")


class Standard(models.Model):
    number = models.CharField(_("number"), max_length=40, help_text="JIS B 8445")
    kind = models.CharField(
        _("kind"), max_length=3, choices=Kind.choices, default=Kind.JIS, editable=False
    )
    edition_year = models.PositiveSmallIntegerField(
        _("edition"), null=True, blank=True, help_text=_("The year of the current edition: 2016.")
    )
    amendments = models.JSONField(
        _("amendments"),
        default=list,
        blank=True,
        help_text=_("Amendments of the edition, as designated: JIS C 8201-2-1:2011/追補1:2018."),
    )
    division = models.CharField(_("division"), max_length=1, choices=Division.choices)
    title_ja = models.CharField(_("title (Japanese)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    established_on = models.DateField(_("established"), null=True, blank=True)
    revised_on = models.DateField(_("last revised"), null=True, blank=True)
    confirmed_on = models.DateField(_("last confirmed"), null=True, blank=True)
    ministries = models.ManyToManyField(
        Ministry, verbose_name=_("competent ministers"), related_name="standards", blank=True
    )
    drafting_body = models.ForeignKey(
        DraftingBody,
        verbose_name=_("drafting body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="standards",
        help_text=_("The first of the drafting bodies: the one surveys are routed by."),
    )
    drafting_bodies = models.ManyToManyField(
        DraftingBody,
        verbose_name=_("drafting bodies"),
        related_name="drafted_standards",
        blank=True,
    )
    ics_codes = models.JSONField(_("ICS codes"), default=list, blank=True)
    fast_track = models.BooleanField(_("fast-track"), default=False)
    strategic_fields = models.JSONField(_("strategic fields"), default=list, blank=True)
    international_text = models.TextField(
        _("international standards as written"),
        blank=True,
        help_text=_(
            "The catalog file's text, kept as it was; the correspondences are read from it."
        ),
    )
    review_due_on = models.DateField(_("review due"), null=True, blank=True, editable=False)
    review_due_fy = models.PositiveSmallIntegerField(
        _("review due fiscal year"), null=True, blank=True, editable=False
    )
    is_generated = models.BooleanField(
        _("generated"),
        default=False,
        help_text=_("Made up for the demo catalog, not a real standard."),
    )
    source_url = models.CharField(_("source"), max_length=500, blank=True)
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StandardQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[ministries, drafting_bodies], excluded_fields=["search_text", "updated_at"]
    )

    class Meta:
        ordering = ("division", "number")
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        # Declared here rather than with unique=True/db_index=True on the fields, so that the history
        # table (which copies field options) does not carry indexes it never uses.
        constraints = [models.UniqueConstraint(fields=["number"], name="standard_number_unique")]
        indexes = [
            models.Index(fields=["division", "number"], name="standard_division_number"),
            models.Index(fields=["review_due_fy"], name="standard_review_due_fy"),
        ]

    def __str__(self):
        return f"{self.number} {self.title_ja}"

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("standards:detail", args=[self.pk])

    def clean(self):
        try:
            number = parse_jis_number(self.number)
        except InvalidJisNumber as exc:
            raise ValidationError({"number": str(exc)}) from None
        if number.amendment:
            raise ValidationError(
                {"number": _("An amendment is recorded on its standard, not as a standard.")}
            )
        self.number = number.canonical
        if number.year and not self.edition_year:
            self.edition_year = number.year

    def refresh_derived_fields(self) -> None:
        """Recompute what is derived from this row's own fields."""
        for name, value in self.derived_values(
            number=self.number,
            title_ja=self.title_ja,
            title_en=self.title_en,
            established_on=self.established_on,
            revised_on=self.revised_on,
            confirmed_on=self.confirmed_on,
        ).items():
            setattr(self, name, value)

    @staticmethod
    def derived_values(
        *, number, title_ja, title_en, established_on, revised_on, confirmed_on
    ) -> dict:
        """Kind, division, review due date and fiscal year, search text: shared with bulk imports."""
        due = dates.review_due_on(established_on, revised_on, confirmed_on)
        kind, division, _rest = number.split(" ", 2)
        return {
            "kind": kind,
            "division": division,
            "review_due_on": due,
            "review_due_fy": dates.fiscal_year(due) if due else None,
            "search_text": search_key(f"{number} {title_ja} {title_en}"),
        }

    @property
    def review_due_fy_label(self) -> str:
        return dates.fiscal_year_label(self.review_due_fy) if self.review_due_fy else ""

    def strategic_field_labels(self) -> list[str]:
        labels = dict(StrategicField.choices)
        return [str(labels.get(code, code)) for code in self.strategic_fields]


class InternationalCorrespondence(models.Model):
    """An ISO/IEC document this JIS corresponds to, with the degree of correspondence."""

    standard = models.ForeignKey(
        Standard,
        on_delete=models.CASCADE,
        related_name="correspondences",
        verbose_name=_("standard"),
    )
    designation = models.CharField(_("international standard"), max_length=120)
    degree = models.CharField(_("degree"), max_length=3, choices=Degree.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("standard", "designation")
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "designation"], name="correspondence_unique"
            )
        ]
        verbose_name = _("international correspondence")
        verbose_name_plural = _("international correspondences")

    def __str__(self):
        return f"{self.designation} ({self.degree})" if self.degree else self.designation


# --- international alignment (standards.alignment) --------------------------------------------


class InternationalStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Alignment(models.TextChoices):
    """How a JIS stands against the international standards it corresponds to."""

    ALIGNED = "aligned", _("Aligned")
    REVISED = "revised", _("International standard revised")
    WITHDRAWN = "withdrawn", _("International standard withdrawn")
    UNKNOWN = "unknown", _("Not in the international data")


class InternationalStandard(models.Model):
    """One edition of an ISO, IEC or other international document, as the imported data says."""

    reference = models.CharField(
        _("reference"), max_length=120, help_text="ISO 13482:2014, IEC 60947-2:2016"
    )
    body = models.CharField(_("body"), max_length=40)
    document = models.CharField(_("document"), max_length=110, help_text="ISO 13482")
    year = models.PositiveSmallIntegerField(_("year"))
    edition = models.PositiveSmallIntegerField(_("edition"), null=True, blank=True)
    published_on = models.DateField(_("published"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InternationalStatus.choices, default="current"
    )
    replaced_by = models.CharField(_("replaced by"), max_length=120, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ("document", "year")
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="international_reference_unique")
        ]
        indexes = [models.Index(fields=["document"], name="international_document")]
        verbose_name = _("international standard")
        verbose_name_plural = _("international standards")

    def __str__(self):
        return self.reference


class StandardAlignment(models.Model):
    """A standard's alignment with its international counterparts, computed by
    standards.alignment.services from the correspondences and the international data: overall
    (a column, so the filters are plain queries) and per counterpart (`counterparts`, each
    {designation, degree, status, newer, newer_published_on})."""

    standard = models.OneToOneField(
        Standard, on_delete=models.CASCADE, primary_key=True, related_name="alignment"
    )
    status = models.CharField(
        _("international alignment"), max_length=10, choices=Alignment.choices
    )
    newer_reference = models.CharField(_("newer international edition"), max_length=120, blank=True)
    newer_published_on = models.DateField(_("newer edition published"), null=True, blank=True)
    counterparts = models.JSONField(_("counterparts"), default=list)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        indexes = [models.Index(fields=["status"], name="standard_alignment_status")]
        verbose_name = _("international alignment")
        verbose_name_plural = _("international alignments")

    def __str__(self):
        return f"{self.standard_id}: {self.status}"

    def counterpart_rows(self) -> list[dict]:
        """The counterparts with their status in words, as the pages show them."""
        labels = dict(Alignment.choices)
        return [
            {**row, "status_label": labels.get(row["status"], row["status"])}
            for row in self.counterparts
        ]


# Specification documents and their citations live in their own module; imported here so that the
# app registry (and makemigrations) find them. Last, as they refer to the models above.
from standards.specifications.models import (  # noqa: E402, F401
    SpecificationCitation,
    SpecificationDocument,
)
