"""Turning cadences and sequences into tasks: set-based SQL over all customers (or the
ones a KPI run touched), safe to run any number of times.

Tasks are created just in time: when they are due within AGENDA_LEAD_DAYS. Unique
indexes (one open cadence task per customer, one task per sequence step and run) make a
second run insert nothing.
"""

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from agenda.choices import EnrollmentStatus, TaskKind, TaskOrigin, TaskStatus
from customers.choices import LifecyclePhase
from customers.kpis.cadence import CadenceColumns, add_days, applies, cadence_terms
from customers.kpis.engine import LAPSED_AFTER_DAYS, TERMINATED_AFTER_DAYS
from customers.kpis.sql import date_param, id_in, ids_param

OPEN, DONE, CANCELLED = TaskStatus.OPEN.value, TaskStatus.DONE.value, TaskStatus.CANCELLED.value
CADENCE, SEQUENCE = TaskOrigin.CADENCE.value, TaskOrigin.SEQUENCE.value
ACTIVE, FINISHED, STOPPED = (
    EnrollmentStatus.ACTIVE.value,
    EnrollmentStatus.FINISHED.value,
    EnrollmentStatus.STOPPED.value,
)


def _execute(sql: str, params: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _params(today: dt.date, customer_ids: Sequence[int] | None) -> dict:
    ops = connection.ops
    params = {
        "today": ops.adapt_datefield_value(today),
        "horizon": ops.adapt_datefield_value(today + dt.timedelta(days=settings.AGENDA_LEAD_DAYS)),
        "window_start": ops.adapt_datefield_value(
            today - dt.timedelta(days=settings.AGENDA_SEQUENCE_START_WINDOW_DAYS)
        ),
        "now": ops.adapt_datetimefield_value(timezone.now()),
    }
    if customer_ids is not None:
        params["ids"] = ids_param(customer_ids)
    return params


def _scope(column: str, customer_ids: Sequence[int] | None) -> str:
    return f"AND {id_in(column, 'ids')}" if customer_ids is not None else ""


def _cadence_kind() -> str:
    """A visit where an in-person cadence applies, else a call."""
    columns = CadenceColumns(
        as_of="NULL",
        value_class="k.value_class",
        segment_id="k.rfm_segment_id",
        industry="c.industry",
        own_interval="c.contact_interval_days",
        opt_out="c.contact_opt_out",
        last_contact_on="NULL",
        last_in_person_on="NULL",
        start_on="NULL",
    )
    in_person = [f"({applies(term, columns)})" for term in cadence_terms() if term.in_person]
    if not in_person:
        return f"'{TaskKind.CALL.value}'"
    return (
        f"CASE WHEN c.contact_interval_days IS NULL AND ({' OR '.join(in_person)}) "
        f"THEN '{TaskKind.VISIT.value}' ELSE '{TaskKind.CALL.value}' END"
    )


def plan_cadence_tasks(today: dt.date, customer_ids: Sequence[int] | None = None) -> dict:
    """One open cadence task per customer whose contact falls due within the lead time.

    A touch logged meanwhile moves the due date past the horizon: the open task is then
    done. Where the due date moved past it for another reason (an admin lengthened or
    deleted a cadence), or went (the customer opted out), the task is cancelled: a task
    is done only where somebody was in touch."""
    params = _params(today, customer_ids)
    scope = _scope("agenda_task.customer_id", customer_ids)
    created_on = (
        "CAST(agenda_task.created_at AS date)"
        if connection.vendor == "postgresql"
        else "date(agenda_task.created_at)"
    )
    counts = {}
    counts["done_by_touch"] = _execute(
        f"""
        UPDATE agenda_task SET status = '{DONE}', completed_at = %(now)s
        WHERE origin = '{CADENCE}' AND status = '{OPEN}' {scope}
          AND EXISTS (SELECT 1 FROM customers_customerkpi k
                      WHERE k.customer_id = agenda_task.customer_id
                        AND k.contact_due_on > %(horizon)s
                        AND k.last_contact_on >= {created_on})
        """,
        params,
    )
    counts["cancelled"] = _execute(
        f"""
        UPDATE agenda_task SET status = '{CANCELLED}', completed_at = %(now)s
        WHERE origin = '{CADENCE}' AND status = '{OPEN}' {scope}
          AND NOT EXISTS (SELECT 1 FROM customers_customerkpi k
                          WHERE k.customer_id = agenda_task.customer_id
                            AND k.contact_due_on <= %(horizon)s)
        """,
        params,
    )
    due = "(SELECT k.contact_due_on FROM customers_customerkpi k WHERE k.customer_id = agenda_task.customer_id)"  # noqa: E501
    counts["moved"] = _execute(
        f"""
        UPDATE agenda_task SET due_on = {due}
        WHERE origin = '{CADENCE}' AND status = '{OPEN}' {scope} AND due_on <> {due}
        """,
        params,
    )
    counts["created"] = _execute(
        f"""
        INSERT INTO agenda_task (customer_id, assignee_id, title, notes, due_on, kind, origin,
            status, outcome, created_at)
        SELECT k.customer_id, c.owner_id, '', '', k.contact_due_on, {_cadence_kind()},
            '{CADENCE}', '{OPEN}', '', %(now)s
        FROM customers_customerkpi k
        JOIN customers_customer c ON c.id = k.customer_id
        WHERE k.contact_due_on <= %(horizon)s AND NOT c.contact_opt_out
          {_scope("k.customer_id", customer_ids)}
          AND NOT EXISTS (SELECT 1 FROM agenda_task t
                          WHERE t.customer_id = k.customer_id AND t.origin = '{CADENCE}'
                            AND t.status = '{OPEN}')
        ON CONFLICT DO NOTHING
        """,
        params,
    )
    return counts


def _phase_entered_on() -> str:
    """When the customer entered its phase, where the phase's rule says so."""
    return f"""CASE k.lifecycle_phase
        WHEN '{LifecyclePhase.NEW.value}' THEN k.first_purchase_on
        WHEN '{LifecyclePhase.LAPSED.value}'
            THEN {add_days("k.last_purchase_on", str(LAPSED_AFTER_DAYS + 1))}
        WHEN '{LifecyclePhase.TERMINATED.value}'
            THEN {add_days("k.last_purchase_on", str(TERMINATED_AFTER_DAYS + 1))}
    END"""


def run_sequences(today: dt.date, customer_ids: Sequence[int] | None = None) -> dict:
    """Stop runs whose customer left the phase, start runs for customers who entered it
    lately, then create the steps' tasks that fall due and finish runs with every step
    planned."""
    params = _params(today, customer_ids)
    in_phase = """EXISTS (SELECT 1 FROM customers_customerkpi k
                          JOIN agenda_sequence s ON s.id = agenda_sequenceenrollment.sequence_id
                          WHERE k.customer_id = agenda_sequenceenrollment.customer_id
                            AND k.lifecycle_phase = s.phase)"""
    counts = {}
    counts["stopped"] = _execute(
        f"""
        UPDATE agenda_sequenceenrollment
        SET status = CASE WHEN status = '{ACTIVE}' THEN '{STOPPED}' ELSE status END,
            left_phase_on = %(today)s
        WHERE left_phase_on IS NULL AND NOT {in_phase}
          {_scope("agenda_sequenceenrollment.customer_id", customer_ids)}
        """,
        params,
    )
    counts["tasks_cancelled"] = _execute(
        f"""
        UPDATE agenda_task SET status = '{CANCELLED}', completed_at = %(now)s
        WHERE status = '{OPEN}' AND origin = '{SEQUENCE}' {_scope("customer_id", customer_ids)}
          AND enrollment_id IN (SELECT id FROM agenda_sequenceenrollment
                                WHERE status = '{STOPPED}')
        """,
        params,
    )
    entered = _phase_entered_on()
    counts["started"] = _execute(
        f"""
        INSERT INTO agenda_sequenceenrollment (sequence_id, customer_id, started_on, status)
        SELECT s.id, k.customer_id, %(today)s, '{ACTIVE}'
        FROM agenda_sequence s
        JOIN customers_customerkpi k ON k.lifecycle_phase = s.phase
        JOIN customers_customer c ON c.id = k.customer_id
        WHERE s.active AND NOT c.contact_opt_out {_scope("k.customer_id", customer_ids)}
          AND (({entered}) IS NULL OR ({entered}) >= {date_param("window_start")})
          AND NOT EXISTS (SELECT 1 FROM agenda_sequenceenrollment e
                          WHERE e.sequence_id = s.id AND e.customer_id = k.customer_id
                            AND e.left_phase_on IS NULL)
        ON CONFLICT DO NOTHING
        """,
        params,
    )
    step_due = add_days("e.started_on", "st.offset_days")
    counts["tasks_created"] = _execute(
        f"""
        INSERT INTO agenda_task (customer_id, assignee_id, title, notes, due_on, kind, origin,
            status, outcome, enrollment_id, step_id, created_at)
        SELECT e.customer_id, c.owner_id, st.title, st.text, {step_due}, st.kind,
            '{SEQUENCE}', '{OPEN}', '', e.id, st.id, %(now)s
        FROM agenda_sequenceenrollment e
        JOIN agenda_sequencestep st ON st.sequence_id = e.sequence_id
        JOIN customers_customer c ON c.id = e.customer_id
        WHERE e.status = '{ACTIVE}' AND {step_due} <= %(horizon)s
          {_scope("e.customer_id", customer_ids)}
        ON CONFLICT DO NOTHING
        """,
        params,
    )
    counts["finished"] = _execute(
        f"""
        UPDATE agenda_sequenceenrollment SET status = '{FINISHED}'
        WHERE status = '{ACTIVE}' {_scope("agenda_sequenceenrollment.customer_id", customer_ids)}
          AND NOT EXISTS (
            SELECT 1 FROM agenda_sequencestep st
            WHERE st.sequence_id = agenda_sequenceenrollment.sequence_id
              AND NOT EXISTS (SELECT 1 FROM agenda_task t
                              WHERE t.enrollment_id = agenda_sequenceenrollment.id
                                AND t.step_id = st.id))
        """,
        params,
    )
    return counts


def plan_agenda(today: dt.date, customer_ids: Sequence[int] | None = None) -> dict:
    """The whole planning pass, in one transaction."""
    with transaction.atomic():
        return {
            "cadence": plan_cadence_tasks(today, customer_ids),
            "sequences": run_sequences(today, customer_ids),
        }
