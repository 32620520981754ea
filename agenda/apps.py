from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = _("Agenda")

    def ready(self) -> None:
        from agenda.models import ContactCadence
        from agenda.signals import plan_after_recompute, recompute_after_cadence_change
        from customers.signals import kpis_recomputed

        kpis_recomputed.connect(plan_after_recompute, dispatch_uid="agenda.plan")
        for signal in (post_save, post_delete):
            signal.connect(
                recompute_after_cadence_change,
                sender=ContactCadence,
                dispatch_uid=f"agenda.cadence-{signal is post_save}",
            )
