"""Shared fixtures: the personas of the suite and the CI rule that a skip is a failure.

Personas: ``rep_a`` (a sales rep with customers), ``rep_b`` (another rep with their own
customer), ``manager``, ``admin``.
"""

import os

import pytest
from django.test import Client
from django.utils import translation

from cockpit.roles import Role
from tests.factories import CustomerFactory, make_user

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# inside one unless told it is safe (it is: the loop is not ours).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("COCKPIT_REQUIRE_SERVICES", "") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        # In CI every service and the browser are there: a skipped test hides a broken setup.
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI (COCKPIT_REQUIRE_SERVICES=1): {reason}"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests hash passwords by the hundred: the production hasher's deliberate slowness
    would cost minutes and prove nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english():
    """Each test starts in English; a German request must not leak into the next test."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached cockpit figures and refresh marks must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def eager_celery(settings):
    """Tasks run in-process unless a test asks for the real worker."""
    from cockpit.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def rep_a(db):
    return make_user("rep_a", Role.SALES_REP)


@pytest.fixture
def rep_b(db):
    return make_user("rep_b", Role.SALES_REP)


@pytest.fixture
def manager(db):
    return make_user("manager_m", Role.MANAGER)


@pytest.fixture
def admin_user(db):
    return make_user("admin_x", Role.ADMIN)


@pytest.fixture
def customer_a(rep_a):
    return CustomerFactory(number="A-1", name="Alpha Maschinenbau GmbH", owner=rep_a)


@pytest.fixture
def customer_b(rep_b):
    return CustomerFactory(number="B-1", name="Beta Logistik AG", owner=rep_b)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_a(rep_a) -> Client:
    return logged_in(rep_a)


@pytest.fixture
def client_manager(manager) -> Client:
    return logged_in(manager)


@pytest.fixture
def celery_worker(transactional_db):
    """One real Celery worker on the test database (None on the embedded default)."""
    from tests.workers import running_workers

    with running_workers(1) as workers:
        yield workers[0] if workers else None
