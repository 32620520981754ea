"""Outgoing webhooks: a signed JSON POST per alert event (opened, escalated, resolved) of
rules that name a webhook, through an outbox so a crash neither loses nor repeats one.

The body is signed with HMAC-SHA256 under ALERT_WEBHOOK_SECRET:
``X-Cockpit-Signature: sha256=<hex digest of the body>``. ``X-Cockpit-Delivery`` is the
delivery's id, the same on every retry, for the receiver to de-duplicate.
"""

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from alerts.addresses import refused_address
from alerts.choices import EventKind
from alerts.models import WebhookDelivery

SENT_FOR = (EventKind.OPENED, EventKind.ESCALATED, EventKind.RESOLVED, EventKind.RESOLVED_BY_HAND)
TIMEOUT_SECONDS = 10


def queue_webhooks() -> int:
    """An outbox row per event not yet queued, of rules with a webhook. Safe to repeat."""
    kinds = ", ".join(f"'{kind.value}'" for kind in SENT_FOR)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO alerts_webhookdelivery (event_id, url, status, attempts, error,
                created_at)
            SELECT e.id, r.webhook_url, 'pending', 0, '', %(now)s
            FROM alerts_alertevent e
            JOIN alerts_alert a ON a.id = e.alert_id
            JOIN alerts_tolerancerule r ON r.id = a.rule_id
            WHERE r.webhook_url <> '' AND e.kind IN ({kinds})
              AND e.created_at >= r.webhook_since
            ON CONFLICT (event_id) DO NOTHING
            """,
            {"now": connection.ops.adapt_datetimefield_value(timezone.now())},
        )
        return cursor.rowcount


def payload(delivery: WebhookDelivery) -> dict:
    event = delivery.event
    alert = event.alert
    return {
        "delivery": delivery.pk,
        "event": event.kind,
        "occurred_at": event.created_at,
        "alert": {
            "id": alert.pk, "level_before": event.level_before, "level": event.level_after,
            "state": alert.state, "kpi": alert.rule.kpi, "kpi_value": event.kpi_value,
            "bound": event.bound, "rule": alert.rule.name, "guidance": alert.rule.guidance,
            "opened_at": alert.opened_at,
        },
        "customer": {
            "number": alert.customer.number, "name": alert.customer.name,
            "url": settings.SITE_URL.rstrip("/") + alert.customer.get_absolute_url(),
        },
    }  # fmt: skip


def signature(body: bytes) -> str:
    digest = hmac.new(settings.ALERT_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class RefusedAddress(ValueError):
    """The webhook's host is not one it may post to: retrying will not change that."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect could lead anywhere: the 3xx is the answer


_OPENER = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict[str, str]) -> None:
    if reason := refused_address(url):
        raise RefusedAddress(reason)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
        if not 200 <= response.status < 300:
            raise urllib.error.HTTPError(url, response.status, "not 2xx", response.headers, None)


def deliver_due(limit: int = 200) -> int:
    """Send pending deliveries that are due; each row is locked while it is sent, so two
    workers never send the same one. Returns how many were sent."""
    sent = 0
    now = timezone.now()
    for _ in range(limit):
        with transaction.atomic():
            delivery = (
                WebhookDelivery.objects.select_for_update(skip_locked=True)
                .select_related("event__alert__rule", "event__alert__customer")
                .filter(status=WebhookDelivery.Status.PENDING)
                .exclude(retry_after__gt=now)
                .order_by("id")
                .first()
            )
            if delivery is None:
                break
            body = json.dumps(payload(delivery), cls=DjangoJSONEncoder).encode()
            headers = {"Content-Type": "application/json", "User-Agent": "RelationshipCockpit",
                       "X-Cockpit-Event": delivery.event.kind,
                       "X-Cockpit-Delivery": str(delivery.pk),
                       "X-Cockpit-Signature": signature(body)}  # fmt: skip
            delivery.attempts += 1
            try:
                _post(delivery.url, body, headers)
            except (OSError, urllib.error.URLError, ValueError) as exc:
                delivery.error = str(exc)[:1000]
                if isinstance(exc, RefusedAddress) or (
                    delivery.attempts >= settings.ALERT_WEBHOOK_MAX_ATTEMPTS
                ):
                    delivery.status = WebhookDelivery.Status.FAILED
                else:  # 2, 4, 8, 16 ... minutes
                    delivery.retry_after = now + dt.timedelta(minutes=2**delivery.attempts)
            else:
                delivery.status = WebhookDelivery.Status.SENT
                delivery.sent_at = timezone.now()
                delivery.error = ""
                sent += 1
            delivery.save()
    return sent
