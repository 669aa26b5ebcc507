from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reviews", "0010_decision_notices")]

    operations = []
