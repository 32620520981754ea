"""The admin's tolerance-rule pages and their live preview."""

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.evaluation import evaluate
from alerts.models import Alert, ToleranceRule
from customers.models import KPIRun
from tests.alerts.test_evaluation import with_kpis
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Silent key accounts",
    "enabled": "on",
    "kpi": "days_since_contact",
    "direction": "too_high",
    "yellow_bound": "90",
    "red_bound": "180",
    "value_classes": ["A"],
    "guidance": "Call them this week.",
    "notify_owner": "on",
    "pending_evaluations": "1",
    "resolve_after": "1",
    "extra_recipients": "",
}


@pytest.fixture
def client_admin(admin_user):
    return logged_in(admin_user)


@pytest.fixture
def book():
    with_kpis(days_since_contact=100, value_class="A")
    with_kpis(days_since_contact=200, value_class="A")
    with_kpis(days_since_contact=250, value_class="A")
    with_kpis(days_since_contact=300, value_class="B")  # out of scope


def test_the_preview_counts_yellow_and_red_customers_and_follows_the_bounds(client_admin, book):
    url = reverse("alerts:rule_preview")
    content = client_admin.post(url, FORM).content.decode()
    assert "1 customer yellow" in content and "2 customers red" in content
    raised = client_admin.post(url, FORM | {"red_bound": "220"}).content.decode()
    assert "2 customers yellow" in raised and "1 customer red" in raised
    wrong_way = client_admin.post(url, FORM | {"red_bound": "60"}).content.decode()
    assert "Too high: the red bound must be at or above yellow." in wrong_way
    assert "Choose a KPI" not in wrong_way
    off = {name: value for name, value in FORM.items() if name != "enabled"}
    switched_off = client_admin.post(url, off).content.decode()
    assert "Switched off, this rule colours nobody. Switched on, today it would colour" in (
        switched_off
    )
    assert not ToleranceRule.objects.filter(name="Silent key accounts").exists()


def test_a_second_rule_of_the_same_name_is_refused(client_admin):
    response = client_admin.post(reverse("alerts:rule_create"), FORM | {"name": "pays LATE"})
    assert response.context["form"].errors == {"name": ["There is a rule of this name already."]}
    assert ToleranceRule.objects.filter(name__iexact="pays late").count() == 1


def test_a_flap_guard_longer_than_a_month_is_refused(client_admin):
    response = client_admin.post(
        reverse("alerts:rule_create"), FORM | {"pending_evaluations": "31"}
    )
    assert response.context["form"].errors == {
        "pending_evaluations": ["Ensure this value is less than or equal to 30."]
    }
    assert not ToleranceRule.objects.filter(name="Silent key accounts").exists()


def test_an_admin_creates_a_rule(client_admin, book):
    response = client_admin.post(reverse("alerts:rule_create"), FORM)
    assert response.status_code == 302
    rule = ToleranceRule.objects.get(name="Silent key accounts")
    assert (rule.kpi, rule.red_bound, rule.value_classes) == ("days_since_contact", 180, ["A"])


def test_bad_input_names_the_field(client_admin):
    response = client_admin.post(
        reverse("alerts:rule_create"),
        FORM | {"red_bound": "60", "extra_recipients": "boss@example.com\nnot-an-address"},
    )
    errors = response.context["form"].errors
    assert errors["red_bound"] == ["Too high: the red bound must be at or above yellow."]
    assert errors["extra_recipients"] == ["not-an-address is not an e-mail address."]


def test_a_probability_bound_must_be_a_share_between_0_and_1(client_admin):
    probability = FORM | {"kpi": "p_alive", "direction": "too_low", "value_classes": []}
    response = client_admin.post(
        reverse("alerts:rule_create"), probability | {"yellow_bound": "50", "red_bound": "0.25"}
    )
    errors = response.context["form"].errors
    assert errors["yellow_bound"] == ["A probability is between 0 and 1: 0.5 means 50 percent."]
    assert "red_bound" not in errors
    saved = client_admin.post(
        reverse("alerts:rule_create"), probability | {"yellow_bound": "0.5", "red_bound": "0.25"}
    )
    assert saved.status_code == 302


def test_reps_and_managers_cannot_configure_rules(client_a, client_manager):
    for client in (client_a, client_manager):
        assert client.get(reverse("alerts:rules")).status_code == 403
        assert client.post(reverse("alerts:rule_preview"), FORM).status_code == 403


