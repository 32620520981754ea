from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from customers.filtersets import install_list_extensions
        from customers.kpis import triggers

        triggers.connect()
        install_list_extensions()
