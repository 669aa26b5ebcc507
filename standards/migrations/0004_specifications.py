import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0003_editions_kinds_amendments_and_drafting_bodies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SpecificationDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("file_name", models.CharField(max_length=300, verbose_name="file name")),
                ("content", models.BinaryField(verbose_name="content")),
                (
                    "content_hash",
                    models.CharField(
                        editable=False, max_length=64, verbose_name="content hash (SHA-256)"
                    ),
                ),
                ("size", models.PositiveBigIntegerField(default=0, verbose_name="size")),
                (
                    "uploaded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="uploaded"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("queued", "waiting for the worker"),
                            ("scanning", "scanning"),
                            ("done", "done"),
                            ("skipped", "could not be read"),
                            ("failed", "failed"),
                        ],
                        default="queued",
                        max_length=8,
                        verbose_name="scan state",
                    ),
                ),
                ("pages_read", models.PositiveIntegerField(default=0, verbose_name="pages read")),
                (
                    "pages",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Pages of a PDF; paragraphs, rows or blocks of other formats.",
                        null=True,
                        verbose_name="pages",
                    ),
                ),
                (
                    "skipped_reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("no_text_layer", "no text layer (a scanned image)"),
                            ("encrypted", "encrypted"),
                            ("corrupt", "damaged"),
                            ("too_large", "too large"),
                            ("archive_bomb", "archive bomb"),
                            ("unsupported", "format not read"),
                            ("encoding", "unknown text encoding"),
                        ],
                        max_length=16,
                        verbose_name="skipped because",
                    ),
                ),
                ("error", models.TextField(blank=True, verbose_name="error")),
                (
                    "started_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="scan started"),
                ),
                ("scanned_at", models.DateTimeField(blank=True, null=True, verbose_name="scanned")),
                (
                    "ministry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="specifications",
                        to="standards.ministry",
                        verbose_name="ministry",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "base_manager_name": "objects",
                "verbose_name": "specification document",
                "verbose_name_plural": "specification documents",
                "ordering": ("-uploaded_at", "-pk"),
            },
        ),
        migrations.CreateModel(
            name="SpecificationCitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField(default=0, verbose_name="position")),
                ("text", models.CharField(max_length=200, verbose_name="as written")),
                ("number", models.CharField(max_length=40, verbose_name="number")),
                (
                    "edition_year",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="cited edition"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("current", "current"),
                            ("superseded", "superseded"),
                            ("withdrawn", "withdrawn"),
                            ("unknown", "unknown"),
                        ],
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "current_edition_year",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="current edition"
                    ),
                ),
                ("page", models.PositiveIntegerField(blank=True, null=True, verbose_name="page")),
                ("sheet", models.CharField(blank=True, max_length=100, verbose_name="sheet")),
                ("table", models.PositiveIntegerField(blank=True, null=True, verbose_name="table")),
                ("row", models.PositiveIntegerField(blank=True, null=True, verbose_name="row")),
                (
                    "paragraph",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="paragraph"),
                ),
                ("line", models.PositiveIntegerField(blank=True, null=True, verbose_name="line")),
                ("context", models.TextField(blank=True, verbose_name="context")),
                (
                    "standard",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="specification_citations",
                        to="standards.standard",
                        verbose_name="standard",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="citations",
                        to="standards.specificationdocument",
                        verbose_name="document",
                    ),
                ),
            ],
            options={
                "verbose_name": "specification citation",
                "verbose_name_plural": "specification citations",
                "ordering": ("document", "position"),
            },
        ),
        migrations.AddConstraint(
            model_name="specificationdocument",
            constraint=models.UniqueConstraint(
                fields=("ministry", "content_hash"), name="specification_hash_unique_per_ministry"
            ),
        ),
        migrations.AddIndex(
            model_name="specificationcitation",
            index=models.Index(fields=["standard", "status"], name="spec_citation_standard"),
        ),
        migrations.AddIndex(
            model_name="specificationcitation",
            index=models.Index(fields=["status"], name="spec_citation_status"),
        ),
    ]
