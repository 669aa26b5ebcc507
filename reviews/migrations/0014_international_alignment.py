from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reviews", "0013_specification_evidence")]

    operations = []
