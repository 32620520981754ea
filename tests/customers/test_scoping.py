"""A rep sees and edits only their own customers; managers see all (per object, 404)."""

import pytest
from django.urls import reverse

from tests.alerts.test_evaluation import with_kpis
from tests.conftest import logged_in
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db

CUSTOMER_PAGES = [
    ("customers:detail", {}),
    ("customers:update", {}),
    ("customers:contact_create", {}),
    ("customers:interaction_create", {}),
    ("customers:transaction_create", {}),
]


def test_the_list_shows_a_rep_only_their_own_customers(client_a, customer_a, customer_b):
    response = client_a.get(reverse("customers:list"))
    assert [c.number for c in response.context["page"]] == ["A-1"]
    assert b"Beta Logistik AG" not in response.content


def test_search_never_finds_another_reps_customer(client_a, customer_a, customer_b):
    response = client_a.get(reverse("customers:list"), {"q": "Beta"})
    assert list(response.context["page"]) == []
    response = client_a.get(reverse("customers:list"), {"q": "B-1"})
    assert list(response.context["page"]) == []


def test_search_finds_by_name_number_and_contact_person(client_a, customer_a):
    ContactFactory(customer=customer_a, name="Erika Mustermann")
    for term in ["alpha", "A-1", "Mustermann"]:
        response = client_a.get(reverse("customers:list"), {"q": term})
        assert [c.number for c in response.context["page"]] == ["A-1"], term


def test_search_ignores_the_case_of_umlauts_too(client_a, rep_a):
    CustomerFactory(number="Ö-7", name="Öko-Bau Müller GmbH", owner=rep_a)
    other = CustomerFactory(number="X-2", name="Beta Logistik AG", owner=rep_a)
    ContactFactory(customer=other, name="Jürgen Weiß")
    for term, found in [("öko", "Ö-7"), ("MÜLLER", "Ö-7"), ("ö-7", "Ö-7"), ("JÜRGEN", "X-2")]:
        response = client_a.get(reverse("customers:list"), {"q": term})
        assert [c.number for c in response.context["page"]] == [found], term
    response = client_a.get(reverse("customers:list"), {"q": "100%"})
    assert list(response.context["page"]) == []  # % is a character, not a wildcard


def test_a_manager_sees_every_customer(client_manager, customer_a, customer_b):
    response = client_manager.get(reverse("customers:list"))
    assert [c.number for c in response.context["page"]] == ["A-1", "B-1"]
    response = client_manager.get(reverse("customers:list"), {"owner": customer_b.owner_id})
    assert [c.number for c in response.context["page"]] == ["B-1"]


@pytest.mark.parametrize(("url_name", "kwargs"), CUSTOMER_PAGES)
def test_another_reps_customer_is_a_404(client_a, customer_b, url_name, kwargs):
    url = reverse(url_name, args=[customer_b.number])
    assert client_a.get(url).status_code == 404
    assert client_a.post(url, {"name": "x", "summary": "x"}).status_code == 404


def test_another_reps_contact_person_is_a_404(client_a, customer_b):
    contact = ContactFactory(customer=customer_b)
    url = reverse("customers:contact_update", args=[customer_b.number, contact.pk])
    assert client_a.get(url).status_code == 404


def test_a_contact_person_is_reached_only_through_its_own_customer(
    client_a, customer_a, customer_b
):
    contact = ContactFactory(customer=customer_b)
    url = reverse("customers:contact_update", args=[customer_a.number, contact.pk])
    assert client_a.get(url).status_code == 404


@pytest.mark.parametrize(("url_name", "kwargs"), CUSTOMER_PAGES)
def test_a_manager_opens_any_customer(client_manager, customer_b, url_name, kwargs):
    assert client_manager.get(reverse(url_name, args=[customer_b.number])).status_code == 200


def test_every_page_requires_login(client, customer_a):
    for url in [reverse("customers:list"), customer_a.get_absolute_url(), reverse("home")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_rep_cannot_open_the_django_admin(client_a, admin_user):
    assert client_a.get("/admin/").status_code == 302
    assert logged_in(admin_user).get("/admin/customers/customer/").status_code == 200


def test_customers_without_owner_show_in_the_managers_list_and_record(client_manager):
    from tests.factories import CustomerFactory

    customer = CustomerFactory(number="IMP-1", owner=None)  # e.g. created by an import
    assert client_manager.get(reverse("customers:list")).status_code == 200
    content = client_manager.get(customer.get_absolute_url()).content.decode()
    assert "Owner: nobody" in content


def test_a_filter_value_the_list_does_not_know_is_named_not_ignored(client_manager):
    page = client_manager.get("/customers/", {"value_class": "Z", "alert": "purple"})
    content = page.content.decode()
    assert "Filter “Value class” not applied: Select a valid choice. Z is not one of the" in content
    assert "Filter “Alert colour” not applied:" in content


def test_the_list_sorts_by_value_class_and_puts_customers_without_a_value_last(
    client_manager, customer_a, customer_b
):
    with_kpis(customer_a, value_class="C", recency_days=40)
    with_kpis(customer_b, value_class="A", recency_days=None)
    CustomerFactory(number="P-1", name="Aaa Prospect")  # no KPI row yet

    def numbers(sort: str) -> list[str]:
        page = client_manager.get(reverse("customers:list"), {"sort": sort}).context["page"]
        return [customer.number for customer in page]

    assert numbers("value_class") == ["B-1", "A-1", "P-1"]
    assert numbers("recency_days") == ["A-1", "P-1", "B-1"]  # no value: last, by name
    content = client_manager.get(reverse("customers:list")).content.decode()
    assert "sort=-alert" in content  # the first click on the colour shows red first


def test_the_owner_filter_names_people_by_their_full_name(client_manager, customer_a):
    customer_a.owner.first_name, customer_a.owner.last_name = "Aylin", "Demir"
    customer_a.owner.save()
    content = client_manager.get(reverse("customers:list")).content.decode()
    assert f'<option value="{customer_a.owner.pk}">Aylin Demir</option>' in content


def test_another_reps_customer_reads_as_not_found_in_the_readers_language(client_a, customer_b):
    url = reverse("customers:detail", args=[customer_b.number])
    english = client_a.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404
    assert "There is nothing here, or it is not in your book." in english.content.decode()
    assert "Beta Logistik" not in english.content.decode()
    german = client_a.get(url, HTTP_ACCEPT_LANGUAGE="de")
    assert "Hier gibt es nichts, oder es gehört nicht zu Ihrem Bestand." in german.content.decode()


def test_an_unknown_api_address_answers_the_apis_error_body(client_a):
    response = client_a.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "There is nothing here, or it is not in your book.",
        "errors": [],
    }
