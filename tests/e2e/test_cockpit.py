import importlib
import re

import pytest
from django.utils import timezone

from alerts.models import ToleranceRule
from cockpit.models import PortfolioCell
from customers.demo import DEMO_PASSWORD, compute_demo_kpis, seed_demo_book
from customers.models import Customer, RFMSegment
from tests.e2e.conftest import log_in, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipped_data():
    """The segment map and starter rules the data migrations ship: a browser test before
    this one flushed them."""
    from django.apps import apps

    segments = importlib.import_module("customers.migrations.0004_default_rfm_segments")
    rules = importlib.import_module("alerts.migrations.0002_starter_rules")
    if not RFMSegment.objects.exists():
        segments.create_segments(apps, None)
        importlib.import_module("customers.migrations.0019_german_wording").add_german(apps, None)
    if not ToleranceRule.objects.exists():
        rules.create_rules(apps, None)
        importlib.import_module("alerts.migrations.0013_german_wording").add_german(apps, None)
        importlib.import_module("alerts.migrations.0016_starter_rule_name_says_a_class").rename(
            apps, None
        )


CHARTS = [
    "customers-by-alert", "revenue-by-alert", "recency", "alerts-by-rule", "segments",
    "value-classes", "concentration", "phases", "migration", "history",
]  # fmt: skip

# The middle of the red slice, in page pixels, from plotly's own geometry of the donut.
RED_SLICE = """
() => {
  const chart = document.getElementById('chart-customers-by-alert');
  const slices = chart.calcdata[0];
  const red = slices.find(point => point.i === 0);
  const box = chart.getBoundingClientRect();
  const ring = 0.72;  // between the hole (0.45) and the rim
  return [box.left + slices[0].cx + red.pxmid[0] * ring,
          box.top + slices[0].cy + red.pxmid[1] * ring];
}
"""


SEPARATORS = "() => document.getElementById('chart-history')._fullLayout.separators"
TICKS = (
    "() => Array.from(document.querySelectorAll('#chart-history .xtick text'))"
    ".map(tick => tick.textContent).join(' | ')"
)


def test_a_manager_opens_the_cockpit_and_clicks_the_red_slice(page, shipped_data):
    today = timezone.localdate()
    seed_demo_book(customers=150, seed=11, as_of=today)
    compute_demo_kpis(today, months_of_history=1)
    assert PortfolioCell.objects.filter(taken_on=today).exists()
    red = Customer.objects.filter(alert_rank=2).count()
    assert red > 0

    log_in(page, "manager", DEMO_PASSWORD)
    page.goto("/cockpit/")
    for chart in CHARTS:
        page.wait_for_selector(f"#chart-{chart}[data-rendered=true]")
    assert page.console_errors == []
    # Screen readers get each chart as an image described in words.
    described = page.get_attribute("#chart-value-classes", "aria-label")
    assert described.startswith("Value classes. Customers — Class A: ")
    assert re.search(r"Class A: \d", described) and "undefined" not in described
    assert page.get_attribute("#chart-value-classes", "role") == "img"
    save_screenshot(page, "cockpit-en")
    assert page.evaluate(SEPARATORS) == ".,"
    english_ticks = page.evaluate(TICKS)

    x, y = page.evaluate(RED_SLICE)
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r".*/customers/\?.*alert=red.*"))
    assert page.locator("main p.muted").first.inner_text() == f"{red} customers"
    numbers = set(page.locator("table.list tbody tr td:nth-child(1)").all_inner_texts())
    shown = set(Customer.objects.filter(alert_rank=2).order_by("name", "number")
                .values_list("number", flat=True)[:50])  # fmt: skip
    assert numbers == shown

    page.goto("/cockpit/")
    page.select_option("#language-select", "de")
    page.wait_for_selector("h1:has-text('KPI-Cockpit')")
    for chart in CHARTS:
        page.wait_for_selector(f"#chart-{chart}[data-rendered=true]")
    save_screenshot(page, "cockpit-de")
    assert page.console_errors == []
    # Decimal comma, thousands dot and German month names in every chart.
    assert page.evaluate(SEPARATORS) == ",."
    german = {"Mar": "Mär", "May": "Mai", "Oct": "Okt", "Dec": "Dez"}
    assert page.evaluate(TICKS) == re.sub(
        "|".join(german), lambda month: german[month.group()], english_ticks
    )
