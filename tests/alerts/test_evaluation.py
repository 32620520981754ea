"""Every transition of an alert, the flap guard, scopes, and idempotent evaluation."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from alerts.evaluation import evaluate
from alerts.models import Alert, AlertEvent, RuleState, ToleranceRule
from customers.models import CustomerKPI, RFMSegment
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 30, 8, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def only_test_rules():
    ToleranceRule.objects.all().delete()  # the starter set is covered in its own test


def rule(**overrides) -> ToleranceRule:
    fields = {
        "name": "No purchase for long",
        "kpi": "recency_days",
        "direction": "too_high",
        "yellow_bound": 180,
        "red_bound": 365,
        "guidance": "Call them.",
    }
    return ToleranceRule.objects.create(**(fields | overrides))


def with_kpis(customer=None, **values):
    customer = customer or CustomerFactory()
    defaults = {"as_of": NOW.date(), "computed_at": NOW, "lifecycle_phase": "loyal",
                "value_class": "A"}  # fmt: skip
    CustomerKPI.objects.update_or_create(customer=customer, defaults=defaults | values)
    return customer


def set_kpi(customer, **values) -> None:
    CustomerKPI.objects.filter(customer=customer).update(**values)


def history(customer) -> list[tuple]:
    return list(
        AlertEvent.objects.filter(alert__customer=customer)
        .order_by("id")
        .values_list("kind", "level_before", "level_after", "kpi_value", "bound")
    )


def test_an_alert_opens_escalates_de_escalates_and_resolves():
    rule()
    customer = with_kpis(recency_days=200)
    assert evaluate(1, now=NOW).opened == 1
    alert = Alert.objects.get()
    assert (alert.level, alert.state, alert.kpi_value, alert.bound) == ("yellow", "open", 200, 180)
    assert alert.opened_at == NOW

    set_kpi(customer, recency_days=400)
    assert evaluate(2, now=NOW).escalated == 1
    set_kpi(customer, recency_days=250)
    assert evaluate(3, now=NOW).de_escalated == 1
    set_kpi(customer, recency_days=10)
    assert evaluate(4, now=NOW).resolved == 1

    alert.refresh_from_db()
    assert (alert.state, alert.resolved_at, alert.kpi_value) == ("resolved", NOW, 10)
    assert history(customer) == [
        ("opened", "green", "yellow", 200, 180),
        ("escalated", "yellow", "red", 400, 365),
        ("de_escalated", "red", "yellow", 250, 180),
        ("resolved", "yellow", "green", 10, 180),
    ]


def test_a_second_evaluation_of_the_same_kpi_run_changes_nothing():
    rule()
    customer = with_kpis(recency_days=400)
    first = evaluate(7, now=NOW)
    second = evaluate(7, now=NOW)
    assert (first.opened, second.opened, second.escalated, second.resolved) == (1, 0, 0, 0)
    assert len(history(customer)) == 1


def test_at_most_one_unresolved_alert_per_customer_and_rule():
    rule()
    customer = with_kpis(recency_days=400)
    for evaluation in range(1, 5):
        evaluate(evaluation, now=NOW)
    assert Alert.objects.filter(customer=customer).count() == 1
    set_kpi(customer, recency_days=0)
    evaluate(5, now=NOW)
    set_kpi(customer, recency_days=200)
    evaluate(6, now=NOW)  # a new episode: a new alert, the old one stays resolved
    assert list(Alert.objects.order_by("id").values_list("state", "level")) == [
        ("resolved", "red"),
        ("open", "yellow"),
    ]
    assert history(customer)[-1] == ("opened", "green", "yellow", 200, 180)
    assert evaluate(6, now=NOW).opened == 0


def test_the_flap_guard_waits_before_opening_and_before_resolving():
    rule(pending_evaluations=2, resolve_after=2)
    customer = with_kpis(recency_days=400)
    assert evaluate(1, now=NOW).opened == 0  # out once: pending
    set_kpi(customer, recency_days=10)
    evaluate(2, now=NOW)  # back in band: the count starts again
    set_kpi(customer, recency_days=400)
    assert evaluate(3, now=NOW).opened == 0
    assert evaluate(4, now=NOW).opened == 1  # out twice in a row
    set_kpi(customer, recency_days=10)
    assert evaluate(5, now=NOW).resolved == 0  # in band once: still open
    assert evaluate(6, now=NOW).resolved == 1


def test_a_rule_without_flap_guard_keeps_no_state_and_can_get_one():
    without_guard = rule()
    customer = with_kpis(recency_days=400)
    assert evaluate(1, now=NOW).opened == 1
    assert not RuleState.objects.exists()
    assert evaluate(1, now=NOW).opened == 0  # the same run again: nothing new

    # An admin adds a flap guard: the alert opened without states still resolves.
    without_guard.resolve_after = 2
    without_guard.save()
    set_kpi(customer, recency_days=10)
    assert evaluate(2, now=NOW).resolved == 0  # in band once
    assert evaluate(3, now=NOW).resolved == 1
    assert RuleState.objects.get().in_streak == 2

    # And takes it away again: its states go, nothing counts from them later.
    without_guard.resolve_after = 1
    without_guard.save()
    set_kpi(customer, recency_days=400)
    assert evaluate(4, now=NOW).opened == 1
    assert not RuleState.objects.exists()
    assert history(customer) == [
        ("opened", "green", "red", 400, 365),
        ("resolved", "red", "green", 10, 365),
        ("opened", "green", "red", 400, 365),
    ]


def test_a_customer_without_the_value_stays_green():
    rule()
    with_kpis(recency_days=None)
    assert evaluate(1, now=NOW).opened == 0


def test_too_low_rules_look_below_the_bounds():
    rule(kpi="revenue_trend_pct", direction="too_low", yellow_bound=-20, red_bound=-40)
    with_kpis(revenue_trend_pct=-25.0)
    with_kpis(revenue_trend_pct=-55.0)
    with_kpis(revenue_trend_pct=5.0)
    evaluate(1, now=NOW)
    assert sorted(Alert.objects.values_list("level", flat=True)) == ["red", "yellow"]


def test_scopes_combine(rep_a, rep_b):
    segment = RFMSegment.objects.get(code="champions")
    scoped = rule(value_classes=["A"], industries=["insurance"], phases=["loyal", "at_risk"])
    scoped.segments.add(segment)
    scoped.owners.add(rep_a)
    inside = {"value_class": "A", "lifecycle_phase": "loyal", "rfm_segment": segment}
    inside["recency_days"] = 400
    hit = with_kpis(CustomerFactory(industry="insurance", owner=rep_a), **inside)
    with_kpis(CustomerFactory(industry="insurance", owner=rep_b), **inside)  # other owner
    with_kpis(CustomerFactory(industry="retail", owner=rep_a), **inside)  # other industry
    with_kpis(CustomerFactory(industry="insurance", owner=rep_a), **inside | {"value_class": "B"})
    with_kpis(CustomerFactory(industry="insurance", owner=rep_a), **inside | {"rfm_segment": None})
    with_kpis(
        CustomerFactory(industry="insurance", owner=rep_a), **inside | {"lifecycle_phase": "new"}
    )
    evaluate(1, now=NOW)
    assert list(Alert.objects.values_list("customer", flat=True)) == [hit.pk]


def test_a_customer_who_objected_to_contact_gets_no_alert_asking_for_contact():
    rule(name="A-class customer without contact", kpi="days_since_contact", yellow_bound=90,
         red_bound=180)  # fmt: skip
    rule(name="No purchase for long")
    objected = with_kpis(days_since_contact=400, recency_days=400, contact_opt_out=True)
    reachable = with_kpis(days_since_contact=400)
    evaluate(1, now=NOW)
    assert sorted(Alert.objects.values_list("customer", "rule__name")) == sorted([
        (objected.pk, "No purchase for long"),
        (reachable.pk, "A-class customer without contact"),
    ])  # fmt: skip
    set_kpi(objected, contact_opt_out=False)  # the customer agrees to contact again
    evaluate(2, now=NOW)
    assert Alert.objects.filter(customer=objected).count() == 2
    set_kpi(objected, contact_opt_out=True)
    assert evaluate(3, now=NOW).resolved == 1


def test_leaving_the_scope_resolves_the_alert():
    scoped = rule(value_classes=["A"])
    customer = with_kpis(recency_days=400)
    evaluate(1, now=NOW)
    set_kpi(customer, value_class="B")
    assert evaluate(2, now=NOW).resolved == 1
    assert scoped.alerts.get().state == "resolved"


def test_evaluating_only_touched_customers_leaves_the_others():
    rule()
    touched = with_kpis(recency_days=400)
    other = with_kpis(recency_days=400)
    evaluate(1, customer_ids=[touched.pk], now=NOW)
    assert list(Alert.objects.values_list("customer", flat=True)) == [touched.pk]
    assert not Alert.objects.filter(customer=other).exists()
    # No touched customer: nobody is evaluated (not the whole book).
    assert evaluate(2, customer_ids=[], now=NOW).opened == 0
    assert not Alert.objects.filter(customer=other).exists()


def test_a_disabled_rule_is_not_evaluated():
    rule(enabled=False)
    with_kpis(recency_days=400)
    assert evaluate(1, now=NOW).rules == 0
    assert not Alert.objects.exists()


def test_switching_a_rule_off_resolves_its_alerts_and_keeps_their_history():
    from django.db.models import ProtectedError

    pays_late = rule(name="Pays late")
    customer = with_kpis(recency_days=400)
    evaluate(1, now=NOW)
    pays_late.enabled = False
    pays_late.save()
    assert evaluate(2, customer_ids=[customer.pk], now=NOW).resolved == 0  # the whole book's
    assert evaluate(3, now=NOW).resolved == 1
    alert = pays_late.alerts.get()
    assert alert.state == "resolved"
    assert list(alert.events.values_list("kind", "level_before", "level_after")) == [
        ("opened", "green", "red"),
        ("rule_switched_off", "red", "green"),
    ]
    assert CustomerKPI.objects.get(customer=customer).customer.alert_rank == 0
    assert evaluate(4, now=NOW).resolved == 0  # nothing more the second time
    with pytest.raises(ProtectedError):  # deleting would take the history along
        pays_late.delete()


def test_the_command_evaluates_the_latest_kpi_run_and_is_idempotent(capsys):
    from customers.kpis import runs

    rule()
    customer = CustomerFactory(customer_since=dt.date(2020, 1, 1))
    from tests.factories import TransactionFactory

    TransactionFactory(customer=customer, occurred_on=dt.date(2025, 1, 1))
    runs.recompute_all(dt.date(2026, 6, 30))
    call_command("evaluate_alerts")
    call_command("evaluate_alerts")
    out = capsys.readouterr().out.splitlines()
    assert "1 opened" in out[0] and "0 opened" in out[1]
    assert Alert.objects.get().level == "red"  # 545 days


def test_a_kpi_recompute_triggers_the_evaluation(django_capture_on_commit_callbacks):
    from customers.kpis import runs
    from tests.factories import TransactionFactory

    rule()
    customer = CustomerFactory()
    TransactionFactory(customer=customer, occurred_on=dt.date(2025, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        runs.recompute_customers([customer.pk], timezone.localdate())
    assert Alert.objects.get(customer=customer).level == "red"


def test_the_customer_row_carries_the_colour_of_its_worst_open_alert():
    rule()
    customer, other = with_kpis(recency_days=200), with_kpis(recency_days=10)

    def colours():
        customer.refresh_from_db()
        other.refresh_from_db()
        return customer.alert_rank, other.alert_rank

    evaluate(1, now=NOW)
    assert colours() == (1, 0)
    set_kpi(customer, recency_days=400)
    evaluate(2, now=NOW)
    assert colours() == (2, 0)
    set_kpi(customer, recency_days=10)
    evaluate(3, now=NOW, customer_ids=[customer.pk])
    assert colours() == (0, 0)


def test_a_rule_added_later_opens_its_alerts_beside_those_of_the_rules_evaluated_before():
    recency = rule()
    customer = with_kpis(recency_days=400, days_since_contact=100)
    other = with_kpis(recency_days=10, days_since_contact=200, value_class="C")
    assert evaluate(1, now=NOW).opened == 1
    quiet = rule(name="Quiet A customer", kpi="days_since_contact", yellow_bound=90,
                 red_bound=180, value_classes=["A"])  # fmt: skip
    set_kpi(customer, recency_days=200)  # and the first rule's alert de-escalates meanwhile

    result = evaluate(2, now=NOW)
    assert (result.opened, result.de_escalated, result.rules) == (1, 1, 2)
    opened = Alert.objects.order_by("rule_id").values_list("customer", "rule", "level", "bound")
    assert list(opened) == [
        (customer.pk, recency.pk, "yellow", 180),
        (customer.pk, quiet.pk, "yellow", 90),
    ]
    assert not Alert.objects.filter(customer=other).exists()  # C customer: out of scope
    assert evaluate(2, now=NOW).opened == 0  # the same run again opens nothing more
    assert AlertEvent.objects.filter(kind="opened").count() == 2
