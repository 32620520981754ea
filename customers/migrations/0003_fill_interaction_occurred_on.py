from django.db import migrations, models
from django.utils import timezone


def fill_occurred_on(apps, schema_editor):
    Interaction = apps.get_model("customers", "Interaction")
    batch = []
    for interaction in Interaction.objects.filter(occurred_on__isnull=True).only("occurred_at"):
        interaction.occurred_on = timezone.localdate(interaction.occurred_at)
        batch.append(interaction)
        if len(batch) == 5000:
            Interaction.objects.bulk_update(batch, ["occurred_on"])
            batch = []
    Interaction.objects.bulk_update(batch, ["occurred_on"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_interaction_occurred_on_and_kpis")]

    operations = [
        migrations.RunPython(fill_occurred_on, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="interaction",
            name="occurred_on",
            field=models.DateField(editable=False, verbose_name="date"),
        ),
    ]
