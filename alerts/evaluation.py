"""Set-based evaluation of tolerance rules against CustomerKPI.

Per rule a handful of statements over all customers in scope (or the touched ones):
1. the level of each customer now: a rule with a flap guard upserts RuleState, with for
   how many evaluations the level has held (only customers ever out of band get a row);
   a rule without one puts the customers out of band, and those with an unresolved
   alert, into a temporary table of the same shape;
2. open, escalate, de-escalate and resolve alerts, each transition an AlertEvent written
   first, then the alert changed, under the same condition in the same transaction.

An evaluation is keyed by the KPI run it reads: evaluating the same run again counts
nothing twice and changes nothing.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from alerts.choices import VALUE_CLASS_RANK, Direction
from alerts.colours import refresh_alert_ranks
from alerts.models import ToleranceRule
from alerts.notifications import queue_notifications
from customers.kpis.sql import analyze_after, id_in, ids_param

LOCK_KEY = 7_316_001  # pg_advisory_xact_lock key of the evaluation


def preview_counts(rule: ToleranceRule, segment_ids=None, owner_ids=None) -> dict[str, int]:
    """How many customers the rule would colour yellow and red today. An unsaved rule
    passes its segment and owner ids; a saved one reads its own."""
    level = level_sql(rule, f"k.{rule.kpi}", scope_sql(rule, segment_ids, owner_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT SUM(CASE WHEN lv = 'yellow' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN lv = 'red' THEN 1 ELSE 0 END)
            FROM (SELECT {level} AS lv FROM customers_customerkpi k
                  JOIN customers_customer c ON c.id = k.customer_id) levels
            """
        )
        yellow, red = cursor.fetchone()
    return {"yellow": yellow or 0, "red": red or 0}


@dataclass
class EvaluationResult:
    opened: int = 0
    escalated: int = 0
    de_escalated: int = 0
    resolved: int = 0
    snooze_ended: int = 0
    rules: int = 0
    notification_ids: list[int] = field(default_factory=list)


def _quoted(values: Sequence[str]) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


# Rules on these KPIs ask the rep to get in touch; a customer who objected to contact is
# outside them, else the alert would tell the rep to call someone who asked not to be.
# The KPI row carries the objection, so no rule needs to join every customer for it.
CONTACT_KPIS = frozenset({"days_since_contact", "contact_overdue_days", "contacts_90d"})


def scope_sql(rule: ToleranceRule, segment_ids=None, owner_ids=None) -> str:
    """The rule's scope over KPI row k and customer c; TRUE when it covers everyone.
    Segment and owner ids come from the saved rule unless given (an unsaved preview)."""
    parts = ["NOT k.contact_opt_out"] if rule.kpi in CONTACT_KPIS else []
    if rule.value_classes:
        parts.append(f"k.value_class IN ({_quoted(rule.value_classes)})")
    if rule.industries:
        parts.append(f"c.industry IN ({_quoted(rule.industries)})")
    if rule.phases:
        parts.append(f"k.lifecycle_phase IN ({_quoted(rule.phases)})")
    if segment_ids is None:
        segment_ids = [s.pk for s in rule.segments.all()]
    if segment_ids:
        parts.append(f"k.rfm_segment_id IN ({', '.join(str(i) for i in segment_ids)})")
    if owner_ids is None:
        owner_ids = [u.pk for u in rule.owners.all()]
    if owner_ids:
        parts.append(f"c.owner_id IN ({', '.join(str(i) for i in owner_ids)})")
    return " AND ".join(parts) or "1 = 1"


def level_sql(rule: ToleranceRule, value: str, scope: str | None = None) -> str:
    beyond = ">=" if rule.direction == Direction.TOO_HIGH else "<="
    scope = scope or scope_sql(rule)
    # A scope that is unknown (NULL, e.g. no segment yet) counts as outside.
    return (
        f"CASE WHEN {value} IS NULL THEN 'green' WHEN ({scope}) THEN (CASE "
        f"WHEN {value} {beyond} {float(rule.red_bound)!r} THEN 'red' "
        f"WHEN {value} {beyond} {float(rule.yellow_bound)!r} THEN 'yellow' "
        "ELSE 'green' END) ELSE 'green' END"
    )


