"""The database away for a moment: pages and the API fail cleanly and recover by
themselves."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

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
