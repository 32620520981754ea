from django.db import migrations

# code, English, German, R from-to, F from-to, what it means
DEFAULT_SEGMENTS = [
    ("champions", "Champions", "Champions", 5, 5, 4, 5,
     "Bought recently, buy often. Reward them; ask for referrals."),
    ("loyal", "Loyal", "Loyale Kunden", 3, 4, 4, 5,
     "Buy often and not long ago. Offer more of the range; keep the contact warm."),
    ("potential_loyalist", "Potential loyalist", "Potenzielle Stammkunden", 4, 5, 2, 3,
     "Recent buyers with a few purchases. Offer a programme or a regular plan."),
    ("new", "New", "Neukunden", 5, 5, 1, 1,
     "First purchase very recently. Welcome them; make the second purchase easy."),
    ("promising", "Promising", "Vielversprechend", 4, 4, 1, 1,
     "Recent first purchase. Build the relationship; show what else you offer."),
    ("need_attention", "Need attention", "Brauchen Aufmerksamkeit", 3, 3, 3, 3,
     "Average on both. Reach out with a limited, personal offer."),
    ("about_to_sleep", "About to sleep", "Drohen einzuschlafen", 3, 3, 1, 2,
     "Below average and fading. Reactivate with something relevant now."),
    ("at_risk", "At risk", "Gefährdet", 1, 2, 3, 4,
     "Used to buy often, not for a long time. Call them; find out what changed."),
    ("cant_lose_them", "Can't lose them", "Nicht verlieren", 1, 2, 5, 5,
     "Were among the best, silent for long. A senior person calls now."),
    ("hibernating", "Hibernating", "Im Winterschlaf", 2, 2, 1, 2,
     "Few purchases, long ago. Low-cost reactivation only."),
    ("lost", "Lost", "Verloren", 1, 1, 1, 2,
     "Lowest on both. Win-back campaign at most; do not spend much."),
]


def create_segments(apps, schema_editor):
    RFMSegment = apps.get_model("customers", "RFMSegment")
    for priority, (code, en, de, r_min, r_max, f_min, f_max, description) in enumerate(
        DEFAULT_SEGMENTS, start=1
    ):
        RFMSegment.objects.update_or_create(
            code=code,
            defaults=dict(
                name_en=en, name_de=de, r_min=r_min, r_max=r_max, f_min=f_min, f_max=f_max,
                priority=priority * 10, description=description,
            ),
        )


def remove_segments(apps, schema_editor):
    codes = [segment[0] for segment in DEFAULT_SEGMENTS]
    apps.get_model("customers", "RFMSegment").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_fill_interaction_occurred_on")]

    operations = [migrations.RunPython(create_segments, remove_segments)]
