import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reviews", "0013_specification_evidence")]

    operations = [
        migrations.CreateModel(
            name="ComputedAnswer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("question", models.CharField(max_length=50, verbose_name="question")),
                (
                    "value",
                    models.CharField(blank=True, max_length=50, verbose_name="computed answer"),
                ),
                ("evidence", models.TextField(blank=True, verbose_name="evidence")),
                ("computed_at", models.DateTimeField(verbose_name="computed")),
                (
                    "assignment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="computed_answers",
                        to="reviews.assignment",
                    ),
                ),
            ],
            options={
                "verbose_name": "computed answer",
                "verbose_name_plural": "computed answers",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("assignment", "question"), name="computed_answer_unique"
                    )
                ],
            },
        ),
    ]
