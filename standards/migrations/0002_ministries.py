"""The competent ministers under the Industrial Standardization Act."""

from django.db import migrations

MINISTRIES = [
    ("METI", "経済産業大臣", "Minister of Economy, Trade and Industry", "経済産業省;経済産業;経産省", 10),
    ("MLIT", "国土交通大臣", "Minister of Land, Infrastructure, Transport and Tourism", "国土交通省;国土交通;国交省", 20),
    ("MHLW", "厚生労働大臣", "Minister of Health, Labour and Welfare", "厚生労働省;厚生労働;厚労省", 30),
    ("MAFF", "農林水産大臣", "Minister of Agriculture, Forestry and Fisheries", "農林水産省;農林水産;農水省", 40),
    ("MIC", "総務大臣", "Minister for Internal Affairs and Communications", "総務省;総務", 50),
    ("MEXT", "文部科学大臣", "Minister of Education, Culture, Sports, Science and Technology", "文部科学省;文部科学;文科省", 60),
    ("MOE", "環境大臣", "Minister of the Environment", "環境省;環境", 70),
    ("CAO", "内閣総理大臣", "Prime Minister", "内閣府;内閣総理", 80),
]


def forwards(apps, schema_editor):
    Ministry = apps.get_model("standards", "Ministry")
    for code, name_ja, name_en, aliases, order in MINISTRIES:
        Ministry.objects.update_or_create(
            code=code, defaults={"name_ja": name_ja, "name_en": name_en, "aliases": aliases, "sort_order": order}
        )


def backwards(apps, schema_editor):
    apps.get_model("standards", "Ministry").objects.filter(code__in=[m[0] for m in MINISTRIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("standards", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