def _execute(sql: str, params: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


EVALUATED_KPIS = "evaluated_kpis"


def _stage_touched_kpis(customer_ids: Sequence[int]) -> None:
    """The touched customers' KPI rows, read once into a temporary table for every rule
    (instead of once per rule from the book's table: half a second of an evaluation of
    10,000 customers at a million)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {EVALUATED_KPIS}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {EVALUATED_KPIS} AS SELECT * FROM customers_customerkpi k "
            f"WHERE {id_in('k.customer_id', 'ids')}",
            {"ids": ids_param(customer_ids)},
        )
        if _postgres():
            cursor.execute(f"ANALYZE {EVALUATED_KPIS}")


def _drop_temporary_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {EVALUATED_KPIS}")
        cursor.execute(f"DROP TABLE IF EXISTS {RULE_LEVELS}")


def _rule_levels_sql(rule: ToleranceRule, scoped: bool) -> tuple[str, str, str, str]:
    """The rule's KPI value and level over KPI rows k, the KPI table (every customer's, or
    the touched ones staged by _stage_touched_kpis) and the join to the customer row,
    read only for a scope on its columns (industry, owner)."""
    value = f"CAST(k.{rule.kpi} AS {'double precision' if _postgres() else 'REAL'})"
    scope = scope_sql(rule)
    kpis = EVALUATED_KPIS if scoped else "customers_customerkpi"
    customer = "JOIN customers_customer c ON c.id = k.customer_id" if "c." in scope else ""
    return value, level_sql(rule, value, scope), kpis, customer


def update_rule_states(rule: ToleranceRule, evaluation: int, scoped: bool = False) -> int:
    """Step 1 of a rule with a flap guard: the level of every customer in band or not,
    counted per evaluation."""
    value, level, kpis, customer = _rule_levels_sql(rule, scoped)
    distinct = "IS DISTINCT FROM" if _postgres() else "IS NOT"
    return _execute(
        f"""
        INSERT INTO alerts_rulestate
            (rule_id, customer_id, level, kpi_value, out_streak, in_streak, evaluation)
        SELECT %(rule)s, k.customer_id, {level}, {value},
            CASE WHEN {level} <> 'green' THEN 1 ELSE 0 END,
            CASE WHEN {level} = 'green' THEN 1 ELSE 0 END,
            %(evaluation)s
        FROM {kpis} k
        {customer}
        LEFT JOIN alerts_rulestate s ON s.rule_id = %(rule)s AND s.customer_id = k.customer_id
        -- an alert opened while the rule had no flap guard (and so no states)
        LEFT JOIN alerts_alert a ON a.rule_id = %(rule)s AND a.customer_id = k.customer_id
            AND a.state <> 'resolved'
        WHERE ({level} <> 'green' OR s.id IS NOT NULL OR a.id IS NOT NULL)
        ON CONFLICT (rule_id, customer_id) DO UPDATE SET
            out_streak = CASE
                WHEN alerts_rulestate.evaluation = excluded.evaluation
                    THEN alerts_rulestate.out_streak
                WHEN excluded.level <> 'green' THEN alerts_rulestate.out_streak + 1
                ELSE 0 END,
            in_streak = CASE
                WHEN alerts_rulestate.evaluation = excluded.evaluation
                    THEN alerts_rulestate.in_streak
                WHEN excluded.level = 'green' THEN alerts_rulestate.in_streak + 1
                ELSE 0 END,
            level = excluded.level,
            kpi_value = excluded.kpi_value,
            evaluation = excluded.evaluation
        -- The same run evaluated again rewrites nothing.
        WHERE alerts_rulestate.evaluation <> excluded.evaluation
            OR alerts_rulestate.level <> excluded.level
            OR alerts_rulestate.kpi_value {distinct} excluded.kpi_value
        """,
        {"rule": rule.pk, "evaluation": evaluation},
    )


RULE_LEVELS = "rule_levels"


def has_flap_guard(rule: ToleranceRule) -> bool:
    return rule.pending_evaluations > 1 or rule.resolve_after > 1


def stage_rule_levels(rule: ToleranceRule, evaluation: int, scoped: bool = False) -> int:
    """Step 1 of a rule without a flap guard: it keeps no state between evaluations. The
    customers out of band now, and those back in band with an unresolved alert of the
    rule, go into a temporary table shaped like RuleState (each streak 1), which the
    transitions read instead. No rule state is written: at a million customers that was
    15 s of a first evaluation and 33 s of a nightly one."""
    value, level, kpis, customer = _rule_levels_sql(rule, scoped)
    columns = f"""
        CAST(%(rule)s AS INTEGER) AS rule_id, k.customer_id, {level} AS level,
        {value} AS kpi_value, CASE WHEN {level} <> 'green' THEN 1 ELSE 0 END AS out_streak,
        CASE WHEN {level} = 'green' THEN 1 ELSE 0 END AS in_streak,
        CAST(%(evaluation)s AS BIGINT) AS evaluation
    """
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RULE_LEVELS}")
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE {RULE_LEVELS} AS
            SELECT {columns} FROM {kpis} k {customer} WHERE {level} <> 'green'
            UNION ALL
            SELECT {columns} FROM alerts_alert a
            JOIN {kpis} k ON k.customer_id = a.customer_id {customer}
            WHERE a.rule_id = %(rule)s AND a.state <> 'resolved' AND {level} = 'green'
            """,
            {"rule": rule.pk, "evaluation": evaluation},
        )
        staged = cursor.rowcount
        if _postgres():
            cursor.execute(f"ANALYZE {RULE_LEVELS}")
        # States kept while the rule had a flap guard would count from stale streaks if
        # it gets one again.
        cursor.execute("DELETE FROM alerts_rulestate WHERE rule_id = %s", [rule.pk])
    return staged


