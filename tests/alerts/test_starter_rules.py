import pytest

from alerts.models import ToleranceRule

pytestmark = pytest.mark.django_db


def test_the_starter_rules_ship_as_data():
    rules = {r.name: r for r in ToleranceRule.objects.all()}
    assert set(rules) == {
        "Overdue against the usual rhythm",
        "No purchase for a long time",
        "Revenue falling",
        "Pays late",
        "A-class customer without contact",
        "Complaints piling up",
        "Top customer probably gone",
    }
    contact = rules["A-class customer without contact"]
    assert (contact.kpi, contact.yellow_bound, contact.red_bound) == ("days_since_contact", 90, 180)
    assert (contact.value_classes, contact.escalating) == (["A"], True)
    rhythm = rules["Overdue against the usual rhythm"]
    assert (rhythm.kpi, rhythm.yellow_bound, rhythm.red_bound) == ("recency_ratio", 1.5, 2.5)
    assert rules["Revenue falling"].direction == "too_low"
    gone = rules["Top customer probably gone"]
    assert (gone.kpi, gone.direction, gone.yellow_bound, gone.red_bound) == (
        "p_alive",
        "too_low",
        0.5,
        0.25,
    )
    assert gone.value_classes == ["A"]
    assert all(rule.enabled and rule.guidance for rule in rules.values())
    assert all(rule.name_de and rule.guidance_de for rule in rules.values())
    assert rules["Revenue falling"].name_de == "Umsatz sinkt"
