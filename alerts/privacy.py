"""The alerts' part of personal-data exports and erasures (settings.PERSONAL_DATA_HOOKS)."""

from alerts.models import Alert, AlertEvent


def export(customer, contact) -> dict:
    if contact is not None:
        return {}
    alerts = Alert.objects.filter(customer=customer).select_related("rule")
    return {
        "alerts": [
            {"rule": a.rule.name, "level": a.level, "state": a.state, "kpi_value": a.kpi_value,
             "opened_at": a.opened_at, "resolved_at": a.resolved_at,
             "events": list(a.events.values("kind", "level_after", "note", "created_at"))}
            for a in alerts
        ]
    }  # fmt: skip


def erase(customer, contact) -> None:
    if contact is None:
        AlertEvent.objects.filter(alert__customer=customer).update(note="")