def _postgres() -> bool:
    return connection.vendor == "postgresql"


# Alert.value_rank of a customer's value class (format with value_class=<column>).
VALUE_RANK = (
    "CASE {value_class} "
    + " ".join(
        f"WHEN '{value_class}' THEN {rank}" for value_class, rank in VALUE_CLASS_RANK.items()
    )
    + f" ELSE {VALUE_CLASS_RANK['C']} END"
)

# The "opened" event of each new alert, read from the alerts (or what inserting returned).
OPENED_EVENT = (
    "SELECT {alert}, 'opened', 'green', {table}.level, {table}.kpi_value, {table}.bound, '', "
    "%(now)s"
)
INSERT_EVENT = """
    INSERT INTO alerts_alertevent
        (alert_id, kind, level_before, level_after, kpi_value, bound, note, created_at)
"""


def _has_unresolved_alerts() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM alerts_alert WHERE state <> 'resolved' LIMIT 1")
        return cursor.fetchone() is not None


def is_first_evaluation(rule: ToleranceRule) -> bool:
    """None of the rule's alerts is unresolved (it has none yet, or all resolved): the
    evaluation can only open alerts, nothing escalates, de-escalates or resolves."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM alerts_alert WHERE rule_id = %s AND state <> 'resolved' LIMIT 1",
            [rule.pk],
        )
        return cursor.fetchone() is None


def apply_transitions(
    rule: ToleranceRule,
    evaluation: int,
    now,
    states: str = "alerts_rulestate",
    first_evaluation: bool | None = None,
) -> dict[str, int]:
    """Step 2: every transition of this rule's alerts, events first, then the alerts.
    ``states``: the table of this evaluation's levels (RuleState, or RULE_LEVELS);
    ``first_evaluation``: whether none of the rule's alerts is unresolved, if known."""
    ops = connection.ops
    params = {
        "rule": rule.pk,
        "evaluation": evaluation,
        "now": ops.adapt_datetimefield_value(now),
        "yellow": float(rule.yellow_bound),
        "red": float(rule.red_bound),
        "pending": rule.pending_evaluations,
        "resolve_after": rule.resolve_after,
    }
    counts = {"opened": 0, "escalated": 0, "de_escalated": 0, "resolved": 0}
    # Alerts of earlier evaluations are what escalates, de-escalates, resolves and follows
    # the KPI: a rule's first evaluation only opens (6 s of a million customers' first).
    if first_evaluation is None:
        first_evaluation = is_first_evaluation(rule)

    # open: out of band long enough, no unresolved alert yet. A rule without alerts has
    # nothing to check against; the check would also tempt the planner, which takes an
    # analysed empty alert table for one that stays empty, into scanning the alerts once
    # per customer while they are written (22 s instead of 0.5 s for 62,000 alerts).
    unresolved_alert = (
        ""
        if first_evaluation
        else """AND NOT EXISTS (SELECT 1 FROM alerts_alert a
                          WHERE a.rule_id = %(rule)s AND a.customer_id = s.customer_id
                            AND a.state <> 'resolved')"""
    )
    opening = f"""
        INSERT INTO alerts_alert (customer_id, rule_id, level, state, kpi_value, bound,
            value_rank, opened_at, changed_at)
        SELECT s.customer_id, %(rule)s, s.level, 'open', s.kpi_value,
            CASE WHEN s.level = 'red' THEN %(red)s ELSE %(yellow)s END,
            {VALUE_RANK.format(value_class="k.value_class")}, %(now)s, %(now)s
        FROM {states} s LEFT JOIN customers_customerkpi k ON k.customer_id = s.customer_id
        WHERE s.rule_id = %(rule)s AND s.evaluation = %(evaluation)s AND s.level <> 'green'
          AND s.out_streak >= %(pending)s {unresolved_alert}
    """
    if _postgres():
        # The new alerts hand their ids straight to their events: no second pass over
        # them (3 s of a first evaluation at a million customers).
        counts["opened"] = _execute(
            f"""
            WITH opened AS ({opening} RETURNING id, level, kpi_value, bound)
            {INSERT_EVENT} {OPENED_EVENT.format(alert="id", table="opened")} FROM opened
            """,
            params,
        )
    else:
        counts["opened"] = _execute(opening, params)
        _execute(
            f"""
            {INSERT_EVENT} {OPENED_EVENT.format(alert="a.id", table="a")}
            FROM alerts_alert a
            WHERE a.rule_id = %(rule)s AND a.opened_at = %(now)s
              AND NOT EXISTS (SELECT 1 FROM alerts_alertevent e WHERE e.alert_id = a.id)
            """,
            params,
        )
    if first_evaluation:
        # Nothing below reads this rule's alerts: evaluate() refreshes the statistics once
        # before they are read (a second per rule at a million customers).
        return counts
    analyze_after(counts["opened"], "alerts_alert")
    analyze_after(counts["opened"], "alerts_alertevent")

    # Alert a joined with its RuleState s of this evaluation: joins, not correlated
    # subqueries, so the planner can hash-join a million rows.
    joined = (
        f"{states} s WHERE s.rule_id = a.rule_id AND s.customer_id = a.customer_id "
        "AND s.evaluation = %(evaluation)s AND a.rule_id = %(rule)s AND a.state <> 'resolved'"
    )
    transitions = [
        # (event kind, level before, level after, bound, extra SET)
        ("escalated", "yellow", "red", "%(red)s", ", state = 'open', snoozed_until = NULL"),
        ("de_escalated", "red", "yellow", "%(yellow)s", ""),
    ]
    for kind, before, after, bound, extra in transitions:
        condition = f"{joined} AND a.level = '{before}' AND s.level = '{after}'"
        _execute(
            f"""
            INSERT INTO alerts_alertevent
                (alert_id, kind, level_before, level_after, kpi_value, bound, note, created_at)
            SELECT a.id, '{kind}', '{before}', '{after}', s.kpi_value, {bound}, '', %(now)s
            FROM alerts_alert a, {condition}
            """,
            params,
        )
        counts[kind] = _execute(
            f"""
            UPDATE alerts_alert AS a SET level = '{after}', bound = {bound},
                kpi_value = s.kpi_value, changed_at = %(now)s {extra}
            FROM {condition}
            """,
            params,
        )

    resolvable = f"{joined} AND s.level = 'green' AND s.in_streak >= %(resolve_after)s"
    _execute(
        f"""
        INSERT INTO alerts_alertevent
            (alert_id, kind, level_before, level_after, kpi_value, bound, note, created_at)
        SELECT a.id, 'resolved', a.level, 'green', s.kpi_value, a.bound, '', %(now)s
        FROM alerts_alert a, {resolvable}
        """,
        params,
    )
    counts["resolved"] = _execute(
        f"""
        UPDATE alerts_alert AS a SET state = 'resolved', resolved_at = %(now)s,
            changed_at = %(now)s, kpi_value = s.kpi_value
        FROM {resolvable}
        """,
        params,
    )
    # The value an open alert shows follows the KPI, without an event.
    _execute(
        f"""
        UPDATE alerts_alert AS a SET kpi_value = s.kpi_value
        FROM {joined} AND s.kpi_value IS NOT NULL
            AND (a.kpi_value IS NULL OR s.kpi_value <> a.kpi_value)
        """,
        params,
    )
    return counts


