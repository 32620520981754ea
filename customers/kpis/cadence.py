"""Contact cadences as SQL: when each customer's next contact is due.

The agenda app owns the cadence rules (by value class, RFM segment or industry); the
engine reads them through settings.KPI_CONTACT_CADENCES, a dotted path to a callable
returning CadenceTerm objects, so the customers app does not know the agenda.

A customer's contact is due at the earliest date any applicable cadence asks for:
last touch (any channel, or in person for in-person cadences) plus the interval. A
customer's own interval (Customer.contact_interval_days) replaces the rules. Customers
who opted out of contact are never due. Without any touch the clock starts at the
customer's start (customer since, else first purchase), else on the as-of date.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

from customers.kpis.sql import days_between

IN_PERSON_CHANNELS = ("visit", "event")
_NO_DATE = "'9999-12-31'"


@dataclass(frozen=True)
class CadenceTerm:
    interval_days: int
    in_person: bool = False
    value_class: str = ""  # empty: any
    segment_id: int | None = None
    industry: str = ""


@dataclass(frozen=True)
class CadenceColumns:
    """SQL expressions the cadence reads, per customer row."""

    as_of: str
    value_class: str
    segment_id: str
    industry: str
    own_interval: str
    opt_out: str
    last_contact_on: str
    last_in_person_on: str
    start_on: str


@cache
def _source():
    path = getattr(settings, "KPI_CONTACT_CADENCES", "")
    return import_string(path) if path else (lambda: [])


def cadence_terms() -> list[CadenceTerm]:
    return list(_source()())


def add_days(date: str, days: str) -> str:
    if connection.vendor == "postgresql":
        return f"({date} + ({days})::int)"
    return f"date({date}, '+' || ({days}) || ' days')"


def _no_date() -> str:
    return f"DATE {_NO_DATE}" if connection.vendor == "postgresql" else _NO_DATE


def _earliest(dates: list[str]) -> str:
    """The earliest of nullable dates, NULL if all are NULL (LEAST/MIN differ on NULLs)."""
    function = "LEAST" if connection.vendor == "postgresql" else "MIN"
    no_date = _no_date()
    values = ", ".join(f"COALESCE({date}, {no_date})" for date in dates)
    return f"NULLIF({function}({values}, {no_date}), {no_date})"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def applies(term: CadenceTerm, columns: CadenceColumns) -> str:
    conditions = []
    if term.value_class:
        conditions.append(f"{columns.value_class} = {_quote(term.value_class)}")
    if term.segment_id is not None:
        conditions.append(f"{columns.segment_id} = {int(term.segment_id)}")
    if term.industry:
        conditions.append(f"{columns.industry} = {_quote(term.industry)}")
    return " AND ".join(conditions) or "1 = 1"


def contact_due_expression(columns: CadenceColumns, terms: list[CadenceTerm]) -> str:
    def clock(last_touch: str) -> str:
        return f"COALESCE({last_touch}, {columns.start_on}, {columns.as_of})"

    any_touch = clock(columns.last_contact_on)
    in_person = clock(columns.last_in_person_on)
    by_rules = "NULL"
    if terms:
        by_rules = _earliest(
            [
                f"CASE WHEN {applies(term, columns)} THEN "
                f"{add_days(in_person if term.in_person else any_touch, str(term.interval_days))}"
                " END"
                for term in terms
            ]
        )
    return (
        f"CASE WHEN {columns.opt_out} THEN NULL "
        f"WHEN {columns.own_interval} IS NOT NULL "
        f"THEN {add_days(any_touch, columns.own_interval)} "
        f"ELSE {by_rules} END"
    )


def cadence_expressions(columns: CadenceColumns) -> dict[str, str]:
    """contact_due_on and contact_overdue_days (0 until the due date, NULL when no cadence
    applies or the customer opted out)."""
    due = contact_due_expression(columns, cadence_terms())
    overdue = (
        f"CASE WHEN ({due}) < {columns.as_of} THEN {days_between(columns.as_of, f'({due})')} "
        f"WHEN ({due}) IS NOT NULL THEN 0 END"
    )
    return {"contact_due_on": due, "contact_overdue_days": overdue}
