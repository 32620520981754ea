import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cockpit.settings")

app = Celery("cockpit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def refuse_insecure_settings(**kwargs) -> None:
    from cockpit.checks import assert_production_ready

    assert_production_ready()
