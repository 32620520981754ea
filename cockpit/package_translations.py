"""German for the words of the packages whose pages admins see, which ship no German of
their own (django-auditlog's audit log; the token app's name of Django REST framework),
or German in another register than ours (Django's "du" where we say "Sie").

Listed here with gettext_noop so that makemessages keeps them in the project's catalogue,
which Django consults before any package's. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

PACKAGE_WORDS = [
    # django-auditlog
    gettext_noop("Audit log"),
    gettext_noop("Changes"),
    gettext_noop("Resource Type"),
    gettext_noop("Resource"),
    gettext_noop("Correlation ID"),
    gettext_noop("Click to filter by records with this correlation id"),
    gettext_noop("Audit log: %s"),
    gettext_noop("create"),
    gettext_noop("update"),
    gettext_noop("delete"),
    gettext_noop("access"),
    gettext_noop("content type"),
    gettext_noop("object pk"),
    gettext_noop("object id"),
    gettext_noop("object representation"),
    gettext_noop("action"),
    gettext_noop("change message"),
    gettext_noop("actor"),
    gettext_noop("remote address"),
    gettext_noop("remote port"),
    gettext_noop("timestamp"),
    gettext_noop("additional data"),
    gettext_noop("actor email"),
    gettext_noop("log entry"),
    gettext_noop("log entries"),
    gettext_noop("Field"),
    gettext_noop("From"),
    gettext_noop("To"),
    gettext_noop("Relationship"),
    gettext_noop("Objects"),
    gettext_noop("system"),
    gettext_noop("No field changes"),
    gettext_noop("No log entries found."),
    # Django's own German says "du" here, where every other page says "Sie"
    gettext_noop("Enter a valid email address."),
    # Django's admin and auth words its German catalogue leaves empty (Django 5.2)
    gettext_noop("Conflicting form data submitted. Please try again."),
    gettext_noop("Password-based authentication was disabled."),
    gettext_noop("Set password: %s"),
    gettext_noop("Reset password"),
    gettext_noop("Set password"),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, "
        "they may still be able to authenticate using other backends, such as Single Sign-On "
        "or LDAP."
    ),
    gettext_noop("Password-based authentication"),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),  # noqa: RUF001 (Django's msgid)
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),  # noqa: RUF001 (Django's msgid)
    gettext_noop(
        "This action will <strong>enable</strong> password-based authentication for this user."
    ),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("In case you’ve forgotten, you are:"),  # noqa: RUF001 (Django's msgid)
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    # Django REST framework's token app
    gettext_noop("Auth Token"),
    gettext_noop("Tokens"),
]
