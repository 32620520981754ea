"""Drop the varchar_pattern_ops index Django adds beside a unique CharField on PostgreSQL.

It serves only case-sensitive LIKE 'prefix%' on the customer number, which nothing runs
(the search uses istartswith, an UPPER(...) LIKE no index serves), yet every insert and
every colour change of a customer writes it: a first alert evaluation over a million
customers rewrites it a million times.
"""

from django.db import migrations

PATTERN_INDEXES = """
    SELECT indexname FROM pg_indexes
    WHERE tablename = 'customers_customer' AND indexdef LIKE '%%(number varchar_pattern_ops)%%'
"""


def drop_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(PATTERN_INDEXES)
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def restore_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS customers_customer_number_like "
            "ON customers_customer (number varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0019_german_wording"),
    ]

    operations = [migrations.RunPython(drop_pattern_index, restore_pattern_index)]
