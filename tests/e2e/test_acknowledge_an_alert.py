import pytest

from alerts.evaluation import evaluate
from alerts.models import Alert, ToleranceRule
from cockpit.roles import Role
from tests.alerts.test_evaluation import NOW, with_kpis
from tests.e2e.conftest import log_in, save_screenshot
from tests.factories import PASSWORD, CustomerFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rep_reads_the_guidance_acknowledges_and_the_alert_leaves_the_inbox(page):
    rep = make_user("rep1", Role.SALES_REP)
    ToleranceRule.objects.all().delete()
    ToleranceRule.objects.create(
        name="No purchase for a long time",
        kpi="recency_days",
        direction="too_high",
        yellow_bound=180,
        red_bound=365,
        guidance="Offer a reorder and agree on a next step.",
    )
    customer = with_kpis(
        CustomerFactory(number="K-9", name="Roth Logistik GmbH", owner=rep), recency_days=400
    )
    evaluate(1, now=NOW)

    log_in(page, "rep1", PASSWORD)
    page.goto("/alerts/")
    assert "Roth Logistik GmbH" in page.locator("#alert-inbox").inner_text()
    page.click("text=Roth Logistik GmbH")
    assert page.locator("#customer-badges").inner_text().count("Alerts: red") == 1
    panel = page.locator("#alerts")
    assert "Offer a reorder and agree on a next step." in panel.inner_text()
    assert "Recency is 400 days, beyond the bound of 365 days" in panel.inner_text()
    save_screenshot(page, "red-customer-with-guidance")
    page.click("#alerts button:has-text('Acknowledge')")
    assert "acknowledged" in page.locator("#alerts").inner_text()
    page.goto("/alerts/")
    assert "Roth Logistik GmbH" not in page.locator("#alert-inbox").inner_text()
    assert Alert.objects.get(customer=customer).state == "acknowledged"
    assert page.console_errors == []
