from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from alerts.signals import evaluate_after_recompute
        from customers.signals import kpis_recomputed

        kpis_recomputed.connect(evaluate_after_recompute, dispatch_uid="alerts.evaluate")
