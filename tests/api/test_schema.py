"""The OpenAPI schema validates, the docs are served from local assets, and a bounded
schemathesis run finds no server error and no response that contradicts the schema."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.factories import ContactFactory, CustomerFactory, TransactionFactory

RAW_SCHEMA = json.loads(
    OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
)
schema = schemathesis.openapi.from_dict(RAW_SCHEMA)
schema.app = WSGIHandler()


def test_the_schema_validates_and_describes_every_endpoint():
    validate_schema(RAW_SCHEMA)
    paths = set(RAW_SCHEMA["paths"])
    assert {"/api/v1/customers/", "/api/v1/customers/{number}/", "/api/v1/contacts/",
            "/api/v1/interactions/batch/", "/api/v1/transactions/batch/",
            "/api/v1/alerts/{id}/acknowledge/", "/api/v1/alerts/{id}/snooze/",
            "/api/v1/alerts/{id}/resolve/", "/api/v1/rules/", "/api/v1/tasks/{id}/complete/",
            "/api/v1/cockpit/summary/"} <= paths  # fmt: skip
    batch = RAW_SCHEMA["paths"]["/api/v1/transactions/batch/"]["post"]
    assert batch["requestBody"]["content"]["application/json"]["examples"]


@pytest.mark.django_db
def test_the_docs_page_uses_local_assets(client_manager):
    page = client_manager.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    assert client_manager.get("/api/schema/").status_code == 200


@pytest.fixture
def book(manager):
    """A token and a little data; requests go straight to the WSGI handler, which would
    close the test's database connection after each one (Django's test client keeps it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    customer = CustomerFactory(number="K-1001", owner=manager)
    ContactFactory(customer=customer)
    TransactionFactory(customer=customer)
    yield Token.objects.get_or_create(user=manager)[0].key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_no_server_error_and_every_response_matches_the_schema(case, book):
    case.call_and_validate(
        headers={"Authorization": f"Token {book}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
