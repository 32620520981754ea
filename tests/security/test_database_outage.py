"""The database away for a moment: pages and the API fail cleanly and recover by
themselves."""

import urllib.error
import urllib.request
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from cockpit.outage import database_refusing_connections
from tests.api.conftest import api_as

pytestmark = pytest.mark.django_db

GONE = OperationalError("server closed the connection unexpectedly")


def database_down():
    return mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=GONE)


def test_a_page_says_the_database_is_away_without_a_trace_then_works_again(rep_a):
    client_a = Client(raise_request_exception=False)
    client_a.force_login(rep_a)
    with database_down():
        response = client_a.get("/customers/")
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The cockpit cannot reach its database right now." in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert client_a.get("/customers/").status_code == 200


def test_the_api_answers_with_its_error_body(rep_a):
    api_a = api_as(rep_a)
    api_a.raise_request_exception = False
    with database_down():
        response = api_a.get("/api/v1/customers/")
    assert response.status_code == 503
    assert response.json() == {
        "status": 503,
        "code": "database_unavailable",
        "detail": (
            "The cockpit cannot reach its database right now. Please try again in a minute."
        ),
        "errors": [],
    }
    assert api_a.get("/api/v1/customers/").status_code == 200


def test_any_other_error_gets_the_500_page_without_a_trace(rep_a):
    client = Client(raise_request_exception=False)
    client.force_login(rep_a)
    with mock.patch("customers.views.listed_customers", side_effect=ValueError("boom")):
        response = client.get("/customers/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "The cockpit could not do this." in page and "boom" not in page


@pytest.mark.django_db(transaction=True)
def test_a_real_outage_of_postgresql_under_a_running_server(live_server, rep_a):
    """The database refuses connections for a while (as during a restart): the running
    server answers 503 without a trace, then serves again by itself."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    session = SessionStore()
    session[SESSION_KEY] = str(rep_a.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = rep_a.get_session_auth_hash()
    session.create()

    def get(path: str) -> tuple[int, str]:
        request = urllib.request.Request(
            live_server.url + path, headers={"Cookie": f"sessionid={session.session_key}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    assert get("/customers/")[0] == 200
    if connection.vendor == "postgresql":
        with database_refusing_connections(connection.settings_dict):
            connection.close()  # this test's own connection went with the others
            status, page = get("/customers/")
    else:  # the embedded default has no server to stop: the same failure, simulated
        with database_down():
            status, page = get("/customers/")
    assert status == 503
    assert "The cockpit cannot reach its database right now." in page
    assert "Traceback" not in page
    assert get("/customers/")[0] == 200  # back by itself
