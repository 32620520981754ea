import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cockpit.settings")
application = get_wsgi_application()

from cockpit.checks import assert_production_ready  # noqa: E402  (needs configured settings)

assert_production_ready()
