from django.db import migrations, models

# The ranking as it stood when this migration was written (reviews.priority.rule.STRENGTH_ORDER,
# strongest first), frozen here: a migration must not change meaning when the rule later does.
# The daily refresh recomputes every verdict with the rule of the day anyway.
STRENGTH_ORDER = (
    "cited_in_procurement",
    "usable",
    "usable_with_conditions",
    "fast_track",
    "revision_recommended",
    "strategic_field",
    "review_due_soon",
)


def _strength(reasons) -> int:
    last = len(STRENGTH_ORDER) - 1
    return sum(
        1 << (last - STRENGTH_ORDER.index(code)) for code in set(reasons) & set(STRENGTH_ORDER)
    )


def rank_stored_verdicts(apps, schema_editor):
    StandardPriority = apps.get_model("reviews", "StandardPriority")
    verdicts = list(StandardPriority.objects.exclude(reasons=[]).only("id", "reasons"))
    for verdict in verdicts:
        verdict.strength = _strength(verdict.reasons)
        verdict.reasons = sorted(
            verdict.reasons,
            key=lambda code: (
                STRENGTH_ORDER.index(code) if code in STRENGTH_ORDER else len(STRENGTH_ORDER)
            ),
        )
    StandardPriority.objects.bulk_update(verdicts, ["strength", "reasons"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0007_follow_ups"),
    ]

    operations = [
        migrations.AddField(
            model_name="standardpriority",
            name="strength",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="strength"),
        ),
        migrations.RunPython(rank_stored_verdicts, migrations.RunPython.noop),
    ]