def open_first_alerts(rules: list[ToleranceRule], now, scoped: bool) -> int:
    """The first evaluation of rules without a flap guard (none of their alerts is
    unresolved): it only opens alerts, so one statement writes them all. Returns the
    alerts opened.

    Per rule one pass over the KPI rows that keeps only those beyond the yellow bound, in
    the KPI's own type (a float cast only for the alerts written), and the passes one after
    the other: the alerts lie rule after rule in customer order, as the nightly evaluation
    reads them and as the (rule, customer) index grows. At a million customers that is
    1.6 s, where computing every rule's level for every customer and sorting took 4.8 s."""
    if not rules:
        return 0
    kpis = EVALUATED_KPIS if scoped else "customers_customerkpi"
    real = "double precision" if _postgres() else "REAL"
    passes = []
    for rule in rules:
        value = f"k.{rule.kpi}"
        beyond = ">=" if rule.direction == Direction.TOO_HIGH else "<="
        scope = scope_sql(rule)
        customer = "JOIN customers_customer c ON c.id = k.customer_id" if "c." in scope else ""
        yellow, red = float(rule.yellow_bound), float(rule.red_bound)
        passes.append(
            f"SELECT k.customer_id, {int(rule.pk)} AS rule_id, "
            f"CASE WHEN {value} {beyond} {red!r} THEN 'red' ELSE 'yellow' END AS level, "
            f"CAST({value} AS {real}) AS kpi_value, "
            f"CASE WHEN {value} {beyond} {red!r} THEN {red!r} ELSE {yellow!r} END AS bound, "
            f"{VALUE_RANK.format(value_class='k.value_class')} AS value_rank "
            f"FROM {kpis} k {customer} WHERE ({scope}) AND {value} {beyond} {yellow!r}"
        )
    params = {"now": connection.ops.adapt_datetimefield_value(now)}
    opening = f"""
        INSERT INTO alerts_alert (customer_id, rule_id, level, state, kpi_value, bound,
            value_rank, opened_at, changed_at)
        SELECT s.customer_id, s.rule_id, s.level, 'open', s.kpi_value, s.bound, s.value_rank,
            %(now)s, %(now)s
        FROM ({" UNION ALL ".join(passes)}) s
    """
    rule_ids = ", ".join(str(int(rule.pk)) for rule in rules)
    with connection.cursor() as cursor:
        # States kept while a rule had a flap guard would count from stale streaks if it
        # gets one again.
        cursor.execute(f"DELETE FROM alerts_rulestate WHERE rule_id IN ({rule_ids})")
        if _postgres():
            cursor.execute(
                f"""
                WITH opened AS ({opening} RETURNING id, level, kpi_value, bound)
                {INSERT_EVENT} {OPENED_EVENT.format(alert="id", table="opened")} FROM opened
                """,
                params,
            )
            return cursor.rowcount
        cursor.execute(opening, params)
        opened = cursor.rowcount
        cursor.execute(
            f"""
            {INSERT_EVENT} {OPENED_EVENT.format(alert="a.id", table="a")}
            FROM alerts_alert a
            WHERE a.rule_id IN ({rule_ids}) AND a.state <> 'resolved' AND a.opened_at = %(now)s
              AND NOT EXISTS (SELECT 1 FROM alerts_alertevent e WHERE e.alert_id = a.id)
            ORDER BY a.id
            """,
            params,
        )
        return opened


