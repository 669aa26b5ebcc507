# A decision on a response (accepted or returned) is a notice of its own kind in the reminders'
# outbox; only the daily digest is once a day per recipient.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_plan_year_history_plan_runs"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="reminder",
            name="reminder_once_a_day",
        ),
        migrations.AlterField(
            model_name="reminder",
            name="kind",
            field=models.CharField(
                choices=[
                    ("daily_digest", "Daily digest"),
                    ("decision", "Response accepted or returned"),
                ],
                default="daily_digest",
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "daily_digest")),
                fields=("recipient", "kind", "date"),
                name="reminder_once_a_day",
            ),
        ),
    ]
