import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cockpit.settings")
application = get_asgi_application()

from cockpit.checks import assert_production_ready  # noqa: E402  (needs configured settings)

assert_production_ready()
