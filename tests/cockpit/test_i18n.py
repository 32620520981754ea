import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_page_renders_in_german_for_a_german_browser(client_a, customer_a):
    response = client_a.get(reverse("customers:list"), HTTP_ACCEPT_LANGUAGE="de")
    content = response.content.decode()
    assert '<html lang="de">' in content
    assert "Kunden" in content
    assert (
        "Kontakt erfassen"
        in client_a.get(customer_a.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    )


def test_english_is_the_default(client_a, customer_a):
    content = client_a.get(customer_a.get_absolute_url()).content.decode()
    assert '<html lang="en">' in content
    assert "Log a contact" in content


def test_the_language_switch_sticks(client_a):
    client_a.post(reverse("set_language"), {"language": "de", "next": "/customers/"})
    assert "Abmelden" in client_a.get(reverse("customers:list")).content.decode()


def test_the_login_page_is_translated(client):
    content = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Anmelden" in content


def test_model_choices_are_translated():
    from customers.choices import Channel

    with translation.override("de"):
        assert str(Channel.PHONE.label) == "Telefon"


def test_kpis_and_badges_read_in_german(client_a, customer_a):
    import datetime as dt

    from customers.kpis import runs
    from tests.factories import TransactionFactory

    TransactionFactory(customer=customer_a, occurred_on=dt.date(2026, 6, 1))
    runs.recompute_all(dt.date(2026, 6, 30))
    content = client_a.get(customer_a.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content
    content = content.decode()
    assert "Tage seit letztem Kauf" in content
    assert "Wertklasse A" in content
    assert "29 Tage" in content


@pytest.mark.parametrize(
    ("language", "expected", "ticks"),
    [
        ("en", ["1,271,092 EUR<br>34.9 %", "2,370,000 EUR<br>65.1 %"], ".3~s"),
        ("de", ["1.271.092 EUR<br>34,9 %", "2.370.000 EUR<br>65,1 %"], ",.0f"),
    ],
)
def test_chart_numbers_read_as_the_reader_writes_them(language, expected, ticks):
    import pandas as pd

    from cockpit.figures import _slice_texts
    from customers.charts import amount_axis

    with translation.override(language):
        assert _slice_texts(pd.Series([1_271_091.9, 2_370_000]), money=True) == expected
        assert amount_axis()["tickformat"] == ticks


@pytest.mark.django_db
def test_the_admins_user_page_names_managers_by_name_and_reads_in_german(admin_user, manager):
    from tests.conftest import logged_in

    manager.first_name, manager.last_name = "Martina", "Hoffmann"
    manager.save()
    client = logged_in(admin_user)
    page = client.get(
        f"/admin/auth/user/{admin_user.pk}/change/", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert f'<option value="{manager.pk}">Martina Hoffmann</option>' in page
    assert "Passwort zurücksetzen" in page


def _sign_in(client, browser_language: str) -> str:
    from tests.factories import PASSWORD

    response = client.post(
        reverse("login"),
        {"username": "rep_a", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE=browser_language,
        follow=True,
    )
    return response.content.decode()


def test_signing_in_brings_back_the_language_the_user_chose(client, rep_a):
    from cockpit.models import UserProfile

    UserProfile.objects.update_or_create(user=rep_a, defaults={"language": "de"})
    page = _sign_in(client, browser_language="en")
    assert '<html lang="de">' in page
    assert "Abmelden" in page


def test_signing_in_without_a_chosen_language_follows_the_browser(client, rep_a):
    assert '<html lang="de">' in _sign_in(client, browser_language="de")
