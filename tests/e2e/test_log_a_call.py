import pytest
from playwright.sync_api import expect

from cockpit.roles import Role
from customers.models import Interaction
from tests.e2e.conftest import log_in, save_screenshot
from tests.factories import PASSWORD, ContactFactory, CustomerFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rep_logs_a_phone_call_and_sees_it_on_the_timeline(page):
    rep = make_user("rep1", Role.SALES_REP)
    other = make_user("rep2", Role.SALES_REP)
    customer = CustomerFactory(number="K-7", name="Weber Logistik GmbH", owner=rep)
    ContactFactory(customer=customer, name="Erika Mustermann", is_primary=True)
    CustomerFactory(number="K-8", name="Fremd AG", owner=other)
    CustomerFactory(number="K-9", name="Hansa Druck KG", owner=rep)

    log_in(page, "rep1", PASSWORD)
    page.goto("/customers/")
    assert page.locator("#customer-table").inner_text().count("K-") == 2
    assert page.locator("#customer-count").inner_text() == "2 customers"
    page.fill("input[name=q]", "Weber")  # the list and its count follow as one types
    expect(page.locator("#customer-count")).to_have_text("1 customer")
    assert page.locator("#customer-table").inner_text().count("K-") == 1
    page.click("text=Weber Logistik GmbH")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_contact", label="Erika Mustermann")
    page.fill("#id_summary", "Rahmenvertrag 2027 besprochen")
    page.click("text=Save contact")

    first_entry = page.locator("#timeline li").first
    assert "Rahmenvertrag 2027 besprochen" in first_entry.inner_text()
    assert "Erika Mustermann" in first_entry.inner_text()
    assert Interaction.objects.get().user == rep
    save_screenshot(page, "customer-record-after-logging-a-call")
    assert page.console_errors == []
