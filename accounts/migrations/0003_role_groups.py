"""The role groups: coordinator, reviewer, ministry viewer (administrators are superusers)."""

from django.db import migrations

ROLES = ["coordinator", "reviewer", "ministry_viewer"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