def refresh_value_ranks(customer_ids: Sequence[int] | None = None) -> int:
    """Each unresolved alert carries its customer's value class as a rank, for the inbox
    order (set when it opens): set again where the class moved since, for all customers or
    only ``customer_ids``. Returns the alerts changed."""
    scoped = customer_ids is not None
    rank = VALUE_RANK.format(value_class="k.value_class")
    in_scope = f"AND {id_in('a.customer_id', 'ids')}" if scoped else ""
    changed = f"""
        SELECT a.id, {rank} AS value_rank
        FROM alerts_alert a JOIN customers_customerkpi k ON k.customer_id = a.customer_id
        WHERE a.state <> 'resolved' AND a.value_rank <> {rank} {in_scope}
    """
    return _execute(
        f"""
        UPDATE alerts_alert SET value_rank = changed.value_rank
        FROM ({changed}) changed WHERE alerts_alert.id = changed.id
        """,
        {"ids": ids_param(customer_ids)} if scoped else {},
    )


def end_snoozes(today: dt.date, now) -> int:
    """Snoozed alerts whose date has come are open again."""
    ops = connection.ops
    params = {"today": ops.adapt_datefield_value(today), "now": ops.adapt_datetimefield_value(now)}
    due = "a.state = 'snoozed' AND a.snoozed_until <= %(today)s"
    _execute(
        f"""
        INSERT INTO alerts_alertevent
            (alert_id, kind, level_before, level_after, kpi_value, bound, note, created_at)
        SELECT a.id, 'snooze_ended', a.level, a.level, a.kpi_value, a.bound, '', %(now)s
        FROM alerts_alert a WHERE {due}
        """,
        params,
    )
    return _execute(
        f"""
        UPDATE alerts_alert SET state = 'open', snoozed_until = NULL, changed_at = %(now)s
        WHERE id IN (SELECT a.id FROM alerts_alert a WHERE {due})
        """,
        params,
    )


