from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_saved_searches")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="organisation",
            field=models.CharField(blank=True, max_length=200, verbose_name="organisation"),
        ),
        migrations.AddField(
            model_name="user",
            name="language",
            field=models.CharField(
                blank=True,
                choices=[("ja", "Japanese"), ("en", "English")],
                help_text="For e-mails, and the site's language after login.",
                max_length=8,
                verbose_name="language",
            ),
        ),
    ]
