from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("standards", "0004_specifications")]

    operations = []