def close_switched_off(now) -> int:
    """Alerts of a rule an admin switched off are resolved: no evaluation would ever
    resolve them. Their history stays."""
    params = {"now": connection.ops.adapt_datetimefield_value(now)}
    of_rules_off = (
        "a.state <> 'resolved' AND a.rule_id IN "
        "(SELECT r.id FROM alerts_tolerancerule r WHERE NOT r.enabled)"
    )
    _execute(
        f"""
        INSERT INTO alerts_alertevent
            (alert_id, kind, level_before, level_after, kpi_value, bound, note, created_at)
        SELECT a.id, 'rule_switched_off', a.level, 'green', a.kpi_value, a.bound, '', %(now)s
        FROM alerts_alert a WHERE {of_rules_off}
        """,
        params,
    )
    return _execute(
        f"""
        UPDATE alerts_alert SET state = 'resolved', resolved_at = %(now)s,
            changed_at = %(now)s, snoozed_until = NULL
        WHERE id IN (SELECT a.id FROM alerts_alert a WHERE {of_rules_off})
        """,
        params,
    )


def _lock(cursor) -> None:
    if _postgres():
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def evaluate(
    evaluation: int, customer_ids: Sequence[int] | None = None, now=None, mail: bool = True
) -> EvaluationResult:
    """Evaluate every enabled rule for all customers (``customer_ids`` None), or only
    ``customer_ids``; with ``mail`` False the changes are recorded but nobody is told."""
    now = now or timezone.now()
    result = EvaluationResult()
    rules = list(ToleranceRule.objects.filter(enabled=True).prefetch_related("segments", "owners"))
    scoped = customer_ids is not None
    customer_ids = list(customer_ids) if scoped else None
    with transaction.atomic():
        with connection.cursor() as cursor:
            _lock(cursor)
        if scoped:
            _stage_touched_kpis(customer_ids)
        # Alerts opened now carry their customer's value class; only older ones can have
        # one that moved (a second of a first evaluation at a million customers to find
        # that none did).
        value_ranks_may_have_moved = _has_unresolved_alerts()
        first = {rule.pk for rule in rules if is_first_evaluation(rule)}
        only_opening = [rule for rule in rules if rule.pk in first and not has_flap_guard(rule)]
        # alerts opened by first evaluations since the last ANALYZE
        opened_unanalysed = open_first_alerts(only_opening, now, scoped)
        result.opened += opened_unanalysed
        result.rules += len(only_opening)
        for rule in rules:
            if rule in only_opening:
                continue
            first_evaluation = rule.pk in first
            if opened_unanalysed and not first_evaluation:
                _analyze_alerts(opened_unanalysed)
                opened_unanalysed = 0
            if has_flap_guard(rule):
                states = update_rule_states(rule, evaluation, scoped)
                analyze_after(states, "alerts_rulestate")
                counts = apply_transitions(rule, evaluation, now, first_evaluation=first_evaluation)
            else:
                stage_rule_levels(rule, evaluation, scoped)
                counts = apply_transitions(rule, evaluation, now, RULE_LEVELS, first_evaluation)
            if first_evaluation:
                opened_unanalysed += counts["opened"]
            result.opened += counts["opened"]
            result.escalated += counts["escalated"]
            result.de_escalated += counts["de_escalated"]
            result.resolved += counts["resolved"]
            result.rules += 1
        _drop_temporary_tables()
        _analyze_alerts(opened_unanalysed)
        if not scoped:
            result.resolved += close_switched_off(now)
        result.snooze_ended = end_snoozes(timezone.localdate(now), now)
        if value_ranks_may_have_moved:
            refresh_value_ranks(customer_ids)
        refresh_alert_ranks(customer_ids)
        result.notification_ids = queue_notifications(evaluation, now, rules) if mail else []
        transaction.on_commit(lambda: _deliver(result.notification_ids))
    return result


def _analyze_alerts(opened: int) -> None:
    analyze_after(opened, "alerts_alert")
    analyze_after(opened, "alerts_alertevent")


def _deliver(notification_ids: list[int]) -> None:
    from alerts.tasks import deliver_notification

    for notification_id in notification_ids:
        deliver_notification.delay(notification_id)
