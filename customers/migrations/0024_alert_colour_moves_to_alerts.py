from django.db import migrations


class Migration(migrations.Migration):
    """The alert colour lives in alerts.AlertColour (copied there by alerts 0018)."""

    dependencies = [
        ("customers", "0023_import_job_language"),
        ("alerts", "0018_alert_colour_table"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="customer", name="customer_owner_alert_idx"),
        migrations.RemoveIndex(model_name="customer", name="customer_alert_rank_idx"),
        migrations.RemoveField(model_name="customer", name="alert_rank"),
    ]
