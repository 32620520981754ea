"""Refuse to run production with settings that are only safe on a laptop."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


def default_secret_key_in_production() -> bool:
    return not settings.DEBUG and settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY


def assert_production_ready() -> None:
    """Called by the WSGI/ASGI entry points and the Celery worker before serving."""
    if default_secret_key_in_production():
        raise ImproperlyConfigured(
            "SECRET_KEY is the built-in development key while DEBUG is off. "
            "Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value."
        )


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs) -> list[Error]:
    if default_secret_key_in_production():
        return [
            Error(
                "SECRET_KEY is the built-in development key while DEBUG is off.",
                hint="Set SECRET_KEY (or SECRET_KEY_FILE), or DEBUG=1 for local development.",
                id="cockpit.E001",
            )
        ]
    return []
