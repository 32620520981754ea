from django.db import migrations

ACTIVE = ["new", "growing", "loyal", "at_risk"]
NOT_GONE = [*ACTIVE, "lapsed"]  # terminated customers are a win-back matter, not an alert

# name, KPI, direction, yellow, red, value classes, escalating, guidance, phases
STARTER_RULES = [
    ("Overdue against the usual rhythm", "recency_ratio", "too_high", 1.5, 2.5, [], False,
     "The customer is buying later than usual. Call and ask how things are going; find out "
     "whether a competitor, a budget freeze or a problem with us is behind it.", ACTIVE),
    ("No purchase for a long time", "recency_days", "too_high", 180, 365, [], False,
     "No purchase for half a year or more. Offer something concrete (a reorder, a new "
     "product that fits what they bought) and agree on a next step.", NOT_GONE),
    ("Revenue falling", "revenue_trend_pct", "too_low", -20, -40, [], False,
     "12-month revenue is well below the year before. Review the account with the customer: "
     "what changed, which share of their need do we still cover?", ACTIVE),
    ("Pays late", "payment_delay_days", "too_high", 14, 30, [], False,
     "Invoices are paid late. Check the open items with accounting, remind kindly, and "
     "clarify payment terms before the next order.", []),
    ("A customer without contact", "days_since_contact", "too_high", 90, 180, ["A"], True,
     "A top customer has not been contacted for months. Call or visit this week; a key "
     "account needs regular personal contact.", []),
    ("Complaints piling up", "complaints_90d", "too_high", 2, 3, [], False,
     "Several complaints in 90 days. Call the customer, take the complaints seriously, "
     "solve the root cause and report back what was done.", []),
]


def create_rules(apps, schema_editor):
    ToleranceRule = apps.get_model("alerts", "ToleranceRule")
    for name, kpi, direction, yellow, red, classes, escalating, guidance, phases in STARTER_RULES:
        if not ToleranceRule.objects.filter(name=name).exists():
            ToleranceRule.objects.create(
                name=name, kpi=kpi, direction=direction, yellow_bound=yellow, red_bound=red,
                value_classes=classes, escalating=escalating, guidance=guidance, phases=phases,
            )


def remove_rules(apps, schema_editor):
    names = [rule[0] for rule in STARTER_RULES]
    apps.get_model("alerts", "ToleranceRule").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [migrations.RunPython(create_rules, remove_rules)]
