"""Every URL and API endpoint x every role, with the status each must get.

The URL names come from the URL conf itself: a new view without a row here fails the
suite (test_every_url_has_a_row). Each cell runs on a fresh book: customer A-1 and its
contact, touchpoint, transaction, alert, task and action plan belong to rep "rep_a"; "rep"
is that owner, "other_rep" another sales rep. Statuses: 200/201/204 served, 302 a redirect
(to the login page for the anonymous), 400 a form or payload error (allowed, but empty),
401/403 refused, 404 "no such thing" for what a role may not see, 405 wrong method.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agenda.calendar import feed_token
from agenda.models import ActionPlan, Task
from alerts.models import Alert, ToleranceRule
from cockpit.roles import Role
from customers.models import ImportJob
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    TransactionFactory,
    make_user,
)

ROLES = ["anonymous", "rep", "other_rep", "manager", "admin"]
SKIPPED_NAMESPACES = {"admin"}  # Django's own admin: its permissions are Django's


def row(method: str, anonymous: int, rep: int, other_rep: int, manager: int, admin: int):
    return method, dict(zip(ROLES, (anonymous, rep, other_rep, manager, admin), strict=True))


EXPECTED: dict[str, tuple[str, dict[str, int]]] = {
    # name: row(method, anonymous, rep, other_rep, manager, admin)
    "home": row("GET", 302, 302, 302, 302, 302),
    "kpi_cockpit": row("GET", 302, 200, 200, 200, 200),  # a rep sees their own book
    "healthz": row("GET", 200, 200, 200, 200, 200),  # public: for load balancers
    "mail_settings": row("GET", 302, 200, 200, 200, 200),  # everybody their own
    "login": row("GET", 200, 200, 200, 200, 200),
    "logout": row("POST", 302, 302, 302, 302, 302),
    "set_language": row("POST", 302, 302, 302, 302, 302),
    "customers:list": row("GET", 302, 200, 200, 200, 200),
    "customers:create": row("GET", 302, 200, 200, 200, 200),
    "customers:export": row("GET", 302, 200, 200, 200, 200),
    "customers:export_kpis": row("GET", 302, 200, 200, 200, 200),
    "customers:detail": row("GET", 302, 200, 404, 200, 200),
    "customers:update": row("GET", 302, 200, 404, 200, 200),
    "customers:contact_create": row("GET", 302, 200, 404, 200, 200),
    "customers:contact_update": row("GET", 302, 200, 404, 200, 200),
    "customers:interaction_create": row("GET", 302, 200, 404, 200, 200),
    "customers:transaction_create": row("GET", 302, 200, 404, 200, 200),
    # Personal data: managers' work; another rep's customer does not exist for a rep (404).
    "customers:personal_data": row("GET", 302, 403, 404, 200, 200),
    # A-1 is a company: only private customers are erased as a whole (404 for the others).
    "customers:erase": row("GET", 302, 403, 404, 404, 404),
    "customers:contact_personal_data": row("GET", 302, 403, 404, 200, 200),
    "customers:contact_erase": row("GET", 302, 403, 404, 200, 200),
    "imports:upload": row("GET", 302, 403, 403, 200, 200),
    "imports:job": row("GET", 302, 403, 403, 200, 200),
    "imports:run": row("POST", 302, 403, 403, 302, 302),
    "imports:template": row("GET", 302, 200, 200, 200, 200),  # an empty layout, no data
    "predictive_model": row("GET", 302, 403, 403, 403, 200),
    "alerts:inbox": row("GET", 302, 200, 200, 200, 200),
    "alerts:export": row("GET", 302, 200, 200, 200, 200),
    "alerts:rules": row("GET", 302, 403, 403, 403, 200),
    "alerts:rule_create": row("GET", 302, 403, 403, 403, 200),
    "alerts:rule_preview": row("POST", 302, 403, 403, 403, 200),
    "alerts:rule_update": row("GET", 302, 403, 403, 403, 200),
    "alerts:acknowledge": row("POST", 302, 302, 404, 302, 302),
    "alerts:snooze": row("POST", 302, 302, 404, 302, 302),
    "alerts:resolve": row("POST", 302, 302, 404, 302, 302),
    "agenda:my_day": row("GET", 302, 200, 200, 200, 200),
    "agenda:task": row("GET", 302, 302, 404, 302, 302),  # opens the task on the record
    "agenda:task_edit": row("GET", 302, 200, 404, 200, 200),
    "agenda:task_complete": row("POST", 302, 302, 404, 302, 302),
    "agenda:task_cancel": row("POST", 302, 302, 404, 302, 302),
    "agenda:task_create": row("GET", 302, 200, 404, 200, 200),
    "agenda:plan_create": row("GET", 302, 200, 404, 200, 200),
    "agenda:plan_edit": row("GET", 302, 200, 404, 200, 200),
    "agenda:calendar": row("GET", 200, 200, 200, 200, 200),  # the signed token is the key
    "api:customer-list": row("GET", 401, 200, 200, 200, 200),
    "api:customer-detail": row("GET", 401, 200, 404, 200, 200),
    "api:contact-list": row("GET", 401, 200, 200, 200, 200),
    "api:contact-detail": row("GET", 401, 200, 404, 200, 200),
    "api:interaction-list": row("GET", 401, 200, 200, 200, 200),
    "api:interaction-batch": row("POST", 401, 400, 400, 400, 400),  # an empty batch
    "api:interaction-detail": row("GET", 401, 200, 404, 200, 200),
    "api:transaction-list": row("GET", 401, 200, 200, 200, 200),
    "api:transaction-batch": row("POST", 401, 400, 400, 400, 400),
    "api:transaction-detail": row("GET", 401, 200, 404, 200, 200),
    "api:alert-list": row("GET", 401, 200, 200, 200, 200),
    "api:alert-detail": row("GET", 401, 200, 404, 200, 200),
    "api:alert-acknowledge": row("POST", 401, 200, 404, 200, 200),
    "api:alert-resolve": row("POST", 401, 200, 404, 200, 200),
    "api:alert-snooze": row("POST", 401, 400, 404, 400, 400),  # no date given
    "api:rule-list": row("GET", 401, 403, 403, 403, 200),
    "api:rule-detail": row("GET", 401, 403, 403, 403, 200),
    "api:task-list": row("GET", 401, 200, 200, 200, 200),
    "api:task-detail": row("GET", 401, 200, 404, 200, 200),
    "api:task-complete": row("POST", 401, 200, 404, 200, 200),
    "api:api-root": row("GET", 401, 200, 200, 200, 200),
    "api:cockpit-summary": row("GET", 401, 200, 200, 200, 200),
    "api-schema": row("GET", 200, 200, 200, 200, 200),  # public, like the docs
    "api-docs": row("GET", 200, 200, 200, 200, 200),
}


def url_names() -> list[str]:
    names: list[str] = []

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                inner = pattern.namespace or None
                walk(pattern.url_patterns, ":".join(p for p in (namespace, inner) if p) or None)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if name not in names:
                    names.append(name)

    walk(get_resolver().url_patterns, None)
    return names


class Book:
    """The objects every cell of the matrix addresses."""

    def __init__(self):
        self.users = {
            "rep": make_user("rep_a", Role.SALES_REP),
            "other_rep": make_user("rep_b", Role.SALES_REP),
            "manager": make_user("manager_m", Role.MANAGER),
            "admin": make_user("admin_x", Role.ADMIN),
        }
        rep = self.users["rep"]
        self.customer = CustomerFactory(number="A-1", owner=rep)
        self.contact = ContactFactory(customer=self.customer)
        self.interaction = InteractionFactory(customer=self.customer)
        self.transaction = TransactionFactory(customer=self.customer)
        self.rule = ToleranceRule.objects.order_by("pk").first()
        now = timezone.now()
        self.alert = Alert.objects.create(
            customer=self.customer, rule=self.rule, level="red", bound=1.0, kpi_value=2.0,
            opened_at=now, changed_at=now,
        )  # fmt: skip
        self.task = Task.objects.create(
            customer=self.customer, assignee=rep, kind="call", due_on=now.date()
        )
        self.plan = ActionPlan.objects.create(
            customer=self.customer, goal="Keep the account", responsible=rep,
            review_on=now.date() + dt.timedelta(days=30),
        )  # fmt: skip
        self.job = ImportJob.objects.create(
            kind="transactions", filename="t.csv", content=b"", uploaded_by=self.users["manager"]
        )

    def kwargs(self, name: str) -> dict:
        pk = {
            "api:contact-detail": self.contact.pk,
            "api:interaction-detail": self.interaction.pk,
            "api:transaction-detail": self.transaction.pk,
            "api:rule-detail": self.rule.pk,
            "api:task-detail": self.task.pk,
            "api:task-complete": self.task.pk,
        }.get(name, self.alert.pk)
        values = {
            "number": self.customer.number,
            "contact_id": self.contact.pk,
            "file_format": "csv",
            "job_id": self.job.pk,
            "kind": "transactions",
            "rule_id": self.rule.pk,
            "alert_id": self.alert.pk,
            "task_id": self.task.pk,
            "plan_id": self.plan.pk,
            "token": feed_token(self.users["rep"]),
            "pk": pk,
        }
        return {key: values[key] for key in _kwarg_names(name)}

    def client(self, role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


def _kwarg_names(name: str) -> list[str]:
    """The keyword arguments of the pattern behind ``name`` (its shortest form, without
    the API's format suffix)."""
    namespace, _, short = name.rpartition(":")
    found = get_resolver()
    for part in filter(None, namespace.split(":")):
        found = found.namespace_dict[part][1]
    forms = [params for entry in found.reverse_dict.getlist(short) for _, params in entry[0]]
    return min(forms, key=len) if forms else []


def status_of(name: str, method: str, role: str) -> int:
    """The status ``role`` gets, on a book of its own (rolled back afterwards)."""
    with transaction.atomic():
        book = Book()
        url = reverse(name, kwargs=book.kwargs(name))
        client = book.client(role)
        if method == "GET":
            response = client.get(url)
        else:
            response = getattr(client, method.lower())(url, {}, format="json")
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.django_db
def test_every_url_has_a_row():
    missing = [name for name in url_names() if name not in EXPECTED]
    assert not missing, f"URLs without a row in the permission matrix: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_status_of_its_row(name):
    method, expected = EXPECTED[name]
    observed = {role: status_of(name, method, role) for role in ROLES}
    assert observed == expected


@pytest.mark.django_db
def test_only_admins_reach_the_django_admin():
    observed = {role: status_of("admin:index", "GET", role) for role in ROLES}
    assert observed == {
        "anonymous": 302,
        "rep": 302,
        "other_rep": 302,
        "manager": 302,
        "admin": 200,
    }


@pytest.mark.django_db
def test_a_refused_page_says_which_roles_it_is_for(client):
    client.force_login(make_user("manager_m", Role.MANAGER))
    admins_only = client.get(reverse("predictive_model"))
    assert admins_only.status_code == 403
    assert "This page is for admins. Ask an administrator if you need it." in (
        admins_only.content.decode()
    )  # a manager is not sent to ask their manager
    german = client.get(reverse("predictive_model"), HTTP_ACCEPT_LANGUAGE="de")
    assert "Nur für Admins. Fragen Sie Ihre Administration, wenn Sie sie brauchen." in (
        german.content.decode()
    )
