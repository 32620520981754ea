"""Outgoing webhooks: signed, sent once per event, retried until the receiver answers."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.utils import timezone

from alerts import webhooks
from alerts.evaluation import evaluate
from alerts.models import ToleranceRule, WebhookDelivery
from tests.alerts.test_evaluation import NOW, rule, set_kpi, with_kpis

pytestmark = pytest.mark.django_db


class Receiver:
    """A local HTTP endpoint that records what it gets and answers with ``statuses``."""

    def __init__(self, statuses: list[int]):
        self.statuses, self.received = list(statuses), []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(outer.statuses.pop(0) if outer.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver(settings):
    settings.ALERT_WEBHOOK_PRIVATE_NETWORKS = True  # the receiver listens on 127.0.0.1
    made = []

    def make(statuses=()):
        made.append(Receiver(list(statuses)))
        return made[-1]

    yield make
    for r in made:
        r.close()


def test_an_opened_and_a_resolved_alert_are_posted_once_each_and_signed(receiver, customer_a):
    ToleranceRule.objects.all().delete()
    hook = receiver()
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):
        rule(name="No purchase for long", webhook_url=hook.url)
    with_kpis(customer_a, recency_days=400)
    evaluate(1, now=NOW)
    assert webhooks.queue_webhooks() == 1
    assert webhooks.deliver_due() == 1
    assert (webhooks.queue_webhooks(), webhooks.deliver_due()) == (0, 0)  # nothing twice
    headers, body = hook.received[0]
    assert (
        headers["X-Cockpit-Signature"]
        == "sha256="
        + hmac.new(
            b"insecure-default-key-for-local-development-only", body, hashlib.sha256
        ).hexdigest()
    )
    sent = json.loads(body)
    assert (sent["event"], sent["alert"]["level"], sent["customer"]["number"]) == (
        "opened", "red", "A-1",
    )  # fmt: skip
    set_kpi(customer_a, recency_days=10)
    evaluate(2, now=NOW + dt.timedelta(days=1))
    webhooks.queue_webhooks()
    webhooks.deliver_due()
    assert [json.loads(b)["event"] for _h, b in hook.received] == ["opened", "resolved"]


def test_a_failing_receiver_is_retried_with_back_off_until_it_answers(receiver, customer_a):
    ToleranceRule.objects.all().delete()
    hook = receiver(statuses=[500, 503])
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):
        rule(webhook_url=hook.url)
    with_kpis(customer_a, recency_days=400)
    evaluate(1, now=NOW)
    webhooks.queue_webhooks()
    with time_machine.travel(NOW, tick=False):
        assert webhooks.deliver_due() == 0
        delivery = WebhookDelivery.objects.get()
        assert (delivery.attempts, delivery.retry_after) == (1, NOW + dt.timedelta(minutes=2))
        assert webhooks.deliver_due() == 0  # not due yet: nothing sent
    with time_machine.travel(NOW + dt.timedelta(minutes=3), tick=False):
        assert webhooks.deliver_due() == 0  # 503
    with time_machine.travel(NOW + dt.timedelta(minutes=8), tick=False):
        assert webhooks.deliver_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(hook.received)) == ("sent", 3, 3)
    assert len({h["X-Cockpit-Delivery"] for h, _b in hook.received}) == 1


def test_setting_a_webhook_does_not_replay_old_events(receiver, customer_a):
    ToleranceRule.objects.all().delete()
    quiet = rule()
    with_kpis(customer_a, recency_days=400)
    evaluate(1, now=NOW)
    quiet.webhook_url = receiver().url
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        quiet.save()
    assert quiet.webhook_since == timezone.make_aware(dt.datetime(2026, 6, 30, 9), dt.UTC)
    assert webhooks.queue_webhooks() == 0


def test_an_admin_sets_a_webhook_in_the_admin(admin_user, client):
    client.force_login(admin_user)
    page = client.get("/admin/alerts/tolerancerule/add/")
    assert page.status_code == 200
    assert 'name="webhook_url"' in page.content.decode()
    assert client.get("/admin/alerts/webhookdelivery/").status_code == 200


def test_a_webhook_to_the_servers_own_network_is_refused(receiver, settings, customer_a):
    from django.core.exceptions import ValidationError

    ToleranceRule.objects.all().delete()
    hook = receiver()
    settings.ALERT_WEBHOOK_PRIVATE_NETWORKS = False
    inward = ToleranceRule(name="Inward", kpi="recency_days", direction="too_high",
                           yellow_bound=180, red_bound=365, guidance="Call.",
                           webhook_url="http://169.254.169.254/latest/meta-data/")  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        inward.full_clean()
    assert refused.value.message_dict["webhook_url"] == [
        "169.254.169.254 is a private or local address (169.254.169.254): webhooks go to "
        "public addresses unless ALERT_WEBHOOK_PRIVATE_NETWORKS is set."
    ]
    # A rule saved before (or an address that moved): the delivery fails at once, unsent.
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):
        rule(webhook_url=hook.url)
    with_kpis(customer_a, recency_days=400)
    evaluate(1, now=NOW)
    webhooks.queue_webhooks()
    assert webhooks.deliver_due() == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, hook.received) == ("failed", 1, [])
    assert delivery.error.startswith("127.0.0.1 is a private or local address (127.0.0.1)")
