import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("standards", "0004_specifications")]

    operations = [
        migrations.CreateModel(
            name="InternationalStandard",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reference",
                    models.CharField(
                        help_text="ISO 13482:2014, IEC 60947-2:2016",
                        max_length=120,
                        verbose_name="reference",
                    ),
                ),
                ("body", models.CharField(max_length=40, verbose_name="body")),
                (
                    "document",
                    models.CharField(
                        help_text="ISO 13482", max_length=110, verbose_name="document"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "edition",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="edition"),
                ),
                (
                    "published_on",
                    models.DateField(blank=True, null=True, verbose_name="published"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("current", "Current"), ("withdrawn", "Withdrawn")],
                        default="current",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "replaced_by",
                    models.CharField(blank=True, max_length=120, verbose_name="replaced by"),
                ),
                ("updated_at", models.DateTimeField(verbose_name="updated")),
            ],
            options={
                "verbose_name": "international standard",
                "verbose_name_plural": "international standards",
                "ordering": ("document", "year"),
                "indexes": [models.Index(fields=["document"], name="international_document")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("reference",), name="international_reference_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="StandardAlignment",
            fields=[
                (
                    "standard",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="alignment",
                        serialize=False,
                        to="standards.standard",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("aligned", "Aligned"),
                            ("revised", "International standard revised"),
                            ("withdrawn", "International standard withdrawn"),
                            ("unknown", "Not in the international data"),
                        ],
                        max_length=10,
                        verbose_name="international alignment",
                    ),
                ),
                (
                    "newer_reference",
                    models.CharField(
                        blank=True, max_length=120, verbose_name="newer international edition"
                    ),
                ),
                (
                    "newer_published_on",
                    models.DateField(blank=True, null=True, verbose_name="newer edition published"),
                ),
                ("counterparts", models.JSONField(default=list, verbose_name="counterparts")),
                ("computed_at", models.DateTimeField(verbose_name="computed")),
            ],
            options={
                "verbose_name": "international alignment",
                "verbose_name_plural": "international alignments",
                "indexes": [models.Index(fields=["status"], name="standard_alignment_status")],
            },
        ),
    ]
