"""Reachability of the services the product depends on, for GET /healthz."""

from django.conf import settings
from django.db import connection


def database_reachable() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"
    return True, connection.vendor


def broker_reachable() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "eager (no broker configured)"
    from cockpit.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"
    return True, settings.CELERY_BROKER_URL.split("://", 1)[0]
