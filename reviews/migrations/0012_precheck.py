# The pre-check of each organisation's list, re-routes, and hand-overs between colleagues.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0011_invitations"),
        ("standards", "0003_editions_kinds_amendments_and_drafting_bodies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # every choice as the models have them now (0011's "reassign" and "invitation" included),
        # since this migration comes after it
        migrations.AlterField(
            model_name="reminder",
            name="kind",
            field=models.CharField(
                choices=[
                    ("daily_digest", "Daily digest"),
                    ("decision", "Response accepted or returned"),
                    ("invitation", "Invitation"),
                    ("hand_over", "Assignment handed over"),
                ],
                default="daily_digest",
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="transition",
            name="action",
            field=models.CharField(
                choices=[
                    ("save_draft", "save a draft"),
                    ("submit", "submit"),
                    ("accept", "accept"),
                    ("return", "return"),
                    ("withdraw", "withdraw"),
                    ("hand_over", "hand over to a colleague"),
                    ("reassign", "reassign"),
                ],
                max_length=12,
                verbose_name="action",
            ),
        ),
        migrations.CreateModel(
            name="HandOver",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="when")),
                (
                    "assignment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="hand_overs",
                        to="reviews.assignment",
                    ),
                ),
                (
                    "from_reviewer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="from",
                    ),
                ),
                (
                    "to_reviewer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="to",
                    ),
                ),
                (
                    "transition",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="hand_over",
                        to="reviews.transition",
                    ),
                ),
            ],
            options={
                "verbose_name": "hand-over",
                "verbose_name_plural": "hand-overs",
                "ordering": ("-at", "-id"),
            },
        ),
        migrations.CreateModel(
            name="HistoricalPrecheckAnswer",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("fiscal_year", models.PositiveSmallIntegerField(verbose_name="fiscal year")),
                ("route_kind", models.CharField(max_length=20, verbose_name="organisation kind")),
                ("route_value", models.CharField(max_length=200, verbose_name="organisation")),
                (
                    "verdict",
                    models.CharField(
                        choices=[("confirmed", "Confirmed"), ("not_ours", "Not ours")],
                        max_length=10,
                        verbose_name="answer",
                    ),
                ),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
                ("answered_at", models.DateTimeField(verbose_name="answered")),
                (
                    "resolution",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("rerouted", "Re-routed"),
                            ("kept", "Kept with this organisation"),
                        ],
                        max_length=10,
                        verbose_name="resolution",
                    ),
                ),
                (
                    "resolved_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="resolved"),
                ),
                (
                    "resolution_note",
                    models.TextField(blank=True, verbose_name="coordinator's note"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="reviews.programme",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "right_body",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="standards.draftingbody",
                        verbose_name="the right drafting body",
                    ),
                ),
                (
                    "standard",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="standards.standard",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical pre-check answer",
                "verbose_name_plural": "historical pre-check answers",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="PrecheckAnswer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("fiscal_year", models.PositiveSmallIntegerField(verbose_name="fiscal year")),
                ("route_kind", models.CharField(max_length=20, verbose_name="organisation kind")),
                ("route_value", models.CharField(max_length=200, verbose_name="organisation")),
                (
                    "verdict",
                    models.CharField(
                        choices=[("confirmed", "Confirmed"), ("not_ours", "Not ours")],
                        max_length=10,
                        verbose_name="answer",
                    ),
                ),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
                ("answered_at", models.DateTimeField(verbose_name="answered")),
                (
                    "resolution",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("rerouted", "Re-routed"),
                            ("kept", "Kept with this organisation"),
                        ],
                        max_length=10,
                        verbose_name="resolution",
                    ),
                ),
                (
                    "resolved_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="resolved"),
                ),
                (
                    "resolution_note",
                    models.TextField(blank=True, verbose_name="coordinator's note"),
                ),
                (
                    "answered_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reviews.programme",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "right_body",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="standards.draftingbody",
                        verbose_name="the right drafting body",
                    ),
                ),
                (
                    "standard",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="precheck_answers",
                        to="standards.standard",
                    ),
                ),
            ],
            options={
                "verbose_name": "pre-check answer",
                "verbose_name_plural": "pre-check answers",
                "ordering": ("fiscal_year", "route_kind", "route_value", "standard__number"),
            },
        ),
        migrations.CreateModel(
            name="Reroute",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("fiscal_year", models.PositiveSmallIntegerField(verbose_name="fiscal year")),
                ("from_kind", models.CharField(max_length=20, verbose_name="from (kind)")),
                ("from_value", models.CharField(max_length=200, verbose_name="from")),
                ("to_kind", models.CharField(max_length=20, verbose_name="to (kind)")),
                ("to_value", models.CharField(max_length=200, verbose_name="to")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="when")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "answer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="reroutes",
                        to="reviews.precheckanswer",
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reviews.programme",
                    ),
                ),
                (
                    "standard",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reroutes",
                        to="standards.standard",
                    ),
                ),
            ],
            options={
                "verbose_name": "re-route",
                "verbose_name_plural": "re-routes",
                "ordering": ("at", "id"),
            },
        ),
        migrations.AddIndex(
            model_name="precheckanswer",
            index=models.Index(fields=["programme", "fiscal_year"], name="precheck_answer_year"),
        ),
        migrations.AddConstraint(
            model_name="precheckanswer",
            constraint=models.UniqueConstraint(
                fields=("programme", "fiscal_year", "standard", "route_kind", "route_value"),
                name="precheck_answer_once_per_organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="reroute",
            index=models.Index(fields=["programme", "fiscal_year"], name="reroute_year"),
        ),
    ]
