"""What keeps intruders out: headers, the deploy check, login throttling, passwords,
revocable tokens and sessions that end."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.conftest import logged_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_every_page_carries_the_security_headers(client_a):
    response = client_a.get("/customers/")
    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert script_src == "script-src 'self'"  # no inline script, no eval
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-3f9a7c1e2b",
        "ALLOWED_HOSTS": "cockpit.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_five_wrong_passwords_lock_that_login_out_for_a_while(rep_a, rep_b):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/login/", {"username": "rep_a", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    assert client.post("/login/", {"username": "rep_a", "password": "wrong"}).status_code == 429
    locked = client.post("/login/", {"username": "rep_a", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "Try again in 15 minutes" in locked.content.decode()
    # Another user from the same address is not locked out.
    assert client.post("/login/", {"username": "rep_b", "password": PASSWORD}).status_code == 302
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)):
        response = Client().post("/login/", {"username": "rep_a", "password": PASSWORD})
        assert response.status_code == 302


def test_passwords_must_be_long_and_not_common(rep_a):
    for weak in ("short1", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak, rep_a)
    validate_password("amber-ledger-quietly-2031", rep_a)


def test_a_revoked_api_token_no_longer_opens_the_api(rep_a):
    token = Token.objects.create(user=rep_a)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/customers/").status_code == 200
    token.delete()
    assert client.get("/api/v1/customers/").status_code == 401


def test_a_session_ends_after_a_working_day(rep_a):
    start = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client = logged_in(rep_a)
        assert client.get("/customers/").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=9), tick=False):
        assert client.get("/customers/").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=10, minutes=1), tick=False):
        response = client.get("/customers/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")
