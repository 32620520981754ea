"""Settings for Relationship Cockpit.

Everything comes from environment variables. With nothing set the product runs on its
embedded default: SQLite in the project folder, Celery tasks executed eagerly (no broker),
e-mail printed to the console. See README.md, "Configuration", for every variable.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from cockpit.envvars import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEFAULT_SECRET_KEY = "insecure-default-key-for-local-development-only"
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "cockpit.apps.CockpitAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "axes",
    "csp",
    "django_filters",
    "cockpit.apps.CockpitConfig",
    "customers.apps.CustomersConfig",
    "alerts.apps.AlertsConfig",
    "agenda.apps.AgendaConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cockpit.urls"
WSGI_APPLICATION = "cockpit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cockpit.context_processors.roles",
            ],
        },
    },
]

# Database: DATABASE_URL in the usual URL form (sqlite:///path, postgres://user@host/name).
DATABASES = {
    "default": dj_database_url.parse(
        # An empty DATABASE_URL means the embedded default too.
        env_str("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,  # a connection broken by a restart is replaced, not reused
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several people at once on the embedded default: readers go on while one writes (WAL),
    # a writer takes the lock when its transaction begins and waits its turn for up to 20 s,
    # instead of failing halfway with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    } | DATABASES["default"].get("OPTIONS", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: every page and mail in English and German.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["cockpit.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: console by default; "file" for the demo outbox folder; SMTP in production.
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
EMAIL_BACKEND = _EMAIL_BACKENDS.get(env_str("EMAIL_BACKEND", "console"), env_str("EMAIL_BACKEND"))
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Relationship Cockpit <cockpit@localhost>")

# Celery: with no broker configured tasks run eagerly in the calling process. Kombu still
# builds a broker connection for a chord; an in-memory broker with a host name keeps it
# from warning "No hostname was supplied" in every command's output.
CELERY_TASK_ALWAYS_EAGER = not env_str("CELERY_BROKER_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = (
    env_str("CELERY_RESULT_BACKEND", env_str("CELERY_BROKER_URL") or None) or None
)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The empty choice of every list filter (django-filter): "All" instead of dashes.
FILTERS_EMPTY_CHOICE_LABEL = _("All")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a request without valid credentials gets 401 with
        # "WWW-Authenticate: Token", not a bare 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "cockpit.api_common.CursorPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cockpit.api_common.error_body",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Relationship Cockpit API",
    "DESCRIPTION": (
        "Customers with their KPIs and alert colour, contacts, touchpoints, transactions "
        "(single and in idempotent batches), alerts, tolerance rules and tasks. A sales rep "
        "sees only their own customers: anything else answers 404. Authenticate with a "
        "session or with `Authorization: Token <key>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "TaskKindEnum": "agenda.choices.TaskKind",
        "TransactionKindEnum": "customers.choices.TransactionKind",
        "InteractionKindEnum": "customers.choices.InteractionKind",
        "CustomerKindEnum": "customers.choices.CustomerKind",
        "ContactDirectionEnum": "customers.choices.Direction",
        "RuleDirectionEnum": "alerts.choices.Direction",
        "AlertLevelEnum": "alerts.choices.Level",
    },
}
# Batches of transactions or interactions per request.
API_BATCH_MAX_ITEMS = env_int("API_BATCH_MAX_ITEMS", 10_000)

# Security. HTTPS=1 (behind TLS) turns on what `check --deploy` asks for: secure cookies,
# HSTS, the redirect to https. The rest holds everywhere.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 10) * 3600  # a working day, then log in again
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# No inline script anywhere (every page's behaviour lives in static/js); styles may be
# inline because plotly and htmx set element styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login throttling: five failed logins for one user name from one address lock both out
# for a quarter of an hour; a successful login clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL", False) else None
)

LOG_LEVEL = env_str("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_without_trace": {"()": "cockpit.errors.ClientErrorsWithoutTrace"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Once, through our handler (Django's own console handler would print it again
        # under DEBUG); a refused or missing page is one line, not a traceback.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {"filters": ["client_errors_without_trace"]},
    },
}

# KPI engine
KPI_CHUNK_SIZE = env_int("KPI_CHUNK_SIZE", 50_000)  # customer ids per worker task
# Queues the chunks of a full run go to, round-robin (e.g. one per worker host); empty:
# the default queue every worker shares.
KPI_CHUNK_QUEUES = env_list("KPI_CHUNK_QUEUES", [])
KPI_RUN_STALE_AFTER_MINUTES = env_int("KPI_RUN_STALE_AFTER_MINUTES", 180)
KPI_VALUE_CLASS_A_PERCENT = env_int("KPI_VALUE_CLASS_A_PERCENT", 80)  # share of 12-month revenue
KPI_VALUE_CLASS_B_PERCENT = env_int("KPI_VALUE_CLASS_B_PERCENT", 15)
KPI_NIGHTLY_RECOMPUTE = env_bool("KPI_NIGHTLY_RECOMPUTE", True)
KPI_NIGHTLY_AT = env_str("KPI_NIGHTLY_AT", "02:30")  # local time of the nightly full run
# Which 12-month figure value classes cut: past revenue ("revenue_12m") or the predicted
# customer lifetime value ("clv_12m", falls back to revenue while no model is fitted).
KPI_VALUE_CLASS_BASIS = env_str("KPI_VALUE_CLASS_BASIS", "revenue_12m")

# Predictive value (BG/NBD + Gamma-Gamma), fitted in every full run
PREDICTIVE_MIN_REPEAT_CUSTOMERS = env_int("PREDICTIVE_MIN_REPEAT_CUSTOMERS", 400)
PREDICTIVE_FIT_SAMPLE = env_int("PREDICTIVE_FIT_SAMPLE", 50_000)  # customers in the fit, at most
PREDICTIVE_HOLDOUT_SAMPLE = env_int("PREDICTIVE_HOLDOUT_SAMPLE", 20_000)  # in the holdout refit
PREDICTIVE_HOLDOUT_WEEKS = env_int("PREDICTIVE_HOLDOUT_WEEKS", 26)  # 0: no holdout check
PREDICTIVE_CLV_MONTHLY_DISCOUNT_PERCENT = env_float("PREDICTIVE_CLV_MONTHLY_DISCOUNT_PERCENT", 1.0)

CELERY_BEAT_SCHEDULE = {}
if KPI_NIGHTLY_RECOMPUTE:
    _hour, _minute = (int(part) for part in KPI_NIGHTLY_AT.split(":"))
    CELERY_BEAT_SCHEDULE["nightly-kpi-recompute"] = {
        "task": "customers.tasks.recompute_all_kpis",
        "schedule": crontab(hour=_hour, minute=_minute),
    }
KPI_CURRENCY = env_str("KPI_CURRENCY", "EUR")  # the book's currency for KPI amounts

# Panels on the customer record, contributed by the apps that read customers.
CUSTOMER_RECORD_PANELS = ["alerts.panels.open_alerts", "agenda.panels.customer_agenda"]
ALERT_PANEL_EXTRAS = ["agenda/_alert_tasks.html"]
ALERT_MAIL_MAX_ATTEMPTS = env_int("ALERT_MAIL_MAX_ATTEMPTS", 6)
ALERT_WEBHOOK_SECRET = env_str("ALERT_WEBHOOK_SECRET", SECRET_KEY)
ALERT_WEBHOOK_MAX_ATTEMPTS = env_int("ALERT_WEBHOOK_MAX_ATTEMPTS", 8)
# Webhooks post to public addresses only, unless a team chat inside the company network
# is meant: then this lets them reach private, loopback and link-local addresses too.
ALERT_WEBHOOK_PRIVATE_NETWORKS = env_bool("ALERT_WEBHOOK_PRIVATE_NETWORKS", False)
CELERY_BEAT_SCHEDULE["catch-up-kpi-backlog"] = {
    "task": "customers.tasks.catch_up_kpi_backlog",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["deliver-alert-webhooks"] = {
    "task": "alerts.tasks.deliver_webhooks",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["deliver-alert-mails"] = {
    "task": "alerts.tasks.deliver_due_notifications",
    "schedule": 60.0,
}
CUSTOMER_LIST_EXTENSIONS = ["alerts.listing.alert_colour"]
ALERT_DIGEST_AT = env_str("ALERT_DIGEST_AT", "07:00")  # local time of the digests
_digest_hour, _digest_minute = (int(part) for part in ALERT_DIGEST_AT.split(":"))
CELERY_BEAT_SCHEDULE["daily-alert-digest"] = {
    "task": "alerts.tasks.send_digests",
    "schedule": crontab(hour=_digest_hour, minute=_digest_minute),
    "args": ["daily"],
}
CELERY_BEAT_SCHEDULE["weekly-alert-digest"] = {
    "task": "alerts.tasks.send_digests",
    "schedule": crontab(hour=_digest_hour, minute=_digest_minute, day_of_week="mon"),
    "args": ["weekly"],
}
ALERT_REMIND_AFTER_DAYS = env_int("ALERT_REMIND_AFTER_DAYS", 3)
ALERT_COPY_TO_MANAGER_AFTER_DAYS = env_int("ALERT_COPY_TO_MANAGER_AFTER_DAYS", 7)
CELERY_BEAT_SCHEDULE["alert-escalation-ladder"] = {
    "task": "alerts.tasks.climb_ladder",
    "schedule": crontab(minute=15),
}

# The KPI cockpit reads the portfolio cube (cockpit.portfolio), taken after every full KPI
# run and alert evaluation, at most every COCKPIT_PORTFOLIO_REFRESH_SECONDS after
# incremental ones, and daily by beat so the history has a point for every day.
COCKPIT_PORTFOLIO_REFRESH_SECONDS = env_int("COCKPIT_PORTFOLIO_REFRESH_SECONDS", 60)
COCKPIT_PORTFOLIO_AT = env_str("COCKPIT_PORTFOLIO_AT", "05:30")
_portfolio_hour, _portfolio_minute = (int(part) for part in COCKPIT_PORTFOLIO_AT.split(":"))
CELERY_BEAT_SCHEDULE["daily-portfolio-snapshot"] = {
    "task": "cockpit.tasks.take_portfolio_snapshot",
    "schedule": crontab(hour=_portfolio_hour, minute=_portfolio_minute),
}

# A cache shared by all processes (e.g. redis://127.0.0.1:6379/1) in production; the
# embedded default keeps it in each process's memory.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }

# Agenda: cadences feed the KPI engine; tasks are planned just in time.
KPI_CONTACT_CADENCES = "agenda.cadences.cadence_terms"
AGENDA_LEAD_DAYS = env_int("AGENDA_LEAD_DAYS", 7)  # tasks appear this many days before due
# Sequences start for customers who entered their phase at most this many days ago.
AGENDA_SEQUENCE_START_WINDOW_DAYS = env_int("AGENDA_SEQUENCE_START_WINDOW_DAYS", 30)
AGENDA_PLAN_AT = env_str("AGENDA_PLAN_AT", "06:00")  # local time of the daily planning
_agenda_hour, _agenda_minute = (int(part) for part in AGENDA_PLAN_AT.split(":"))
CELERY_BEAT_SCHEDULE["daily-agenda-planning"] = {
    "task": "agenda.tasks.plan_agenda",
    "schedule": crontab(hour=_agenda_hour, minute=_agenda_minute),
}

# Who created, changed or deleted what (visible to admins in the Django admin).
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    # Named fields only: looking at every field would touch the reverse one-to-one "kpi".
    {
        "model": "customers.Customer",
        "include_fields": [
            "number",
            "name",
            "kind",
            "industry",
            "owner",
            "customer_since",
            "contact_opt_out",
            "contact_interval_days",
            "notes",
        ],
    },
    {
        "model": "customers.Contact",
        "include_fields": [
            "customer",
            "name",
            "role",
            "email",
            "phone",
            "is_primary",
            "contact_opt_out",
        ],
    },
    # Scopes that are relations (segments, owners) are logged as they are added or removed.
    {
        "model": "alerts.ToleranceRule",
        "exclude_fields": ["updated_at"],
        "m2m_fields": ["segments", "owners"],
    },
    {"model": "alerts.Alert", "include_fields": ["state", "snoozed_until", "resolved_at"]},
    # The settings that shape what every rep sees: the segment map and the contact rhythms.
    "customers.RFMSegment",
    "agenda.ContactCadence",
    "agenda.Sequence",
    "agenda.SequenceStep",
)
PERSONAL_DATA_HOOKS = ["alerts.privacy", "agenda.privacy"]
