import django.db.models.deletion
from django.db import migrations, models

COPY_COLOURS = """
    INSERT INTO alerts_alertcolour (customer_id, rank)
    SELECT id, alert_rank FROM customers_customer WHERE alert_rank > 0
"""
COPY_BACK = """
    UPDATE customers_customer SET alert_rank = COALESCE(
        (SELECT x.rank FROM alerts_alertcolour x WHERE x.customer_id = customers_customer.id), 0)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0017_immediate_mail_per_evaluation_pass"),
        ("customers", "0023_import_job_language"),
    ]

    operations = [
        migrations.CreateModel(
            name="AlertColour",
            fields=[
                (
                    "customer",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="alert_colour",
                        serialize=False,
                        to="customers.customer",
                        verbose_name="customer",
                    ),
                ),
                (
                    "rank",
                    models.PositiveSmallIntegerField(
                        help_text="1 yellow, 2 red", verbose_name="alert colour"
                    ),
                ),
            ],
            options={"verbose_name": "alert colour", "verbose_name_plural": "alert colours"},
        ),
        migrations.RunSQL(COPY_COLOURS, COPY_BACK),
    ]
