from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("standards", "0003_editions_kinds_amendments_and_drafting_bodies")]

    operations = []
