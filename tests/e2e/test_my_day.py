import datetime as dt

import pytest
from django.utils import timezone

from agenda.models import ContactCadence, Task
from agenda.planning import plan_agenda
from cockpit.roles import Role
from customers.kpis import runs
from customers.models import CustomerKPI, Interaction
from tests.e2e.conftest import log_in, save_screenshot
from tests.factories import PASSWORD, ContactFactory, CustomerFactory, InteractionFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rep_completes_a_call_from_my_day_and_the_contact_is_back_in_time(page):
    today = timezone.localdate()
    rep = make_user("rep1", Role.SALES_REP)
    ContactCadence.objects.all().delete()
    ContactCadence.objects.create(name="Everybody", interval_days=30)
    customer = CustomerFactory(number="K-7", name="Weber Logistik GmbH", owner=rep)
    person = ContactFactory(customer=customer, name="Erika Mustermann", phone="+49 30 123456")
    # Noon of the local day 60 days ago: "now minus 60 days" late in the evening lands on
    # the next local day when a daylight-saving change lies between (29 days overdue).
    sixty_days_ago = dt.datetime.combine(today - dt.timedelta(days=60), dt.time(12))
    InteractionFactory(customer=customer, contact=person,
                       occurred_at=timezone.make_aware(sixty_days_ago))  # fmt: skip
    runs.recompute_all(today)
    plan_agenda(today)
    call = Task.objects.get(customer=customer, origin="cadence")
    call.contact = person
    call.save()
    assert CustomerKPI.objects.get(customer=customer).contact_overdue_days == 30

    log_in(page, "rep1", PASSWORD)  # a rep lands on their day
    row = page.locator(f"#tasks-overdue #task-{call.pk}")
    assert "Weber Logistik GmbH" in row.inner_text()
    save_screenshot(page, "my-day")
    row.locator("select[name=rating]").select_option("positive")
    row.locator("input[name=outcome]").fill("Rahmenvertrag 2027 besprochen")
    row.locator("button", has_text="Done").click()
    assert (
        "The contact is on Weber Logistik GmbH's timeline" in page.locator(".messages").inner_text()
    )
    assert page.locator(f"#task-{call.pk}").count() == 0

    page.goto(customer.get_absolute_url())
    first_entry = page.locator("#timeline li").first
    assert "Rahmenvertrag 2027 besprochen" in first_entry.inner_text()
    assert "Positive (gold)" in first_entry.inner_text()
    assert page.locator("[data-kpi=contact_overdue_days]").inner_text().startswith("0")
    logged = Interaction.objects.get(task=call)
    assert (logged.user, logged.contact, logged.rating) == (rep, person, "positive")
    save_screenshot(page, "record-after-completing-a-call")
    with page.expect_navigation():
        page.select_option("#language-select", "de")  # the header's language switch
    page.goto("/agenda/")
    assert page.locator("h1").inner_text() == "Mein Tag"
    save_screenshot(page, "my-day-de")
    assert page.console_errors == []
