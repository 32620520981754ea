"""The starter rule "A customer without contact" read as the article "a": it means customers
of value class A. Renamed where the name is still as shipped."""

from django.db import migrations

OLD, NEW = "A customer without contact", "A-class customer without contact"


def rename(apps, schema_editor):
    apps.get_model("alerts", "ToleranceRule").objects.filter(name=OLD).update(name=NEW)


def rename_back(apps, schema_editor):
    apps.get_model("alerts", "ToleranceRule").objects.filter(name=NEW).update(name=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0015_verbose_names"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
