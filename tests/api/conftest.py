import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def api_as(user) -> APIClient:
    """A client authenticated by token, as an integration would be."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def api_a(rep_a) -> APIClient:
    return api_as(rep_a)


@pytest.fixture
def api_manager(manager) -> APIClient:
    return api_as(manager)


@pytest.fixture
def api_admin(admin_user) -> APIClient:
    return api_as(admin_user)
