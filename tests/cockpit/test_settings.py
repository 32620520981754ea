import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest

from cockpit.envvars import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


def test_env_helpers_read_types_and_secret_files(monkeypatch, tmp_path):
    monkeypatch.setenv("COCKPIT_FLAG", "yes")
    monkeypatch.setenv("COCKPIT_COUNT", "12")
    monkeypatch.setenv("COCKPIT_HOSTS", "a.example, b.example")
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("COCKPIT_SECRET", "from-the-env")
    monkeypatch.setenv("COCKPIT_SECRET_FILE", str(secret))
    assert env_bool("COCKPIT_FLAG") is True
    assert env_bool("COCKPIT_UNSET", default=True) is True
    assert env_int("COCKPIT_COUNT", 3) == 12
    assert env_list("COCKPIT_HOSTS", []) == ["a.example", "b.example"]
    assert env_str("COCKPIT_SECRET") == "from-a-file"


def test_a_bad_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("COCKPIT_FLAG", "maybe")
    with pytest.raises(ValueError, match="COCKPIT_FLAG='maybe' is not a boolean"):
        env_bool("COCKPIT_FLAG")
    monkeypatch.setenv("COCKPIT_COUNT", "ten")
    with pytest.raises(ValueError, match="COCKPIT_COUNT='ten' is not a whole number"):
        env_int("COCKPIT_COUNT", 1)


def test_database_urls_of_both_engines_are_understood():
    assert (
        dj_database_url.parse("sqlite:////tmp/x.sqlite3")["ENGINE"] == "django.db.backends.sqlite3"
    )
    pg = dj_database_url.parse("postgres://cockpit:pw@db:5432/cockpit")
    assert (pg["ENGINE"], pg["HOST"], pg["NAME"]) == (
        "django.db.backends.postgresql",
        "db",
        "cockpit",
    )


def _import_wsgi(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import cockpit.wsgi"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_with_the_default_secret_key():
    refused = _import_wsgi()
    assert refused.returncode != 0
    assert "SECRET_KEY is the built-in development key while DEBUG is off" in refused.stderr
    assert _import_wsgi(SECRET_KEY="a-long-random-production-secret").returncode == 0
    assert _import_wsgi(DEBUG="1").returncode == 0


def test_the_embedded_default_needs_no_services(settings):
    # The suite's own run decides the engine; the defaults are checked in a clean process.
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os;"
            "os.environ['DJANGO_SETTINGS_MODULE'] = 'cockpit.settings';"
            "django.setup();"
            "from django.conf import settings as s;"
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG);"
            "from cockpit.celery import app;"
            "app.connection_for_write().info()",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.stdout.split() == ["django.db.backends.sqlite3", "True", "False"]
    assert "No hostname" not in probe.stderr  # kombu's warning about a missing broker


@pytest.mark.django_db
def test_a_refused_page_is_logged_as_one_line_and_a_server_error_with_its_traceback(client_a):
    import logging

    from django.urls import reverse

    class Keep(logging.Handler):
        records: list[logging.LogRecord] = []

        def emit(self, record):
            self.records.append(record)

    keep = Keep()
    request_log = logging.getLogger("django.request")
    request_log.addHandler(keep)
    try:
        assert client_a.get(reverse("alerts:rules")).status_code == 403
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            request_log.error("Internal Server Error: /x", exc_info=True,
                              extra={"status_code": 500})  # fmt: skip
    finally:
        request_log.removeHandler(keep)
    refused, failed = keep.records
    assert (refused.getMessage(), refused.exc_info) == (
        "Forbidden (Permission denied): /alerts/rules/",
        None,
    )
    assert failed.exc_info is not None
