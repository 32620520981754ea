"""Case-insensitive text search that folds umlauts too, on both databases.

PostgreSQL's ILIKE folds every letter ("öko" finds "Öko-Bau"). SQLite's LIKE folds only
ASCII letters, so on the embedded default "öko" would miss "Öko-Bau": there both sides
are case-folded in Python (str.casefold, a function registered on every connection).
"""

import unicodedata

from django import db
from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import Q, Transform


class CaseFold(Transform):
    lookup_name = "casefold"
    function = "LOWER"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="CASEFOLD", **extra_context)


models.CharField.register_lookup(CaseFold)
models.TextField.register_lookup(CaseFold)


def _casefold(value: str | None) -> str | None:
    return value.casefold() if value is not None else None


def register_casefold(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("CASEFOLD", 1, _casefold, deterministic=True)


connection_created.connect(register_casefold, dispatch_uid="cockpit.search.casefold")


def contains_text(field: str, value: str) -> Q:
    """``field`` contains ``value``, ignoring case in every alphabet."""
    if db.connection.vendor == "sqlite":
        return Q(**{f"{field}__casefold__contains": value.casefold()})
    return Q(**{f"{field}__icontains": value})


def starts_with_text(field: str, value: str) -> Q:
    if db.connection.vendor == "sqlite":
        return Q(**{f"{field}__casefold__startswith": value.casefold()})
    return Q(**{f"{field}__istartswith": value})


def alphabetical(text: str) -> str:
    """A sort key that files umlauts with their base letter, as German lists do
    ("Überfällig" among the U, not after Z)."""
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return folded.encode("ascii", "ignore").decode().casefold()
