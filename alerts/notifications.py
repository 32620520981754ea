"""The outbox: who is told about the alert changes of an evaluation.

Written inside the evaluation's transaction, so a change and its mail are stored together.
One Notification per address and evaluation lists all the events that address is told.
Owners are told of alerts opened or escalated on their customers (if they chose mail at
once); managers at once only of red alerts of escalating rules (the rest reaches them in
their digest); extra addresses of a rule get its events.
"""

from django.contrib.auth import get_user_model
from django.db import connection

from alerts.models import Notification, ToleranceRule
from cockpit.roles import Role

TOLD_KINDS = "('opened', 'escalated')"


def _recipient_pairs_sql() -> str:
    """(email, user_id, language, event_id) of every owner and manager to tell."""
    user = get_user_model()._meta.db_table
    user_groups = get_user_model().groups.through._meta.db_table
    events = """
        FROM alerts_alertevent e
        JOIN alerts_alert a ON a.id = e.alert_id
        JOIN alerts_tolerancerule r ON r.id = a.rule_id
    """
    return f"""
        SELECT u.email AS email, u.id AS user_id, COALESCE(p.language, 'en') AS language,
               e.id AS event_id
        {events}
        JOIN customers_customer c ON c.id = a.customer_id
        JOIN {user} u ON u.id = c.owner_id
        LEFT JOIN cockpit_userprofile p ON p.user_id = u.id
        WHERE e.created_at = %(now)s AND e.kind IN {TOLD_KINDS} AND r.notify_owner
          AND u.is_active AND u.email <> ''
          AND COALESCE(p.alert_mail, 'immediate') = 'immediate'
        UNION
        SELECT u.email, u.id, COALESCE(p.language, 'en'), e.id
        {events}
        JOIN {user_groups} ug ON 1 = 1
        JOIN auth_group g ON g.id = ug.group_id AND g.name = %(manager_group)s
        JOIN {user} u ON u.id = ug.user_id
        LEFT JOIN cockpit_userprofile p ON p.user_id = u.id
        WHERE e.created_at = %(now)s AND e.kind IN {TOLD_KINDS} AND e.level_after = 'red'
          AND r.escalating AND r.notify_managers_on_red
          AND u.is_active AND u.email <> ''
          AND COALESCE(p.alert_mail, 'immediate') <> 'off'
    """


def _extra_pairs_sql(rule: ToleranceRule, addresses: list[str]) -> str:
    values = " UNION ".join(
        "SELECT '" + address.replace("'", "''") + "' AS email" for address in addresses
    )
    return f"""
        SELECT x.email AS email, CAST(NULL AS INTEGER) AS user_id, 'en' AS language,
               e.id AS event_id
        FROM alerts_alertevent e
        JOIN alerts_alert a ON a.id = e.alert_id
        CROSS JOIN ({values}) x
        WHERE e.created_at = %(now)s AND e.kind IN {TOLD_KINDS} AND a.rule_id = {rule.pk}
    """


def _write(pairs: str, params: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO alerts_notification
                (evaluation, kind, email, user_id, language, status, attempts, error,
                 created_at)
            SELECT %(evaluation)s, 'immediate', pairs.email, MIN(pairs.user_id),
                   MIN(pairs.language), 'queued', 0, '', %(now)s
            FROM ({pairs}) pairs
            GROUP BY pairs.email
            ON CONFLICT (evaluation, kind, email, created_at) WHERE kind = 'immediate'
            DO NOTHING
            """,
            params,
        )
        cursor.execute(
            f"""
            INSERT INTO alerts_notification_events (notification_id, alertevent_id)
            SELECT DISTINCT n.id, pairs.event_id
            FROM ({pairs}) pairs
            JOIN alerts_notification n ON n.evaluation = %(evaluation)s
                AND n.kind = 'immediate' AND n.email = pairs.email
            WHERE n.created_at = %(now)s
            ON CONFLICT (notification_id, alertevent_id) DO NOTHING
            """,
            params,
        )


def queue_notifications(evaluation: int, now, rules: list[ToleranceRule]) -> list[int]:
    """Outbox rows for the events this evaluation wrote at ``now``. Returns their ids."""
    params = {
        "evaluation": evaluation,
        "now": connection.ops.adapt_datetimefield_value(now),
        "manager_group": Role.MANAGER.value,
    }
    _write(_recipient_pairs_sql(), params)
    for rule in rules:
        addresses = [a.strip() for a in rule.extra_recipients.splitlines() if a.strip()]
        if addresses:
            _write(_extra_pairs_sql(rule, addresses), params)
    return list(
        Notification.objects.filter(evaluation=evaluation, created_at=now).values_list(
            "id", flat=True
        )
    )
