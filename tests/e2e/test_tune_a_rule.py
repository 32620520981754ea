import pytest

from alerts.models import ToleranceRule
from cockpit.roles import Role
from tests.alerts.test_evaluation import with_kpis
from tests.e2e.conftest import log_in, save_screenshot
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_lowers_a_bound_and_sees_the_preview_change(page):
    make_user("admin1", Role.ADMIN)
    for days in (100, 150, 200, 400):
        with_kpis(recency_days=days)
    rule = ToleranceRule.objects.create(
        name="No purchase for long", kpi="recency_days", direction="too_high",
        yellow_bound=180, red_bound=365, guidance="Call them.",
    )  # fmt: skip

    log_in(page, "admin1", PASSWORD)
    page.goto(f"/alerts/rules/{rule.pk}/")
    preview = page.locator("#rule-preview")
    assert "1 customer yellow" in preview.inner_text()
    assert "1 customer red" in preview.inner_text()
    page.fill("#id_yellow_bound", "120")
    page.locator("#id_yellow_bound").dispatch_event("change")
    page.wait_for_selector("#rule-preview:has-text('2 customers yellow')")
    save_screenshot(page, "rule-preview-after-lowering-the-yellow-bound")
    page.click("#rule-form button[type=submit]")
    page.wait_for_url("**/alerts/rules/")
    rule.refresh_from_db()
    assert rule.yellow_bound == 120
    assert page.console_errors == []
