"""The alert colour and open alerts on the customer record; acknowledge and snooze."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from alerts.evaluation import evaluate
from alerts.models import Alert, AlertEvent, ToleranceRule
from cockpit.people import person_name
from customers.models import Customer
from tests.alerts.test_evaluation import NOW, rule, set_kpi, with_kpis

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_test_rules():
    ToleranceRule.objects.all().delete()


@pytest.fixture
def red_customer(customer_a):
    rule(guidance="Offer a reorder and agree on a next step.")
    with_kpis(customer_a, recency_days=400)
    evaluate(1, now=NOW)
    return customer_a


def test_the_record_shows_the_alert_colour_the_bound_and_the_guidance(client_a, red_customer):
    content = client_a.get(red_customer.get_absolute_url()).content.decode()
    assert '<span class="badge red">Alerts: red</span>' in content  # the customer's colour
    assert content.count('<span class="badge red">Red</span>') == 1  # the one alert's
    assert "Recency is 400 days, beyond the bound of 365 days — since 2026-06-30." in content
    assert "Offer a reorder and agree on a next step." in content
    alert = Alert.objects.get()
    assert f'<label for="id_snooze_{alert.pk}_until">' in content  # one form per alert


def test_a_value_on_the_bound_reads_at_the_bound_not_beyond_it(client_a, customer_a):
    rule()
    with_kpis(customer_a, recency_days=365)
    evaluate(1, now=NOW)
    content = client_a.get(customer_a.get_absolute_url()).content.decode()
    assert "Recency is 365 days, at the bound — since 2026-06-30." in content
    assert "beyond the bound" not in content


def test_a_customer_without_alerts_is_green(client_a, customer_a):
    content = client_a.get(customer_a.get_absolute_url()).content.decode()
    assert '<span class="badge green">Alerts: green</span>' in content
    assert "No open alerts" in content


def test_the_record_reads_in_german(client_a, red_customer):
    content = client_a.get(red_customer.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de")
    assert "Alarme: rot" in content.content.decode()
    assert "Offer a reorder and agree on a next step." in content.content.decode()  # no German

    ToleranceRule.objects.update(
        name_de="Lange kein Kauf", guidance_de="Bieten Sie eine Nachbestellung an."
    )
    german = client_a.get(red_customer.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de")
    assert "<strong>Lange kein Kauf</strong>" in german.content.decode()
    assert "Bieten Sie eine Nachbestellung an." in german.content.decode()
    english = client_a.get(red_customer.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Offer a reorder and agree on a next step." in english.content.decode()
    assert "Bieten Sie" not in english.content.decode()


def test_acknowledging_records_who_and_when(client_a, rep_a, red_customer):
    alert = Alert.objects.get()
    response = client_a.post(
        reverse("alerts:acknowledge", args=[alert.pk]), {"note": "Called, order next week"}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == "acknowledged"
    event = alert.events.last()
    assert (event.kind, event.user, event.note) == (
        "acknowledged",
        rep_a,
        "Called, order next week",
    )
    # A double click, or the same call retried, records nothing more; a new note does.
    url = reverse("alerts:acknowledge", args=[alert.pk])
    client_a.post(url, {"note": "Called, order next week"})
    client_a.post(url, {"note": ""})
    assert alert.events.filter(kind="acknowledged").count() == 1
    client_a.post(url, {"note": "Order came in"})
    assert list(alert.events.filter(kind="acknowledged").values_list("note", flat=True)) == [
        "Called, order next week",
        "Order came in",
    ]


def test_resolving_by_hand_closes_the_alert_and_a_new_one_opens_if_still_out(
    client_a, rep_a, red_customer
):
    alert = Alert.objects.get()
    url = reverse("alerts:resolve", args=[alert.pk])
    assert f'action="{url}"' in client_a.get(red_customer.get_absolute_url()).content.decode()
    page = client_a.post(url, {"note": "Paid in full"}, follow=True).content.decode()
    assert "Alert “No purchase for long” resolved." in page
    assert "No open alerts: every KPI is within tolerance." in page
    alert.refresh_from_db()
    event = alert.events.last()
    assert (alert.state, event.kind, event.user, event.note) == (
        "resolved", "resolved_by_hand", rep_a, "Paid in full"
    )  # fmt: skip
    assert client_a.post(url).status_code == 404  # a second click finds nothing open
    evaluate(2, now=NOW)  # recency is still 400 days
    assert list(Alert.objects.values_list("state", flat=True).order_by("id")) == [
        "resolved",
        "open",
    ]


def test_an_acknowledged_alert_can_still_be_resolved(client_a, red_customer):
    alert = Alert.objects.get()
    client_a.post(reverse("alerts:acknowledge", args=[alert.pk]))
    content = client_a.get(red_customer.get_absolute_url()).content.decode()
    assert reverse("alerts:acknowledge", args=[alert.pk]) not in content
    assert reverse("alerts:resolve", args=[alert.pk]) in content


def test_another_reps_alert_is_a_404(rep_b, red_customer):
    from tests.conftest import logged_in

    alert = Alert.objects.get()
    client = logged_in(rep_b)
    assert client.post(reverse("alerts:acknowledge", args=[alert.pk])).status_code == 404
    tomorrow = {"until": "2026-12-31", "reason": "x"}
    assert client.post(reverse("alerts:snooze", args=[alert.pk]), tomorrow).status_code == 404
    assert client.post(reverse("alerts:resolve", args=[alert.pk])).status_code == 404
    assert Alert.objects.get().state == "open"


@time_machine.travel(NOW, tick=False)
def test_a_snooze_needs_a_future_date_and_a_reason(client_a, red_customer):
    alert = Alert.objects.get()
    url = reverse("alerts:snooze", args=[alert.pk])
    client_a.post(url, {"until": "2026-06-30", "reason": "later"})
    client_a.post(url, {"until": "2026-07-15", "reason": ""})
    too_long = client_a.post(url, {"until": "2027-07-01", "reason": "next year"}, follow=True)
    assert "Snooze for a year at most: resolve the alert instead." in too_long.content.decode()
    assert Alert.objects.get().state == "open"
    client_a.post(url, {"until": "2026-07-15", "reason": "Customer on holiday"})
    alert.refresh_from_db()
    assert (alert.state, alert.snoozed_until) == ("snoozed", dt.date(2026, 7, 15))


@time_machine.travel(NOW, tick=False)
def test_a_refused_snooze_comes_back_open_with_what_was_typed_and_why(client_a, red_customer):
    alert = Alert.objects.get()
    url = reverse("alerts:snooze", args=[alert.pk])
    response = client_a.post(url, {"until": "2026-06-30", "reason": "Back from holiday"})
    assert response.url == f"{red_customer.get_absolute_url()}#alert-{alert.pk}"
    content = client_a.get(response.url).content.decode()
    form = (
        content.split(f'action="{url}"')[0].rsplit("<details", 1)[1]
        + content.split(f'action="{url}"')[1].split("</form>")[0]
    )
    assert form.startswith(" open>")
    assert 'value="Back from holiday"' in form and 'value="2026-06-30"' in form
    assert "Snooze until a day in the future." in form
    # Shown once: the next visit offers a fresh form.
    again = client_a.get(response.url).content.decode()
    assert "Back from holiday" not in again


def test_a_snooze_ends_on_its_date(client_a, red_customer):
    alert = Alert.objects.get()
    with time_machine.travel(NOW, tick=False):
        client_a.post(
            reverse("alerts:snooze", args=[alert.pk]),
            {"until": "2026-07-15", "reason": "Customer on holiday"},
        )
    evaluate(2, now=dt.datetime(2026, 7, 14, 8, tzinfo=dt.UTC))
    assert Alert.objects.get().state == "snoozed"
    result = evaluate(3, now=dt.datetime(2026, 7, 15, 8, tzinfo=dt.UTC))
    assert result.snooze_ended == 1
    assert Alert.objects.get().state == "open"
    assert list(AlertEvent.objects.values_list("kind", flat=True)) == [
        "opened",
        "snoozed",
        "snooze_ended",
    ]


def test_escalation_reopens_an_acknowledged_alert(client_a, customer_a):
    rule()
    with_kpis(customer_a, recency_days=200)
    evaluate(1, now=NOW)
    client_a.post(reverse("alerts:acknowledge", args=[Alert.objects.get().pk]))
    set_kpi(customer_a, recency_days=400)
    evaluate(2, now=NOW)
    alert = Alert.objects.get()
    assert (alert.level, alert.state) == ("red", "open")


def test_the_inbox_lists_open_alerts_reddest_and_most_valuable_first(client_a, rep_a, rep_b):
    from tests.factories import CustomerFactory

    rule()
    with_kpis(CustomerFactory(number="Y-A", owner=rep_a), recency_days=200, value_class="A")
    with_kpis(CustomerFactory(number="R-C", owner=rep_a), recency_days=400, value_class="C")
    with_kpis(CustomerFactory(number="R-A", owner=rep_a), recency_days=400, value_class="A")
    with_kpis(CustomerFactory(number="OTHER", owner=rep_b), recency_days=400, value_class="A")
    evaluate(1, now=NOW)
    page = client_a.get(reverse("alerts:inbox")).context["page"]
    assert [a.customer.number for a in page] == ["R-A", "R-C", "Y-A"]
    reds = client_a.get(reverse("alerts:inbox"), {"level": "yellow"}).context["page"]
    assert [a.customer.number for a in reds] == ["Y-A"]

    # The next KPI run makes R-C an A customer and R-A a B customer; the alerts stay open.
    set_kpi(Customer.objects.get(number="R-C"), value_class="A")
    set_kpi(Customer.objects.get(number="R-A"), value_class="B")
    evaluate(2, now=NOW)
    page = client_a.get(reverse("alerts:inbox")).context["page"]
    assert [a.customer.number for a in page] == ["R-C", "R-A", "Y-A"]


def test_a_manager_narrows_the_inbox_to_one_reps_customers(client_manager, rep_a, rep_b):
    from tests.factories import CustomerFactory

    rule()
    with_kpis(CustomerFactory(number="A-R", owner=rep_a), recency_days=400)
    with_kpis(CustomerFactory(number="B-R", owner=rep_b), recency_days=400)
    with_kpis(CustomerFactory(number="B-Y", owner=rep_b), recency_days=200)
    evaluate(1, now=NOW)
    everybody = client_manager.get(reverse("alerts:inbox"))
    assert everybody.context["page"].paginator.count == 3
    assert f'href="?owner={rep_b.pk}"' in everybody.content.decode()  # the owner column links

    response = client_manager.get(reverse("alerts:inbox"), {"owner": rep_b.pk})
    assert [a.customer.number for a in response.context["page"]] == ["B-R", "B-Y"]
    content = response.content.decode()
    assert f"<h1>Alerts · {person_name(rep_b)}</h1>" in content
    # The colour buttons and the exports keep the owner; "every owner" drops it.
    assert f'href="?owner={rep_b.pk}&amp;level=red"' in content
    assert f'?owner={rep_b.pk}">CSV</a>' in content
    assert 'href="?">Every owner' in content
    # A manager picks the owner from a list too; a rep has no such list.
    assert f'<option value="{rep_b.pk}" selected>{person_name(rep_b)}</option>' in content
    reds = client_manager.get(reverse("alerts:inbox"), {"owner": rep_b.pk, "level": "red"})
    assert [a.customer.number for a in reds.context["page"]] == ["B-R"]
    csv = client_manager.get(reverse("alerts:export", args=["csv"]), {"owner": rep_b.pk})
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert [line.split(",")[1] for line in lines[1:]] == ["B-R", "B-Y"]


def test_an_acknowledged_alert_leaves_the_inbox(
    client_a, red_customer, django_assert_max_num_queries
):
    alert = Alert.objects.get()
    client_a.post(reverse("alerts:acknowledge", args=[alert.pk]))
    with django_assert_max_num_queries(6):
        response = client_a.get(reverse("alerts:inbox"))
    assert list(response.context["page"]) == []
    assert 'id="id_inbox_owner"' not in response.content.decode()


def test_the_customer_list_filters_and_sorts_by_alert_colour(client_a, rep_a):
    from tests.factories import CustomerFactory

    rule()
    with_kpis(CustomerFactory(number="G", name="Green", owner=rep_a), recency_days=10)
    with_kpis(CustomerFactory(number="Y", name="Yellow", owner=rep_a), recency_days=200)
    with_kpis(CustomerFactory(number="R", name="Red", owner=rep_a), recency_days=400)
    evaluate(1, now=NOW)
    url = reverse("customers:list")
    for colour, numbers in [("red", ["R"]), ("yellow", ["Y"]), ("green", ["G"])]:
        page = client_a.get(url, {"alert": colour}).context["page"]
        assert [c.number for c in page] == numbers, colour
    page = client_a.get(url, {"sort": "-alert"}).context["page"]
    assert [c.number for c in page] == ["R", "Y", "G"]
    content = client_a.get(url).content.decode()
    assert '<span class="badge red">Alerts: red</span>' in content


def test_the_inbox_exports_as_csv_and_excel(client_a, red_customer):
    response = client_a.get(reverse("alerts:export", args=["csv"]) + "?level=red")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Colour,Customer number,Customer,Value class,Rule,KPI,KPI value")
    assert lines[1].startswith("Red,A-1,Alpha Maschinenbau GmbH,A,No purchase for long,Recency")
    assert len(lines) == 2
    excel = client_a.get(reverse("alerts:export", args=["xlsx"]))
    assert excel.content[:2] == b"PK"
    Alert.objects.update(kpi_value=400.27777777777778)
    german = client_a.get(reverse("alerts:export", args=["csv"]), HTTP_ACCEPT_LANGUAGE="de")
    line = b"".join(german.streaming_content).decode("utf-8-sig").splitlines()[1]
    assert line.startswith(
        "Rot;A-1;Alpha Maschinenbau GmbH;A;No purchase for long;Tage seit letztem Kauf;"
        "400,28;365;30.06.2026 10:00;"
    )


def test_acknowledging_from_my_day_stays_on_my_day(client_a, red_customer):
    alert = Alert.objects.get()
    my_day = reverse("agenda:my_day")
    response = client_a.post(reverse("alerts:acknowledge", args=[alert.pk]), {"next": my_day})
    assert response.url == my_day
    elsewhere = client_a.post(
        reverse("alerts:acknowledge", args=[alert.pk]), {"next": "https://evil.example/"}
    )
    assert elsewhere.url == red_customer.get_absolute_url()


def test_the_list_names_the_drill_down_filters_in_words(client_a, red_customer):
    rule_id = Alert.objects.get().rule_id
    page = client_a.get(
        reverse("customers:list"),
        {"alert_rule": f"{rule_id}:red", "contact_overdue": "true", "was_month": "2026-05-01",
         "was_segment": "none"},
    ).content.decode()  # fmt: skip
    assert "Alert rule: No purchase for long (Red)" in page
    assert "Contact overdue: yes" in page
    assert "Month: May 2026" in page
    assert "Segment in month: No segment" in page
