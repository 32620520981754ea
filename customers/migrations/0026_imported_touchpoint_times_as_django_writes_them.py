"""Touchpoints imported from files on SQLite were stored as "2026-11-20T08:15:00"; Django
writes "2026-11-20 08:15:00", and its SQLite date functions read only that (the admin's
touchpoint list failed on them). PostgreSQL stores timestamps, not text: nothing to do."""

from django.db import migrations


def respell(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        "UPDATE customers_interaction SET occurred_at = REPLACE(occurred_at, 'T', ' ') "
        "WHERE occurred_at LIKE '%T%'"
    )


class Migration(migrations.Migration):
    dependencies = [("customers", "0025_kpi_carries_contact_opt_out")]

    operations = [migrations.RunPython(respell, migrations.RunPython.noop)]