def test_the_rule_list_shows_every_rule_and_whom_it_is_for(client_admin, rep_a):
    from customers.models import RFMSegment

    client_admin.post(reverse("alerts:rule_create"), FORM)
    rule = ToleranceRule.objects.get(name="Silent key accounts")
    rule.segments.set([RFMSegment.objects.get(code="champions")])
    rule.owners.set([rep_a])
    content = client_admin.get(reverse("alerts:rules")).content.decode()
    assert "A-class customer without contact" in content and "Pays late" in content
    assert f'<td class="small">class A · Champions · {rep_a.get_full_name()}</td>' in content
    assert '<td class="small">all customers</td>' in content


def test_the_rule_list_reads_and_sorts_in_the_readers_language(client_admin):
    def names(language: str) -> list[str]:
        response = client_admin.get(reverse("alerts:rules"), HTTP_ACCEPT_LANGUAGE=language)
        return [rule.localized_name for rule in response.context["rules"]]

    german = names("de")
    assert german[:3] == ["A-Kunde ohne Kontakt", "Beschwerden häufen sich", "Lange kein Kauf"]
    assert german[-3:] == [  # Ü among the U, as German lists file it
        "Überfällig gemessen am üblichen Rhythmus",
        "Umsatz sinkt",
        "Zahlt spät",
    ]
    english = names("en")
    assert english[:3] == [
        "A-class customer without contact",
        "Complaints piling up",
        "No purchase for a long time",
    ]


def test_the_admin_lists_alerts_with_german_headers_and_kpi_units(admin_user, book):
    evaluate(1)
    client = logged_in(admin_user)
    content = client.get(
        reverse("admin:alerts_alert_changelist"), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert ">Kunde<" in content and ">Regel<" in content
    assert "250 Tage" in content  # the KPI value in its unit, not a bare float


def test_a_saved_rule_is_applied_at_once_to_the_latest_kpi_run(
    client_admin, book, django_capture_on_commit_callbacks
):
    now = timezone.now()
    KPIRun.objects.create(kind="full", status="finished", as_of=timezone.localdate(),
                          started_at=now, finished_at=now)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client_admin.post(reverse("alerts:rule_create"), FORM, follow=True)
    assert "Alerts are being evaluated with it now." in response.content.decode()
    rule = ToleranceRule.objects.get(name="Silent key accounts")
    alerts = Alert.objects.unresolved().filter(rule=rule)
    assert sorted(alerts.values_list("level", flat=True)) == ["red", "red", "yellow"]

    with django_capture_on_commit_callbacks(execute=True):
        client_admin.post(
            reverse("alerts:rule_update", args=[rule.pk]), FORM | {"red_bound": "220"}
        )
    assert sorted(alerts.values_list("level", flat=True)) == [
        "red", "yellow", "yellow",
    ]  # fmt: skip


def test_the_rule_form_and_list_show_whole_bounds_without_decimals(client_admin):
    rule = ToleranceRule.objects.create(
        name="Slow payer", kpi="payment_delay_days", direction="too_high", yellow_bound=90,
        red_bound=180.5,
    )  # fmt: skip
    form = client_admin.get(reverse("alerts:rule_update", args=[rule.pk])).context["form"]
    assert (form["yellow_bound"].value(), form["red_bound"].value()) == (90, 180.5)
    listing = client_admin.get(reverse("alerts:rules"), HTTP_ACCEPT_LANGUAGE="de").content
    assert '<td class="num">90</td>' in listing.decode()
    assert '<td class="num">180,50</td>' in listing.decode()


def test_the_audit_log_records_a_change_of_a_rules_segments_and_owners(
    client_admin, admin_user, rep_a
):
    from auditlog.models import LogEntry

    from customers.models import RFMSegment

    champions = RFMSegment.objects.get(code="champions")
    client_admin.post(reverse("alerts:rule_create"), FORM)
    rule = ToleranceRule.objects.get(name="Silent key accounts")
    scoped = FORM | {"segments": [champions.pk], "owners": [rep_a.pk]}
    client_admin.post(reverse("alerts:rule_update", args=[rule.pk]), scoped)
    assert list(rule.segments.all()) == [champions]
    changes = [
        (name, change["operation"], change["objects"])
        for entry in LogEntry.objects.get_for_object(rule)
        for name, change in entry.changes_dict.items()
        if isinstance(change, dict)
    ]
    assert sorted(changes) == [
        ("owners", "add", [str(rep_a)]),
        ("segments", "add", [str(champions)]),
    ]
    assert {entry.actor for entry in LogEntry.objects.get_for_object(rule)} == {admin_user}
