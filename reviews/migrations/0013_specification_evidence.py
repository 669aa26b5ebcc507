from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reviews", "0012_precheck")]

    operations = [
        migrations.AddField(
            model_name="standardpriority",
            name="cited_documents",
            field=models.PositiveIntegerField(default=0, verbose_name="citing specifications"),
        ),
    ]
