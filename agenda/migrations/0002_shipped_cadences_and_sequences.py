from django.db import migrations

# name, value class, industry, interval, in person
CADENCES = [
    ("A customers: every 30 days", "A", "", 30, False),
    ("B customers: every 90 days", "B", "", 90, False),
    ("C customers: once a year", "C", "", 365, False),
    ("Insurance: once a year in person", "", "insurance", 365, True),
]

# name, phase, description, steps (day, kind, title, text)
SEQUENCES = [
    ("Welcome", "new",
     "Started by the first purchase: thank, check in, ask for feedback.", [
        (0, "call", "Thank-you call",
         "Thank the customer for the first order, introduce yourself as their contact and "
         "ask whether everything arrived as expected."),
        (14, "call", "Check-in after two weeks",
         "Ask how the first order is working for them and whether they need anything else."),
        (60, "email", "Ask for feedback",
         "Ask for honest feedback on product, delivery and service; note what to improve."),
    ]),
    ("Win-back", "lapsed",
     "Started when a customer has not bought for a year; stops when they buy again.", [
        (0, "call", "Win-back call",
         "Call and ask what changed: a competitor, a budget, a problem with us? Listen first."),
        (14, "letter", "Personal offer",
         "Send a personal offer that fits what they used to buy, with a clear deadline."),
        (45, "call", "Follow up on the offer",
         "Follow up on the offer; if there is no interest, agree on when to ask again."),
    ]),
]  # fmt: skip


def ship(apps, schema_editor):
    ContactCadence = apps.get_model("agenda", "ContactCadence")
    Sequence = apps.get_model("agenda", "Sequence")
    SequenceStep = apps.get_model("agenda", "SequenceStep")
    for name, value_class, industry, interval, in_person in CADENCES:
        ContactCadence.objects.get_or_create(
            name=name,
            defaults={"value_class": value_class, "industry": industry,
                      "interval_days": interval, "in_person": in_person},
        )  # fmt: skip
    for name, phase, description, steps in SEQUENCES:
        sequence, created = Sequence.objects.get_or_create(
            name=name, defaults={"phase": phase, "description": description}
        )
        if created:
            SequenceStep.objects.bulk_create(
                SequenceStep(sequence=sequence, offset_days=day, kind=kind, title=title, text=text)
                for day, kind, title, text in steps
            )


def unship(apps, schema_editor):
    apps.get_model("agenda", "ContactCadence").objects.filter(
        name__in=[c[0] for c in CADENCES]
    ).delete()
    apps.get_model("agenda", "Sequence").objects.filter(name__in=[s[0] for s in SEQUENCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("agenda", "0001_initial")]

    operations = [migrations.RunPython(ship, unship)]
