"""Audit-log entries for the customers an import created or changed, written set-based:
one INSERT ... SELECT for the whole file instead of a model save per customer."""

import json

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from customers.models import Customer


def log_imported_customers(written_at: object, actor_id: int | None, filename: str) -> int:
    """One entry per customer the import stamped with ``written_at`` (the database value of
    its write time): "create" for new ones, "update" for changed ones, by ``actor_id``
    (None: a command run by the system), naming the file. Returns entries written."""
    content_type = ContentType.objects.get_for_model(Customer)
    changes = json.dumps({"import": ["", filename]})
    object_pk = "CAST(c.id AS VARCHAR(255))" if connection.vendor == "postgresql" else "c.id"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {LogEntry._meta.db_table} (content_type_id, object_pk, object_id,
                object_repr, action, changes_text, changes, actor_id, timestamp)
            SELECT %(content_type)s, {object_pk}, c.id, c.name,
                CASE WHEN c.created_at = %(now)s THEN %(create)s ELSE %(update)s END,
                '', %(changes)s, %(actor)s, %(now)s
            FROM customers_customer c WHERE c.updated_at = %(now)s ORDER BY c.id
            """,
            {
                "content_type": content_type.pk,
                "now": written_at,
                "create": LogEntry.Action.CREATE,
                "update": LogEntry.Action.UPDATE,
                "changes": changes,
                "actor": actor_id,
            },
        )
        return cursor.rowcount
