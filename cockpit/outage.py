"""A database outage on purpose, for the fault tests and the load test: PostgreSQL
refuses new connections to the database and cuts the open ones, as during a restart."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2


@contextmanager
def database_refusing_connections(settings_dict: dict) -> Iterator[None]:
    """While inside, every connection to the database of ``settings_dict`` fails."""
    name = settings_dict["NAME"]
    admin = psycopg2.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        dbname="postgres",
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )
        yield
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()
